using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// Compare-EmailDomainReport: what changed between two sets of reports (last night's and tonight's). Reads only what
    /// survives serialization (Grade, the flat columns, the check rows, the findings), so either side may come from a
    /// job, Import-Clixml or the JSON export.
    /// </summary>
    public static class EmailDomainComparer
    {
        /// <summary>
        /// One change per difference, domains in the order of <paramref name="difference"/> (then those only in
        /// <paramref name="reference"/>); within a domain: the grade, the check rows, the flat columns, then findings.
        /// A domain given twice on one side counts with its last report.
        /// </summary>
        public static IReadOnlyList<EmailDomainChange> Compare(IEnumerable<EmailDomainReport> reference, IEnumerable<EmailDomainReport> difference)
        {
            var before = Index(reference);
            var after = Index(difference);
            var changes = new List<EmailDomainChange>();
            foreach (var pair in after)
            {
                if (before.TryGetValue(pair.Key, out var old)) CompareDomain(old, pair.Value, changes);
                else changes.Add(new EmailDomainChange
                {
                    Domain = pair.Value.Domain, ChangeType = EmailDomainChangeType.Added, After = pair.Value.Grade.ToString(), Property = "Domain",
                    Severity = FindingSeverity.Information, Message = $"{pair.Value.Domain}: new in the reports (grade {pair.Value.Grade}).",
                });
            }
            foreach (var pair in before.Where(p => !after.ContainsKey(p.Key)))
                changes.Add(new EmailDomainChange
                {
                    Domain = pair.Value.Domain, ChangeType = EmailDomainChangeType.Removed, Before = pair.Value.Grade.ToString(), Property = "Domain",
                    Severity = FindingSeverity.Warning, Message = $"{pair.Value.Domain}: no longer in the reports (it was graded {pair.Value.Grade}).",
                });
            return changes;
        }

        private static Dictionary<string, EmailDomainReport> Index(IEnumerable<EmailDomainReport> reports)
        {
            // Insertion order is kept by Dictionary as long as nothing is removed; a repeat replaces the value in place.
            var index = new Dictionary<string, EmailDomainReport>(StringComparer.OrdinalIgnoreCase);
            foreach (var r in reports ?? Array.Empty<EmailDomainReport>())
                if (r?.Domain != null) index[r.Domain.TrimEnd('.')] = r;
            return index;
        }

        private static void CompareDomain(EmailDomainReport old, EmailDomainReport now, List<EmailDomainChange> changes)
        {
            var domain = now.Domain;
            if (old.Grade != now.Grade)
            {
                bool ranked = old.Grade != EmailDomainGrade.Unknown && now.Grade != EmailDomainGrade.Unknown;
                bool worse = ranked ? now.Grade > old.Grade : now.Grade == EmailDomainGrade.Unknown;
                changes.Add(new EmailDomainChange
                {
                    Domain = domain, Property = "Grade", Before = old.Grade.ToString(), After = now.Grade.ToString(),
                    ChangeType = !ranked ? EmailDomainChangeType.Changed : worse ? EmailDomainChangeType.GradeDown : EmailDomainChangeType.GradeUp,
                    Severity = !worse ? FindingSeverity.Information : ranked && now.Grade >= EmailDomainGrade.C ? FindingSeverity.Error : FindingSeverity.Warning,
                    Message = $"{domain}: grade {old.Grade} → {now.Grade}" + (now.GradeReasons != null && now.GradeReasons.Length > 0 && worse ? ": " + string.Join(" ", now.GradeReasons) : "."),
                });
            }

            var oldChecks = (old.Checks ?? Array.Empty<EmailDomainCheckResult>()).ToDictionary(c => c.Check);
            var newChecks = (now.Checks ?? Array.Empty<EmailDomainCheckResult>()).ToDictionary(c => c.Check);
            foreach (var check in oldChecks.Keys.Union(newChecks.Keys).OrderBy(c => c))
            {
                oldChecks.TryGetValue(check, out var a);
                newChecks.TryGetValue(check, out var b);
                if (a == null || b == null)
                {
                    changes.Add(new EmailDomainChange
                    {
                        Domain = domain, Check = check, Property = "Check", Before = a?.Status.ToString(), After = b?.Status.ToString(),
                        ChangeType = a == null ? EmailDomainChangeType.Added : EmailDomainChangeType.Removed, Severity = FindingSeverity.Information,
                        Message = a == null ? $"{domain}: {check} checked now ({b.Status}), not in the reference." : $"{domain}: {check} not checked now (it was {a.Status}).",
                    });
                    continue;
                }
                if (a.Status != b.Status)
                    changes.Add(new EmailDomainChange
                    {
                        Domain = domain, Check = check, Property = "Status", Before = a.Status.ToString(), After = b.Status.ToString(),
                        ChangeType = EmailDomainChangeType.Changed, Severity = StatusChangeSeverity(a.Status, b.Status),
                        Message = $"{domain}: {check} {a.Status} → {b.Status}" + (b.CheckStatus != null && b.CheckStatus != b.Status.ToString() ? $" ({b.CheckStatus})." : "."),
                    });
                var ra = string.Join(" | ", a.Records ?? Array.Empty<string>());
                var rb = string.Join(" | ", b.Records ?? Array.Empty<string>());
                if (ra != rb)
                    changes.Add(new EmailDomainChange
                    {
                        Domain = domain, Check = check, Property = "Records", Before = ra, After = rb, ChangeType = EmailDomainChangeType.Changed,
                        Severity = FindingSeverity.Information, Message = $"{domain}: the published {check} record(s) changed.",
                    });
            }

            Column(domain, EmailDomainCheck.Dmarc, nameof(EmailDomainReport.DmarcPolicy), old.DmarcPolicy, now.DmarcPolicy, changes,
                (a, b) => Rank(b) < Rank(a) ? FindingSeverity.Error : FindingSeverity.Information);
            Column(domain, EmailDomainCheck.Dkim, nameof(EmailDomainReport.DkimSelectorsFound), old.DkimSelectorsFound, now.DkimSelectorsFound, changes,
                (a, b) => Selectors(a).Except(Selectors(b)).Any() ? FindingSeverity.Warning : FindingSeverity.Information);
            Column(domain, EmailDomainCheck.Mx, nameof(EmailDomainReport.MxCount), Text(old.MxCount), Text(now.MxCount), changes,
                (a, b) => b == "0" ? FindingSeverity.Warning : FindingSeverity.Information);
            Column(domain, EmailDomainCheck.MtaSts, nameof(EmailDomainReport.MtaStsMode), old.MtaStsMode, now.MtaStsMode, changes,
                (a, b) => a == "enforce" ? FindingSeverity.Error : FindingSeverity.Information);
            Column(domain, EmailDomainCheck.Blocklist, nameof(EmailDomainReport.Listed), Text(old.Listed), Text(now.Listed), changes,
                (a, b) => b == "True" ? FindingSeverity.Error : FindingSeverity.Information);
            // A column that was not there before (a report from before the check existed) is no change.
            if (old.Dane != null)
                Column(domain, EmailDomainCheck.Dane, nameof(EmailDomainReport.Dane), old.Dane, now.Dane, changes, (a, b) => DaneSeverity(a, b));
            if (old.SmtpTls != null && old.SmtpTls != "NotRun" && now.SmtpTls != "NotRun")
                Column(domain, EmailDomainCheck.SmtpTls, nameof(EmailDomainReport.SmtpTls), old.SmtpTls, now.SmtpTls, changes,
                    (a, b) => a == "Passed" ? FindingSeverity.Error : FindingSeverity.Information);

            var oldFindings = Keys(old.Findings);
            var newFindings = Keys(now.Findings);
            foreach (var f in newFindings.Where(f => !oldFindings.ContainsKey(f.Key)).Select(f => f.Value))
                changes.Add(new EmailDomainChange
                {
                    Domain = domain, Check = f.Check, FindingId = f.Id, After = f.Message, ChangeType = EmailDomainChangeType.Added, Severity = f.Severity,
                    Message = $"{domain}: new {f.Severity.ToString().ToLowerInvariant()} {f.Id}: {f.Message}",
                });
            foreach (var f in oldFindings.Where(f => !newFindings.ContainsKey(f.Key)).Select(f => f.Value))
                changes.Add(new EmailDomainChange
                {
                    Domain = domain, Check = f.Check, FindingId = f.Id, Before = f.Message, ChangeType = EmailDomainChangeType.Removed,
                    Severity = FindingSeverity.Information, Message = $"{domain}: {f.Id} is gone.",
                });
        }

        private static void Column(string domain, EmailDomainCheck check, string property, string a, string b, List<EmailDomainChange> changes, Func<string, string, FindingSeverity> severity)
        {
            if (string.Equals(a ?? "", b ?? "", StringComparison.OrdinalIgnoreCase)) return;
            changes.Add(new EmailDomainChange
            {
                Domain = domain, Check = check, Property = property, Before = a, After = b, ChangeType = EmailDomainChangeType.Changed,
                Severity = severity(a, b), Message = $"{domain}: {property} '{a}' → '{b}'.",
            });
        }

        private static string Text(object value) => value?.ToString();

        /// <summary>Losing a certificate match is an error (DANE senders stop delivering); other DANE changes for the worse warn.</summary>
        private static FindingSeverity DaneSeverity(string before, string after)
        {
            bool Good(string s) => s == "Match" || s == "TlsaValidated";
            if (after == "NoMatch" || after == "TlsFailed") return FindingSeverity.Error;
            return Good(before) && !Good(after) ? FindingSeverity.Warning : FindingSeverity.Information;
        }

        private static int Rank(string dmarcPolicy) => dmarcPolicy == "reject" ? 3 : dmarcPolicy == "quarantine" ? 2 : dmarcPolicy == "none" ? 1 : 0;

        private static IEnumerable<string> Selectors(string list) => (list ?? "").Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);

        private static Dictionary<(EmailDomainCheck, string), EmailDomainFinding> Keys(EmailDomainFinding[] findings)
        {
            var keys = new Dictionary<(EmailDomainCheck, string), EmailDomainFinding>();
            foreach (var f in findings ?? Array.Empty<EmailDomainFinding>())
                if (f?.Id != null && !keys.ContainsKey((f.Check, f.Id))) keys[(f.Check, f.Id)] = f;
            return keys;
        }

        /// <summary>Error when a check starts failing or goes missing, Warning for other changes for the worse, Information for improvements.</summary>
        private static FindingSeverity StatusChangeSeverity(EmailDomainCheckStatus before, EmailDomainCheckStatus after)
        {
            int Badness(EmailDomainCheckStatus s) => s == EmailDomainCheckStatus.Pass ? 0 : s == EmailDomainCheckStatus.Warning ? 1
                : s == EmailDomainCheckStatus.TempError || s == EmailDomainCheckStatus.Error ? 2 : 3;
            // A check that was not run (SmtpTls without -ProbeMx) neither worsens nor improves anything.
            if (before == EmailDomainCheckStatus.NotRun || after == EmailDomainCheckStatus.NotRun || Badness(after) <= Badness(before)) return FindingSeverity.Information;
            return Badness(after) == 3 ? FindingSeverity.Error : FindingSeverity.Warning;
        }
    }
}
