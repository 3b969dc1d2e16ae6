namespace SmtpTools
{
    /// <summary>The DMARC result of a message (RFC 8601 dmarc= values).</summary>
    public enum DmarcResult
    {
        None,
        Pass,
        Fail,
        TempError,
        PermError,
    }
}
