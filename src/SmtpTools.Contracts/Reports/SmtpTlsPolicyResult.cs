using System;

namespace SmtpTools
{
    /// <summary>
    /// The sessions of one SMTP TLS report for one policy (RFC 8460 4.3 policies[]): the policy, the successful and
    /// failed session counts, and the failures nested in <see cref="FailureDetails"/> with flat companion columns.
    /// Import-SmtpTlsReport writes one per policy per report.
    /// </summary>
    public sealed class SmtpTlsPolicyResult
    {
        /// <summary>The report this policy result belongs to.</summary>
        public SmtpTlsReport Report { get; set; }
        public string OrganizationName => Report?.OrganizationName;
        public string ReportId => Report?.ReportId;
        /// <summary>Start of the reported period (UTC).</summary>
        public DateTime Begin => Report?.Begin ?? default;
        /// <summary>End of the reported period (UTC).</summary>
        public DateTime End => Report?.End ?? default;

        /// <summary>The policy type; null when the reporter wrote a type this version does not know.</summary>
        public SmtpTlsPolicyType? PolicyType { get; set; }
        public string PolicyDomain { get; set; }
        /// <summary>The policy as the sender saw it, one line per element (MTA-STS lines or TLSA records).</summary>
        public string[] PolicyString { get; set; } = Array.Empty<string>();
        /// <summary>The MX host pattern the policy names (mx-host); null when absent.</summary>
        public string MxHost { get; set; }
        public long SuccessfulSessionCount { get; set; }
        public long FailedSessionCount { get; set; }
        public SmtpTlsFailureDetail[] FailureDetails { get; set; } = Array.Empty<SmtpTlsFailureDetail>();

        /// <summary>The distinct failure result types, ';'-separated.</summary>
        public string FailureResultTypes
        {
            get
            {
                var seen = new System.Collections.Generic.List<string>();
                foreach (var d in FailureDetails ?? Array.Empty<SmtpTlsFailureDetail>())
                    if (d.ResultType != null && !seen.Contains(d.ResultType)) seen.Add(d.ResultType);
                return string.Join(";", seen);
            }
        }
        public string SourceFile => Report?.SourceFile;

        public override string ToString() => $"{PolicyDomain} {PolicyType} ok={SuccessfulSessionCount} failed={FailedSessionCount}";
    }
}
