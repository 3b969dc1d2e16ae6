namespace SmtpTools
{
    // Test-MxRecord's findings about a domain's mail exchangers (RFC 5321 5.1, RFC 7505) and their reverse DNS.
    public static partial class FindingCatalog
    {
        private const string Mx = "MX";

        public static readonly FindingDefinition MxLookupFailed = Define(Mx, nameof(MxLookupFailed), FindingSeverity.Warning, "RFC 5321 5.1",
            "A DNS lookup (MX, A/AAAA of a host, PTR) timed out or failed: the result is incomplete (TempError), not \"no record\".");
        public static readonly FindingDefinition MxDomainNotFound = Define(Mx, nameof(MxDomainNotFound), FindingSeverity.Error, "RFC 5321 5.1",
            "The domain does not exist (NXDOMAIN): mail to it cannot be delivered.");
        public static readonly FindingDefinition MxImplicit = Define(Mx, nameof(MxImplicit), FindingSeverity.Warning, "RFC 5321 5.1",
            "The domain has no MX record, so senders deliver to its own A/AAAA address (implicit MX): publish an MX record, or a null MX if it takes no mail.");
        public static readonly FindingDefinition MxNoMailHost = Define(Mx, nameof(MxNoMailHost), FindingSeverity.Warning, "RFC 7505 1; RFC 5321 5.1",
            "The domain has neither an MX record nor an address, so it cannot receive mail; a null MX (\"0 .\") says so explicitly and spares senders retries.");
        public static readonly FindingDefinition MxNullMx = Define(Mx, nameof(MxNullMx), FindingSeverity.Information, "RFC 7505 3",
            "The domain publishes a null MX (\"0 .\"): it accepts no mail.");
        public static readonly FindingDefinition MxNullMxNotAlone = Define(Mx, nameof(MxNullMxNotAlone), FindingSeverity.Error, "RFC 7505 3",
            "A null MX (\"0 .\") is published beside other MX records; a domain that advertises a null MX must not advertise any other MX record.");
        public static readonly FindingDefinition MxNullMxPreference = Define(Mx, nameof(MxNullMxPreference), FindingSeverity.Warning, "RFC 7505 3",
            "An MX record names the root (\".\") with a preference other than 0; the null MX is exactly \"0 .\".");
        public static readonly FindingDefinition MxNullMxWithSpf = Define(Mx, nameof(MxNullMxWithSpf), FindingSeverity.Warning, "RFC 7505 4.2",
            "The domain publishes a null MX but its SPF record authorises senders: a domain that sends mail should not publish a null MX, since its bounces cannot come back and receivers may reject its mail.");
        public static readonly FindingDefinition MxTargetIsCname = Define(Mx, nameof(MxTargetIsCname), FindingSeverity.Warning, "RFC 2181 10.3; RFC 5321 5.1",
            "An MX record names an alias (CNAME) instead of the host's canonical name; most senders still deliver, but some refuse or loop.");
        public static readonly FindingDefinition MxTargetIsIPAddress = Define(Mx, nameof(MxTargetIsIPAddress), FindingSeverity.Error, "RFC 5321 5.1; RFC 1035 3.3.9",
            "An MX record names an IP address instead of a host name; senders look it up as a name and find no address.");
        public static readonly FindingDefinition MxHostWithoutAddress = Define(Mx, nameof(MxHostWithoutAddress), FindingSeverity.Warning, "RFC 5321 5.1",
            "An MX host has no A or AAAA record (or does not exist): senders skip it.");
        public static readonly FindingDefinition MxNoUsableHost = Define(Mx, nameof(MxNoUsableHost), FindingSeverity.Error, "RFC 5321 5.1",
            "MX records exist but none of their hosts has an address: mail to the domain cannot be delivered.");
        public static readonly FindingDefinition MxDuplicateHost = Define(Mx, nameof(MxDuplicateHost), FindingSeverity.Warning, "RFC 5321 5.1",
            "The same host is listed in more than one MX record; senders try it once, so the extra records add nothing.");
        public static readonly FindingDefinition MxEqualPreference = Define(Mx, nameof(MxEqualPreference), FindingSeverity.Information, "RFC 5321 5.1",
            "Several MX hosts share a preference: senders choose among them at random (load sharing).");
        public static readonly FindingDefinition MxReverseDnsMissing = Define(Mx, nameof(MxReverseDnsMissing), FindingSeverity.Warning, "RFC 8601 3; RFC 1912 2.1",
            "An address of an MX host has no PTR record; servers that send from it fail reverse-DNS (iprev) checks.");
        public static readonly FindingDefinition MxReverseDnsMismatch = Define(Mx, nameof(MxReverseDnsMismatch), FindingSeverity.Warning, "RFC 8601 3",
            "An address of an MX host has a PTR name that does not resolve back to it (not forward-confirmed).");
    }
}
