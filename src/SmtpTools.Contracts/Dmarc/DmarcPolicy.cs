using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// What Test-DmarcPolicy found for one domain (or one -Record text), plus, when SPF/DKIM results or a message were
    /// given, the DMARC evaluation. Flat summary properties (Status, FindingCount, AggregateReportUri …) make
    /// Export-Csv useful.
    /// </summary>
    public sealed class DmarcPolicy
    {
        /// <summary>The domain asked about (the From domain when evaluating); null for -Record.</summary>
        public string Domain { get; set; }
        /// <summary>Where the record that applies was found; null when none applies.</summary>
        public string PolicyDomain { get; set; }
        public DmarcPolicySource FoundVia { get; set; }
        public DmarcSpecification Specification { get; set; }
        public DmarcPolicyStatus Status { get; set; }
        /// <summary>The record text (strings joined); for MultipleRecords all of them, separated by " | ".</summary>
        public string Record { get; set; }
        /// <summary>v=DMARC1 records at the policy name (2 or more means no policy).</summary>
        public int RecordCount { get; set; }
        /// <summary>A usable policy applies.</summary>
        public bool IsValid { get; set; }
        public DmarcDisposition? Policy { get; set; }
        public DmarcDisposition? SubdomainPolicy { get; set; }
        public DmarcDisposition? NonexistentSubdomainPolicy { get; set; }
        /// <summary>pct (RFC 7489); 100 under RFC 9989, which removed it.</summary>
        public int? Percentage { get; set; }
        public DmarcAlignmentMode? DkimAlignment { get; set; }
        public DmarcAlignmentMode? SpfAlignment { get; set; }
        public DmarcReportUri[] AggregateReportUris { get; set; }
        public DmarcReportUri[] ForensicReportUris { get; set; }
        /// <summary>fo values, ':'-separated (e.g. "0" or "1:d").</summary>
        public string FailureOptions { get; set; }
        /// <summary>rf values, ':'-separated (e.g. "afrf").</summary>
        public string ReportFormat { get; set; }
        /// <summary>ri in seconds.</summary>
        public long? ReportInterval { get; set; }
        /// <summary>psd: y, n or u.</summary>
        public string PublicSuffixDomain { get; set; }
        /// <summary>t=y (RFC 9989 test mode).</summary>
        public bool Testing { get; set; }
        public string[] UnknownTags { get; set; }
        /// <summary>Grammar errors as "position N: message".</summary>
        public string[] SyntaxErrors { get; set; }
        /// <summary>The _dmarc names queried, in order.</summary>
        public string[] QueriedNames { get; set; }

        // Flat summary columns for Export-Csv (null when there is nothing to list).
        /// <summary>The rua URIs, ';'-separated.</summary>
        public string AggregateReportUri => Columns.JoinOrNull(AggregateReportUris?.Select(u => u.ToString()));
        /// <summary>The ruf URIs, ';'-separated.</summary>
        public string ForensicReportUri => Columns.JoinOrNull(ForensicReportUris?.Select(u => u.ToString()));
        /// <summary>External destinations without an authorization record, ';'-separated.</summary>
        public string UnauthorizedReportDestination => Columns.JoinOrNull((AggregateReportUris ?? Array.Empty<DmarcReportUri>())
            .Concat(ForensicReportUris ?? Array.Empty<DmarcReportUri>())
            .Where(u => u.IsAuthorized == false).Select(u => u.DestinationDomain).Distinct(StringComparer.OrdinalIgnoreCase));

        // Evaluation (only with -SpfResult/-DkimPassDomain or -MessagePath).
        /// <summary>The DMARC result; null when nothing was evaluated.</summary>
        public DmarcResult? DmarcResult { get; set; }
        /// <summary>Every From domain of the evaluated message.</summary>
        public string[] FromDomains { get; set; }
        public SpfResult? SpfResult { get; set; }
        public string SpfDomain { get; set; }
        public string[] DkimPassDomains { get; set; }
        /// <summary>SPF passed for a domain aligned with the From domain.</summary>
        public bool? SpfAligned { get; set; }
        /// <summary>DKIM passed for a domain aligned with the From domain.</summary>
        public bool? DkimAligned { get; set; }
        /// <summary>The disposition that applies to this message (from p, sp or np).</summary>
        public DmarcDisposition? Disposition { get; set; }
        /// <summary>"p", "sp" or "np".</summary>
        public string DispositionSource { get; set; }
        /// <summary>true: the disposition is applied; false: pct=0 or t=y (one level weaker instead); null: applied to pct% of failing messages at random.</summary>
        public bool? ApplyPolicy { get; set; }
        /// <summary>The message failed and the policy is reject.</summary>
        public bool? Reject { get; set; }
        /// <summary>Whether the From domain exists (checked only when np could apply).</summary>
        public bool? FromDomainExists { get; set; }
        public string OrganizationalDomain { get; set; }

        // -MessagePath details.
        public string MessagePath { get; set; }
        public string ClientIPAddress { get; set; }
        public DmarcDkimSignature[] DkimSignatures { get; set; }
        public DmarcSpfCheck Spf { get; set; }

        /// <summary>Findings about the policy, then those of the evaluation.</summary>
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids, ';'-separated.</summary>
        public string FindingIds => Columns.Ids(Findings);

        public override string ToString() => Domain ?? Record;
    }
}
