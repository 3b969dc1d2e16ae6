namespace SmtpTools
{
    /// <summary>Forward-confirmed reverse DNS of one address (the "iprev" check of RFC 8601 3).</summary>
    public enum ReverseDnsStatus
    {
        /// <summary>Not looked at (Test-DnsBlocklist -IncludeMx resolves MX addresses without reverse DNS).</summary>
        NotChecked = 0,
        /// <summary>A PTR name of the address resolves back to the address.</summary>
        Confirmed,
        /// <summary>The address has PTR names, but none of them resolves back to it.</summary>
        Mismatch,
        /// <summary>The address has no PTR record.</summary>
        NoPtr,
        /// <summary>A lookup failed (timeout, SERVFAIL): unknown.</summary>
        TempError,
    }
}
