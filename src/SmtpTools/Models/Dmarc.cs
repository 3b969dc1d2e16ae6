namespace SmtpTools
{
    /// <summary>Which DMARC specification Test-DmarcPolicy follows.</summary>
    public enum DmarcSpecification
    {
        /// <summary>DMARCbis (RFC 9989): DNS tree walk; pct, rf and ri removed; np, psd and t tags.</summary>
        Rfc9989,
        /// <summary>RFC 7489: organizational domain from the Public Suffix List; pct sampling.</summary>
        Rfc7489,
    }

    /// <summary>Where the applicable DMARC record was found.</summary>
    public enum DmarcPolicySource
    {
        None,
        Domain,
        OrganizationalDomain,
        TreeWalk,
    }

    /// <summary>One rua= or ruf= destination.</summary>
    public sealed class DmarcReportUri
    {
        /// <summary>The URI without its size limit, e.g. mailto:dmarc@example.com.</summary>
        public string Uri { get; set; }
        /// <summary>The size limit as written after '!', e.g. "10m"; null without one.</summary>
        public string MaxSize { get; set; }
        /// <summary>The mailbox domain of a mailto: URI.</summary>
        public string DestinationDomain { get; set; }
        /// <summary>The destination is outside the policy domain's organizational domain.</summary>
        public bool IsExternal { get; set; }
        /// <summary>External destinations: true/false = the RFC 7489 7.1 authorization record exists or not; null = not needed or not checked.</summary>
        public bool? IsAuthorized { get; set; }

        public override string ToString() => MaxSize == null ? Uri : Uri + "!" + MaxSize;
    }

    /// <summary>One DKIM-Signature of a message checked with -MessagePath.</summary>
    public sealed class DmarcDkimSignature
    {
        public string Domain { get; set; }
        public string Selector { get; set; }
        public string Algorithm { get; set; }
        /// <summary>Pass, Fail, PermError or TempError.</summary>
        public string Result { get; set; }
        /// <summary>Why it did not pass; null on pass.</summary>
        public string Reason { get; set; }
        /// <summary>d= is aligned with the From domain under the policy's adkim mode.</summary>
        public bool Aligned { get; set; }

        public override string ToString() => $"{Domain}/{Selector}: {Result}";
    }

    /// <summary>The SPF check made for a message checked with -MessagePath.</summary>
    public sealed class DmarcSpfCheck
    {
        /// <summary>"MailFrom" (Return-Path / -Sender) or "Helo" (null sender).</summary>
        public string Identity { get; set; }
        /// <summary>The sender address (or postmaster@HELO for a null sender).</summary>
        public string Sender { get; set; }
        public string Domain { get; set; }
        public SpfResult Result { get; set; }
        public string MatchedMechanism { get; set; }
        public string Explanation { get; set; }
        public string Reason { get; set; }
        public int DnsLookupCount { get; set; }
        public int VoidLookupCount { get; set; }

        public override string ToString() => $"{Domain}: {Result}";
    }

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
        /// <summary>Valid, Warning, Invalid, NoUsablePolicy, MultipleRecords, NotFound, TempError or InvalidDomain.</summary>
        public string Status { get; set; }
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

        // Flat summary columns for Export-Csv.
        /// <summary>The rua URIs, ';'-separated.</summary>
        public string AggregateReportUri { get; set; }
        /// <summary>The ruf URIs, ';'-separated.</summary>
        public string ForensicReportUri { get; set; }
        /// <summary>External destinations without an authorization record, ';'-separated.</summary>
        public string UnauthorizedReportDestination { get; set; }

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

        public Finding[] Findings { get; set; }
        public int FindingCount { get; set; }
        public int ErrorCount { get; set; }
        public int WarningCount { get; set; }
        /// <summary>The finding ids, ';'-separated.</summary>
        public string FindingIds { get; set; }

        public override string ToString() => Domain ?? Record;
    }
}
