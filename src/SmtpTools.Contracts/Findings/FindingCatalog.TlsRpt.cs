namespace SmtpTools
{
    // Test-TlsRptRecord and the TLS reporting part of Test-MtaStsPolicy (RFC 8460 3): the _smtp._tls TXT record.
    public static partial class FindingCatalog
    {
        private const string TlsRpt = "TLS-RPT";
        public static readonly FindingDefinition TlsRptNoRecord = Define(TlsRpt, nameof(TlsRptNoRecord), FindingSeverity.Information, "RFC 8460 3",
            "No v=TLSRPTv1 record at _smtp._tls.<domain>: senders do not report TLS failures (MTA-STS, DANE) to the domain.");
        public static readonly FindingDefinition TlsRptDnsTempError = Define(TlsRpt, nameof(TlsRptDnsTempError), FindingSeverity.Error, "RFC 8460 3",
            "The _smtp._tls TXT query failed: whether the domain asks for TLS reports is unknown; the status is TempError.");
        public static readonly FindingDefinition TlsRptMultipleRecords = Define(TlsRpt, nameof(TlsRptMultipleRecords), FindingSeverity.Error, "RFC 8460 3",
            "More than one v=TLSRPTv1 record: senders then send no reports.");
        public static readonly FindingDefinition TlsRptRecordIgnored = Define(TlsRpt, nameof(TlsRptRecordIgnored), FindingSeverity.Warning, "RFC 8460 3",
            "A TXT record at _smtp._tls looks like a TLS-RPT record but does not begin with \"v=TLSRPTv1;\" exactly: senders ignore it.");
        public static readonly FindingDefinition TlsRptRecordSyntax = Define(TlsRpt, nameof(TlsRptRecordSyntax), FindingSeverity.Error, "RFC 8460 3",
            "The record breaks the grammar (empty field, a field without '=', a bad extension).");
        public static readonly FindingDefinition TlsRptNoRua = Define(TlsRpt, nameof(TlsRptNoRua), FindingSeverity.Error, "RFC 8460 3",
            "The record has no rua= field, which is required: there is nowhere to send reports.");
        public static readonly FindingDefinition TlsRptRuaInvalid = Define(TlsRpt, nameof(TlsRptRuaInvalid), FindingSeverity.Error, "RFC 8460 3",
            "An rua= destination is not a valid URI (a mailto: without address, '!' or spaces not percent-encoded, an empty entry).");
        public static readonly FindingDefinition TlsRptRuaUnsupported = Define(TlsRpt, nameof(TlsRptRuaUnsupported), FindingSeverity.Warning, "RFC 8460 3",
            "An rua= destination uses a scheme other than mailto: and https: (ftp:, http: …); senders send nothing there.");
        public static readonly FindingDefinition TlsRptNoUsableRua = Define(TlsRpt, nameof(TlsRptNoUsableRua), FindingSeverity.Error, "RFC 8460 3",
            "No rua= destination is usable: senders send no reports.");
        public static readonly FindingDefinition TlsRptDuplicateField = Define(TlsRpt, nameof(TlsRptDuplicateField), FindingSeverity.Warning, "RFC 8460 3",
            "A field appears twice in the record; only the first counts.");
        public static readonly FindingDefinition TlsRptUnknownField = Define(TlsRpt, nameof(TlsRptUnknownField), FindingSeverity.Information, "RFC 8460 3",
            "The record has a field RFC 8460 does not define; senders ignore it.");
    }
}
