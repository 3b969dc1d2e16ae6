using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// spf-audit: N generated domains with realistic include chains (a shared provider include that itself includes
    /// netblock records, a second mail-service include, mx and ip4 terms) served by a private Knot on loopback.
    /// Measures Get-SpfRecord's Core auditor (domains/s and DNS queries/s) at concurrency 1 and 32 with the shared
    /// per-pipeline cache, the queries the cache saves, Test-SpfRecord's check_host() throughput, and pyspf's
    /// sequential check_host() loop over the same domains when python3-spf is installed.
    /// </summary>
    internal sealed class SpfAuditBenchmark : IBenchmark
    {
        private const string Zone = "bench.test";
        public string Name => "spf-audit";
        public string Description => "Get-SpfRecord/Test-SpfRecord Core throughput on generated domains (--domains N, --no-pyspf)";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int n = options.TryGetValue("domains", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 2000;
            var domains = Enumerable.Range(0, n).Select(i => $"d{i}.{Zone}").ToList();
            Console.WriteLine($"spf-audit: {n} domains, {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}");
            using var knot = new TemporaryKnot(Zone, BuildZone(n));
            Console.WriteLine($"knotd serving {Zone} on {knot.Endpoint}");

            Audit(knot, domains.Take(Math.Min(200, n)).ToList(), 32); // warm-up: JIT, sockets
            var rows = new List<string[]>
            {
                Row("audit, concurrency 1, shared cache", Audit(knot, domains, 1)),
                Row("audit, concurrency 32, shared cache", Audit(knot, domains, 32)),
                Row("audit, concurrency 32, no shared cache", Audit(knot, domains, 32, sharedCache: false)),
                Row("check_host, concurrency 1, shared cache", Check(knot, domains, 1)),
                Row("check_host, concurrency 32, shared cache", Check(knot, domains, 32)),
                Row("check_host, concurrency 32, no shared cache", Check(knot, domains, 32, sharedCache: false)),
            };
            Measurement py = null;
            if (!options.ContainsKey("no-pyspf")) py = PySpf(knot, domains);
            if (py != null) rows.Add(Row("pyspf check2, sequential (python3-spf)", py));
            Print(rows);
            if (py != null)
            {
                double ours = double.Parse(rows[4][2], CultureInfo.InvariantCulture);
                double oursSeq = double.Parse(rows[3][2], CultureInfo.InvariantCulture);
                Console.WriteLine($"check_host ratio vs pyspf: {oursSeq / py.PerSecond:0.0}x sequential, {ours / py.PerSecond:0.0}x at concurrency 32");
            }
            else Console.WriteLine("pyspf not measured (python3-spf not installed, or --no-pyspf).");
            return 0;
        }

        internal sealed class Measurement
        {
            public int Items;
            public double Seconds;
            public long Queries;
            public double PerSecond => Items / Seconds;
        }

        private static Measurement Audit(TemporaryKnot knot, List<string> domains, int concurrency, bool sharedCache = true) =>
            Measure(knot, domains, concurrency, sharedCache, "audit as Valid",
                async (resolver, domain) => (await new SpfAuditor(resolver).AuditAsync(domain, CancellationToken.None).ConfigureAwait(false)).Status == SpfRecordStatus.Valid);

        private static Measurement Check(TemporaryKnot knot, List<string> domains, int concurrency, bool sharedCache = true) =>
            Measure(knot, domains, concurrency, sharedCache, "pass check_host",
                async (resolver, domain) => (await new SpfChecker(resolver).CheckHostAsync(Request(domain), CancellationToken.None).ConfigureAwait(false)).Result == SpfResult.Pass);

        /// <summary>
        /// Runs <paramref name="work"/> for every domain, <paramref name="concurrency"/> at a time, with one resolver for
        /// the run (the cmdlets' shared cache) or a fresh one per domain. Every domain must give the expected answer:
        /// a fast wrong engine is not measured.
        /// </summary>
        private static Measurement Measure(TemporaryKnot knot, List<string> domains, int concurrency, bool sharedCache, string expectation, Func<DnsResolver, string, Task<bool>> work)
        {
            var shared = sharedCache ? Resolver(knot) : null;
            long queries = 0;
            int wrong = 0;
            var sw = Stopwatch.StartNew();
            ForEachConcurrently(domains, concurrency, async domain =>
            {
                var resolver = shared ?? Resolver(knot);
                if (!await work(resolver, domain).ConfigureAwait(false)) Interlocked.Increment(ref wrong);
                if (shared == null) Interlocked.Add(ref queries, resolver.QueriesSent);
            });
            sw.Stop();
            if (wrong > 0) throw new InvalidOperationException($"{wrong} of {domains.Count} generated domains did not {expectation}: the benchmark zone or the engine is broken");
            return new Measurement { Items = domains.Count, Seconds = sw.Elapsed.TotalSeconds, Queries = shared?.QueriesSent ?? queries };
        }

        /// <summary>The client address is in the second provider's netblock: check_host() walks most of the tree.</summary>
        private static SpfCheckRequest Request(string domain) => new SpfCheckRequest
        {
            IPAddress = IPAddress.Parse(ClientAddress(domain)),
            Sender = "bench@" + domain,
            HeloDomain = "client.example",
        };

        private static string ClientAddress(string domain)
        {
            int i = int.Parse(domain.Substring(1, domain.IndexOf('.') - 1), CultureInfo.InvariantCulture);
            return $"198.51.100.{(i % 3) * 16 + 5}";
        }

        internal static DnsResolver Resolver(TemporaryKnot knot) => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { knot.Endpoint }),
            Timeout = TimeSpan.FromSeconds(5),
            Retries = 2,
            MaxConcurrentQueries = 64,
        });

        internal static void ForEachConcurrently(List<string> items, int concurrency, Func<string, Task> work)
        {
            int next = -1;
            var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < items.Count) await work(items[i]).ConfigureAwait(false);
            })).ToArray();
            Task.WaitAll(workers);
        }

        private static Measurement PySpf(TemporaryKnot knot, List<string> domains)
        {
            if (!File.Exists("/usr/lib/python3/dist-packages/spf.py"))
                return null;
            string script = Path.Combine(knot.Folder, "pyspf_bench.py");
            File.WriteAllText(script, string.Join("\n",
                "import sys, time, dns.resolver, spf",
                "r = dns.resolver.Resolver(configure=False)",
                "r.nameservers = ['127.0.0.1']",
                "r.port = int(sys.argv[1])",
                "dns.resolver.default_resolver = r",
                "cases = [line.split() for line in open(sys.argv[2])]",
                "start = time.perf_counter()",
                "passed = sum(1 for ip, sender in cases if spf.check2(i=ip, s=sender, h='client.example')[0] == 'pass')",
                "print(len(cases), passed, time.perf_counter() - start)",
                ""));
            string list = Path.Combine(knot.Folder, "cases.txt");
            File.WriteAllLines(list, domains.Select(x => ClientAddress(x) + " bench@" + x));
            // The Debian python3 (python3-spf lives in its dist-packages), not whatever python3 comes first on PATH.
            string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var psi = new ProcessStartInfo(python, $"\"{script}\" {knot.Port} \"{list}\"") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("pyspf run failed: " + error);
            var parts = output.Trim().Split(' ');
            int count = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int passed = int.Parse(parts[1], CultureInfo.InvariantCulture);
            if (passed != count) throw new InvalidOperationException($"pyspf passed {passed} of {count}: it does not agree with the zone");
            return new Measurement { Items = count, Seconds = double.Parse(parts[2], CultureInfo.InvariantCulture), Queries = -1 };
        }

        internal static string[] Row(string name, Measurement m) => new[]
        {
            name,
            m.Items.ToString(CultureInfo.InvariantCulture),
            m.PerSecond.ToString("0", CultureInfo.InvariantCulture),
            m.Queries < 0 ? "n/a" : m.Queries.ToString(CultureInfo.InvariantCulture),
            m.Queries < 0 ? "n/a" : (m.Queries / m.Seconds).ToString("0", CultureInfo.InvariantCulture),
            m.Seconds.ToString("0.00", CultureInfo.InvariantCulture),
        };

        internal static void Print(List<string[]> rows) =>
            EnginesBenchmark.Table(new[] { "run", "domains", "domains/s", "DNS queries", "queries/s", "seconds" }, rows);

        /// <summary>
        /// Three providers, each _spf.providerP including its _netblocksP record (hundreds of domains share each), and
        /// five mail services _spf.mailsvcM; the networks are given per benchmark so that clients can be placed outside.
        /// </summary>
        internal static void AppendProviders(StringBuilder sb, string zone, Func<int, string> provider, Func<int, string> netblock, Func<int, string> mailService)
        {
            for (int p = 0; p < 3; p++)
            {
                sb.AppendLine($"_spf.provider{p} IN TXT \"v=spf1 include:_netblocks{p}.provider{p}.{zone} ip4:{provider(p)} ~all\"");
                sb.AppendLine($"_netblocks{p}.provider{p} IN TXT \"v=spf1 ip4:{netblock(p)} ip6:2001:db8:{p}::/48 ~all\"");
            }
            for (int m = 0; m < 5; m++)
                sb.AppendLine($"_spf.mailsvc{m} IN TXT \"v=spf1 ip4:{mailService(m)} -all\"");
        }

        /// <summary>
        /// Each domain: ip4, a shared provider include (which includes one of its netblock records), a mail-service
        /// include, mx, ~all - 4 DNS lookups for check_host and the same providers shared by hundreds of domains.
        /// </summary>
        private static string BuildZone(int n)
        {
            var sb = new StringBuilder();
            sb.Append(TemporaryKnot.ZoneHeader(Zone));
            AppendProviders(sb, Zone, p => $"192.0.2.{p * 16}/28", p => $"198.51.100.{p * 16}/28", m => $"203.0.113.{m * 32}/27");
            for (int i = 0; i < n; i++)
            {
                sb.AppendLine($"d{i} IN TXT \"v=spf1 ip4:192.0.2.{200 + i % 50} include:_spf.mailsvc{i % 5}.{Zone} include:_spf.provider{i % 3}.{Zone} mx ~all\"");
                sb.AppendLine($"d{i} IN MX 10 mx{i % 20}.{Zone}.");
            }
            for (int x = 0; x < 20; x++) sb.AppendLine($"mx{x} IN A 192.0.2.{100 + x}");
            return sb.ToString();
        }
    }
}
