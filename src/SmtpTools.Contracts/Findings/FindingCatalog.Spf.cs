namespace SmtpTools
{
    // Get-SpfRecord's audit of an SPF record and its include/redirect tree.
    public static partial class FindingCatalog
    {
        private const string Spf = "SPF";

        public static readonly FindingDefinition SpfInvalidDomain = Define(Spf, nameof(SpfInvalidDomain), FindingSeverity.Error, "RFC 7208 4.3",
            "The domain is not a fully qualified domain name, so check_host() returns none for it.");
        public static readonly FindingDefinition SpfLookupFailed = Define(Spf, nameof(SpfLookupFailed), FindingSeverity.Error, "RFC 7208 4.4",
            "A DNS lookup the record needs failed (timeout, SERVFAIL): receivers get temperror until DNS answers; the status is TempError, never \"no SPF\".");
        public static readonly FindingDefinition SpfNoRecord = Define(Spf, nameof(SpfNoRecord), FindingSeverity.Warning, "RFC 7208 4.5",
            "The domain publishes no SPF record; receivers get the result none.");
        public static readonly FindingDefinition SpfMultipleRecords = Define(Spf, nameof(SpfMultipleRecords), FindingSeverity.Error, "RFC 7208 4.5",
            "The domain publishes more than one SPF record: check_host() gives permerror. Merge them into one.");
        public static readonly FindingDefinition SpfSyntaxError = Define(Spf, nameof(SpfSyntaxError), FindingSeverity.Error, "RFC 7208 4.6.1",
            "A term of the record is not valid SPF, which makes the whole record a permerror.");
        public static readonly FindingDefinition SpfMalformedMacro = Define(Spf, nameof(SpfMalformedMacro), FindingSeverity.Error, "RFC 7208 7.1",
            "A macro in a term is malformed, which makes the whole record a permerror.");
        public static readonly FindingDefinition SpfIncludeWithoutRecord = Define(Spf, nameof(SpfIncludeWithoutRecord), FindingSeverity.Error, "RFC 7208 5.2",
            "An include: names a domain that publishes no SPF record: check_host() gives permerror.");
        public static readonly FindingDefinition SpfRedirectWithoutRecord = Define(Spf, nameof(SpfRedirectWithoutRecord), FindingSeverity.Error, "RFC 7208 6.1",
            "redirect= names a domain that publishes no SPF record: check_host() gives permerror.");
        public static readonly FindingDefinition SpfRedirectIgnored = Define(Spf, nameof(SpfRedirectIgnored), FindingSeverity.Warning, "RFC 7208 6.1",
            "redirect= is never used because the record has an all mechanism.");
        public static readonly FindingDefinition SpfIncludeLoop = Define(Spf, nameof(SpfIncludeLoop), FindingSeverity.Error, "RFC 7208 4.6.4",
            "An include or redirect leads back to a domain already on its path: check_host() ends in permerror.");
        public static readonly FindingDefinition SpfTooDeep = Define(Spf, nameof(SpfTooDeep), FindingSeverity.Warning, "RFC 7208 4.6.4",
            "Includes and redirects nest deeper than the audit follows; the deeper ones are not audited.");
        public static readonly FindingDefinition SpfTooManyDnsLookups = Define(Spf, nameof(SpfTooManyDnsLookups), FindingSeverity.Error, "RFC 7208 4.6.4",
            "Evaluating the record takes more than 10 DNS lookups (include, a, mx, ptr, exists, redirect): permerror.");
        public static readonly FindingDefinition SpfTooManyVoidLookups = Define(Spf, nameof(SpfTooManyVoidLookups), FindingSeverity.Error, "RFC 7208 4.6.4",
            "More than 2 lookups in the tree return no records (void lookups): permerror.");
        public static readonly FindingDefinition SpfTooManyMxRecords = Define(Spf, nameof(SpfTooManyMxRecords), FindingSeverity.Error, "RFC 7208 4.6.4",
            "The domain of an mx mechanism has more than 10 MX records, which makes the mechanism a permerror.");
        public static readonly FindingDefinition SpfTooManyAddresses = Define(Spf, nameof(SpfTooManyAddresses), FindingSeverity.Warning, "RFC 7208 4.6.4",
            "A name an a or mx mechanism looks up has more than 10 addresses; receivers may stop counting at 10.");
        public static readonly FindingDefinition SpfPassAll = Define(Spf, nameof(SpfPassAll), FindingSeverity.Error, "RFC 7208 5.1",
            "+all lets every address on the Internet pass (also for every domain that includes this record).");
        public static readonly FindingDefinition SpfNeutralAll = Define(Spf, nameof(SpfNeutralAll), FindingSeverity.Warning, "RFC 7208 5.1",
            "?all gives unlisted senders neutral, which protects nothing; use -all or ~all.");
        public static readonly FindingDefinition SpfMissingAll = Define(Spf, nameof(SpfMissingAll), FindingSeverity.Warning, "RFC 7208 4.7",
            "The policy ends without an all mechanism, so unlisted senders get neutral; end it with -all or ~all.");
        public static readonly FindingDefinition SpfPtrDeprecated = Define(Spf, nameof(SpfPtrDeprecated), FindingSeverity.Warning, "RFC 7208 5.5",
            "The record uses the ptr mechanism, which is slow, unreliable and SHOULD NOT be used.");
        public static readonly FindingDefinition SpfUnknownModifier = Define(Spf, nameof(SpfUnknownModifier), FindingSeverity.Information, "RFC 7208 6",
            "A modifier RFC 7208 does not define; receivers ignore it.");
        public static readonly FindingDefinition SpfMacroNotFollowed = Define(Spf, nameof(SpfMacroNotFollowed), FindingSeverity.Information, "RFC 7208 7",
            "A term depends on the sender or the client address (macros), so its target could not be audited.");
        public static readonly FindingDefinition SpfRecordTooLong = Define(Spf, nameof(SpfRecordTooLong), FindingSeverity.Warning, "RFC 7208 3.4",
            "The record is over 450 bytes, so the DNS answer may not fit in a 512-byte UDP reply.");
        public static readonly FindingDefinition SpfStringTooLong = Define(Spf, nameof(SpfStringTooLong), FindingSeverity.Error, "RFC 7208 3.3",
            "A string of the TXT record is over 255 bytes, more than a DNS character-string holds; split it.");
    }
}
