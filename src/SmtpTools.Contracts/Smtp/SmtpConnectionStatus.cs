namespace SmtpTools
{
    /// <summary>Overall verdict of Test-SmtpConnection for one endpoint.</summary>
    public enum SmtpConnectionStatus
    {
        /// <summary>Every phase worked and nothing worth a warning was seen.</summary>
        Pass,
        /// <summary>Every phase worked, with Warning findings.</summary>
        Warning,
        /// <summary>A phase failed, or an Error finding (e.g. open relay, untrusted certificate).</summary>
        Fail,
    }
}
