namespace SmtpTools
{
    /// <summary>One MX host of a domain checked against its MTA-STS policy (RFC 8461 4.1) and, with -ProbeMx, over SMTP.</summary>
    public sealed class MtaStsMxHost
    {
        /// <summary>The MX host name (lower case, A-label form, no trailing dot).</summary>
        public string Host { get; set; }
        public int Preference { get; set; }
        /// <summary>The first policy mx pattern that matches the host; null when none does (or there is no policy).</summary>
        public string MatchedPattern { get; set; }
        /// <summary>An mx pattern of the policy matches the host: senders applying the policy may deliver to it.</summary>
        public bool MatchesPolicy { get; set; }
        /// <summary>The -ProbeMx verdict.</summary>
        public MtaStsMxTlsResult TlsResult { get; set; }
        /// <summary>The port probed; null when not probed.</summary>
        public int? Port { get; set; }
        /// <summary>The address the probe connected to.</summary>
        public string Address { get; set; }
        /// <summary>STARTTLS was offered; null when not probed or the session ended before EHLO.</summary>
        public bool? StartTls { get; set; }
        /// <summary>The TLS version negotiated (e.g. Tls13).</summary>
        public string TlsProtocol { get; set; }
        /// <summary>The certificate chains to a trusted root and names the MX host; null when none was seen.</summary>
        public bool? CertificateValid { get; set; }
        /// <summary>The DNS names the certificate is valid for.</summary>
        public string[] CertificateNames { get; set; } = System.Array.Empty<string>();
        /// <summary>The certificate's expiry (UTC).</summary>
        public System.DateTime? CertificateNotAfter { get; set; }
        /// <summary>Why the probe did not pass; null when it did or was not made.</summary>
        public string TlsError { get; set; }

        public override string ToString() => MatchesPolicy ? $"{Host} ({MatchedPattern})" : Host + " (no match)";
    }
}
