namespace SmtpTools
{
    /// <summary>
    /// What the receiver did with the messages of one report row (policy_evaluated/disposition). Unlike the published
    /// policy (DmarcDisposition: none, quarantine, reject) a report may also say <see cref="Pass"/>.
    /// </summary>
    public enum DmarcReportDisposition
    {
        /// <summary>Delivered without any DMARC action (p=none, or the policy was not applied).</summary>
        None,
        /// <summary>RFC 9990: the messages passed DMARC, so no policy applied.</summary>
        Pass,
        /// <summary>Treated as suspicious (spam folder).</summary>
        Quarantine,
        /// <summary>Refused.</summary>
        Reject,
    }
}
