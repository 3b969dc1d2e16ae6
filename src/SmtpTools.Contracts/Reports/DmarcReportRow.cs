using System;

namespace SmtpTools
{
    /// <summary>
    /// One row (record element) of a DMARC aggregate report, flat for Group-Object, Measure-Object and Export-Csv: the
    /// report's columns, then what the receiver saw for one source IP and identifier set. The nested lists
    /// (<see cref="DkimAuth"/>, <see cref="SpfAuth"/>, <see cref="OverrideReasons"/>) have ';'-joined companion columns.
    /// </summary>
    public sealed class DmarcReportRow
    {
        /// <summary>The report this row belongs to.</summary>
        public DmarcAggregateReport Report { get; set; }

        public string ReportId => Report?.ReportId;
        public string OrgName => Report?.OrgName;
        public string ReportEmail => Report?.ReportEmail;
        /// <summary>Start of the reported period (UTC).</summary>
        public DateTime Begin => Report?.Begin ?? default;
        /// <summary>End of the reported period (UTC).</summary>
        public DateTime End => Report?.End ?? default;
        public string PolicyDomain => Report?.PolicyDomain;
        public DmarcDisposition? Policy => Report?.Policy;
        public DmarcDisposition? SubdomainPolicy => Report?.SubdomainPolicy;
        public DmarcDisposition? NonexistentSubdomainPolicy => Report?.NonexistentSubdomainPolicy;
        public int? Percentage => Report?.Percentage;
        public DmarcAlignmentMode? DkimAlignment => Report?.DkimAlignment;
        public DmarcAlignmentMode? SpfAlignment => Report?.SpfAlignment;

        /// <summary>The sending IP address as reported.</summary>
        public string SourceIP { get; set; }
        /// <summary>The reverse DNS name of <see cref="SourceIP"/>; set only when asked for (-ResolveSourceName).</summary>
        public string SourceName { get; set; }
        /// <summary>How many messages this row stands for.</summary>
        public long Count { get; set; }
        /// <summary>What the receiver did; null when the element is missing or unknown.</summary>
        public DmarcReportDisposition? Disposition { get; set; }
        /// <summary>The DMARC-aligned DKIM result as the receiver evaluated it (pass or fail).</summary>
        public DmarcResult? DkimResult { get; set; }
        /// <summary>The DMARC-aligned SPF result as the receiver evaluated it (pass or fail).</summary>
        public DmarcResult? SpfResult { get; set; }
        /// <summary>DMARC passed: aligned DKIM or aligned SPF passed.</summary>
        public bool DmarcPass { get; set; }

        /// <summary>The RFC5322.From domain.</summary>
        public string HeaderFrom { get; set; }
        /// <summary>The RFC5321.MailFrom domain; null when not reported.</summary>
        public string EnvelopeFrom { get; set; }
        /// <summary>The RFC5321.RcptTo domain; null when not reported.</summary>
        public string EnvelopeTo { get; set; }

        public DmarcReportDkimAuth[] DkimAuth { get; set; } = Array.Empty<DmarcReportDkimAuth>();
        public DmarcReportSpfAuth[] SpfAuth { get; set; } = Array.Empty<DmarcReportSpfAuth>();
        public DmarcReportOverrideReason[] OverrideReasons { get; set; } = Array.Empty<DmarcReportOverrideReason>();

        /// <summary>The DKIM signing domains checked, ';'-separated.</summary>
        public string DkimDomains => Columns.Join(DkimAuth, a => a.Domain);
        /// <summary>The DKIM selectors, ';'-separated, in the order of <see cref="DkimDomains"/>.</summary>
        public string DkimSelectors => Columns.Join(DkimAuth, a => a.Selector);
        /// <summary>The DKIM results (lower case), ';'-separated, in the order of <see cref="DkimDomains"/>.</summary>
        public string DkimAuthResults => Columns.Join(DkimAuth, a => a.Result?.ToString().ToLowerInvariant());
        /// <summary>The SPF-checked domains, ';'-separated.</summary>
        public string SpfDomains => Columns.Join(SpfAuth, a => a.Domain);
        /// <summary>The SPF scopes (mfrom, helo), ';'-separated, in the order of <see cref="SpfDomains"/>.</summary>
        public string SpfScopes => Columns.Join(SpfAuth, a => a.Scope);
        /// <summary>The SPF results (lower case), ';'-separated, in the order of <see cref="SpfDomains"/>.</summary>
        public string SpfAuthResults => Columns.Join(SpfAuth, a => a.Result?.ToString().ToLowerInvariant());
        /// <summary>The override reason types, ';'-separated.</summary>
        public string OverrideReason => Columns.Join(OverrideReasons, r => r.Type);

        public string SourceFile => Report?.SourceFile;
        /// <summary>An earlier file in the same import had this report (same reporter, domain and report id).</summary>
        public bool IsDuplicate => Report?.IsDuplicate ?? false;

        public override string ToString() => $"{SourceIP} x{Count} {Disposition}";
    }
}
