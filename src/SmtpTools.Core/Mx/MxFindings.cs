using SmtpTools.Core.Findings;

namespace SmtpTools.Core.Mx
{
    /// <summary>The findings of Test-MxRecord (catalog entries, area "MX").</summary>
    internal static class MxFindings
    {
        public static readonly FindingKind MxLookupFailed = new FindingKind(nameof(MxLookupFailed), FindingSeverity.Warning, "RFC 5321 5.1",
            "A DNS lookup (MX, A/AAAA of a host, PTR) timed out or failed: the result is incomplete (TempError), not \"no record\".");
        public static readonly FindingKind MxDomainNotFound = new FindingKind(nameof(MxDomainNotFound), FindingSeverity.Error, "RFC 5321 5.1",
            "The domain does not exist (NXDOMAIN): mail to it cannot be delivered.");
        public static readonly FindingKind MxImplicit = new FindingKind(nameof(MxImplicit), FindingSeverity.Warning, "RFC 5321 5.1",
            "The domain has no MX record, so senders deliver to its own A/AAAA address (implicit MX): publish an MX record, or a null MX if it takes no mail.");
        public static readonly FindingKind MxNoMailHost = new FindingKind(nameof(MxNoMailHost), FindingSeverity.Warning, "RFC 7505 1; RFC 5321 5.1",
            "The domain has neither an MX record nor an address, so it cannot receive mail; a null MX (\"0 .\") says so explicitly and spares senders retries.");
        public static readonly FindingKind MxNullMx = new FindingKind(nameof(MxNullMx), FindingSeverity.Information, "RFC 7505 3",
            "The domain publishes a null MX (\"0 .\"): it accepts no mail.");
        public static readonly FindingKind MxNullMxNotAlone = new FindingKind(nameof(MxNullMxNotAlone), FindingSeverity.Error, "RFC 7505 3",
            "A null MX (\"0 .\") is published beside other MX records; a domain that advertises a null MX must not advertise any other MX record.");
        public static readonly FindingKind MxNullMxPreference = new FindingKind(nameof(MxNullMxPreference), FindingSeverity.Warning, "RFC 7505 3",
            "An MX record names the root (\".\") with a preference other than 0; the null MX is exactly \"0 .\".");
        public static readonly FindingKind MxNullMxWithSpf = new FindingKind(nameof(MxNullMxWithSpf), FindingSeverity.Warning, "RFC 7505 4.2",
            "The domain publishes a null MX but its SPF record authorises senders: a domain used to send mail should not publish a null MX (its bounces cannot be returned, and receivers may reject its mail); publish \"v=spf1 -all\" if it sends none.");
        public static readonly FindingKind MxTargetIsCname = new FindingKind(nameof(MxTargetIsCname), FindingSeverity.Warning, "RFC 2181 10.3; RFC 5321 5.1",
            "An MX record names an alias (CNAME) instead of the host's canonical name; most senders still deliver, but some refuse or loop.");
        public static readonly FindingKind MxTargetIsIPAddress = new FindingKind(nameof(MxTargetIsIPAddress), FindingSeverity.Error, "RFC 5321 5.1; RFC 1035 3.3.9",
            "An MX record names an IP address instead of a host name; senders look it up as a name and find no address.");
        public static readonly FindingKind MxHostWithoutAddress = new FindingKind(nameof(MxHostWithoutAddress), FindingSeverity.Warning, "RFC 5321 5.1",
            "An MX host has no A or AAAA record (or does not exist): senders skip it.");
        public static readonly FindingKind MxNoUsableHost = new FindingKind(nameof(MxNoUsableHost), FindingSeverity.Error, "RFC 5321 5.1",
            "MX records exist but none of their hosts has an address: mail to the domain cannot be delivered.");
        public static readonly FindingKind MxDuplicateHost = new FindingKind(nameof(MxDuplicateHost), FindingSeverity.Warning, "RFC 5321 5.1",
            "The same host is listed in more than one MX record; senders try it once, so the extra records add nothing.");
        public static readonly FindingKind MxEqualPreference = new FindingKind(nameof(MxEqualPreference), FindingSeverity.Information, "RFC 5321 5.1",
            "Several MX hosts share a preference: senders choose among them at random (load sharing).");
        public static readonly FindingKind MxReverseDnsMissing = new FindingKind(nameof(MxReverseDnsMissing), FindingSeverity.Warning, "RFC 8601 3; RFC 1912 2.1",
            "An address of an MX host has no PTR record; servers that send from it fail reverse-DNS (iprev) checks.");
        public static readonly FindingKind MxReverseDnsMismatch = new FindingKind(nameof(MxReverseDnsMismatch), FindingSeverity.Warning, "RFC 8601 3",
            "An address of an MX host has a PTR name that does not resolve back to it (not forward-confirmed).");
    }
}
