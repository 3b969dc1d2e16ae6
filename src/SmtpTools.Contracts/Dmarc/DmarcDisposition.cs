namespace SmtpTools
{
    /// <summary>A requested message disposition: the values of the p, sp and np tags.</summary>
    public enum DmarcDisposition
    {
        None,
        Quarantine,
        Reject,
    }
}
