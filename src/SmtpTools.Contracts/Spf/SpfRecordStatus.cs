namespace SmtpTools
{
    /// <summary>The overall verdict of Get-SpfRecord for one domain.</summary>
    public enum SpfRecordStatus
    {
        /// <summary>A valid record without warnings.</summary>
        Valid,
        /// <summary>Valid, with warnings.</summary>
        Warning,
        /// <summary>check_host() would give permerror, or another error-severity finding (such as +all).</summary>
        Invalid,
        /// <summary>No SPF record is published.</summary>
        NoRecord,
        /// <summary>A DNS lookup failed (timeout, SERVFAIL); nothing can be concluded yet.</summary>
        TempError,
    }
}
