namespace SmtpTools
{
    /// <summary>The checks Test-EmailDomain can run for a domain (-Check, -ExcludeCheck), in the order its report lists them.</summary>
    public enum EmailDomainCheck
    {
        /// <summary>Get-SpfRecord: the SPF record and its include tree.</summary>
        Spf,
        /// <summary>Test-DmarcPolicy: the DMARC policy that applies to the domain.</summary>
        Dmarc,
        /// <summary>Test-DkimRecord: DKIM keys at the given or probed selectors.</summary>
        Dkim,
    }
}
