namespace SmtpTools
{
    /// <summary>The verdict of Test-DkimRecord for one selector.</summary>
    public enum DkimRecordStatus
    {
        /// <summary>A usable key record without warnings.</summary>
        Valid,
        /// <summary>Usable, with warnings (a short RSA key, t=y …).</summary>
        Warning,
        /// <summary>Verifiers cannot use the record, or an error-severity finding (a key that does not match -KeyPath …).</summary>
        Invalid,
        /// <summary>The key has been revoked (empty p=).</summary>
        Revoked,
        /// <summary>No key record at the name (or no common selector has one).</summary>
        NotFound,
        /// <summary>The DNS lookup failed (timeout, SERVFAIL); nothing can be concluded yet.</summary>
        LookupFailed,
    }
}
