namespace SmtpTools
{
    /// <summary>
    /// What a DANE-aware sender (RFC 7672) concludes about one address of an MX host from its TLSA records and the
    /// certificate chain the server presented after STARTTLS.
    /// </summary>
    public enum DaneStatus
    {
        /// <summary>Not looked at (DANE was not asked for).</summary>
        NotChecked = 0,
        /// <summary>A usable, DNSSEC-validated TLSA record matches the presented chain: the server is authenticated.</summary>
        Match,
        /// <summary>Usable, DNSSEC-validated TLSA records exist and none matches: a DANE sender refuses to deliver here.</summary>
        NoMatch,
        /// <summary>No TLSA record, or none usable for SMTP (only PKIX-TA/PKIX-EE, unknown parameters): DANE is not in use.</summary>
        NoTlsa,
        /// <summary>TLSA records exist but the answers (TLSA or the host's addresses) are not DNSSEC-validated: DANE cannot be used.</summary>
        Unverifiable,
        /// <summary>Usable, validated TLSA records exist but STARTTLS was not offered or the TLS handshake failed: a DANE sender defers the mail.</summary>
        TlsFailed,
        /// <summary>A DNS question failed (timeout, SERVFAIL — also a bogus zone) or the server could not be reached: try again later.</summary>
        TempError,
    }
}
