namespace SmtpTools
{
    /// <summary>Which DMARC specification drives parsing, discovery and evaluation (Test-DmarcPolicy -Specification).</summary>
    public enum DmarcSpecification
    {
        /// <summary>DMARCbis (RFC 9989): DNS tree walk, missing p means p=none, pct/rf/ri removed, np/psd/t tags.</summary>
        Rfc9989,
        /// <summary>RFC 7489 (with the RFC 9091 np and psd tags): organizational domain from the Public Suffix List; pct sampling.</summary>
        Rfc7489,
    }
}
