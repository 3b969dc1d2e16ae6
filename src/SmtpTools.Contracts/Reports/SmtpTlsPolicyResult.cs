using System;

namespace SmtpTools
{
    /// <summary>
    /// The sessions of one SMTP TLS report for one policy (RFC 8460 4.3 policies[]): the policy, the successful and
    /// failed session counts, and the failures nested in <see cref="FailureDetails"/> with flat companion columns.
    /// Import-SmtpTlsReport writes one per policy per report; the report's columns are copied into each, so a policy
    /// result stands alone in a CSV file or a JSON document.
    /// </summary>
    public sealed class SmtpTlsPolicyResult
    {
        /// <summary>The reporting organisation (of the report this policy result belongs to).</summary>
        public string OrganizationName { get; set; }
        public string ReportId { get; set; }
        /// <summary>Start of the reported period (UTC).</summary>
        public DateTime Begin { get; set; }
        /// <summary>End of the reported period (UTC).</summary>
        public DateTime End { get; set; }

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
        public string FailureResultTypes => Distinct(d => d.ResultType);
        /// <summary>The distinct receiving MX host names of the failures, ';'-separated.</summary>
        public string FailedMxHostnames => Distinct(d => d.ReceivingMxHostname);
        /// <summary>The file the report came from (for an attachment or gzip member: the outer file).</summary>
        public string SourceFile { get; set; }

        private string Distinct(Func<SmtpTlsFailureDetail, string> value)
        {
            var seen = new System.Collections.Generic.List<string>();
            foreach (var d in FailureDetails ?? Array.Empty<SmtpTlsFailureDetail>())
            {
                string v = value(d);
                if (v != null && !seen.Contains(v)) seen.Add(v);
            }
            return string.Join(";", seen);
        }

        public override string ToString() => $"{PolicyDomain} {PolicyType} ok={SuccessfulSessionCount} failed={FailedSessionCount}";
    }
}
