using SmtpTools.Core.Findings;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>
    /// Every finding Test-MtaStsPolicy can report, made in this one place: the id, its severity and the RFC section
    /// are fixed per id; the message carries the particulars.
    /// </summary>
    internal static class MtaStsFindings
    {
        private const string Record = "RFC 8461 3.1";
        private const string Policy = "RFC 8461 3.2";
        private const string Fetch = "RFC 8461 3.3";
        private const string MxMatching = "RFC 8461 4.1";
        private const string MxValidation = "RFC 8461 4.2";
        private const string Modes = "RFC 8461 5";

        // ---- the _mta-sts TXT record ----
        public static Finding NoRecord(string message) => Finding.Info("MtaStsNoRecord", message, Record);
        public static Finding DnsTempError(string message) => Finding.Error("MtaStsDnsTempError", message, Record);
        public static Finding MultipleRecords(string message) => Finding.Error("MtaStsMultipleRecords", message, Record);
        public static Finding RecordIgnored(string message) => Finding.Warning("MtaStsRecordIgnored", message, Record);
        public static Finding RecordSyntax(string message) => Finding.Error("MtaStsRecordSyntax", message, Record);
        public static Finding RecordNoId(string message) => Finding.Error("MtaStsRecordNoId", message, Record);
        public static Finding RecordIdInvalid(string message) => Finding.Error("MtaStsRecordIdInvalid", message, Record);
        public static Finding RecordDuplicateField(string message) => Finding.Warning("MtaStsRecordDuplicateField", message, Record);
        public static Finding RecordUnknownField(string message) => Finding.Info("MtaStsRecordUnknownField", message, Record);

        // ---- fetching the policy ----
        public static Finding PolicyHostNotFound(string message) => Finding.Error("MtaStsPolicyHostNotFound", message, Fetch);
        public static Finding PolicyConnectFailed(string message) => Finding.Error("MtaStsPolicyConnectFailed", message, Fetch);
        public static Finding PolicyTimeout(string message) => Finding.Error("MtaStsPolicyTimeout", message, Fetch);
        public static Finding PolicyCertificateInvalid(string message) => Finding.Error("MtaStsPolicyCertificateInvalid", message, Fetch);
        public static Finding PolicyCertificateExpiring(string message) => Finding.Warning("MtaStsPolicyCertificateExpiring", message, Fetch);
        public static Finding PolicyTlsFailed(string message) => Finding.Error("MtaStsPolicyTlsFailed", message, Fetch);
        public static Finding PolicyRedirect(string message) => Finding.Error("MtaStsPolicyRedirect", message, Fetch);
        public static Finding PolicyHttpStatus(string message) => Finding.Error("MtaStsPolicyHttpStatus", message, Fetch);
        public static Finding PolicyHttpError(string message) => Finding.Error("MtaStsPolicyHttpError", message, Fetch);
        public static Finding PolicyContentType(string message) => Finding.Error("MtaStsPolicyContentType", message, Fetch);
        public static Finding PolicyTooLarge(string message) => Finding.Error("MtaStsPolicyTooLarge", message, Fetch);

        // ---- the policy text ----
        public static Finding PolicySyntax(string message) => Finding.Error("MtaStsPolicySyntax", message, Policy);
        public static Finding PolicyEmptyLine(string message) => Finding.Warning("MtaStsPolicyEmptyLine", message, Policy);
        public static Finding PolicyNoVersion(string message) => Finding.Error("MtaStsPolicyNoVersion", message, Policy);
        public static Finding PolicyVersionInvalid(string message) => Finding.Error("MtaStsPolicyVersionInvalid", message, Policy);
        public static Finding PolicyNoMode(string message) => Finding.Error("MtaStsPolicyNoMode", message, Policy);
        public static Finding PolicyModeInvalid(string message) => Finding.Error("MtaStsPolicyModeInvalid", message, Policy);
        public static Finding PolicyNoMaxAge(string message) => Finding.Error("MtaStsPolicyNoMaxAge", message, Policy);
        public static Finding PolicyMaxAgeInvalid(string message) => Finding.Error("MtaStsPolicyMaxAgeInvalid", message, Policy);
        public static Finding PolicyMaxAgeTooLarge(string message) => Finding.Warning("MtaStsPolicyMaxAgeTooLarge", message, Policy);
        public static Finding PolicyMaxAgeShort(string message) => Finding.Warning("MtaStsPolicyMaxAgeShort", message, Policy);
        public static Finding PolicyNoMx(string message) => Finding.Error("MtaStsPolicyNoMx", message, Policy);
        public static Finding PolicyMxInvalid(string message) => Finding.Error("MtaStsPolicyMxInvalid", message, Policy);
        public static Finding PolicyDuplicateField(string message) => Finding.Warning("MtaStsPolicyDuplicateField", message, Policy);
        public static Finding PolicyUnknownField(string message) => Finding.Info("MtaStsPolicyUnknownField", message, Policy);
        public static Finding ModeTesting(string message) => Finding.Info("MtaStsModeTesting", message, Modes);
        public static Finding ModeNone(string message) => Finding.Info("MtaStsModeNone", message, Modes);

        // ---- the MX hosts ----
        public static Finding NoMx(string message) => Finding.Warning("MtaStsNoMx", message, MxMatching);
        public static Finding MxNotMatched(string message) => Finding.Error("MtaStsMxNotMatched", message, MxMatching);
        public static Finding MxPatternUnused(string message) => Finding.Info("MtaStsMxPatternUnused", message, MxMatching);
        public static Finding MxNoStartTls(string message) => Finding.Error("MtaStsMxNoStartTls", message, MxValidation);
        public static Finding MxTlsFailed(string message) => Finding.Error("MtaStsMxTlsFailed", message, MxValidation);
        public static Finding MxCertificateInvalid(string message) => Finding.Error("MtaStsMxCertificateInvalid", message, MxValidation);
        public static Finding MxUnreachable(string message) => Finding.Warning("MtaStsMxUnreachable", message, MxValidation);

        // ---- with TLS reporting ----
        public static Finding WithoutTlsRpt(string message) => Finding.Warning("MtaStsWithoutTlsRpt", message, "RFC 8460 3");
    }
}
