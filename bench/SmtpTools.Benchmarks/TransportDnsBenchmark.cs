using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Bimi;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Http;
using SmtpTools.Core.MtaSts;
using static SmtpTools.Benchmarks.EnginesBenchmark;
using static SmtpTools.Benchmarks.SpfAuditBenchmark;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// transport-dns (issue 14): the DNS-only transport checks over N generated domains served by a private Knot — the
    /// MTA-STS record (Test-MtaStsPolicy -NoFetch, which also reads TLS-RPT), the TLS-RPT record (Test-TlsRptRecord) and
    /// the BIMI record with its DMARC prerequisite (Test-BimiRecord -NoFetch) — first as Core engines in this process
    /// (concurrency 32, one resolver and cache per run as a pipeline has), then as the cmdlets in a real pwsh 7.6.10
    /// (one new pipeline per run, default parameters). Every result is checked: a fast wrong answer is not measured.
    /// </summary>
    internal sealed class TransportDnsBenchmark : IBenchmark
    {
        private const string Zone = "bench.test";
        public string Name => "transport-dns";
        public string Description => "Test-MtaStsPolicy -NoFetch, Test-TlsRptRecord, Test-BimiRecord -NoFetch on generated domains (--domains 2000 --rounds 3 [--core-only])";

        private sealed class Sample
        {
            public double Seconds;
            public double Cpu;
            public long Queries = -1;
        }

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int n = options.TryGetValue("domains", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 2000;
            int rounds = options.TryGetValue("rounds", out var r) ? int.Parse(r, CultureInfo.InvariantCulture) : 3;
            bool coreOnly = options.ContainsKey("core-only");
            var names = Enumerable.Range(0, n).Select(i => $"d{i}.{Zone}").ToList();
            Console.WriteLine($"transport-dns: {n} domains, {rounds} round(s), {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}, load average {LoadAverage()}");
            using var knot = new TemporaryKnot(Zone, BuildZone(n));
            Console.WriteLine($"knotd serving {Zone} on {knot.Endpoint}");

            string root = Repository.Root;
            string module = Path.Combine(root, "out", "SmtpTools", "SmtpTools.psd1");
            string pwsh = null, list = null;
            if (!coreOnly)
            {
                if (!File.Exists(module)) throw new InvalidOperationException($"{module} is missing: dotnet build src/SmtpTools/SmtpTools.csproj -c Release first");
                pwsh = PwshProcess.Find(root);
                list = Path.Combine(knot.Folder, "domains.txt");
                File.WriteAllLines(list, names);
            }

            // Warm-up: JIT, sockets, and Knot's first answer for every name.
            CoreRun("all three", knot, names);
            var samples = new Dictionary<string, List<Sample>>();
            void Add(string name, Sample s)
            {
                if (!samples.TryGetValue(name, out var l)) samples[name] = l = new List<Sample>();
                l.Add(s);
            }
            for (int round = 0; round < rounds; round++)
            {
                foreach (var check in new[] { "MTA-STS record (+TLS-RPT)", "TLS-RPT record", "BIMI record (+DMARC)", "all three" })
                    Add("Core " + check, CoreRun(check, knot, names));
                if (!coreOnly)
                    foreach (var (name, sample) in Cmdlets(pwsh, module, knot.Endpoint, list, n))
                        Add(name, sample);
            }

            var rows = samples.Select(kv => new[]
            {
                kv.Key,
                n.ToString(CultureInfo.InvariantCulture),
                Spread(kv.Value.Select(s => n / s.Seconds), "0"),
                Spread(kv.Value.Select(s => s.Cpu * 1000 / n), "0.000"),
                kv.Value[0].Queries < 0 ? "n/a" : Spread(kv.Value.Select(s => (double)s.Queries / n), "0.0"),
            }).ToList();
            Table(new[] { "run", "domains", "domains/s median (min-max)", "CPU ms/domain", "DNS queries/domain" }, rows);
            return 0;
        }

        /// <summary>One Core run over every name at concurrency 32 with one resolver (the cmdlets' shared cache).</summary>
        private static Sample CoreRun(string check, TemporaryKnot knot, List<string> names)
        {
            var resolver = Resolver(knot);
            var fetcher = new HttpsFetcher(resolver);
            var mtaSts = new MtaStsChecker(resolver, fetcher, null, new MtaStsOptions { FetchPolicy = false });
            var tlsRpt = new TlsRptChecker(resolver);
            var bimi = new BimiChecker(resolver, fetcher, new BimiOptions { FetchFiles = false });
            bool all = check == "all three";
            int wrong = 0;
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            ForEachConcurrently(names, 32, async name =>
            {
                bool good = true;
                if (all || check.StartsWith("MTA-STS", StringComparison.Ordinal))
                {
                    var m = await mtaSts.CheckAsync(name, CancellationToken.None).ConfigureAwait(false);
                    good &= m.Status == MtaStsStatus.RecordOnly && m.PolicyId != null && m.TlsRpt?.Status == TlsRptStatus.Valid;
                }
                if (all || check.StartsWith("TLS-RPT", StringComparison.Ordinal))
                    good &= (await tlsRpt.CheckAsync(name, CancellationToken.None).ConfigureAwait(false)).Status == TlsRptStatus.Valid;
                if (all || check.StartsWith("BIMI", StringComparison.Ordinal))
                {
                    var b = await bimi.CheckAsync(name, null, CancellationToken.None).ConfigureAwait(false);
                    good &= b.Status == BimiStatus.RecordOnly && b.DmarcEnforced == true;
                }
                if (!good) Interlocked.Increment(ref wrong);
            });
            sw.Stop();
            process.Refresh();
            if (wrong > 0) throw new InvalidOperationException($"{check}: {wrong} of {names.Count} generated domains did not give the expected answer: the benchmark zone or the engine is broken");
            return new Sample { Seconds = sw.Elapsed.TotalSeconds, Cpu = (process.TotalProcessorTime - cpu).TotalSeconds, Queries = resolver.QueriesSent };
        }

        /// <summary>The three cmdlets in one pwsh process (transport-dns.ps1), one new pipeline each.</summary>
        private static IEnumerable<(string, Sample)> Cmdlets(string pwsh, string module, string server, string list, int n)
        {
            foreach (var f in PwshProcess.RunScript(pwsh, "transport-dns.ps1", $"-Module '{module}' -Server '{server}' -DomainList '{list}'", "RESULT"))
            {
                int items = int.Parse(f[2], CultureInfo.InvariantCulture), good = int.Parse(f[5], CultureInfo.InvariantCulture);
                if (items != n || good != n) throw new InvalidOperationException($"{f[1]}: {good} of {items} results as expected for {n} domains: the zone or the cmdlet is broken");
                yield return (f[1], new Sample { Seconds = D(f[3]), Cpu = D(f[4]) });
            }
        }

        /// <summary>
        /// Each dN.bench.test publishes what a domain with MTA-STS, TLS reporting and BIMI has in DNS: the _mta-sts record,
        /// one TLS-RPT record (mail or https destination), a BIMI record with a mark certificate URL, and DMARC p=reject
        /// (quarantine for every third). bench.test is the organizational domain of them all (the Public Suffix List's
        /// default rule), so BIMI's DMARC check also reads its policy, once per run through the cache.
        /// </summary>
        private static string BuildZone(int n)
        {
            var sb = new StringBuilder(TemporaryKnot.ZoneHeader(Zone));
            sb.AppendLine("_dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@bench.test\"");
            sb.AppendLine("_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@bench.test\"");
            for (int i = 0; i < n; i++)
            {
                sb.AppendLine($"d{i} IN MX 10 mx{i % 50}.provider.bench.test.");
                sb.AppendLine($"_mta-sts.d{i} IN TXT \"v=STSv1; id=2026120{i % 7}T{i:D6};\"");
                sb.AppendLine(i % 2 == 0
                    ? $"_smtp._tls.d{i} IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@d{i}.{Zone}\""
                    : $"_smtp._tls.d{i} IN TXT \"v=TLSRPTv1; rua=https://reports.provider.bench.test/tlsrpt/d{i}\"");
                sb.AppendLine($"default._bimi.d{i} IN TXT \"v=BIMI1; l=https://images.provider.bench.test/d{i}/logo.svg; a=https://images.provider.bench.test/d{i}/vmc.pem\"");
                sb.AppendLine(i % 3 == 0 ? $"_dmarc.d{i} IN TXT \"v=DMARC1; p=quarantine\"" : $"_dmarc.d{i} IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@d{i}.{Zone}\"");
            }
            return sb.ToString();
        }
    }
}
