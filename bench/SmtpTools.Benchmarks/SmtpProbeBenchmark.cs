using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Smtp;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// smtp-probe: Test-SmtpConnection's Core prober against the running loopback Postfix (tests/Integration/run/
    /// servers.env): probes/s on the plain port, with STARTTLS, and with STARTTLS + AUTH, at concurrency 1 and 16, and
    /// Python's smtplib doing the same STARTTLS + AUTH conversation sequentially as a peer. Needs SSL_CERT_FILE set to
    /// the servers' SMTPTOOLS_CA_BUNDLE (as tests/run-tests.sh does).
    /// </summary>
    internal sealed class SmtpProbeBenchmark : IBenchmark
    {
        public string Name => "smtp-probe";
        public string Description => "Test-SmtpConnection Core probes/s against the loopback Postfix (--probes N, --no-python)";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int n = options.TryGetValue("probes", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : 200;
            var env = ReadServersEnv();
            if (Environment.GetEnvironmentVariable("SSL_CERT_FILE") != env["SMTPTOOLS_CA_BUNDLE"])
                throw new InvalidOperationException("export SSL_CERT_FILE=" + env["SMTPTOOLS_CA_BUNDLE"] + " first (the test CA must be trusted).");
            var host = env["SMTPTOOLS_SMTP_HOST"];
            int plain = int.Parse(env["SMTPTOOLS_SMTP_PLAIN_PORT"], CultureInfo.InvariantCulture);
            int submission = int.Parse(env["SMTPTOOLS_SMTP_SUBMISSION_PORT"], CultureInfo.InvariantCulture);
            var alice = new NetworkCredential(env["SMTPTOOLS_USER_ALICE"], env["SMTPTOOLS_PASSWORD_ALICE"]);
            Console.WriteLine($"smtp-probe: {n} probes per run against {host}, {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}");

            var prober = new SmtpConnectionProber(new DnsResolver(new DnsResolverOptions()));
            var plainOptions = new SmtpProbeOptions { Timeout = TimeSpan.FromSeconds(30) };
            var authOptions = new SmtpProbeOptions { Credential = alice, Timeout = TimeSpan.FromSeconds(30) };
            Probe(prober, host, submission, authOptions, 20, 4); // warm-up: JIT, TLS
            var rows = new List<string[]>
            {
                Row("plain port, EHLO + QUIT, concurrency 1", Probe(prober, host, plain, plainOptions, n, 1)),
                Row("plain port, EHLO + QUIT, concurrency 16", Probe(prober, host, plain, plainOptions, n, 16)),
                Row("STARTTLS, concurrency 1", Probe(prober, host, submission, plainOptions, n, 1)),
                Row("STARTTLS, concurrency 16", Probe(prober, host, submission, plainOptions, n, 16)),
                Row("STARTTLS + AUTH, concurrency 1", Probe(prober, host, submission, authOptions, n, 1)),
                Row("STARTTLS + AUTH, concurrency 16", Probe(prober, host, submission, authOptions, n, 16)),
            };
            if (!options.ContainsKey("no-python"))
            {
                var py = PythonSmtplib(host, submission, alice, n, env["SMTPTOOLS_CA_BUNDLE"]);
                if (py != null) rows.Add(new[] { "python3 smtplib STARTTLS + AUTH, sequential", n.ToString(CultureInfo.InvariantCulture), py.Value.ToString("0", CultureInfo.InvariantCulture), "n/a" });
            }
            var widths = Enumerable.Range(0, 4).Select(i => rows.Max(r => r[i].Length)).ToArray();
            Console.WriteLine($"{"run".PadRight(widths[0])}  {"probes".PadLeft(widths[1])}  {"probes/s".PadLeft(Math.Max(8, widths[2]))}  Total ms: median, p99, max (phase medians)");
            foreach (var r in rows) Console.WriteLine($"{r[0].PadRight(widths[0])}  {r[1].PadLeft(widths[1])}  {r[2].PadLeft(Math.Max(8, widths[2]))}  {r[3]}");
            return 0;
        }

        private static string[] Row(string name, (int Count, double PerSecond, string Medians) m) =>
            new[] { name, m.Count.ToString(CultureInfo.InvariantCulture), m.PerSecond.ToString("0", CultureInfo.InvariantCulture), m.Medians };

        private static (int, double, string) Probe(SmtpConnectionProber prober, string host, int port, SmtpProbeOptions options, int n, int concurrency)
        {
            var results = new SmtpConnectionResult[n];
            int next = -1;
            var clock = Stopwatch.StartNew();
            Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < n)
                    results[i] = await prober.ProbeAsync(new SmtpProbeTarget(host, port), options, CancellationToken.None).ConfigureAwait(false);
            }))).GetAwaiter().GetResult();
            clock.Stop();
            var failed = results.Count(r => r.FailedPhase != SmtpPhase.None);
            if (failed > 0) throw new InvalidOperationException($"{failed} probe(s) of port {port} failed, e.g. {results.First(r => r.FailedPhase != SmtpPhase.None).Error}");
            string Median(Func<SmtpConnectionTimings, double> phase)
            {
                var values = results.Select(r => phase(r.Timings)).OrderBy(t => t).ToArray();
                return values[values.Length / 2].ToString("0.0", CultureInfo.InvariantCulture);
            }
            return (n, n / clock.Elapsed.TotalSeconds,
                $"{Median(t => t.Total)}, p99 {results.Select(r => r.Timings.Total).OrderBy(t => t).ElementAt(Math.Min(n - 1, (int)(n * 0.99))).ToString("0", CultureInfo.InvariantCulture)}, max {results.Max(r => r.Timings.Total).ToString("0", CultureInfo.InvariantCulture)} (connect {Median(t => t.Connect)}, banner {Median(t => t.Banner)}, ehlo {Median(t => t.Ehlo)}, starttls {Median(t => t.StartTls)}, auth {Median(t => t.Authenticate)})");
        }

        private static double? PythonSmtplib(string host, int port, NetworkCredential credential, int n, string caBundle)
        {
            const string script = "import smtplib, ssl, sys, time\n" +
                "host, port, user, n, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]\n" +
                "password = sys.stdin.readline().rstrip('\\n')\n" +
                "context = ssl.create_default_context(cafile=ca)\n" +
                "start = time.perf_counter()\n" +
                "for _ in range(n):\n" +
                "    s = smtplib.SMTP(host, port, timeout=30); s.ehlo(); s.starttls(context=context); s.ehlo(); s.login(user, password); s.quit()\n" +
                "print(n / (time.perf_counter() - start))\n";
            var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-c", script, host, port.ToString(CultureInfo.InvariantCulture), credential.UserName, n.ToString(CultureInfo.InvariantCulture), caBundle }) psi.ArgumentList.Add(a);
            try
            {
                using var process = Process.Start(psi);
                process.StandardInput.WriteLine(credential.Password);
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEnd();
                var errors = process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0) { Console.WriteLine("python3 smtplib run failed: " + errors.Trim()); return null; }
                return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                Console.WriteLine("python3 not found: smtplib not measured.");
                return null;
            }
        }

        private static Dictionary<string, string> ReadServersEnv()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "SmtpTools.sln"))) dir = dir.Parent;
            var path = Path.Combine(dir?.FullName ?? ".", "tests", "Integration", "run", "servers.env");
            if (!File.Exists(path)) throw new InvalidOperationException($"{path} is missing: start the test servers first (tests/Integration/start-servers.sh).");
            return File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal) && l.Contains('='))
                .ToDictionary(l => l.Substring(0, l.IndexOf('=')), l => l.Substring(l.IndexOf('=') + 1).Trim('"', '\''));
        }
    }
}
