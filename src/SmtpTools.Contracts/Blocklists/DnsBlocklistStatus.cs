namespace SmtpTools
{
    /// <summary>Test-DnsBlocklist's verdict for one address or domain across all lists asked.</summary>
    public enum DnsBlocklistStatus
    {
        /// <summary>At least one usable list lists it.</summary>
        Listed,
        /// <summary>No list lists it, and every list of its kind answered (unusable or refusing lists are named in the findings).</summary>
        NotListed,
        /// <summary>Not listed where asked, but a list's question timed out or failed: try again later.</summary>
        TempError,
        /// <summary>No list could tell: every list of its kind was unusable via this resolver or refused the query.</summary>
        Unknown,
        /// <summary>None of the lists given lists this kind of subject (an address and only domain lists, IPv6 and only IPv4 lists).</summary>
        NotChecked,
    }
}
