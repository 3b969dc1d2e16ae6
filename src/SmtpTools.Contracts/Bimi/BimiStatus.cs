namespace SmtpTools
{
    /// <summary>
    /// What Test-BimiRecord concluded for a domain, in the order a receiver decides (BIMI draft 8): DMARC first, then the
    /// record, the logo and the mark certificate; the first that fails decides. The findings say why; DmarcEnforced,
    /// LogoValid and CertificateValid tell each part apart.
    /// </summary>
    public enum BimiStatus
    {
        /// <summary>A valid record, DMARC at enforcement, a logo that passes the SVG Tiny PS checks and, when a= is given, a valid mark certificate for that logo.</summary>
        Valid,
        /// <summary>-NoFetch: the record and DMARC are fine; the logo and certificate were not fetched.</summary>
        RecordOnly,
        /// <summary>No v=BIMI1 record at the selector, neither for the domain nor its organizational domain.</summary>
        NotFound,
        /// <summary>"v=BIMI1; l=; a=;": the domain declines to show a logo (BIMI draft 5.3.1).</summary>
        Declined,
        /// <summary>More than one record, a syntax error, or a location/authority that is not an https URI: receivers ignore it.</summary>
        InvalidRecord,
        /// <summary>The DMARC policy of the domain or its organizational domain is not quarantine/reject at 100 %: receivers show no logo.</summary>
        DmarcNotEnforced,
        /// <summary>The logo cannot be fetched or breaks the SVG Tiny PS profile.</summary>
        InvalidLogo,
        /// <summary>The mark certificate cannot be fetched, is expired or malformed, is not for this domain, or embeds another logo.</summary>
        InvalidCertificate,
        /// <summary>A DNS query failed (SERVFAIL, timeout): unknown, not "no record". Try again later.</summary>
        TempError,
    }
}
