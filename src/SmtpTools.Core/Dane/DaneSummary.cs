using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.Dane
{
    /// <summary>
    /// The per-host and per-domain DANE verdicts from the per-address rows of <see cref="DaneChecker.CheckDomainAsync"/>:
    /// a host is as good as its worst address (a sender may connect to any of them), a domain as good as its worst host.
    /// </summary>
    public static class DaneSummary
    {
        // Worst first. NoTlsa ranks below Match: a domain where one host has no TLSA is not protected by DANE for the mail
        // that goes there. NotChecked (nothing to check) is last: it never hides a verdict.
        private static readonly DaneStatus[] Order =
        {
            DaneStatus.NoMatch, DaneStatus.TlsFailed, DaneStatus.TempError, DaneStatus.Unverifiable, DaneStatus.NoTlsa, DaneStatus.Match, DaneStatus.NotChecked,
        };

        /// <summary>The worst of <paramref name="statuses"/> in the order above; NotChecked when there is none.</summary>
        public static DaneStatus Worst(IEnumerable<DaneStatus> statuses) =>
            statuses.DefaultIfEmpty(DaneStatus.NotChecked).OrderBy(s => Array.IndexOf(Order, s)).First();

        /// <summary>One domain's result from its rows (per host and address, hosts in preference order).</summary>
        /// <exception cref="ArgumentNullException">rows is null.</exception>
        public static DaneDomainResult Summarize(string domain, int port, IReadOnlyList<DaneResult> rows)
        {
            if (rows == null) throw new ArgumentNullException(nameof(rows));
            var result = new DaneDomainResult { Domain = domain, Port = port };
            // CheckDomainAsync's one row without a host: the MX lookup failed, or there is no mail host to check.
            if (rows.Count == 1 && rows[0].MxHost == null)
            {
                result.Status = rows[0].Status;
                result.Detail = rows[0].Detail;
                result.Findings = rows[0].Findings ?? Array.Empty<Finding>();
                return result;
            }
            result.MxHosts = rows.GroupBy(r => r.MxHost, StringComparer.OrdinalIgnoreCase).Select(g => Host(domain, port, g.ToArray())).ToArray();
            result.Status = Worst(result.MxHosts.Select(h => h.Status));
            var findings = result.MxHosts.SelectMany(h => h.Findings).ToList();
            var without = result.MxHosts.Where(h => h.Status == DaneStatus.NoTlsa || h.Status == DaneStatus.Unverifiable).ToList();
            if (without.Count > 0 && without.Count < result.MxHosts.Length && result.MxHosts.Any(h => h.UsesDane))
                findings.Add(FindingCatalog.DaneNotOnEveryMx.Create(
                    $"DANE is in use on {string.Join(", ", result.MxHosts.Where(h => h.UsesDane).Select(h => h.MxHost))} but not on {string.Join(", ", without.Select(h => $"{h.MxHost} ({h.Status})"))}: mail delivered there is not authenticated by DANE."));
            result.Findings = findings.ToArray();
            result.Detail = DomainDetail(result);
            return result;
        }

        private static DaneMxResult Host(string domain, int port, DaneResult[] rows)
        {
            var worst = rows.OrderBy(r => Array.IndexOf(Order, r.Status)).First();
            var host = new DaneMxResult
            {
                Domain = domain,
                MxHost = rows[0].MxHost,
                Preference = rows[0].Preference,
                Port = port,
                Status = worst.Status,
                TlsaName = rows[0].TlsaName,
                TlsaValidated = rows[0].TlsaValidated,
                Addresses = rows,
                // DNS-decided verdicts repeat once per address with the same text: one finding each.
                Findings = rows.SelectMany(r => r.Findings ?? Array.Empty<Finding>())
                    .GroupBy(f => (f.Id, f.Message)).Select(g => g.First()).ToArray(),
            };
            if (rows.All(r => r.Status == worst.Status && r.Detail == worst.Detail))
                host.Detail = worst.Detail;
            else if (rows.All(r => r.Status == DaneStatus.Match))
                host.Detail = $"Every address of {host.MxHost} ({rows.Length}) presents a chain its TLSA records match.";
            else
                host.Detail = $"{host.MatchCount} of {rows.Length} addresses of {host.MxHost} match; {worst.Address}: {worst.Detail}";
            return host;
        }

        private static string DomainDetail(DaneDomainResult r)
        {
            var hosts = r.MxHosts;
            switch (r.Status)
            {
                case DaneStatus.Match:
                    return $"Every address of every MX host of {r.Domain} ({r.AddressCount} address(es) of {hosts.Length} host(s)) presents a chain its TLSA records match.";
                case DaneStatus.NoTlsa when hosts.All(h => h.Status == DaneStatus.NoTlsa):
                    return $"No MX host of {r.Domain} publishes usable TLSA records: DANE is not in use.";
                default:
                    var worst = hosts.First(h => h.Status == r.Status);
                    return $"{hosts.Count(h => h.Status == DaneStatus.Match)} of {hosts.Length} MX host(s) match on every address; {worst.MxHost} is {worst.Status}: {worst.Detail}";
            }
        }
    }
}
