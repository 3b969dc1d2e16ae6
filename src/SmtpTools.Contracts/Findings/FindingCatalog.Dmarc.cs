namespace SmtpTools
{
    // Test-DmarcPolicy: policy discovery, the record, report destinations, and the evaluation of results or a message.
    // Where the rule is in both specifications the reference names the RFC 9989 (DMARCbis) section first, then the
    // RFC 7489 one; a finding carries the one of the specification in use (-Specification).
    public static partial class FindingCatalog
    {
        private const string Dmarc = "DMARC";

        // Discovery.
        public static readonly FindingDefinition DmarcInvalidDomain = Define(Dmarc, nameof(DmarcInvalidDomain), FindingSeverity.Error, null,
            "The domain is not a valid domain name, so no policy can be looked up.");
        public static readonly FindingDefinition DmarcNoRecord = Define(Dmarc, nameof(DmarcNoRecord), FindingSeverity.Error, "RFC 9989 4.10; RFC 7489 6.6.3",
            "No DMARC record at _dmarc.<domain> nor at its organizational domain (or any parent name): receivers apply no DMARC policy.");
        public static readonly FindingDefinition DmarcPolicyInherited = Define(Dmarc, nameof(DmarcPolicyInherited), FindingSeverity.Information, "RFC 9989 4.10; RFC 7489 6.6.3",
            "The domain has no record of its own; the policy of a parent (organizational) domain applies.");
        public static readonly FindingDefinition DmarcDnsTempError = Define(Dmarc, nameof(DmarcDnsTempError), FindingSeverity.Error, "RFC 9989 4.10; RFC 7489 6.6.3",
            "A _dmarc TXT query failed (timeout, SERVFAIL): the policy is unknown until DNS answers; the status is TempError.");
        public static readonly FindingDefinition DmarcMultipleRecords = Define(Dmarc, nameof(DmarcMultipleRecords), FindingSeverity.Error, "RFC 9989 4.10; RFC 7489 6.6.3",
            "More than one DMARC record at the policy name: receivers then apply no policy at all.");
        public static readonly FindingDefinition DmarcMalformedVersion = Define(Dmarc, nameof(DmarcMalformedVersion), FindingSeverity.Error, "RFC 9989 4.7; RFC 7489 6.4",
            "A TXT record is almost a DMARC record but does not begin with v=DMARC1 exactly, so receivers ignore it.");

        // The record.
        public static readonly FindingDefinition DmarcNotDmarcRecord = Define(Dmarc, nameof(DmarcNotDmarcRecord), FindingSeverity.Error, "RFC 9989 4.7; RFC 7489 6.4",
            "The text does not begin with v=DMARC1: it is not a DMARC record.");
        public static readonly FindingDefinition DmarcSyntaxError = Define(Dmarc, nameof(DmarcSyntaxError), FindingSeverity.Error, "RFC 9989 4.7; RFC 7489 6.4",
            "The record breaks the DMARC grammar (the message gives the position): a permanent error, no policy applies.");
        public static readonly FindingDefinition DmarcInvalidPolicy = Define(Dmarc, nameof(DmarcInvalidPolicy), FindingSeverity.Error, "RFC 7489 6.6.3",
            "p or sp is not none, quarantine or reject.");
        public static readonly FindingDefinition DmarcMissingPolicy = Define(Dmarc, nameof(DmarcMissingPolicy), FindingSeverity.Warning, "RFC 9989 4.7",
            "The record has no p tag; RFC 9989 treats it as p=none.");
        public static readonly FindingDefinition DmarcPolicyFromReportUri = Define(Dmarc, nameof(DmarcPolicyFromReportUri), FindingSeverity.Warning, "RFC 7489 6.6.3",
            "p is missing or invalid but rua is valid: receivers act as if the record said p=none.");
        public static readonly FindingDefinition DmarcNoUsablePolicy = Define(Dmarc, nameof(DmarcNoUsablePolicy), FindingSeverity.Error, "RFC 7489 6.6.3",
            "p is missing or invalid and there is no valid rua: receivers apply no DMARC processing.");
        public static readonly FindingDefinition DmarcPolicyNotSecond = Define(Dmarc, nameof(DmarcPolicyNotSecond), FindingSeverity.Warning, "RFC 7489 6.3",
            "p is not the first tag after v: allowed by RFC 9989, but receivers that follow RFC 7489 reject the record.");
        public static readonly FindingDefinition DmarcRemovedTag = Define(Dmarc, nameof(DmarcRemovedTag), FindingSeverity.Information, "RFC 9989",
            "pct, rf or ri: RFC 9989 removed the tag, so receivers that follow it ignore it.");
        public static readonly FindingDefinition DmarcUnknownTag = Define(Dmarc, nameof(DmarcUnknownTag), FindingSeverity.Warning, "RFC 9989 4.7; RFC 7489 6.3",
            "A tag DMARC does not define; receivers ignore it (often a typo of a real tag).");
        public static readonly FindingDefinition DmarcUnregisteredReportFormat = Define(Dmarc, nameof(DmarcUnregisteredReportFormat), FindingSeverity.Warning, "RFC 7489 6.3",
            "rf names a failure-report format that is not registered; it is ignored.");
        public static readonly FindingDefinition DmarcPolicyNone = Define(Dmarc, nameof(DmarcPolicyNone), FindingSeverity.Warning, "RFC 9989 4.7; RFC 7489 6.3",
            "p=none: monitoring only, failing messages are still delivered.");
        public static readonly FindingDefinition DmarcSubdomainPolicyWeaker = Define(Dmarc, nameof(DmarcSubdomainPolicyWeaker), FindingSeverity.Warning, "RFC 9989 4.7; RFC 7489 6.3",
            "sp is weaker than p: subdomains are less protected than the domain.");
        public static readonly FindingDefinition DmarcNonexistentPolicyWeaker = Define(Dmarc, nameof(DmarcNonexistentPolicyWeaker), FindingSeverity.Warning, "RFC 9989 4.7; RFC 9091 4.1",
            "np is weaker than the policy for existing subdomains, although names that do not exist never send legitimate mail.");
        public static readonly FindingDefinition DmarcPercentageBelow100 = Define(Dmarc, nameof(DmarcPercentageBelow100), FindingSeverity.Warning, "RFC 7489 6.6.4",
            "pct below 100: the policy is applied to only that share of failing messages (RFC 7489 only).");
        public static readonly FindingDefinition DmarcTestMode = Define(Dmarc, nameof(DmarcTestMode), FindingSeverity.Warning, "RFC 9989 4.7",
            "t=y: test mode, receivers apply a policy one level weaker than the one published.");
        public static readonly FindingDefinition DmarcNoAggregateReports = Define(Dmarc, nameof(DmarcNoAggregateReports), FindingSeverity.Warning, "RFC 9989 4.7; RFC 7489 6.3",
            "No rua tag: the domain receives no aggregate reports and cannot see who sends as it.");
        public static readonly FindingDefinition DmarcFailureOptionsWithoutRuf = Define(Dmarc, nameof(DmarcFailureOptionsWithoutRuf), FindingSeverity.Information, "RFC 9989 4.7; RFC 7489 6.3",
            "fo is set but there is no ruf destination, so it has no effect.");

        // Report destinations.
        public static readonly FindingDefinition DmarcReportSizeLimitIgnored = Define(Dmarc, nameof(DmarcReportSizeLimitIgnored), FindingSeverity.Information, "RFC 9989",
            "A report URI carries a !size limit, which RFC 9989 dropped: its reporters ignore it (RFC 7489 reporters still honour it).");
        public static readonly FindingDefinition DmarcNonMailtoReportUri = Define(Dmarc, nameof(DmarcNonMailtoReportUri), FindingSeverity.Warning, "RFC 9989 4.7; RFC 7489 6.2",
            "A report destination is not a mailto: URI; receivers are only required to support mailto.");
        public static readonly FindingDefinition DmarcReportAddressWithoutDomain = Define(Dmarc, nameof(DmarcReportAddressWithoutDomain), FindingSeverity.Warning, "RFC 9989 4.7; RFC 7489 6.2",
            "A report destination has no valid mailbox domain; reports cannot be delivered there.");
        public static readonly FindingDefinition DmarcUnauthorizedReportDestination = Define(Dmarc, nameof(DmarcUnauthorizedReportDestination), FindingSeverity.Warning, "RFC 7489 7.1",
            "An external report destination has not authorized reports for the domain (no <domain>._report._dmarc record): receivers send none there.");
        public static readonly FindingDefinition DmarcReportAuthorizationUnknown = Define(Dmarc, nameof(DmarcReportAuthorizationUnknown), FindingSeverity.Warning, "RFC 7489 7.1",
            "Whether an external report destination authorized reports could not be checked (DNS failure).");

        // Evaluation of given results or a message (-SpfResult, -DkimPassDomain, -MessagePath).
        public static readonly FindingDefinition DmarcPass = Define(Dmarc, nameof(DmarcPass), FindingSeverity.Information, null,
            "dmarc=pass: SPF or DKIM passed for a domain aligned with the From domain.");
        public static readonly FindingDefinition DmarcFail = Define(Dmarc, nameof(DmarcFail), FindingSeverity.Warning, "RFC 9989 4.8; RFC 7489 6.6.2",
            "dmarc=fail: neither SPF nor DKIM passed aligned with the From domain; the message says which disposition applies.");
        public static readonly FindingDefinition DmarcTempError = Define(Dmarc, nameof(DmarcTempError), FindingSeverity.Error, "RFC 9989 4.10; RFC 7489 6.6.3",
            "dmarc=temperror. An Error when the policy could not be looked up (DNS failure); a Warning when nothing aligned passed and a temporary SPF or DKIM error left the outcome open.",
            FindingSeverity.Warning);
        public static readonly FindingDefinition DmarcPermError = Define(Dmarc, nameof(DmarcPermError), FindingSeverity.Error, "RFC 9989 4.10; RFC 7489 6.6.3",
            "dmarc=permerror: the policy that applies is unusable, so there is no disposition.");
        public static readonly FindingDefinition DmarcNoPolicy = Define(Dmarc, nameof(DmarcNoPolicy), FindingSeverity.Information, "RFC 9989 4.10; RFC 7489 6.6.3",
            "dmarc=none: no usable DMARC policy applies to the From domain.");
        public static readonly FindingDefinition DmarcDomainExistenceUnknown = Define(Dmarc, nameof(DmarcDomainExistenceUnknown), FindingSeverity.Warning, "RFC 9989 4.10; RFC 9091 4",
            "Whether the From domain exists could not be determined (DNS failure), so sp is assumed rather than np.");
        public static readonly FindingDefinition DmarcNoFromDomain = Define(Dmarc, nameof(DmarcNoFromDomain), FindingSeverity.Error, "RFC 9989 4.4; RFC 7489 6.6.1",
            "No RFC5322.From domain could be extracted, so DMARC cannot be evaluated.");
        public static readonly FindingDefinition DmarcMultipleFromDomains = Define(Dmarc, nameof(DmarcMultipleFromDomains), FindingSeverity.Error, "RFC 9989 4.4; RFC 7489 6.6.1",
            "The From header names several domains; each is evaluated and the strictest failing outcome is reported.");
        public static readonly FindingDefinition DmarcFromHeaderCount = Define(Dmarc, nameof(DmarcFromHeaderCount), FindingSeverity.Error, "RFC 9989 4.4; RFC 7489 6.6.1",
            "The message has no From header field or more than one; DMARC needs exactly one, so the result is permerror.");
        public static readonly FindingDefinition DmarcMessageUnsigned = Define(Dmarc, nameof(DmarcMessageUnsigned), FindingSeverity.Information, "RFC 9989 4.2; RFC 7489 4.2",
            "The message has no DKIM-Signature; only SPF can make DMARC pass.");
        public static readonly FindingDefinition DmarcDkimSignatureNotPassing = Define(Dmarc, nameof(DmarcDkimSignatureNotPassing), FindingSeverity.Warning, "RFC 6376 6.1",
            "A DKIM signature of the message does not verify (the message gives the result and the reason).");
        public static readonly FindingDefinition DmarcNoSpfIdentity = Define(Dmarc, nameof(DmarcNoSpfIdentity), FindingSeverity.Warning, "RFC 7208 2.3",
            "The message has no Return-Path (or a null sender) and no -HeloDomain was given, so SPF was not checked.");
    }
}
