using System;

namespace SmtpTools
{
    /// <summary>One SMTP TLS report (RFC 8460): the reporter, the period and one result per policy.</summary>
    public sealed class SmtpTlsReport
    {
        public string OrganizationName { get; set; }
        public string ContactInfo { get; set; }
        public string ReportId { get; set; }
        /// <summary>Start of the reported period (UTC).</summary>
        public DateTime Begin { get; set; }
        /// <summary>End of the reported period (UTC).</summary>
        public DateTime End { get; set; }
        public SmtpTlsPolicyResult[] Policies { get; set; } = Array.Empty<SmtpTlsPolicyResult>();
        public string SourceFile { get; set; }
        /// <summary>The attachment or gzip member the report was read from; null for a plain file.</summary>
        public string SourceMember { get; set; }

        public override string ToString() => $"{OrganizationName} {ReportId}";
    }
}
