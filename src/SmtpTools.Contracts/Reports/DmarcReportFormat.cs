namespace SmtpTools
{
    /// <summary>Which aggregate-report schema a DMARC report follows.</summary>
    public enum DmarcReportFormat
    {
        /// <summary>RFC 7489 appendix C (and the pre-RFC drafts before it).</summary>
        Rfc7489,
        /// <summary>
        /// The DMARCbis aggregate format (RFC 9990): the urn:ietf:params:xml:ns:dmarc-2.0 namespace, or any of its new
        /// elements (np, testing, discovery_method, generator) or a 2.x version.
        /// </summary>
        Rfc9990,
    }
}
