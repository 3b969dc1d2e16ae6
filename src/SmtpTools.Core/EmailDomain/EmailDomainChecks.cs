using System;
using System.Collections.Generic;
using System.Linq;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// The checks of Test-EmailDomain, one entry each: the engine call that checks a domain, how its result rates on the
    /// report's common scale, and where it goes in the report. Every engine shares the pipeline's resolver, so the
    /// checks of all domains share one DNS cache (DMARC's organizational-domain lookups, MX hosts asked by several checks).
    /// </summary>
    internal static class EmailDomainChecks
    {
        public static IReadOnlyList<DomainCheck> Create(IDnsResolver resolver, EmailDomainOptions options)
        {
            var spf = new SpfAuditor(resolver);
            var dmarc = new DmarcPolicyChecker(resolver, options.Dmarc);
            var dkim = new DkimRecordChecker(resolver);
            var selectors = options.DkimSelectors?.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();

            return new[]
            {
                DomainCheck.Of(EmailDomainCheck.Spf, spf.AuditAsync, Spf),
                DomainCheck.Of(EmailDomainCheck.Dmarc, dmarc.AuditAsync, Dmarc),
                DomainCheck.Of(EmailDomainCheck.Dkim, (domain, ct) => dkim.CheckAsync(domain, selectors, null, ct), Dkim),
            };
        }

        private static CheckOutcome Spf(SpfRecord r) => new CheckOutcome
        {
            Status = r.Status switch
            {
                SpfRecordStatus.Valid => EmailDomainCheckStatus.Pass,
                SpfRecordStatus.Warning => EmailDomainCheckStatus.Warning,
                SpfRecordStatus.Invalid => EmailDomainCheckStatus.Fail,
                SpfRecordStatus.NoRecord => EmailDomainCheckStatus.Missing,
                _ => EmailDomainCheckStatus.TempError,
            },
            CheckStatus = r.Status.ToString(),
            Summary = r.Records.Length == 0 ? null
                : $"{(r.AllQualifier == null ? "no all" : r.AllQualifier + "all")}, {r.DnsLookupCount} DNS lookup(s)",
            Records = r.Records,
            Findings = r.Findings,
            Store = report => { report.Spf = r; report.SpfStatus = r.Status.ToString(); },
        };

        private static CheckOutcome Dmarc(DmarcPolicy p) => new CheckOutcome
        {
            Status = p.Status switch
            {
                DmarcPolicyStatus.Valid => EmailDomainCheckStatus.Pass,
                DmarcPolicyStatus.Warning => EmailDomainCheckStatus.Warning,
                DmarcPolicyStatus.NotFound => EmailDomainCheckStatus.Missing,
                DmarcPolicyStatus.TempError => EmailDomainCheckStatus.TempError,
                _ => EmailDomainCheckStatus.Fail,
            },
            CheckStatus = p.Status.ToString(),
            Summary = p.Policy == null ? null
                : $"p={p.Policy.Value.ToString().ToLowerInvariant()}"
                  + (p.Percentage != null && p.Percentage < 100 ? $" pct={p.Percentage}" : "")
                  + (p.PolicyDomain != null && !string.Equals(p.PolicyDomain, p.Domain, StringComparison.OrdinalIgnoreCase) ? $" (from {p.PolicyDomain})" : ""),
            Records = p.Record == null ? Array.Empty<string>() : new[] { p.Record },
            Findings = p.Findings,
            Store = report =>
            {
                report.Dmarc = p;
                report.DmarcStatus = p.Status.ToString();
                report.DmarcPolicy = p.Policy?.ToString().ToLowerInvariant();
            },
        };

        private static CheckOutcome Dkim(IReadOnlyList<DkimRecordCheck> checks)
        {
            var found = checks.Where(c => c.Found).ToList();
            var usable = found.Where(c => c.IsUsable).ToList();
            EmailDomainCheckStatus status;
            if (usable.Any(c => c.Status == DkimRecordStatus.Valid)) status = EmailDomainCheckStatus.Pass;
            else if (usable.Count > 0) status = EmailDomainCheckStatus.Warning;
            else if (checks.Any(c => c.Status == DkimRecordStatus.LookupFailed)) status = EmailDomainCheckStatus.TempError;
            else if (found.Count > 0 || checks.Any(c => c.CnameTarget != null)) status = EmailDomainCheckStatus.Fail;
            else status = EmailDomainCheckStatus.Missing;
            var selectors = string.Join(";", found.Select(c => c.Selector));
            return new CheckOutcome
            {
                Status = status,
                CheckStatus = string.Join(";", checks.Select(c => c.Status).Distinct()),
                Summary = found.Count == 0 ? null : string.Join(", ", found.Select(c => $"{c.Selector} ({c.KeyAlgorithm} {c.KeyLength})")),
                Records = found.Select(c => $"{c.DnsName}: {c.Record}").ToArray(),
                Findings = checks.SelectMany(c => c.Findings).ToArray(),
                Store = report => { report.Dkim = checks.ToArray(); report.DkimSelectorsFound = selectors; },
            };
        }
    }
}
