namespace SmtpTools
{
    /// <summary>One group of failed sessions in an SMTP TLS report (RFC 8460 4.3 failure-details).</summary>
    public sealed class SmtpTlsFailureDetail
    {
        /// <summary>
        /// The result type as reported (RFC 8460 4.3 and its IANA registry): starttls-not-supported,
        /// certificate-host-mismatch, certificate-expired, certificate-not-trusted, validation-failure, tlsa-invalid,
        /// dnssec-invalid, dane-required, sts-policy-fetch-error, sts-policy-invalid, sts-webpki-invalid …
        /// </summary>
        public string ResultType { get; set; }
        /// <summary>The sending MTA's IP address.</summary>
        public string SendingMtaIP { get; set; }
        public string ReceivingMxHostname { get; set; }
        public string ReceivingMxHelo { get; set; }
        public string ReceivingIP { get; set; }
        /// <summary>Sessions that failed this way.</summary>
        public long FailedSessionCount { get; set; }
        /// <summary>The reporter's failure code (e.g. an OpenSSL X509_V_ERR name).</summary>
        public string FailureReasonCode { get; set; }
        /// <summary>A URI with more information.</summary>
        public string AdditionalInformation { get; set; }

        public override string ToString() => $"{ResultType} x{FailedSessionCount}";
    }
}
