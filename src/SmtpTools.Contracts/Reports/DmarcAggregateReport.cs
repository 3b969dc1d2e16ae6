using System;

namespace SmtpTools
{
    /// <summary>
    /// One DMARC aggregate report (RFC 7489 appendix C or RFC 9990): who sent it, for which period, the policy the
    /// reporter saw published, and its rows. Import-DmarcReport writes these with -AsReport; otherwise it writes the rows,
    /// each of which carries this report's columns.
    /// </summary>
    public sealed class DmarcAggregateReport
    {
        public DmarcReportFormat Format { get; set; }
        /// <summary>The version element as written (e.g. "1.0"); null when absent (pre-RFC reports have none).</summary>
        public string Version { get; set; }
        /// <summary>The reporter's report id, unique per reporter.</summary>
        public string ReportId { get; set; }
        /// <summary>The reporting organisation (org_name), trimmed; "" when the reporter left it empty.</summary>
        public string OrgName { get; set; }
        /// <summary>The reporter's contact address (email).</summary>
        public string ReportEmail { get; set; }
        public string ExtraContactInfo { get; set; }
        /// <summary>RFC 9990: the software that wrote the report.</summary>
        public string Generator { get; set; }
        /// <summary>Problems the reporter itself mentions (error elements).</summary>
        public string[] Errors { get; set; } = Array.Empty<string>();
        /// <summary>Start of the reported period (UTC).</summary>
        public DateTime Begin { get; set; }
        /// <summary>End of the reported period (UTC).</summary>
        public DateTime End { get; set; }

        /// <summary>The domain whose policy was applied (policy_published/domain).</summary>
        public string PolicyDomain { get; set; }
        /// <summary>p as published; null when absent or unreadable.</summary>
        public DmarcDisposition? Policy { get; set; }
        /// <summary>sp as published (null: absent, i.e. p applies to subdomains).</summary>
        public DmarcDisposition? SubdomainPolicy { get; set; }
        /// <summary>np as published (RFC 9990 / RFC 9091).</summary>
        public DmarcDisposition? NonexistentSubdomainPolicy { get; set; }
        /// <summary>pct as published (RFC 7489); null when absent.</summary>
        public int? Percentage { get; set; }
        /// <summary>adkim as published; null when absent (relaxed by default).</summary>
        public DmarcAlignmentMode? DkimAlignment { get; set; }
        /// <summary>aspf as published; null when absent (relaxed by default).</summary>
        public DmarcAlignmentMode? SpfAlignment { get; set; }
        /// <summary>fo as published.</summary>
        public string FailureOptions { get; set; }
        /// <summary>RFC 9990 testing (t=y in the record); null when absent.</summary>
        public bool? Testing { get; set; }
        /// <summary>RFC 9990 discovery_method: psl or treewalk.</summary>
        public string DiscoveryMethod { get; set; }

        /// <summary>The rows; empty unless the report was imported whole (-AsReport), since rows are otherwise streamed.</summary>
        public DmarcReportRow[] Rows { get; set; } = Array.Empty<DmarcReportRow>();
        /// <summary>Number of record elements.</summary>
        public int RowCount { get; set; }
        /// <summary>Sum of the rows' message counts.</summary>
        public long MessageCount { get; set; }
        /// <summary>Messages whose row passed DMARC (aligned DKIM or SPF pass).</summary>
        public long PassCount { get; set; }

        /// <summary>The file the report came from (for an attachment or archive member: the outer file).</summary>
        public string SourceFile { get; set; }
        /// <summary>The attachment, gzip or zip member name the report was read from; null for a plain file.</summary>
        public string SourceMember { get; set; }
        /// <summary>An earlier file in the same import had a report with the same reporter, domain and report id.</summary>
        public bool IsDuplicate { get; set; }

        public override string ToString() => $"{OrgName} {PolicyDomain} {ReportId}";
    }
}
