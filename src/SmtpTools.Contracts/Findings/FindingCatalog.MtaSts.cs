namespace SmtpTools
{
    // Test-MtaStsPolicy (RFC 8461): the _mta-sts record, fetching the policy, the policy text, the MX hosts and
    // -ProbeMx. Its TLS reporting findings are in FindingCatalog.TlsRpt.cs.
    public static partial class FindingCatalog
    {
        private const string MtaSts = "MTA-STS";

        // The _mta-sts TXT record (RFC 8461 3.1).
        public static readonly FindingDefinition MtaStsNoRecord = Define(MtaSts, nameof(MtaStsNoRecord), FindingSeverity.Information, "RFC 8461 3.1",
            "No v=STSv1 record at _mta-sts.<domain>: the domain does not use MTA-STS, so senders use TLS only opportunistically.");
        public static readonly FindingDefinition MtaStsDnsTempError = Define(MtaSts, nameof(MtaStsDnsTempError), FindingSeverity.Error, "RFC 8461 3.1",
            "A DNS query (the _mta-sts record, the policy host's address, the MX hosts) failed: the answer is unknown until DNS answers; the status is TempError.");
        public static readonly FindingDefinition MtaStsMultipleRecords = Define(MtaSts, nameof(MtaStsMultipleRecords), FindingSeverity.Error, "RFC 8461 3.1",
            "More than one v=STSv1 record at _mta-sts: senders then assume the domain has no policy.");
        public static readonly FindingDefinition MtaStsRecordIgnored = Define(MtaSts, nameof(MtaStsRecordIgnored), FindingSeverity.Warning, "RFC 8461 3.1",
            "A TXT record at _mta-sts looks like an MTA-STS record but does not begin with \"v=STSv1;\" exactly (another version, other case, white space): senders ignore it.");
        public static readonly FindingDefinition MtaStsRecordSyntax = Define(MtaSts, nameof(MtaStsRecordSyntax), FindingSeverity.Error, "RFC 8461 3.1",
            "The _mta-sts record breaks the grammar (empty field, a field without '=', a bad extension name or value): senders ignore it.");
        public static readonly FindingDefinition MtaStsRecordNoId = Define(MtaSts, nameof(MtaStsRecordNoId), FindingSeverity.Error, "RFC 8461 3.1",
            "The _mta-sts record has no id= field, which is required: senders ignore it.");
        public static readonly FindingDefinition MtaStsRecordIdInvalid = Define(MtaSts, nameof(MtaStsRecordIdInvalid), FindingSeverity.Error, "RFC 8461 3.1",
            "The id= of the _mta-sts record is not 1 to 32 letters and digits: senders ignore the record.");
        public static readonly FindingDefinition MtaStsRecordDuplicateField = Define(MtaSts, nameof(MtaStsRecordDuplicateField), FindingSeverity.Warning, "RFC 8461 3.1",
            "A field appears twice in the _mta-sts record; only the first counts.");
        public static readonly FindingDefinition MtaStsRecordUnknownField = Define(MtaSts, nameof(MtaStsRecordUnknownField), FindingSeverity.Information, "RFC 8461 3.1",
            "The _mta-sts record has a field RFC 8461 does not define; senders ignore it.");

        // Fetching https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 3.3).
        public static readonly FindingDefinition MtaStsPolicyHostNotFound = Define(MtaSts, nameof(MtaStsPolicyHostNotFound), FindingSeverity.Error, "RFC 8461 3.3",
            "mta-sts.<domain> does not exist or has no address: the policy cannot be fetched, so senders apply none.");
        public static readonly FindingDefinition MtaStsPolicyConnectFailed = Define(MtaSts, nameof(MtaStsPolicyConnectFailed), FindingSeverity.Error, "RFC 8461 3.3",
            "No HTTPS connection to mta-sts.<domain> port 443: the policy cannot be fetched.");
        public static readonly FindingDefinition MtaStsPolicyTimeout = Define(MtaSts, nameof(MtaStsPolicyTimeout), FindingSeverity.Error, "RFC 8461 3.3",
            "The policy host stopped answering or the fetch took longer than a minute: senders give up the same way.");
        public static readonly FindingDefinition MtaStsPolicyCertificateInvalid = Define(MtaSts, nameof(MtaStsPolicyCertificateInvalid), FindingSeverity.Error, "RFC 8461 3.3",
            "The certificate of mta-sts.<domain> is untrusted, expired or not valid for that name: senders refuse the policy (the message says which).");
        public static readonly FindingDefinition MtaStsPolicyCertificateExpiring = Define(MtaSts, nameof(MtaStsPolicyCertificateExpiring), FindingSeverity.Warning, "RFC 8461 3.3",
            "The certificate of mta-sts.<domain> expires within 14 days; after that senders cannot refresh the policy.");
        public static readonly FindingDefinition MtaStsPolicyTlsFailed = Define(MtaSts, nameof(MtaStsPolicyTlsFailed), FindingSeverity.Error, "RFC 8461 3.3",
            "The TLS handshake with mta-sts.<domain> failed for a reason other than the certificate (protocol versions, ciphers, a reset).");
        public static readonly FindingDefinition MtaStsPolicyRedirect = Define(MtaSts, nameof(MtaStsPolicyRedirect), FindingSeverity.Error, "RFC 8461 3.3",
            "The policy URL answers with a redirect; senders must not follow redirects, so they get no policy.");
        public static readonly FindingDefinition MtaStsPolicyHttpStatus = Define(MtaSts, nameof(MtaStsPolicyHttpStatus), FindingSeverity.Error, "RFC 8461 3.3",
            "The policy URL answers with a status other than 200 (404, 500 …): no policy.");
        public static readonly FindingDefinition MtaStsPolicyHttpError = Define(MtaSts, nameof(MtaStsPolicyHttpError), FindingSeverity.Error, "RFC 8461 3.3",
            "The answer of the policy host is not valid HTTP/1.x (broken framing, an endless header).");
        public static readonly FindingDefinition MtaStsPolicyContentType = Define(MtaSts, nameof(MtaStsPolicyContentType), FindingSeverity.Error, "RFC 8461 3.3",
            "The policy is not served as text/plain; senders that check the media type (as the RFC asks) refuse it.");
        public static readonly FindingDefinition MtaStsPolicyTooLarge = Define(MtaSts, nameof(MtaStsPolicyTooLarge), FindingSeverity.Error, "RFC 8461 3.3",
            "The policy is larger than 64 KB, where senders stop reading.");

        // The policy text (RFC 8461 3.2) and its mode (RFC 8461 5).
        public static readonly FindingDefinition MtaStsPolicySyntax = Define(MtaSts, nameof(MtaStsPolicySyntax), FindingSeverity.Error, "RFC 8461 3.2",
            "A policy line breaks the grammar (no ':', a bad or wrongly capitalized field name, a control character): the policy is invalid.");
        public static readonly FindingDefinition MtaStsPolicyEmptyLine = Define(MtaSts, nameof(MtaStsPolicyEmptyLine), FindingSeverity.Warning, "RFC 8461 3.2",
            "The policy has an empty line, which the grammar does not allow; strict parsers refuse the policy.");
        public static readonly FindingDefinition MtaStsPolicyNoVersion = Define(MtaSts, nameof(MtaStsPolicyNoVersion), FindingSeverity.Error, "RFC 8461 3.2",
            "The policy has no \"version: STSv1\" line, which is required.");
        public static readonly FindingDefinition MtaStsPolicyVersionInvalid = Define(MtaSts, nameof(MtaStsPolicyVersionInvalid), FindingSeverity.Error, "RFC 8461 3.2",
            "The policy's version is not STSv1 exactly.");
        public static readonly FindingDefinition MtaStsPolicyNoMode = Define(MtaSts, nameof(MtaStsPolicyNoMode), FindingSeverity.Error, "RFC 8461 3.2",
            "The policy has no mode line (enforce, testing or none), which is required.");
        public static readonly FindingDefinition MtaStsPolicyModeInvalid = Define(MtaSts, nameof(MtaStsPolicyModeInvalid), FindingSeverity.Error, "RFC 8461 3.2",
            "The policy's mode is not enforce, testing or none (lower case).");
        public static readonly FindingDefinition MtaStsPolicyNoMaxAge = Define(MtaSts, nameof(MtaStsPolicyNoMaxAge), FindingSeverity.Error, "RFC 8461 3.2",
            "The policy has no max_age line, which is required.");
        public static readonly FindingDefinition MtaStsPolicyMaxAgeInvalid = Define(MtaSts, nameof(MtaStsPolicyMaxAgeInvalid), FindingSeverity.Error, "RFC 8461 3.2",
            "max_age is not a number of seconds of 1 to 10 digits.");
        public static readonly FindingDefinition MtaStsPolicyMaxAgeTooLarge = Define(MtaSts, nameof(MtaStsPolicyMaxAgeTooLarge), FindingSeverity.Warning, "RFC 8461 3.2",
            "max_age is above 31557600 (one year), the maximum; senders cap it.");
        public static readonly FindingDefinition MtaStsPolicyMaxAgeShort = Define(MtaSts, nameof(MtaStsPolicyMaxAgeShort), FindingSeverity.Warning, "RFC 8461 3.2",
            "max_age is under a week in enforce or testing mode; the RFC expects weeks or more, so a cached policy outlives an attack at refresh time.");
        public static readonly FindingDefinition MtaStsPolicyNoMx = Define(MtaSts, nameof(MtaStsPolicyNoMx), FindingSeverity.Error, "RFC 8461 3.2",
            "The policy has no mx line; only mode none may omit it.");
        public static readonly FindingDefinition MtaStsPolicyMxInvalid = Define(MtaSts, nameof(MtaStsPolicyMxInvalid), FindingSeverity.Error, "RFC 8461 3.2",
            "An mx value is not a host name or a \"*.\" wildcard pattern (a wildcard elsewhere, a trailing dot, bad characters).");
        public static readonly FindingDefinition MtaStsPolicyDuplicateField = Define(MtaSts, nameof(MtaStsPolicyDuplicateField), FindingSeverity.Warning, "RFC 8461 3.2",
            "version, mode or max_age appears twice in the policy; only the first counts.");
        public static readonly FindingDefinition MtaStsPolicyUnknownField = Define(MtaSts, nameof(MtaStsPolicyUnknownField), FindingSeverity.Information, "RFC 8461 3.2",
            "The policy has a field RFC 8461 does not define; senders ignore it.");
        public static readonly FindingDefinition MtaStsModeTesting = Define(MtaSts, nameof(MtaStsModeTesting), FindingSeverity.Information, "RFC 8461 5",
            "mode: testing: senders deliver even when TLS fails and only report the failure by TLS-RPT.");
        public static readonly FindingDefinition MtaStsModeNone = Define(MtaSts, nameof(MtaStsModeNone), FindingSeverity.Information, "RFC 8461 5",
            "mode: none: the domain withdraws its policy; senders treat it as having none.");

        // The MX hosts matched against the policy (RFC 8461 4.1) and, with -ProbeMx, checked over SMTP (RFC 8461 4.2).
        public static readonly FindingDefinition MtaStsNoMx = Define(MtaSts, nameof(MtaStsNoMx), FindingSeverity.Warning, "RFC 8461 4.1",
            "The domain has no MX record (or a null MX): MTA-STS applies to MX hosts, so the policy protects nothing.");
        public static readonly FindingDefinition MtaStsMxNotMatched = Define(MtaSts, nameof(MtaStsMxNotMatched), FindingSeverity.Error, "RFC 8461 4.1",
            "An MX host matches no mx pattern of the policy: senders enforcing it will not deliver there (in testing mode they report every delivery as a failure).");
        public static readonly FindingDefinition MtaStsMxPatternUnused = Define(MtaSts, nameof(MtaStsMxPatternUnused), FindingSeverity.Information, "RFC 8461 4.1",
            "An mx pattern of the policy matches none of the domain's MX hosts (a leftover?).");
        public static readonly FindingDefinition MtaStsMxNoStartTls = Define(MtaSts, nameof(MtaStsMxNoStartTls), FindingSeverity.Error, "RFC 8461 4.2",
            "-ProbeMx: the MX host does not offer STARTTLS; senders enforcing MTA-STS will not deliver to it.");
        public static readonly FindingDefinition MtaStsMxTlsFailed = Define(MtaSts, nameof(MtaStsMxTlsFailed), FindingSeverity.Error, "RFC 8461 4.2",
            "-ProbeMx: STARTTLS is offered but the TLS handshake fails; senders enforcing MTA-STS will not deliver to it.");
        public static readonly FindingDefinition MtaStsMxCertificateInvalid = Define(MtaSts, nameof(MtaStsMxCertificateInvalid), FindingSeverity.Error, "RFC 8461 4.2",
            "-ProbeMx: the MX host's certificate is untrusted, expired or not valid for its name; senders enforcing MTA-STS will not deliver to it.");
        public static readonly FindingDefinition MtaStsMxUnreachable = Define(MtaSts, nameof(MtaStsMxUnreachable), FindingSeverity.Warning, "RFC 8461 4.2",
            "-ProbeMx: the MX host could not be reached or the session ended before TLS, so nothing could be checked.");
        public static readonly FindingDefinition MtaStsWithoutTlsRpt = Define(MtaSts, nameof(MtaStsWithoutTlsRpt), FindingSeverity.Warning, "RFC 8460 3",
            "MTA-STS is in enforce or testing mode without a usable TLS reporting record: nobody learns when senders fail (or would fail) to deliver.");
    }
}
