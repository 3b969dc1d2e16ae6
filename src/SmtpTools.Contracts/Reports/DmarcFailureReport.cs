using System;

namespace SmtpTools
{
    /// <summary>
    /// One DMARC failure (forensic) report: an ARF message (RFC 5965, RFC 6591) about one message that failed
    /// authentication. The fields of the feedback-report part, then what the returned original message says.
    /// </summary>
    public sealed class DmarcFailureReport
    {
        /// <summary>Feedback-Type, lower case: auth-failure for DMARC (abuse, fraud … for other ARF reports).</summary>
        public string FeedbackType { get; set; }
        /// <summary>Auth-Failure: dmarc, dkim, spf, adsp, bodyhash, revoked, signature (RFC 6591).</summary>
        public string AuthFailure { get; set; }
        /// <summary>Reported-Domain: the domain the report is about.</summary>
        public string ReportedDomain { get; set; }
        /// <summary>Source-IP: where the failing message came from.</summary>
        public string SourceIP { get; set; }
        /// <summary>Arrival-Date (UTC); null when absent or unreadable.</summary>
        public DateTime? ArrivalDate { get; set; }
        /// <summary>Original-Mail-From without angle brackets; null when absent or empty.</summary>
        public string OriginalMailFrom { get; set; }
        /// <summary>Original-Rcpt-To addresses.</summary>
        public string[] OriginalRcptTo { get; set; } = Array.Empty<string>();
        /// <summary>Authentication-Results fields as reported.</summary>
        public string[] AuthenticationResults { get; set; } = Array.Empty<string>();
        /// <summary>Delivery-Result: delivered, spam, policy, reject, other.</summary>
        public string DeliveryResult { get; set; }
        /// <summary>DKIM-Domain.</summary>
        public string DkimDomain { get; set; }
        /// <summary>DKIM-Selector.</summary>
        public string DkimSelector { get; set; }
        /// <summary>Identity-Alignment: none, spf, dkim (comma-separated).</summary>
        public string IdentityAlignment { get; set; }
        /// <summary>Original-Envelope-Id.</summary>
        public string OriginalEnvelopeId { get; set; }
        public string UserAgent { get; set; }
        public string Version { get; set; }

        /// <summary>The From address of the original message.</summary>
        public string OriginalFrom { get; set; }
        /// <summary>The To addresses of the original message.</summary>
        public string[] OriginalTo { get; set; } = Array.Empty<string>();
        /// <summary>The subject of the original message (RFC 2047 decoded).</summary>
        public string OriginalSubject { get; set; }
        /// <summary>The Message-ID of the original message, with angle brackets as written.</summary>
        public string OriginalMessageId { get; set; }
        /// <summary>The Date of the original message (UTC).</summary>
        public DateTime? OriginalDate { get; set; }

        /// <summary>The From address of the report mail.</summary>
        public string ReportEmail { get; set; }
        /// <summary>The Date of the report mail (UTC).</summary>
        public DateTime? ReportDate { get; set; }
        /// <summary>The report mail's subject.</summary>
        public string ReportSubject { get; set; }
        public string SourceFile { get; set; }

        public override string ToString() => $"{FeedbackType} {ReportedDomain} {SourceIP}";
    }
}
