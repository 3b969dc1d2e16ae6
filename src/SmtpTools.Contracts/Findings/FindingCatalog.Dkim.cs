namespace SmtpTools
{
    // Test-DkimRecord's audit of published DKIM key records, and the comparison with a local private key.
    public static partial class FindingCatalog
    {
        private const string Dkim = "DKIM";

        public static readonly FindingDefinition DkimNoSelectorFound = Define(Dkim, nameof(DkimNoSelectorFound), FindingSeverity.Warning, "RFC 6376 3.6.2.1",
            "None of the common selectors has a DKIM key at the domain; give the selector your mail provider uses with -Selector.");
        public static readonly FindingDefinition DkimRecordNotFound = Define(Dkim, nameof(DkimRecordNotFound), FindingSeverity.Error, "RFC 6376 3.6.2.2",
            "There is no DKIM key record at <selector>._domainkey.<domain>.");
        public static readonly FindingDefinition DkimLookupFailed = Define(Dkim, nameof(DkimLookupFailed), FindingSeverity.Error, "RFC 6376 6.1.2",
            "The DNS lookup of the key record failed (timeout, SERVFAIL); verifiers get a temporary failure. The status is LookupFailed.");
        public static readonly FindingDefinition DkimRecordIsCname = Define(Dkim, nameof(DkimRecordIsCname), FindingSeverity.Information, null,
            "The key name is a CNAME: the key is hosted elsewhere (usually by the mail provider).");
        public static readonly FindingDefinition DkimCnameTargetMissing = Define(Dkim, nameof(DkimCnameTargetMissing), FindingSeverity.Error, "RFC 6376 3.6.2.2",
            "The key name is a CNAME to a name without a DKIM key: the provider side is not set up or was removed.");
        public static readonly FindingDefinition DkimMultipleRecords = Define(Dkim, nameof(DkimMultipleRecords), FindingSeverity.Error, "RFC 6376 3.6.2.2",
            "Several TXT records at the key name; verifiers may pick any of them.");
        public static readonly FindingDefinition DkimRecordSplitIntoRecords = Define(Dkim, nameof(DkimRecordSplitIntoRecords), FindingSeverity.Error, "RFC 6376 3.6.2.2",
            "The key is split into separate TXT records; it must be one TXT record made of several strings.");
        public static readonly FindingDefinition DkimRecordSplitWithSpaces = Define(Dkim, nameof(DkimRecordSplitWithSpaces), FindingSeverity.Warning, "RFC 6376 3.6.2.2",
            "The strings of the record carry spaces at their joins inside p=; some verifiers mis-read such keys.");
        public static readonly FindingDefinition DkimRecordQuoted = Define(Dkim, nameof(DkimRecordQuoted), FindingSeverity.Error, "RFC 6376 3.6.2.2",
            "The record contains quotes or backslashes: it was probably pasted with zone-file quoting into a DNS provider's form.");
        public static readonly FindingDefinition DkimRecordWhitespaceInKey = Define(Dkim, nameof(DkimRecordWhitespaceInKey), FindingSeverity.Information, "RFC 6376 3.6.1",
            "p= contains whitespace (allowed and ignored by verifiers): the key was probably split with spaces between strings.");
        public static readonly FindingDefinition DkimRecordSyntaxError = Define(Dkim, nameof(DkimRecordSyntaxError), FindingSeverity.Error, "RFC 6376 3.2",
            "A part of the record is not a tag=value pair.");
        public static readonly FindingDefinition DkimRecordDuplicateTag = Define(Dkim, nameof(DkimRecordDuplicateTag), FindingSeverity.Error, "RFC 6376 3.2",
            "A tag appears more than once, which makes the record invalid.");
        public static readonly FindingDefinition DkimRecordBadVersion = Define(Dkim, nameof(DkimRecordBadVersion), FindingSeverity.Error, "RFC 6376 3.6.1",
            "v= is not DKIM1; verifiers discard the record.");
        public static readonly FindingDefinition DkimRecordVersionNotFirst = Define(Dkim, nameof(DkimRecordVersionNotFirst), FindingSeverity.Error, "RFC 6376 3.6.1",
            "v=DKIM1 is not the first tag of the record.");
        public static readonly FindingDefinition DkimRecordNoVersion = Define(Dkim, nameof(DkimRecordNoVersion), FindingSeverity.Information, "RFC 6376 3.6.1",
            "The record has no v=DKIM1 tag (optional, but it identifies the record).");
        public static readonly FindingDefinition DkimRecordUnknownKeyType = Define(Dkim, nameof(DkimRecordUnknownKeyType), FindingSeverity.Error, "RFC 6376 3.6.1",
            "k= names a key type verifiers do not know (rsa and ed25519 are defined).");
        public static readonly FindingDefinition DkimRecordNoSha256 = Define(Dkim, nameof(DkimRecordNoSha256), FindingSeverity.Error, "RFC 8301 3.1",
            "h= does not allow sha256, the only hash algorithm signers may use.");
        public static readonly FindingDefinition DkimRecordNotForEmail = Define(Dkim, nameof(DkimRecordNotForEmail), FindingSeverity.Error, "RFC 6376 3.6.1",
            "s= (service type) includes neither email nor *, so the key is not for mail.");
        public static readonly FindingDefinition DkimRecordMissingPublicKey = Define(Dkim, nameof(DkimRecordMissingPublicKey), FindingSeverity.Error, "RFC 6376 3.6.1",
            "The record has no p= tag.");
        public static readonly FindingDefinition DkimRecordBadPublicKey = Define(Dkim, nameof(DkimRecordBadPublicKey), FindingSeverity.Error, "RFC 6376 3.6.1",
            "p= is not a usable public key: not base64, not an RSA key, or an Ed25519 key that is not 32 raw bytes (RFC 8463 4.2).");
        public static readonly FindingDefinition DkimKeyRevoked = Define(Dkim, nameof(DkimKeyRevoked), FindingSeverity.Warning, "RFC 6376 3.6.1",
            "p= is empty: the key has been revoked and signatures made with it fail.");
        public static readonly FindingDefinition DkimKeyTooShort = Define(Dkim, nameof(DkimKeyTooShort), FindingSeverity.Error, "RFC 8301 3.2",
            "The RSA key has fewer than 1024 bits; verifiers reject it.");
        public static readonly FindingDefinition DkimRsaKeyTooShort = Define(Dkim, nameof(DkimRsaKeyTooShort), FindingSeverity.Warning, "RFC 8301 3.2",
            "The RSA key is shorter than the recommended 2048 bits.");
        public static readonly FindingDefinition DkimTestingMode = Define(Dkim, nameof(DkimTestingMode), FindingSeverity.Warning, "RFC 6376 3.6.1",
            "t=y: verifiers treat the domain as testing DKIM; remove the flag once signing works.");
        public static readonly FindingDefinition DkimEd25519Only = Define(Dkim, nameof(DkimEd25519Only), FindingSeverity.Information, "RFC 8463 5",
            "An Ed25519 key: many verifiers still ignore ed25519-sha256 signatures, so sign with an RSA key as well.");
        public static readonly FindingDefinition DkimKeyMatches = Define(Dkim, nameof(DkimKeyMatches), FindingSeverity.Information, null,
            "The published key is the public half of the given private key (-KeyPath).");
        public static readonly FindingDefinition DkimKeyMatchesUnusableRecord = Define(Dkim, nameof(DkimKeyMatchesUnusableRecord), FindingSeverity.Error, "RFC 6376 3.6.1",
            "The published key is the public half of the given private key, but verifiers cannot use the record (see the other findings).");
        public static readonly FindingDefinition DkimKeyMismatch = Define(Dkim, nameof(DkimKeyMismatch), FindingSeverity.Error, "RFC 6376 3.6.1",
            "The published key is not the public half of the given private key (or another algorithm): signatures made with it fail.");
    }
}
