using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;
using static SmtpTools.Benchmarks.SpfAuditBenchmark;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// dmarc-audit: Test-DmarcPolicy's Core work on N generated domains served by a private Knot: policy discovery at the
    /// domain and by DNS tree walk, external report destinations with authorization records, the organizational-domain
    /// walk (a psd=y record at the parent), and evaluation with relaxed SPF alignment. Same DNS layer and per-pipeline
    /// cache as the SPF benchmark, so the figures are comparable.
    /// </summary>
    internal sealed class DmarcAuditBenchmark : IBenchmark
    {
        private const string Zone = "bench.test";
        public string Name => "dmarc-audit";
        public string Description => "Test-DmarcPolicy Core throughput on generated domains (--domains N)";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int n = options.TryGetValue("domains", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 2000;
            // Every third name is a subdomain without its own record: found by the tree walk / organizational domain.
            var names = Enumerable.Range(0, n).Select(i => AuditedName(i, Zone)).ToList();
            Console.WriteLine($"dmarc-audit: {n} domains, {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}");
            using var knot = new TemporaryKnot(Zone, BuildZone(n));
            Console.WriteLine($"knotd serving {Zone} on {knot.Endpoint}");

            // Warm-up over every name: JIT, sockets, and the fresh knotd's first answer for each name, which was
            // measured several times slower than later ones (a server-side effect, not the checker's).
            Audit(knot, names, 32, DmarcSpecification.Rfc9989);
            var rows = new List<string[]>
            {
                Row("audit RFC 9989, concurrency 1, shared cache", Audit(knot, names, 1, DmarcSpecification.Rfc9989)),
                Row("audit RFC 9989, concurrency 32, shared cache", Audit(knot, names, 32, DmarcSpecification.Rfc9989)),
                Row("audit RFC 9989, concurrency 32, no shared cache", Audit(knot, names, 32, DmarcSpecification.Rfc9989, sharedCache: false)),
                Row("audit RFC 7489, concurrency 32, shared cache", Audit(knot, names, 32, DmarcSpecification.Rfc7489)),
                Row("evaluate RFC 9989, concurrency 32, shared cache", Evaluate(knot, names, 32)),
            };
            Print(rows);
            return 0;
        }

        private static Measurement Audit(TemporaryKnot knot, List<string> names, int concurrency, DmarcSpecification spec, bool sharedCache = true)
        {
            var shared = sharedCache ? Resolver(knot) : null;
            long queries = 0;
            int notFound = 0, unauthorized = 0;
            var sw = Stopwatch.StartNew();
            ForEachConcurrently(names, concurrency, async name =>
            {
                var resolver = shared ?? Resolver(knot);
                var check = await new DmarcPolicyChecker(resolver, new DmarcOptions { Specification = spec }).CheckAsync(name, CancellationToken.None).ConfigureAwait(false);
                if (check.Status != DmarcLookupStatus.Found) Interlocked.Increment(ref notFound);
                if (check.Findings.Any(f => f.Id == "DmarcUnauthorizedReportDestination" || f.Id == "DmarcReportAuthorizationUnknown")) Interlocked.Increment(ref unauthorized);
                if (shared == null) Interlocked.Add(ref queries, resolver.QueriesSent);
            });
            sw.Stop();
            if (notFound > 0 || unauthorized > 0)
                throw new InvalidOperationException($"{notFound} names without a policy, {unauthorized} with unauthorized destinations: the benchmark zone or the checker is broken");
            return new Measurement { Items = names.Count, Seconds = sw.Elapsed.TotalSeconds, Queries = shared?.QueriesSent ?? queries };
        }

        private static Measurement Evaluate(TemporaryKnot knot, List<string> names, int concurrency)
        {
            var resolver = Resolver(knot);
            var evaluator = new DmarcEvaluator(new DmarcPolicyChecker(resolver));
            int pass = 0;
            var sw = Stopwatch.StartNew();
            ForEachConcurrently(names, concurrency, async name =>
            {
                // SPF passed for a bounce subdomain: relaxed alignment needs both organizational domains.
                var request = new DmarcEvaluationRequest { FromDomains = new[] { name }, SpfResult = SpfResult.Pass, SpfDomain = "bounce." + name };
                var result = await evaluator.EvaluateAsync(request, CancellationToken.None).ConfigureAwait(false);
                if (result.Result == DmarcResult.Pass) Interlocked.Increment(ref pass);
            });
            sw.Stop();
            if (pass != names.Count) throw new InvalidOperationException($"only {pass} of {names.Count} evaluations passed");
            return new Measurement { Items = names.Count, Seconds = sw.Elapsed.TotalSeconds, Queries = resolver.QueriesSent };
        }

        /// <summary>
        /// bench.test publishes a public-suffix-domain record (psd=y), so each dN.bench.test is its own organizational
        /// domain under RFC 9989 and report receivers reportsR.bench.test are external; a third of the domains send
        /// aggregate reports to one of 5 receivers that authorized them.
        /// </summary>
        private static string BuildZone(int n)
        {
            var sb = new StringBuilder();
            sb.Append(TemporaryKnot.ZoneHeader(Zone));
            sb.AppendLine("_dmarc IN TXT \"v=DMARC1; p=reject; psd=y\"");
            for (int i = 0; i < n; i++) AppendDomain(sb, i, Zone);
            return sb.ToString();
        }

        /// <summary>The DMARC records of domain i (one of the three kinds above); the zone needs the psd=y record at its apex.</summary>
        internal static void AppendDomain(StringBuilder sb, int i, string zone)
        {
            switch (i % 3)
            {
                case 0:
                    sb.AppendLine($"_dmarc.d{i} IN TXT \"v=DMARC1; p=reject; rua=mailto:agg@d{i}.{zone}\"");
                    break;
                case 1:
                    sb.AppendLine($"_dmarc.d{i} IN TXT \"v=DMARC1; p=quarantine; pct=50; rua=mailto:agg@reports{i % 5}.{zone}\"");
                    sb.AppendLine($"d{i}.{zone}._report._dmarc.reports{i % 5} IN TXT \"v=DMARC1\"");
                    break;
                default:
                    sb.AppendLine($"_dmarc.d{i} IN TXT \"v=DMARC1; p=none; sp=reject; rua=mailto:agg@d{i}.{zone}\"");
                    sb.AppendLine($"mail.d{i} IN A 192.0.2.{i % 250}");
                    break;
            }
        }

        /// <summary>The name audited for domain i: every third is a subdomain without its own record (found by the tree walk).</summary>
        internal static string AuditedName(int i, string zone) => i % 3 == 2 ? $"mail.d{i}.{zone}" : $"d{i}.{zone}";
    }
}
