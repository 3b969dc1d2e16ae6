using SmtpTools.Core.Findings;

namespace SmtpTools.Core.Bimi
{
    /// <summary>
    /// Every finding Test-BimiRecord can report, made in this one place (fixed id, severity and reference per id).
    /// Section numbers of "BIMI draft" are those of draft-brand-indicators-for-message-identification (authindicators
    /// working text, 2025): 5.3 assertion record, 5.3.1 declination, 5.3.2 image formats, 8.1 DMARC requirements,
    /// 8.2 record discovery, 8.6 indicator validation.
    /// </summary>
    internal static class BimiFindings
    {
        private const string Record = "BIMI draft 5.3";
        private const string Declination = "BIMI draft 5.3.1";
        private const string Formats = "BIMI draft 5.3.2";
        private const string Dmarc = "BIMI draft 8.1";
        private const string Discovery = "BIMI draft 8.2";
        private const string Validation = "BIMI draft 8.6";
        private const string Svg = "draft-svg-tiny-ps-abrotman";
        private const string Mark = "MC Requirements (Subscriber Certificate)";
        private const string Logotype = "RFC 3709";

        // ---- the assertion record ----
        public static Finding NoRecord(string message) => Finding.Info("BimiNoRecord", message, Discovery);
        public static Finding DnsTempError(string message) => Finding.Error("BimiDnsTempError", message, Discovery);
        public static Finding MultipleRecords(string message) => Finding.Error("BimiMultipleRecords", message, Discovery);
        public static Finding RecordInherited(string message) => Finding.Info("BimiRecordInherited", message, Discovery);
        public static Finding VersionInvalid(string message) => Finding.Error("BimiVersionInvalid", message, Record);
        public static Finding RecordSyntax(string message) => Finding.Error("BimiRecordSyntax", message, Record);
        public static Finding DuplicateTag(string message) => Finding.Error("BimiDuplicateTag", message, Record);
        public static Finding NoLocation(string message) => Finding.Error("BimiNoLocation", message, Record);
        public static Finding LocationNotHttps(string message) => Finding.Error("BimiLocationNotHttps", message, Record);
        public static Finding LocationInvalid(string message) => Finding.Error("BimiLocationInvalid", message, Record);
        public static Finding LocationFormat(string message) => Finding.Error("BimiLocationFormat", message, Formats);
        public static Finding AuthorityNotHttps(string message) => Finding.Error("BimiAuthorityNotHttps", message, Record);
        public static Finding AuthorityInvalid(string message) => Finding.Error("BimiAuthorityInvalid", message, Record);
        public static Finding UnknownTag(string message) => Finding.Info("BimiUnknownTag", message, Record);
        public static Finding AvatarPreferenceInvalid(string message) => Finding.Warning("BimiAvatarPreferenceInvalid", message, Record);
        public static Finding LocalPartPrefixInvalid(string message) => Finding.Warning("BimiLocalPartPrefixInvalid", message, Record);
        public static Finding Declined(string message) => Finding.Info("BimiDeclined", message, Declination);
        public static Finding SelfAsserted(string message) => Finding.Info("BimiSelfAsserted", message, Record);

        // ---- the DMARC prerequisite ----
        public static Finding DmarcTempError(string message) => Finding.Error("BimiDmarcTempError", message, Dmarc);
        public static Finding DmarcMissing(string message) => Finding.Error("BimiDmarcMissing", message, Dmarc);
        public static Finding DmarcNotEnforced(string message) => Finding.Error("BimiDmarcNotEnforced", message, Dmarc);

        // ---- the logo ----
        public static Finding LogoFetchFailed(string message) => Finding.Error("BimiLogoFetchFailed", message, Validation);
        public static Finding LogoContentType(string message) => Finding.Warning("BimiLogoContentType", message, Validation);
        public static Finding SvgTooLarge(string message) => Finding.Error("BimiSvgTooLarge", message, Validation);
        public static Finding SvgInvalidXml(string message) => Finding.Error("BimiSvgInvalidXml", message, Validation);
        public static Finding SvgDoctype(string message) => Finding.Error("BimiSvgDoctype", message, Svg);
        public static Finding SvgNotSvg(string message) => Finding.Error("BimiSvgNotSvg", message, Validation);
        public static Finding SvgProfile(string message) => Finding.Error("BimiSvgProfile", message, Svg);
        public static Finding SvgVersion(string message) => Finding.Error("BimiSvgVersion", message, Svg);
        public static Finding SvgNoTitle(string message) => Finding.Error("BimiSvgNoTitle", message, Svg);
        public static Finding SvgScript(string message) => Finding.Error("BimiSvgScript", message, Svg);
        public static Finding SvgExternalReference(string message) => Finding.Error("BimiSvgExternalReference", message, Svg);
        public static Finding SvgAnimation(string message) => Finding.Error("BimiSvgAnimation", message, Svg);
        public static Finding SvgElementNotAllowed(string message) => Finding.Error("BimiSvgElementNotAllowed", message, Svg);
        public static Finding SvgRootPosition(string message) => Finding.Warning("BimiSvgRootPosition", message, Svg);
        public static Finding SvgNotSquare(string message) => Finding.Warning("BimiSvgNotSquare", message, Svg);

        // ---- the mark certificate ----
        public static Finding CertificateFetchFailed(string message) => Finding.Error("BimiCertificateFetchFailed", message, Mark);
        public static Finding CertificateUnreadable(string message) => Finding.Error("BimiCertificateUnreadable", message, Mark);
        public static Finding CertificateExpired(string message) => Finding.Error("BimiCertificateExpired", message, "RFC 5280 4.1.2.5");
        public static Finding CertificateNotYetValid(string message) => Finding.Error("BimiCertificateNotYetValid", message, "RFC 5280 4.1.2.5");
        public static Finding CertificateExpiring(string message) => Finding.Warning("BimiCertificateExpiring", message, "RFC 5280 4.1.2.5");
        public static Finding CertificateEkuMissing(string message) => Finding.Error("BimiCertificateEkuMissing", message, Mark);
        public static Finding CertificatePolicyMissing(string message) => Finding.Error("BimiCertificatePolicyMissing", message, Mark);
        public static Finding CertificateMarkTypeMissing(string message) => Finding.Warning("BimiCertificateMarkTypeMissing", message, Mark);
        public static Finding CertificateMarkTypeUnknown(string message) => Finding.Warning("BimiCertificateMarkTypeUnknown", message, Mark);
        public static Finding CertificateDomainMismatch(string message) => Finding.Error("BimiCertificateDomainMismatch", message, Mark);
        public static Finding CertificateNoLogo(string message) => Finding.Error("BimiCertificateNoLogo", message, Logotype);
        public static Finding CertificateLogoHashMismatch(string message) => Finding.Error("BimiCertificateLogoHashMismatch", message, Logotype);
        public static Finding CertificateLogoMismatch(string message) => Finding.Error("BimiCertificateLogoMismatch", message, Mark);
        public static Finding CertificateUntrusted(string message) => Finding.Warning("BimiCertificateUntrusted", message, Mark);
    }
}
