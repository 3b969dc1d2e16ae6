namespace SmtpTools
{
    // Test-DnsBlocklist's findings (RFC 5782).
    public static partial class FindingCatalog
    {
        private const string DnsBlocklist = "DNS blocklist";

        public static readonly FindingDefinition DnsBlocklistListed = Define(DnsBlocklist, nameof(DnsBlocklistListed), FindingSeverity.Error, "RFC 5782 2",
            "The address or domain is listed on a DNS blocklist: mail from (or mentioning) it is likely to be rejected or filtered by receivers using the list.");
        public static readonly FindingDefinition DnsBlocklistQueryRefused = Define(DnsBlocklist, nameof(DnsBlocklistQueryRefused), FindingSeverity.Warning, null,
            "The list answered an error code (e.g. 127.255.255.254) instead of a verdict: it refuses queries from this resolver (a public or open resolver, or too many queries); nothing is known.");
        public static readonly FindingDefinition DnsBlocklistUnusable = Define(DnsBlocklist, nameof(DnsBlocklistUnusable), FindingSeverity.Warning, "RFC 5782 5",
            "The list failed its test points through this resolver (dead, a resolver rewriting NXDOMAIN, or a list that lists everything), so it was not asked: its answers would be false listings.");
        public static readonly FindingDefinition DnsBlocklistLookupFailed = Define(DnsBlocklist, nameof(DnsBlocklistLookupFailed), FindingSeverity.Warning, null,
            "A blocklist (or MX) question timed out or failed (SERVFAIL): the result is incomplete (TempError), not \"not listed\".");
        public static readonly FindingDefinition DnsBlocklistAnswerIgnored = Define(DnsBlocklist, nameof(DnsBlocklistAnswerIgnored), FindingSeverity.Information, "RFC 5782 2",
            "The list answered an address outside 127.0.0.0/8, which is not a listing (and not an address to use).");
        public static readonly FindingDefinition DnsBlocklistNotApplicable = Define(DnsBlocklist, nameof(DnsBlocklistNotApplicable), FindingSeverity.Information, "RFC 5782 5",
            "None of the lists asked lists this kind of subject (IPv4, IPv6 or domain names), so it was not checked.");
    }
}
