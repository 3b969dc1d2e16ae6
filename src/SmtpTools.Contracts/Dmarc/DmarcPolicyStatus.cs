namespace SmtpTools
{
    /// <summary>The verdict of Test-DmarcPolicy about the policy that applies to a domain (or a -Record text).</summary>
    public enum DmarcPolicyStatus
    {
        /// <summary>A usable policy without warnings.</summary>
        Valid,
        /// <summary>A usable policy, with warnings or errors about it (p=none, no rua, unauthorized report destinations …).</summary>
        Warning,
        /// <summary>The record that applies breaks the grammar, or a -Record text is not a DMARC record.</summary>
        Invalid,
        /// <summary>A record without a usable p and without rua (RFC 7489 6.6.3): no DMARC processing.</summary>
        NoUsablePolicy,
        /// <summary>More than one DMARC record at the policy name: no policy applies.</summary>
        MultipleRecords,
        /// <summary>No DMARC record anywhere on the discovery path.</summary>
        NotFound,
        /// <summary>A DNS query failed (SERVFAIL, timeout …): the answer is unknown, not "no policy".</summary>
        TempError,
        /// <summary>The domain name itself is not valid.</summary>
        InvalidDomain,
        /// <summary>-MessagePath: the message has no From domain, so no policy could be looked up.</summary>
        NoFromDomain,
    }
}
