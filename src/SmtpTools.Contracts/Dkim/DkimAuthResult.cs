namespace SmtpTools
{
    /// <summary>The outcome of verifying one DKIM signature (RFC 8601 dkim= values), as DMARC and reports use it.</summary>
    public enum DkimAuthResult
    {
        None,
        Pass,
        Fail,
        Neutral,
        Policy,
        TempError,
        PermError,
    }
}
