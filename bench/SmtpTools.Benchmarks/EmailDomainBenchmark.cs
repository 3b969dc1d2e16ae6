using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using SmtpTools.Core.Dns;
using SmtpTools.Core.EmailDomain;
using static SmtpTools.Benchmarks.MailTransportBenchmark;
using static SmtpTools.Benchmarks.SpfAuditBenchmark;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// email-domain: Test-EmailDomain's engine with every DNS check (SPF, DMARC, DKIM probing 39 selectors, MX with
    /// reverse DNS, MTA-STS and TLS-RPT records, BIMI record, DNSSEC status, blocklists for the domain and its MX
    /// addresses; no -ProbeMx, and no HTTPS fetch because the generated domains publish no _mta-sts or BIMI record) on N
    /// generated domains served by a private Knot, directly and through a proxy that delays every reply (a resolver
    /// far away). Half the domains have an MX host of their own, half share one of 20 providers' two hosts; all include one
    /// of 20 providers' SPF records. By default every domain publishes a DKIM key at selector1 (the probe's worst case:
    /// all 39 selectors asked); --without-dkim P leaves it out of P % of them, as parked and non-sending domains do (the
    /// probe then stops at the NXDOMAIN for _domainkey, RFC 8020). One resolver (one cache) per run, as one pipeline has;
    /// every report is checked.
    /// </summary>
    internal sealed class EmailDomainBenchmark : IBenchmark
    {
        private const string Zone = "bench.test";   // its own organizational domain, so the DMARC and BIMI fallbacks are answered
        // The same domains, addresses and provider hosts as mail-transport, so its reverse zone serves here too.
        private const string ReverseZone = "18.198.in-addr.arpa";
        private const int Providers = 20;
        private const string DkimKey = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkmDnTwjXlagFLUH0ALlKo4FZcS8tYY8QuE/k1TIpI6sCm+SlaGybi3NsJ6uBgeVuzaF6q1EsQ7ZTePbQFrB2lujW0nnn1KK1P2Qu+pcnhrWtY6Vz6X/diuQEaeytAnhgAgi19y7yz1YJU1k5hzZU/covLeN3Vgay0LyUNEL5rF/p8H2eU9N+/XoYbOOF95DZ/VGhWfelNwZet0f6D6akXUShDrv8Kwb931iSoG3Uc0CXmEOGhYJtOnL7FTmUV2SiTP+oNUAndkI7q3m53LF3T5vQQ3P8cEan2LVGIAMF90Z5TCPXKE51qArh882j0m94cjuSqmTSegeoSto2mfjmLwIDAQAB";
        public string Name => "email-domain";
        public string Description => "Test-EmailDomain throughput, all DNS checks, Core and the cmdlet in pwsh (--domains N --delay-ms 30 --concurrency 256 --without-dkim 0 --warm-up-seconds 40 --core-only)";

        /// <summary>Percent of the domains without a DKIM key (--without-dkim), for this run.</summary>
        private static int _withoutDkim;

        /// <summary>Domain dN publishes no DKIM key: the first P of every 100.</summary>
        internal static bool WithoutDkim(int i) => i % 100 < _withoutDkim;

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int n = options.TryGetValue("domains", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 2000;
            int delayMs = options.TryGetValue("delay-ms", out var ms) ? int.Parse(ms, CultureInfo.InvariantCulture) : 30;
            int concurrency = options.TryGetValue("concurrency", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 256;
            _withoutDkim = options.TryGetValue("without-dkim", out var w) ? int.Parse(w, CultureInfo.InvariantCulture) : 0;
            var names = Enumerable.Range(0, n).Select(i => $"d{i}.{Zone}").ToList();
            Console.WriteLine($"email-domain: {n} domains ({_withoutDkim} % without DKIM), {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}, load average {EnginesBenchmark.LoadAverage()}");
            using var knot = new TemporaryKnot(new[] { (Zone, BuildZone(n)), (ReverseZone, MailTransportBenchmark.BuildReverseZone(n)) });
            using var proxy = new DelayingDnsProxy(new IPEndPoint(IPAddress.Loopback, 0), knot.EndPoint, TimeSpan.FromMilliseconds(delayMs));
            var far = ((IPEndPoint)proxy.EndPoint).ToString();
            Console.WriteLine($"knotd serving {Zone} and {ReverseZone} on {knot.Endpoint}; replies delayed {delayMs} ms on {far}");

            if (options.ContainsKey("each"))
            {
                // One check at a time: where the time goes.
                var each = new List<string[]>();
                foreach (var check in options.TryGetValue("check", out var only) ? new[] { (EmailDomainCheck)Enum.Parse(typeof(EmailDomainCheck), only, true) } : EmailDomainAuditor.AllChecks)
                    each.Add(MailTransportBenchmark.CpuRow(check + " only, loopback Knot", knot, () => Measure(knot.Endpoint, names, concurrency, new[] { check })));
                Table(each);
                return 0;
            }
            Measure(knot.Endpoint, names.Take(Math.Min(200, n)).ToList(), concurrency); // warm-up: JIT, sockets, knotd's first answers
            var rows = options.ContainsKey("given-selector-only") ? new List<string[]>
            {
                MailTransportBenchmark.CpuRow($"all DNS checks, DKIM selector given (no probe), loopback Knot, concurrency {concurrency}", knot, () => Measure(knot.Endpoint, names, concurrency, null, new[] { "selector1" })),
                MailTransportBenchmark.CpuRow($"all DNS checks, DKIM selector given (no probe), resolver {delayMs} ms away, concurrency {concurrency}", knot, () => Measure(far, names, concurrency, null, new[] { "selector1" })),
            } : new List<string[]>
            {
                MailTransportBenchmark.CpuRow($"all DNS checks, loopback Knot, concurrency {concurrency}", knot, () => Measure(knot.Endpoint, names, concurrency)),
                MailTransportBenchmark.CpuRow($"all DNS checks, resolver {delayMs} ms away, concurrency {concurrency}", knot, () => Measure(far, names, concurrency)),
                MailTransportBenchmark.CpuRow($"all DNS checks, DKIM selector given (no probe), loopback Knot, concurrency {concurrency}", knot, () => Measure(knot.Endpoint, names, concurrency, null, new[] { "selector1" })),
                MailTransportBenchmark.CpuRow($"all DNS checks, DKIM selector given (no probe), resolver {delayMs} ms away, concurrency {concurrency}", knot, () => Measure(far, names, concurrency, null, new[] { "selector1" })),
                            };
            if (!options.ContainsKey("core-only") && !options.ContainsKey("given-selector-only"))
                rows.AddRange(Cmdlet(knot, far, names, options));
            Table(rows);
            foreach (var row in rows.Where(r => r[3] != "n/a"))
                Console.WriteLine($"{row[0]}: {double.Parse(row[3], CultureInfo.InvariantCulture) / double.Parse(row[1], CultureInfo.InvariantCulture):0.0} DNS questions per domain");
            return 0;
        }

        /// <summary>
        /// The same domains through Test-EmailDomain in one real pwsh (email-domain.ps1): loopback Knot, then the far
        /// resolver, each a new pipeline with the cmdlet's default -ThrottleLimit. knotd's CPU is not split per run here.
        /// </summary>
        private static IEnumerable<string[]> Cmdlet(TemporaryKnot knot, string far, List<string> names, IReadOnlyDictionary<string, string> options)
        {
            string root = Repository.Root;
            string module = PwshProcess.Module(root, options);
            // As in the engines benchmark: a new pwsh runs tier-0 code for its first 15-30 s; the first run is reported apart.
            int warmUpSeconds = options.TryGetValue("warm-up-seconds", out var w) ? int.Parse(w, CultureInfo.InvariantCulture) : 40;
            string list = System.IO.Path.Combine(knot.Folder, "domains.txt");
            System.IO.File.WriteAllLines(list, names);
            foreach (var f in PwshProcess.RunScript(PwshProcess.Find(root), "email-domain.ps1",
                $"-Module '{module}' -Server '{knot.Endpoint}','{far}' -DomainList '{list}' -BlocklistZone 'ipbl.{Zone}','dbl.{Zone}' -WithoutDkim {_withoutDkim} -WarmUpSeconds {warmUpSeconds}", "RESULT"))
            {
                const string FirstRun = " (first run)";
                bool first = f[1].EndsWith(FirstRun, StringComparison.Ordinal);
                string server = first ? f[1].Substring(0, f[1].Length - FirstRun.Length) : f[1];
                int items = int.Parse(f[2], CultureInfo.InvariantCulture), good = int.Parse(f[5], CultureInfo.InvariantCulture);
                if (items != names.Count || good != names.Count)
                    throw new InvalidOperationException($"Test-EmailDomain -Server {server}: {good} of {items} reports as expected for {names.Count} domains");
                double seconds = double.Parse(f[3], CultureInfo.InvariantCulture), cpu = double.Parse(f[4], CultureInfo.InvariantCulture);
                string where = (server == knot.Endpoint ? "loopback Knot" : "resolver far away") + (first ? FirstRun : "");
                yield return new[]
                {
                    $"Test-EmailDomain in pwsh, all DNS checks, {where}, default -ThrottleLimit", names.Count.ToString(CultureInfo.InvariantCulture),
                    (names.Count / seconds).ToString("0", CultureInfo.InvariantCulture), "n/a", "n/a", seconds.ToString("0.00", CultureInfo.InvariantCulture),
                    (cpu * 1000 / names.Count).ToString("0.00", CultureInfo.InvariantCulture) + " (pwsh process)", "n/a",
                };
            }
        }

        /// <summary>The CPU columns say what a domain costs whatever else runs: two cores divided by their sum is the idle machine's rate.</summary>
        private static void Table(List<string[]> rows) =>
            EnginesBenchmark.Table(new[] { "run", "domains", "domains/s", "DNS queries", "queries/s", "seconds", "CPU ms/domain (checks)", "CPU ms/domain (knotd)" }, rows);

        private static Measurement Measure(string server, List<string> names, int concurrency, EmailDomainCheck[] checks = null, string[] dkimSelectors = null)
        {
            using var resolver = new DnsResolver(new DnsResolverOptions
            {
                Servers = DnsServerEndpoint.ParseAll(new[] { server }),
                Timeout = TimeSpan.FromSeconds(5),
                Retries = 2,
                // what Test-EmailDomain configures for -ThrottleLimit (DnsCmdlet.CreateResolver)
                MaxConcurrentQueries = Math.Max(8, Math.Min(concurrency * 2, 512)),
            });
            var auditor = new EmailDomainAuditor(resolver, new EmailDomainOptions
            {
                Checks = checks,
                DkimSelectors = dkimSelectors,
                BlocklistZones = new[] { new DnsBlocklistZone("ipbl." + Zone), new DnsBlocklistZone("dbl." + Zone) },
            });
            return MailTransportBenchmark.CheckedRun(names, concurrency, resolver,
                async (i, name) => Check(i, await auditor.AuditAsync(name, CancellationToken.None).ConfigureAwait(false), checks == null));
        }

        private static string Check(int i, EmailDomainReport r, bool all)
        {
            if (!all) return null;
            if (r.SpfStatus != "Valid" || r.DmarcPolicy != "reject" || r.DkimSelectorsFound != (WithoutDkim(i) ? "" : "selector1"))
                return $"SPF {r.SpfStatus}, DMARC {r.DmarcPolicy}, DKIM {r.DkimSelectorsFound}: {r.FindingIds}";
            bool listed = AddressListed(i) || DomainListed(i);
            if (r.MxCount != (OwnHost(i) ? 1 : 2) || r.Listed != listed || r.Dnssec != "Unsigned" || r.TlsRpt != "Valid" || r.MtaStsMode != "NotFound" || r.Bimi != "NotFound")
                return $"MX {r.MxCount}, listed {r.Listed}, DNSSEC {r.Dnssec}, TLS-RPT {r.TlsRpt}, MTA-STS {r.MtaStsMode}, BIMI {r.Bimi}: {r.FindingIds}";
            // No TLSA records (DANE not in use) and no -ProbeMx: neither lowers the grade.
            if (r.Dane != "NoTlsa" || r.SmtpTls != "NotRun") return $"Dane {r.Dane}, SmtpTls {r.SmtpTls}: {r.FindingIds}";
            var expected = listed ? EmailDomainGrade.C : EmailDomainGrade.B;  // unsigned, no MTA-STS (or no DKIM key): B; listed: C
            return r.Grade == expected ? null : $"grade {r.Grade}, expected {expected}: {string.Join(" ", r.GradeReasons)}";
        }

        private static string BuildZone(int n)
        {
            var sb = new StringBuilder(TemporaryKnot.ZoneHeader(Zone));
            for (int p = 0; p < Providers; p++)
            {
                sb.AppendLine($"mx1.prov{p} IN A 198.18.250.{2 * p + 1}");
                sb.AppendLine($"mx2.prov{p} IN A 198.18.250.{2 * p + 2}");
                sb.AppendLine($"_spf.prov{p} IN TXT \"v=spf1 ip4:198.18.250.{2 * p + 1} ip4:198.18.250.{2 * p + 2} -all\"");
            }
            sb.AppendLine("2.0.0.127.ipbl IN A 127.0.0.2");
            sb.AppendLine("test.dbl IN A 127.0.1.2");
            var key = string.Join(" ", Enumerable.Range(0, (DkimKey.Length + 199) / 200).Select(k => "\"" + DkimKey.Substring(k * 200, Math.Min(200, DkimKey.Length - k * 200)) + "\""));
            for (int i = 0; i < n; i++)
            {
                int p = i % Providers;
                if (OwnHost(i))
                {
                    var (a, b) = Address(i);
                    sb.AppendLine($"d{i} IN MX 10 mx.d{i}");
                    sb.AppendLine($"mx.d{i} IN A 198.18.{a}.{b}");
                    if (AddressListed(i)) sb.AppendLine($"{b}.{a}.18.198.ipbl IN A 127.0.0.2\n{b}.{a}.18.198.ipbl IN TXT \"listed for the benchmark\"");
                }
                else sb.AppendLine($"d{i} IN MX 10 mx1.prov{p}\nd{i} IN MX 20 mx2.prov{p}");
                if (DomainListed(i)) sb.AppendLine($"d{i}.{Zone}.dbl IN A 127.0.1.2");
                sb.AppendLine($"d{i} IN TXT \"v=spf1 include:_spf.prov{p}.{Zone} -all\"");
                sb.AppendLine($"_dmarc.d{i} IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@d{i}.{Zone}\"");
                if (!WithoutDkim(i)) sb.AppendLine($"selector1._domainkey.d{i} IN TXT ( {key} )");
                sb.AppendLine($"_smtp._tls.d{i} IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@d{i}.{Zone}\"");
            }
            return sb.ToString();
        }
    }
}
