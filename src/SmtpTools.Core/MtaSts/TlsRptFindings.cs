using SmtpTools.Core.Findings;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>Every finding Test-TlsRptRecord can report, made in this one place (fixed id, severity and RFC section per id).</summary>
    internal static class TlsRptFindings
    {
        private const string Record = "RFC 8460 3";

        public static Finding NoRecord(string message) => Finding.Info("TlsRptNoRecord", message, Record);
        public static Finding DnsTempError(string message) => Finding.Error("TlsRptDnsTempError", message, Record);
        public static Finding MultipleRecords(string message) => Finding.Error("TlsRptMultipleRecords", message, Record);
        public static Finding RecordIgnored(string message) => Finding.Warning("TlsRptRecordIgnored", message, Record);
        public static Finding RecordSyntax(string message) => Finding.Error("TlsRptRecordSyntax", message, Record);
        public static Finding NoRua(string message) => Finding.Error("TlsRptNoRua", message, Record);
        public static Finding RuaInvalid(string message) => Finding.Error("TlsRptRuaInvalid", message, Record);
        public static Finding RuaUnsupported(string message) => Finding.Warning("TlsRptRuaUnsupported", message, Record);
        public static Finding NoUsableRua(string message) => Finding.Error("TlsRptNoUsableRua", message, Record);
        public static Finding DuplicateField(string message) => Finding.Warning("TlsRptDuplicateField", message, Record);
        public static Finding UnknownField(string message) => Finding.Info("TlsRptUnknownField", message, Record);
    }
}
