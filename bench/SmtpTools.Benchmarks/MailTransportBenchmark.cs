using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Blocklists;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Mx;
using static SmtpTools.Benchmarks.SpfAuditBenchmark;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// mail-transport: the DNS-only checks of issue 14 on N generated domains served by a private Knot: Test-MxRecord's
    /// engine (MX, A/AAAA, forward-confirmed reverse DNS, DNSSEC status) and Test-DnsBlocklist -IncludeMx's (the domain on
    /// a domain list, every MX address on an IP list, both lists' RFC 5782 test points). Half the domains have an MX
    /// host of their own, half share two hosts of one of 20 providers, as real domains do; every MX address has a PTR
    /// that resolves back. Every result is checked: a fast wrong answer is not measured.
    /// </summary>
    internal sealed class MailTransportBenchmark : IBenchmark
    {
        private const string Zone = "bench.test";
        private const string ReverseZone = "18.198.in-addr.arpa";
        private const int Providers = 20;
        public string Name => "mail-transport";
        public string Description => "Test-MxRecord + Test-DnsBlocklist -IncludeMx Core throughput (--domains N)";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int n = options.TryGetValue("domains", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 2000;
            var names = Enumerable.Range(0, n).Select(i => $"d{i}.{Zone}").ToList();
            Console.WriteLine($"mail-transport: {n} domains, {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}");
            using var knot = new TemporaryKnot(new[] { (Zone, BuildZone(n)), (ReverseZone, BuildReverseZone(n)) });
            Console.WriteLine($"knotd serving {Zone} and {ReverseZone} on {knot.Endpoint}");

            Both(knot, names, 256); // warm-up: JIT, sockets, knotd's first answers
            var rows = new List<string[]>
            {
                Row("MX (hosts, addresses, reverse DNS, DNSSEC), concurrency 256", Mx(knot, names, 256)),
                Row("blocklists -IncludeMx (domain + MX addresses), concurrency 256", Blocklists(knot, names, 256)),
                Row("MX + blocklists, one resolver, concurrency 256", Both(knot, names, 256)),
                Row("MX + blocklists, one resolver, concurrency 32", Both(knot, names, 32)),
                Row("MX + blocklists, one resolver, concurrency 1", Both(knot, names, 1)),
            };
            Print(rows);
            return 0;
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

        private static Measurement Mx(TemporaryKnot knot, List<string> names, int concurrency) =>
            Measure(knot, names, concurrency, (resolver, _) => (new MxChecker(resolver), null));

        private static Measurement Blocklists(TemporaryKnot knot, List<string> names, int concurrency) =>
            Measure(knot, names, concurrency, (resolver, _) => (null, new DnsBlocklistChecker(resolver, Lists)));

        private static Measurement Both(TemporaryKnot knot, List<string> names, int concurrency) =>
            Measure(knot, names, concurrency, (resolver, _) => (new MxChecker(resolver), new DnsBlocklistChecker(resolver, Lists)));

        private static Measurement Measure(TemporaryKnot knot, List<string> names, int concurrency, Func<DnsResolver, int, (MxChecker, DnsBlocklistChecker)> engines)
        {
            using var resolver = Resolver(knot, concurrency);
            var (mx, lists) = engines(resolver, concurrency);
            int wrong = 0;
            string firstWrong = null;
            var sw = Stopwatch.StartNew();
            ForEachConcurrently(names, concurrency, async name =>
            {
                int i = int.Parse(name.Substring(1, name.IndexOf('.') - 1), CultureInfo.InvariantCulture);
                string problem = null;
                if (mx != null) problem = CheckMx(i, await mx.CheckAsync(name, CancellationToken.None).ConfigureAwait(false));
                if (lists != null && problem == null) problem = CheckLists(i, await lists.CheckDomainAsync(name, CancellationToken.None).ConfigureAwait(false));
                if (problem == null) return;
                Interlocked.Increment(ref wrong);
                Interlocked.CompareExchange(ref firstWrong, $"{name}: {problem}", null);
            });
            sw.Stop();
            if (wrong > 0) throw new InvalidOperationException($"{wrong} wrong results, the first: {firstWrong}");
            return new Measurement { Items = names.Count, Seconds = sw.Elapsed.TotalSeconds, Queries = resolver.QueriesSent };
        }

        private static bool OwnHost(int i) => i % 2 == 0;
        private static bool AddressListed(int i) => OwnHost(i) && i % 10 == 0;
        private static bool DomainListed(int i) => i % 20 == 5;

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

        private static (int A, int B) Address(int i) => (1 + i / 250, 1 + i % 250);

        private static string BuildZone(int n)
        {
            var sb = new StringBuilder(TemporaryKnot.ZoneHeader(Zone));
            for (int p = 0; p < Providers; p++)
            {
                sb.AppendLine($"mx1.prov{p} IN A 198.18.250.{2 * p + 1}");
                sb.AppendLine($"mx2.prov{p} IN A 198.18.250.{2 * p + 2}");
            }
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
