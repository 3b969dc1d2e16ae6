using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// The grade of a report, by the rubric documented in Test-EmailDomain's help (keep them in step):
    /// Unknown when SPF or DMARC could not be checked; F when neither a usable SPF record nor an enforcing DMARC policy
    /// protects the domain; otherwise each "C" problem (no or broken SPF, no or broken DMARC, DMARC p=none) caps the
    /// grade at C, two or more give D; each "B" problem (DKIM not found or broken, an SPF or DMARC warning, DMARC
    /// applied to less than 100 %, no MTA-STS or not enforced, no TLS-RPT, MX warnings, an unsigned zone, a broken BIMI
    /// record, a check that could not finish, DANE records senders cannot use or on only some MX hosts, an MX host
    /// without working STARTTLS or with a refused certificate) caps it at B; a broken MTA-STS policy, a bogus DNSSEC
    /// zone, a domain that cannot receive mail or is on a blocklist, TLSA records that do not match the MX host's
    /// certificate (-ProbeMx), an MX host failing TLS under an enforced MTA-STS policy are "C" problems too; nothing of
    /// that: A. No DANE and checks not run (SmtpTls without -ProbeMx) do not lower the grade.
    /// </summary>
    internal static class EmailDomainGrader
    {
        /// <summary>How a check other than SPF and DMARC that is not Pass lowers the grade: 'C', 'B' or not at all ('-').</summary>
        private static (char Level, string Reason) Problem(EmailDomainCheckResult row, bool enforced)
        {
            var s = row.Status;
            switch (row.Check)
            {
                case EmailDomainCheck.Dkim:
                    return ('B', s == EmailDomainCheckStatus.Missing ? "No DKIM key found at the probed selectors: DMARC can rely on SPF only, which breaks on forwarding."
                        : $"The DKIM key is not usable as published ({row.CheckStatus}).");
                case EmailDomainCheck.Mx:
                    return s == EmailDomainCheckStatus.Fail ? ('C', "The domain cannot receive mail: no MX host with an address (and no null MX saying so).")
                        : ('B', $"The MX set-up has problems ({row.CheckStatus}).");
                case EmailDomainCheck.MtaSts:
                    return s == EmailDomainCheckStatus.Fail ? ('C', $"MTA-STS is published but broken ({row.CheckStatus}): senders cannot apply it, and those with a cached policy may fail.")
                        : s == EmailDomainCheckStatus.Missing ? ('B', "No MTA-STS policy: mail to the domain can be downgraded to clear text.")
                        : ('B', "MTA-STS is not enforced (testing or none): senders deliver without TLS when it fails.");
                case EmailDomainCheck.TlsRpt:
                    return ('B', s == EmailDomainCheckStatus.Missing ? "No TLS-RPT record: nobody is told when senders cannot deliver securely."
                        : $"The TLS-RPT record is unusable ({row.CheckStatus}).");
                case EmailDomainCheck.Bimi:
                    // BIMI is optional: only a broken record counts.
                    return s == EmailDomainCheckStatus.Missing ? ('-', null) : ('B', $"BIMI is published but receivers show no logo ({row.CheckStatus}).");
                case EmailDomainCheck.Dnssec:
                    return s == EmailDomainCheckStatus.Fail ? ('C', "DNSSEC is broken (bogus): validating resolvers cannot look the domain up, so mail to it fails.")
                        : s == EmailDomainCheckStatus.Missing ? ('B', "The zone is not DNSSEC-signed: answers about it can be forged (and DANE cannot be used).")
                        : ('B', $"DNSSEC: {row.CheckStatus}.");
                case EmailDomainCheck.Blocklist:
                    return s == EmailDomainCheckStatus.Fail ? ('C', $"On a blocklist: {row.Summary}.") : ('-', null);
                case EmailDomainCheck.Dane:
                    // DANE is optional (like BIMI): only records that are there and wrong count.
                    return s == EmailDomainCheckStatus.Missing ? ('-', null)
                        : s == EmailDomainCheckStatus.Fail ? ('C', $"DANE: an MX host's TLSA records do not match what it presents ({row.CheckStatus}): DANE senders defer all mail to it.")
                        : ('B', row.CheckStatus == "Partial" ? "DANE: only some MX hosts publish TLSA records; senders can be pushed to the others without authentication."
                            : $"DANE: TLSA records are published but senders cannot use them ({row.CheckStatus}).");
                case EmailDomainCheck.SmtpTls:
                    if (s == EmailDomainCheckStatus.Missing) return ('-', null); // no MX host: the Mx check says so
                    // Under an enforced MTA-STS policy a host without valid TLS receives no mail from senders that apply it.
                    if (enforced && row.CheckStatus != nameof(MtaStsMxTlsResult.Unreachable)) return ('C', $"MTA-STS is enforced but an MX host fails it over SMTP ({row.CheckStatus}): senders applying the policy do not deliver there.");
                    return ('B', s == EmailDomainCheckStatus.Fail ? $"An MX host offers no working STARTTLS ({row.CheckStatus}): mail to it travels in clear text."
                        : $"An MX host's TLS is weak or unreachable ({row.CheckStatus}): senders that authenticate the server refuse it.");
                default:
                    return ('B', $"{row.Check}: {row.Status} ({row.CheckStatus}).");
            }
        }

        public static (EmailDomainGrade Grade, List<string> Reasons) Grade(EmailDomainReport report)
        {
            var reasons = new List<string>();
            var c = new List<string>();
            var b = new List<string>();
            var spf = report.GetCheck(EmailDomainCheck.Spf);
            var dmarc = report.GetCheck(EmailDomainCheck.Dmarc);

            bool Undecided(EmailDomainCheckResult row) => row != null && (row.Status == EmailDomainCheckStatus.TempError || row.Status == EmailDomainCheckStatus.Error);
            if (Undecided(spf) || Undecided(dmarc))
            {
                foreach (var row in new[] { spf, dmarc }.Where(Undecided))
                    reasons.Add($"{row.Check} could not be checked ({row.Status}): no grade until it can.");
                return (EmailDomainGrade.Unknown, reasons);
            }

            bool spfUsable = true, dmarcEnforcing = true;
            if (spf != null)
            {
                switch (spf.Status)
                {
                    case EmailDomainCheckStatus.Missing:
                        spfUsable = false;
                        c.Add("No SPF record: receivers cannot tell the domain's servers from forgers.");
                        break;
                    case EmailDomainCheckStatus.Fail:
                        spfUsable = false;
                        c.Add(report.Findings.Any(f => f.Check == EmailDomainCheck.Spf && f.Id == FindingCatalog.SpfPassAll.Id)
                            ? "SPF authorises every address on the Internet (+all)."
                            : $"The SPF record is broken ({spf.CheckStatus}): receivers treat it as a permanent error.");
                        break;
                    case EmailDomainCheckStatus.Warning:
                        b.Add("The SPF record has warnings.");
                        break;
                }
            }
            if (dmarc != null)
            {
                var policy = report.Dmarc;
                switch (dmarc.Status)
                {
                    case EmailDomainCheckStatus.Missing:
                        dmarcEnforcing = false;
                        c.Add("No DMARC policy: receivers apply no policy to mail that fails SPF and DKIM.");
                        break;
                    case EmailDomainCheckStatus.Fail:
                        dmarcEnforcing = false;
                        c.Add($"The DMARC record is unusable ({dmarc.CheckStatus}).");
                        break;
                    default:
                        if (report.DmarcPolicy == "none" || report.DmarcPolicy == null)
                        {
                            dmarcEnforcing = false;
                            c.Add("DMARC p=none only monitors: failing mail is delivered as usual.");
                        }
                        else if (policy != null && (policy.Percentage < 100 || policy.Testing))
                            b.Add($"DMARC p={report.DmarcPolicy} applies to only part of the failing mail ({(policy.Testing ? "t=y" : $"pct={policy.Percentage}")}).");
                        else if (dmarc.Status == EmailDomainCheckStatus.Warning)
                            b.Add("The DMARC policy has warnings.");
                        break;
                }
            }
            if (spf != null && dmarc != null && !spfUsable && !dmarcEnforcing)
            {
                reasons.AddRange(c);
                reasons.Add("Neither a usable SPF record nor an enforcing DMARC policy: anyone can send mail as this domain.");
                return (EmailDomainGrade.F, reasons);
            }

            foreach (var row in report.Checks.Where(r => r.Check != EmailDomainCheck.Spf && r.Check != EmailDomainCheck.Dmarc))
            {
                if (row.Status == EmailDomainCheckStatus.Pass || row.Status == EmailDomainCheckStatus.NotRun) continue;
                if (row.Status == EmailDomainCheckStatus.TempError || row.Status == EmailDomainCheckStatus.Error)
                {
                    b.Add($"{row.Check} could not be checked ({row.Status}).");
                    continue;
                }
                var (level, reason) = Problem(row, report.MtaStsMode == "enforce");
                if (level == 'C') c.Add(reason);
                else if (level == 'B') b.Add(reason);
            }

            reasons.AddRange(c.Select(r => r + " (caps at C)"));
            reasons.AddRange(b.Select(r => r + " (caps at B)"));
            var grade = c.Count >= 2 ? EmailDomainGrade.D : c.Count == 1 ? EmailDomainGrade.C : b.Count > 0 ? EmailDomainGrade.B : EmailDomainGrade.A;
            return (grade, reasons);
        }
    }
}
