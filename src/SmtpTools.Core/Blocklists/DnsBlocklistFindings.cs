using SmtpTools.Core.Findings;

namespace SmtpTools.Core.Blocklists
{
    /// <summary>The findings of Test-DnsBlocklist (catalog entries, area "Blocklist").</summary>
    internal static class DnsBlocklistFindings
    {
        public static readonly FindingKind BlocklistListed = new FindingKind(nameof(BlocklistListed), FindingSeverity.Error, "RFC 5782 2",
            "The address or domain is listed on a DNS blocklist: mail from (or mentioning) it is likely to be rejected or filtered by receivers using the list.");
        public static readonly FindingKind BlocklistQueryRefused = new FindingKind(nameof(BlocklistQueryRefused), FindingSeverity.Warning, null,
            "The list answered an error code (e.g. 127.255.255.254) instead of a verdict: it refuses queries from this resolver (a public or open resolver, or too many queries); nothing is known.");
        public static readonly FindingKind BlocklistUnusable = new FindingKind(nameof(BlocklistUnusable), FindingSeverity.Warning, "RFC 5782 5",
            "The list failed its test points through this resolver (dead, a resolver rewriting NXDOMAIN, or a list that lists everything), so it was not asked: its answers would be false listings.");
        public static readonly FindingKind BlocklistLookupFailed = new FindingKind(nameof(BlocklistLookupFailed), FindingSeverity.Warning, null,
            "A blocklist (or MX) question timed out or failed (SERVFAIL): the result is incomplete (TempError), not \"not listed\".");
        public static readonly FindingKind BlocklistAnswerIgnored = new FindingKind(nameof(BlocklistAnswerIgnored), FindingSeverity.Information, "RFC 5782 2",
            "The list answered an address outside 127.0.0.0/8, which is not a listing (and not an address to use).");
        public static readonly FindingKind BlocklistNoApplicableList = new FindingKind(nameof(BlocklistNoApplicableList), FindingSeverity.Information, "RFC 5782 5",
            "None of the lists asked lists this kind of subject (IPv4, IPv6 or domain names), so it was not checked.");
    }
}
