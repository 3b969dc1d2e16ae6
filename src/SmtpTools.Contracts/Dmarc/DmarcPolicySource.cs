namespace SmtpTools
{
    /// <summary>Where the applicable DMARC record was found.</summary>
    public enum DmarcPolicySource
    {
        /// <summary>No policy applies (or -Record: no DNS involved).</summary>
        None,
        /// <summary>_dmarc.&lt;domain&gt; itself.</summary>
        Domain,
        /// <summary>RFC 7489: _dmarc.&lt;organizational domain from the Public Suffix List&gt;.</summary>
        OrganizationalDomain,
        /// <summary>RFC 9989: a parent name found by the DNS tree walk.</summary>
        TreeWalk,
    }
}
