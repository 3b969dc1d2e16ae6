using System;

namespace SmtpTools
{
    /// <summary>
    /// One row (record element) of a DMARC aggregate report, flat for Group-Object, Measure-Object and Export-Csv: the
    /// report's columns (copied from its metadata and published policy, so a row stands alone in a CSV file or a JSON
    /// document), then what the receiver saw for one source IP and identifier set. The nested lists
    /// (<see cref="DkimAuth"/>, <see cref="SpfAuth"/>, <see cref="OverrideReasons"/>) have ';'-joined companion columns.
    /// </summary>
    public sealed class DmarcReportRow
    {
        /// <summary>The reporter's report id (of the report this row belongs to).</summary>
        public string ReportId { get; set; }
        /// <summary>The reporting organisation.</summary>
        public string OrgName { get; set; }
        /// <summary>The reporter's contact address.</summary>
        public string ReportEmail { get; set; }
        /// <summary>Start of the reported period (UTC).</summary>
        public DateTime Begin { get; set; }
        /// <summary>End of the reported period (UTC).</summary>
        public DateTime End { get; set; }
        /// <summary>The domain whose policy was applied.</summary>
        public string PolicyDomain { get; set; }
        /// <summary>p as published; null when absent or unreadable.</summary>
        public DmarcDisposition? Policy { get; set; }
        /// <summary>sp as published (null: absent, p applies to subdomains).</summary>
        public DmarcDisposition? SubdomainPolicy { get; set; }
        /// <summary>np as published (RFC 9990).</summary>
        public DmarcDisposition? NonexistentSubdomainPolicy { get; set; }
        /// <summary>pct as published (RFC 7489); null when absent.</summary>
        public int? Percentage { get; set; }
        /// <summary>adkim as published; null when absent (relaxed).</summary>
        public DmarcAlignmentMode? DkimAlignment { get; set; }
        /// <summary>aspf as published; null when absent (relaxed).</summary>
        public DmarcAlignmentMode? SpfAlignment { get; set; }

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

        /// <summary>The file the report came from (for an attachment or archive member: the outer file).</summary>
        public string SourceFile { get; set; }
        /// <summary>An earlier file in the same import had this report (same reporter, domain and report id).</summary>
        public bool IsDuplicate { get; set; }

        public override string ToString() => $"{SourceIP} x{Count} {Disposition}";
    }
}
