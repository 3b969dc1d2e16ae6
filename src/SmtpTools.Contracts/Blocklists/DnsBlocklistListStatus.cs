namespace SmtpTools
{
    /// <summary>What one blocklist said about one address or domain.</summary>
    public enum DnsBlocklistListStatus
    {
        /// <summary>Listed: the list answered an address in 127.0.0.0/8 that is not an error code (RFC 5782 2).</summary>
        Listed,
        /// <summary>Not listed (NXDOMAIN or no address in 127.0.0.0/8).</summary>
        NotListed,
        /// <summary>The list answered an error code (e.g. 127.255.255.254): it refused the query, so nothing is known. A public or open resolver?</summary>
        QueryRefused,
        /// <summary>The list failed its RFC 5782 5 test points through this resolver (dead, rewritten, refusing, or listing everything): not asked.</summary>
        ListUnusable,
        /// <summary>The question timed out or failed (SERVFAIL): unknown.</summary>
        TempError,
    }
}
