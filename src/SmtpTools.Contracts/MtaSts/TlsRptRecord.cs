using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>The SMTP TLS reporting record of a domain (RFC 8460 3): where senders report TLS failures to.</summary>
    public sealed class TlsRptRecord
    {
        /// <summary>The domain asked about (A-label form, lower case).</summary>
        public string Domain { get; set; }
        public TlsRptStatus Status { get; set; }
        /// <summary>The record (the first v=TLSRPTv1 record when there are several); null when none.</summary>
        public string Record { get; set; }
        /// <summary>The rua= destinations as published, in order (mailto: and https: URIs).</summary>
        public string[] ReportUris { get; set; } = Array.Empty<string>();
        /// <summary>The mailbox addresses of the mailto: destinations.</summary>
        public string[] MailtoAddresses { get; set; } = Array.Empty<string>();
        /// <summary>The https: destinations (reports are POSTed there).</summary>
        public string[] HttpsUris { get; set; } = Array.Empty<string>();
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();

        public int FindingCount => (Findings ?? Array.Empty<Finding>()).Length;
        public int ErrorCount => (Findings ?? Array.Empty<Finding>()).Count(f => f.Severity == FindingSeverity.Error);
        public int WarningCount => (Findings ?? Array.Empty<Finding>()).Count(f => f.Severity == FindingSeverity.Warning);
        /// <summary>The finding ids, ';'-separated (one CSV column).</summary>
        public string FindingIds => string.Join(";", (Findings ?? Array.Empty<Finding>()).Select(f => f.Id));

        public override string ToString() => $"{Domain}: {Status}";
    }
}
