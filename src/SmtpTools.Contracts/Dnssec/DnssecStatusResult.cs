using System;

namespace SmtpTools
{
    /// <summary>Test-DnssecStatus's result for one domain: is it signed, and do validating resolvers accept the signatures?</summary>
    public sealed class DnssecStatusResult
    {
        public string Domain { get; set; }
        public DnssecStatus Status { get; set; }
        /// <summary>The zone the domain is in (from the SOA the resolver returned), or null when none came back.</summary>
        public string Zone { get; set; }
        /// <summary>Signatures (RRSIG records) came with the answer (with validation off, for a bogus zone).</summary>
        public bool IsSigned { get; set; }
        /// <summary>The resolver validated the answer (its AD bit).</summary>
        public bool IsValidated { get; set; }
        /// <summary>How many signatures came with the answer.</summary>
        public int SignatureCount { get; set; }
        /// <summary>When the first of those signatures expires (UTC), or null.</summary>
        public DateTime? SignatureExpiration { get; set; }
        /// <summary>The status in one sentence, with the likely cause for Bogus and SignedNotValidated.</summary>
        public string Detail { get; set; }
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds => Columns.Ids(Findings);
        public override string ToString() => Domain;
    }
}
