using System;

namespace SmtpTools
{
    /// <summary>
    /// One check of a domain as a row of the report: its verdict on a common scale, its own status, the records as
    /// published and a one-line summary. The check's full result is the property of the report named as the check
    /// (<see cref="EmailDomainReport.Spf"/> …); its findings are in <see cref="EmailDomainReport.Findings"/>.
    /// </summary>
    public sealed class EmailDomainCheckResult
    {
        public EmailDomainCheck Check { get; set; }
        public EmailDomainCheckStatus Status { get; set; }
        /// <summary>The check's own status as its cmdlet reports it (Valid, NoRecord, NotFound, TempError …).</summary>
        public string CheckStatus { get; set; }
        /// <summary>The headline fact, e.g. "p=reject", "-all, 4 DNS lookups", "selector1, google".</summary>
        public string Summary { get; set; }
        /// <summary>The DNS records the check read, as published (TXT strings joined).</summary>
        public string[] Records { get; set; } = Array.Empty<string>();
        /// <summary>Why the check has no verdict (Status Error or TempError without a DNS finding); null otherwise.</summary>
        public string Message { get; set; }
        /// <summary>How long the check took, in milliseconds.</summary>
        public long DurationMs { get; set; }
        public int FindingCount { get; set; }
        public int ErrorCount { get; set; }
        public int WarningCount { get; set; }

        public override string ToString() => $"{Check}: {Status}";
    }
}
