namespace SmtpTools
{
    // The DNSSEC status of a domain (Test-DnssecStatus, and Test-MxRecord's DnssecStatus).
    public static partial class FindingCatalog
    {
        private const string Dnssec = "DNSSEC";

        public static readonly FindingDefinition DnssecBogus = Define(Dnssec, nameof(DnssecBogus), FindingSeverity.Error, "RFC 4035 5.5",
            "The domain is signed but its signatures do not validate: validating resolvers answer SERVFAIL, so mail to and DNS lookups of the domain fail for everyone behind one.");
        public static readonly FindingDefinition DnssecSignedNotValidated = Define(Dnssec, nameof(DnssecSignedNotValidated), FindingSeverity.Warning, "RFC 4035 4.3; RFC 6840 5.7",
            "Signatures came with the answer but it was not validated: the resolver asked (-Server) does not validate, or the parent zone has no DS record for the zone.");
        public static readonly FindingDefinition DnssecUnsigned = Define(Dnssec, nameof(DnssecUnsigned), FindingSeverity.Information, "RFC 4035 4.3",
            "The zone is not signed: answers about it cannot be validated, and DANE cannot be used for its mail servers.");
        public static readonly FindingDefinition DnssecLookupFailed = Define(Dnssec, nameof(DnssecLookupFailed), FindingSeverity.Warning, "RFC 4035 4.3",
            "The DNSSEC status could not be determined: the question timed out, was refused, or failed also with validation turned off (TempError).");
    }
}
