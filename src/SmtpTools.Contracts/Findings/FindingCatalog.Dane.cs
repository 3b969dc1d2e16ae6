namespace SmtpTools
{
    // DANE for SMTP (RFC 7672, RFC 6698/7671): TLSA records of MX hosts matched against the certificates they present.
    public static partial class FindingCatalog
    {
        private const string Dane = "DANE";

        public static readonly FindingDefinition DaneNoMatch = Define(Dane, nameof(DaneNoMatch), FindingSeverity.Error, "RFC 7672 3",
            "The host publishes usable, DNSSEC-validated TLSA records but none matches the certificate chain it presents: DANE senders refuse to deliver to it.");
        public static readonly FindingDefinition DaneUnverifiable = Define(Dane, nameof(DaneUnverifiable), FindingSeverity.Warning, "RFC 7672 2.2",
            "TLSA records exist but the answers (TLSA, or the host's addresses) are not DNSSEC-validated: senders cannot use them, so the host is not protected by DANE.");
        public static readonly FindingDefinition DaneNoUsableRecord = Define(Dane, nameof(DaneNoUsableRecord), FindingSeverity.Warning, "RFC 7672 3.1.3",
            "Every TLSA record of the host is unusable for SMTP (PKIX-TA/PKIX-EE usages, or unknown parameters): senders do not authenticate it; publish DANE-EE (3 1 1) or DANE-TA (2 x 1) records.");
        public static readonly FindingDefinition DaneStartTlsNotOffered = Define(Dane, nameof(DaneStartTlsNotOffered), FindingSeverity.Error, "RFC 7672 2.2",
            "The host publishes usable TLSA records but does not offer STARTTLS: DANE senders must not send in clear text and defer the mail.");
        public static readonly FindingDefinition DaneTlsFailed = Define(Dane, nameof(DaneTlsFailed), FindingSeverity.Error, "RFC 7672 2.2",
            "The host publishes usable TLSA records but the TLS handshake after STARTTLS failed: DANE senders defer the mail.");
        public static readonly FindingDefinition DaneLookupFailed = Define(Dane, nameof(DaneLookupFailed), FindingSeverity.Warning, "RFC 7672 2.1.1",
            "A DNS question DANE needs (MX, addresses, TLSA) timed out or failed — a bogus (broken DNSSEC) zone answers SERVFAIL: the result is TempError, never a pass; DANE senders defer the mail.");
        public static readonly FindingDefinition DaneNotOnEveryMx = Define(Dane, nameof(DaneNotOnEveryMx), FindingSeverity.Warning, "RFC 7672 2.2",
            "Some MX hosts of the domain publish usable, validated TLSA records and others do not: mail that goes to the others is not authenticated by DANE (senders use them with opportunistic TLS, which an attacker can strip).");
        public static readonly FindingDefinition DaneConnectionFailed = Define(Dane, nameof(DaneConnectionFailed), FindingSeverity.Warning, null,
            "The host publishes usable TLSA records but could not be reached over SMTP, so its certificate could not be matched (TempError).");
    }
}
