using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Bimi;
using SmtpTools.Core.Blocklists;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Http;
using SmtpTools.Core.MtaSts;
using SmtpTools.Core.Mx;
using static SmtpTools.Benchmarks.SpfAuditBenchmark;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// mail-transport: the DNS-only checks of issue 14 on N generated domains served by a private Knot: Test-MxRecord's
    /// engine (MX, A/AAAA, forward-confirmed reverse DNS, DNSSEC status), Test-DnsBlocklist -IncludeMx's (the domain on
    /// a domain list, every MX address on an IP list, both lists' RFC 5782 test points), Test-MtaStsPolicy -NoFetch's
    /// (the _mta-sts record and the TLS-RPT record) and Test-BimiRecord -NoFetch's (the BIMI record and its DMARC
    /// prerequisite). Half the domains have an MX host of their own, half share two hosts of one of 20 providers, as real
    /// domains do; every MX address has a PTR that resolves back. Every result is checked: a fast wrong answer is not
    /// measured.
    /// </summary>
    internal sealed class MailTransportBenchmark : IBenchmark
    {
        private const string Zone = "bench.test";
        private const string ReverseZone = "18.198.in-addr.arpa";
        private const int Providers = 20;
        public string Name => "mail-transport";
        public string Description => "Test-MxRecord, Test-DnsBlocklist -IncludeMx, MTA-STS/TLS-RPT/BIMI records: Core and the cmdlets in pwsh (--domains N --core-only)";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int n = options.TryGetValue("domains", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 2000;
            var names = Enumerable.Range(0, n).Select(i => $"d{i}.{Zone}").ToList();
            Console.WriteLine($"mail-transport: {n} domains, {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}");
            using var knot = new TemporaryKnot(new[] { (Zone, BuildZone(n)), (ReverseZone, BuildReverseZone(n)) });
            Console.WriteLine($"knotd serving {Zone} and {ReverseZone} on {knot.Endpoint}");

            Measure(knot, names, 256, All); // warm-up: JIT, sockets, knotd's first answers
            var rows = new List<string[]>
            {
                CpuRow("MX (hosts, addresses, reverse DNS, DNSSEC), concurrency 256", knot, () => Measure(knot, names, 256, Mx)),
                CpuRow("blocklists -IncludeMx (domain + MX addresses), concurrency 256", knot, () => Measure(knot, names, 256, Blocklists)),
                CpuRow("MTA-STS + TLS-RPT records, BIMI record + DMARC, concurrency 256", knot, () => Measure(knot, names, 256, Records)),
                CpuRow("all of them, one resolver, concurrency 256", knot, () => Measure(knot, names, 256, All)),
                CpuRow("all of them, one resolver, concurrency 32", knot, () => Measure(knot, names, 32, All)),
                CpuRow("all of them, one resolver, concurrency 1", knot, () => Measure(knot, names, 1, All)),
            };
            if (!options.ContainsKey("core-only")) rows.AddRange(Cmdlets(knot, names, options));
            EnginesBenchmark.Table(new[] { "run", "domains", "domains/s", "DNS queries", "queries/s", "seconds", "CPU ms/domain (checks)", "CPU ms/domain (knotd)" }, rows);
            return 0;
        }

        /// <summary>
        /// The five cmdlets in one real pwsh (mail-transport.ps1), each its own pipeline with its own cache, and the rate of
        /// all of them one after the other (every domain through every check: the sum of their times).
        /// </summary>
        private static IEnumerable<string[]> Cmdlets(TemporaryKnot knot, List<string> names, IReadOnlyDictionary<string, string> options)
        {
            string root = Repository.Root;
            string list = System.IO.Path.Combine(knot.Folder, "domains.txt");
            System.IO.File.WriteAllLines(list, names);
            double seconds = 0, cpu = 0;
            static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            foreach (var f in PwshProcess.RunScript(PwshProcess.Find(root), "mail-transport.ps1",
                $"-Module '{PwshProcess.Module(root, options)}' -Server '{knot.Endpoint}' -DomainList '{list}' -BlocklistZone 'ipbl.{Zone}','dbl.{Zone}'", "RESULT"))
            {
                int items = int.Parse(f[2], CultureInfo.InvariantCulture);
                // Test-DnsBlocklist -IncludeMx writes one result per name or address checked, the others one per domain.
                if (items < names.Count) throw new InvalidOperationException($"{f[1]}: {items} results for {names.Count} domains");
                double s = double.Parse(f[3], CultureInfo.InvariantCulture), c = double.Parse(f[4], CultureInfo.InvariantCulture);
                seconds += s;
                cpu += c;
                yield return new[] { f[1] + " (pwsh)", names.Count.ToString(CultureInfo.InvariantCulture), F(names.Count / s, "0"), "n/a", "n/a", F(s, "0.00"), F(c * 1000 / names.Count, "0.00"), "n/a" };
            }
            yield return new[] { "all five cmdlets one after the other (pwsh)", names.Count.ToString(CultureInfo.InvariantCulture), F(names.Count / seconds, "0"), "n/a", "n/a", F(seconds, "0.00"), F(cpu * 1000 / names.Count, "0.00"), "n/a" };
        }

        /// <summary>
        /// The measurement with the CPU time it cost this process and knotd per domain: on a shared machine the wall-clock
        /// rate depends on what else runs; the CPU cost does not, and two cores divided by it is the idle machine's rate.
        /// </summary>
        internal static string[] CpuRow(string name, TemporaryKnot knot, Func<Measurement> measure)
        {
            var self = Process.GetCurrentProcess();
            var before = (Self: self.TotalProcessorTime, Knot: knot.CpuTime);
            var m = measure();
            self.Refresh();
            double PerDomain(TimeSpan t) => t.TotalMilliseconds / m.Items;
            return Row(name, m).Concat(new[]
            {
                PerDomain(self.TotalProcessorTime - before.Self).ToString("0.00", CultureInfo.InvariantCulture),
                PerDomain(knot.CpuTime - before.Knot).ToString("0.00", CultureInfo.InvariantCulture),
            }).ToArray();
        }

        private static DnsResolver Resolver(TemporaryKnot knot, int concurrency) => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { knot.Endpoint }),
            Timeout = TimeSpan.FromSeconds(5),
            Retries = 2,
            // what the DNS cmdlets configure for -ThrottleLimit (DnsCmdlet.CreateResolver)
            MaxConcurrentQueries = Math.Max(8, Math.Min(concurrency * 2, 512)),
        });

        private static DnsBlocklistOptions Lists => new DnsBlocklistOptions
        {
            Zones = new[] { new DnsBlocklistZone("ipbl." + Zone), new DnsBlocklistZone("dbl." + Zone) },
            IncludeMx = true,
        };

        /// <summary>One domain's checks: its number and name in, the first wrong thing out (null when all is right).</summary>
        private delegate Task<string> Check(int i, string name);

        private static Check Mx(DnsResolver resolver)
        {
            var mx = new MxChecker(resolver);
            return async (i, name) => CheckMx(i, await mx.CheckAsync(name, CancellationToken.None).ConfigureAwait(false));
        }

        private static Check Blocklists(DnsResolver resolver)
        {
            var lists = new DnsBlocklistChecker(resolver, Lists);
            return async (i, name) => CheckLists(i, await lists.CheckDomainAsync(name, CancellationToken.None).ConfigureAwait(false));
        }

        // -NoFetch: the records only. The fetcher is never used then; the checkers take one anyway.
        private static Check Records(DnsResolver resolver)
        {
            var fetcher = new HttpsFetcher(resolver);
            var sts = new MtaStsChecker(resolver, fetcher, null, new MtaStsOptions { FetchPolicy = false });
            var bimi = new BimiChecker(resolver, fetcher, new BimiOptions { FetchFiles = false });
            return async (i, name) =>
            {
                var policy = sts.CheckAsync(name, CancellationToken.None);
                var brand = bimi.CheckAsync(name, null, CancellationToken.None);
                return CheckRecords(await policy.ConfigureAwait(false), await brand.ConfigureAwait(false));
            };
        }

        private static Check All(DnsResolver resolver)
        {
            var checks = new[] { Mx(resolver), Blocklists(resolver), Records(resolver) };
            return async (i, name) =>
            {
                var problems = await Task.WhenAll(checks.Select(c => c(i, name))).ConfigureAwait(false);
                return problems.FirstOrDefault(p => p != null);
            };
        }

        private static Measurement Measure(TemporaryKnot knot, List<string> names, int concurrency, Func<DnsResolver, Check> checks)
        {
            using var resolver = Resolver(knot, concurrency);
            var check = checks(resolver);
            return CheckedRun(names, concurrency, resolver, (i, name) => check(i, name));
        }

        /// <summary>
        /// Runs <paramref name="check"/> for every generated name dN (N passed as the number) at the given concurrency and
        /// times it; any wrong answer fails the run instead of being timed. For every benchmark on this zone layout.
        /// </summary>
        internal static Measurement CheckedRun(List<string> names, int concurrency, DnsResolver resolver, Func<int, string, Task<string>> check)
        {
            int wrong = 0;
            string firstWrong = null;
            var sw = Stopwatch.StartNew();
            ForEachConcurrently(names, concurrency, async name =>
            {
                int i = int.Parse(name.Substring(1, name.IndexOf('.') - 1), CultureInfo.InvariantCulture);
                string problem = await check(i, name).ConfigureAwait(false);
                if (problem == null) return;
                Interlocked.Increment(ref wrong);
                Interlocked.CompareExchange(ref firstWrong, $"{name}: {problem}", null);
            });
            sw.Stop();
            if (wrong > 0) throw new InvalidOperationException($"{wrong} wrong results, the first: {firstWrong}");
            return new Measurement { Items = names.Count, Seconds = sw.Elapsed.TotalSeconds, Queries = resolver.QueriesSent };
        }

        // The zone layout email-domain shares: which domains have their own MX host, and which are listed.
        internal static bool OwnHost(int i) => i % 2 == 0;
        internal static bool AddressListed(int i) => OwnHost(i) && i % 10 == 0;
        internal static bool DomainListed(int i) => i % 20 == 5;

        private static string CheckMx(int i, MxRecordResult r)
        {
            int hosts = OwnHost(i) ? 1 : 2;
            if (r.Status != MxStatus.Valid || r.HostCount != hosts || r.ForwardConfirmedCount != hosts || r.DnssecStatus != DnssecStatus.Unsigned)
                return $"MX {r.Status}, {r.HostCount} host(s), {r.ForwardConfirmedCount} confirmed, DNSSEC {r.DnssecStatus}: {r.FindingIds}";
            return null;
        }

        private static string CheckLists(int i, IReadOnlyList<DnsBlocklistResult> rows)
        {
            int hosts = OwnHost(i) ? 1 : 2;
            if (rows.Count != 1 + hosts) return $"{rows.Count} blocklist rows";
            if (rows[0].IsListed != DomainListed(i) || rows[0].Status == DnsBlocklistStatus.TempError) return $"domain row {rows[0].Status}";
            if (rows.Skip(1).Any(r => r.IsListed != AddressListed(i) || r.Status == DnsBlocklistStatus.TempError)) return "an MX address row is wrong: " + string.Join(", ", rows.Skip(1).Select(r => r.Status));
            return null;
        }

        private static string CheckRecords(MtaStsPolicy policy, BimiRecord bimi)
        {
            if (policy.Status != MtaStsStatus.RecordOnly || policy.TlsRptStatus != TlsRptStatus.Valid)
                return $"MTA-STS {policy.Status}, TLS-RPT {policy.TlsRptStatus}: {policy.FindingIds}";
            if (bimi.Status != BimiStatus.RecordOnly || bimi.DmarcEnforced != true)
                return $"BIMI {bimi.Status}, DMARC enforced {bimi.DmarcEnforced}";
            return null;
        }

        internal static (int A, int B) Address(int i) => (1 + i / 250, 1 + i % 250);

        private static string BuildZone(int n)
        {
            var sb = new StringBuilder(TemporaryKnot.ZoneHeader(Zone));
            for (int p = 0; p < Providers; p++)
            {
                sb.AppendLine($"mx1.prov{p} IN A 198.18.250.{2 * p + 1}");
                sb.AppendLine($"mx2.prov{p} IN A 198.18.250.{2 * p + 2}");
            }
            // BIMI's DMARC prerequisite is read at the organizational domain (bench.test), as it is for real subdomains.
            sb.AppendLine("_dmarc IN TXT \"v=DMARC1; p=reject\"");
            // RFC 5782 5 test points of both lists
            sb.AppendLine("2.0.0.127.ipbl IN A 127.0.0.2");
            sb.AppendLine("test.dbl IN A 127.0.1.2");
            for (int i = 0; i < n; i++)
            {
                if (OwnHost(i))
                {
                    var (a, b) = Address(i);
                    sb.AppendLine($"d{i} IN MX 10 mx.d{i}");
                    sb.AppendLine($"mx.d{i} IN A 198.18.{a}.{b}");
                    if (AddressListed(i)) sb.AppendLine($"{b}.{a}.18.198.ipbl IN A 127.0.0.2\n{b}.{a}.18.198.ipbl IN TXT \"listed for the benchmark\"");
                }
                else
                {
                    int p = i % Providers;
                    sb.AppendLine($"d{i} IN MX 10 mx1.prov{p}\nd{i} IN MX 20 mx2.prov{p}");
                }
                if (DomainListed(i)) sb.AppendLine($"d{i}.{Zone}.dbl IN A 127.0.1.2");
                sb.AppendLine($"_mta-sts.d{i} IN TXT \"v=STSv1; id=2026120{i % 10}\"");
                sb.AppendLine($"_smtp._tls.d{i} IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@d{i}.{Zone}\"");
                sb.AppendLine($"_dmarc.d{i} IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@d{i}.{Zone}\"");
                sb.AppendLine($"default._bimi.d{i} IN TXT \"v=BIMI1; l=https://images.d{i}.{Zone}/logo.svg; a=\"");
            }
            return sb.ToString();
        }

        internal static string BuildReverseZone(int n)
        {
            var sb = new StringBuilder(TemporaryKnot.ZoneHeader(ReverseZone));
            for (int p = 0; p < Providers; p++)
            {
                sb.AppendLine($"{2 * p + 1}.250 IN PTR mx1.prov{p}.{Zone}.");
                sb.AppendLine($"{2 * p + 2}.250 IN PTR mx2.prov{p}.{Zone}.");
            }
            for (int i = 0; i < n; i += 2)
            {
                var (a, b) = Address(i);
                sb.AppendLine($"{b}.{a} IN PTR mx.d{i}.{Zone}.");
            }
            return sb.ToString();
        }
    }
}
