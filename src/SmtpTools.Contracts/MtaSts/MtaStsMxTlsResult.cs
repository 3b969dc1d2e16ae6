namespace SmtpTools
{
    /// <summary>What Test-MtaStsPolicy -ProbeMx found on one MX host: what an MTA-STS sender in enforce mode requires (RFC 8461 4.2).</summary>
    public enum MtaStsMxTlsResult
    {
        /// <summary>Not probed (no -ProbeMx, or the host matches no mx pattern).</summary>
        NotChecked,
        /// <summary>STARTTLS offered and a certificate that chains to a trusted root and is valid for the MX host name.</summary>
        Passed,
        /// <summary>The host does not offer STARTTLS: an enforcing sender will not deliver to it.</summary>
        NoStartTls,
        /// <summary>STARTTLS is offered but the TLS handshake fails (protocol versions, ciphers, a reset): an enforcing sender will not deliver.</summary>
        TlsFailed,
        /// <summary>The certificate is untrusted, expired or not valid for the MX host name: an enforcing sender will not deliver.</summary>
        CertificateRejected,
        /// <summary>The host could not be reached or the session failed before TLS: nothing could be checked.</summary>
        Unreachable,
    }
}
