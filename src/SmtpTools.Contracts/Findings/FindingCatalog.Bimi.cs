namespace SmtpTools
{
    // Test-BimiRecord. BIMI has no RFC yet: section numbers are those of draft-brand-indicators-for-message-identification
    // (the authindicators working text, 2025): 5.3 assertion record, 5.3.1 declination, 5.3.2 image formats, 8.1 DMARC
    // requirements, 8.2 record discovery, 8.6 indicator validation. SVG rules: draft-svg-tiny-ps-abrotman. Mark
    // certificates: draft-chuang-bimi-certificate (the EKU) and the BIMI Group's Mark Certificate Requirements
    // ("Subscriber Certificate" profile: the policy OID, markType, logotype), which is not an IETF document, so those
    // entries name it in their meaning and have no reference.
    public static partial class FindingCatalog
    {
        private const string Bimi = "BIMI";

        // The assertion record (BIMI draft 5.3) and its discovery (8.2).
        public static readonly FindingDefinition BimiNoRecord = Define(Bimi, nameof(BimiNoRecord), FindingSeverity.Information, "draft-brand-indicators-for-message-identification 8.2",
            "No v=BIMI1 record at <selector>._bimi.<domain> nor at its organizational domain: no logo is shown.");
        public static readonly FindingDefinition BimiDnsTempError = Define(Bimi, nameof(BimiDnsTempError), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.2",
            "A DNS query (the BIMI record, the logo or certificate host) failed: the answer is unknown until DNS answers; the status is TempError.");
        public static readonly FindingDefinition BimiMultipleRecords = Define(Bimi, nameof(BimiMultipleRecords), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.2",
            "More than one v=BIMI1 record at the selector: receivers use none.");
        public static readonly FindingDefinition BimiRecordInherited = Define(Bimi, nameof(BimiRecordInherited), FindingSeverity.Information, "draft-brand-indicators-for-message-identification 8.2",
            "The domain has no record at the selector; the record of its organizational domain applies.");
        public static readonly FindingDefinition BimiVersionInvalid = Define(Bimi, nameof(BimiVersionInvalid), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "The record does not begin with v=BIMI1 exactly (another version, other case, v= not first): receivers discard it.");
        public static readonly FindingDefinition BimiRecordSyntax = Define(Bimi, nameof(BimiRecordSyntax), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "The record breaks the tag=value grammar (an empty tag, a term without '=', a bad tag name): receivers do not repair records.");
        public static readonly FindingDefinition BimiDuplicateTag = Define(Bimi, nameof(BimiDuplicateTag), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "A tag appears twice, which makes the whole record invalid (RFC 6376 3.2 tag lists).");
        public static readonly FindingDefinition BimiNoLocation = Define(Bimi, nameof(BimiNoLocation), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "The record has no l= tag, which is required (empty to decline BIMI).");
        public static readonly FindingDefinition BimiLocationNotHttps = Define(Bimi, nameof(BimiLocationNotHttps), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "l= is not an https: URI; logos are fetched over HTTPS only.");
        public static readonly FindingDefinition BimiLocationInvalid = Define(Bimi, nameof(BimiLocationInvalid), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "l= is not a single URI naming a fully qualified domain (a comma-separated list, an IP address, no scheme).");
        public static readonly FindingDefinition BimiLocationFormat = Define(Bimi, nameof(BimiLocationFormat), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3.2",
            "l= names a raster image (PNG, JPEG …); only SVG and SVGZ logos are allowed.");
        public static readonly FindingDefinition BimiAuthorityNotHttps = Define(Bimi, nameof(BimiAuthorityNotHttps), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "a= is not an https: URI; the mark certificate is fetched over HTTPS only.");
        public static readonly FindingDefinition BimiAuthorityInvalid = Define(Bimi, nameof(BimiAuthorityInvalid), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 5.3",
            "a= is not a single URI naming a fully qualified domain.");
        public static readonly FindingDefinition BimiUnknownTag = Define(Bimi, nameof(BimiUnknownTag), FindingSeverity.Information, "draft-brand-indicators-for-message-identification 5.3",
            "The record has a tag BIMI does not define; receivers ignore it.");
        public static readonly FindingDefinition BimiAvatarPreferenceInvalid = Define(Bimi, nameof(BimiAvatarPreferenceInvalid), FindingSeverity.Warning, "draft-brand-indicators-for-message-identification 5.3",
            "avp= is neither brand nor personal; receivers ignore it or treat the record as failing.");
        public static readonly FindingDefinition BimiLocalPartPrefixInvalid = Define(Bimi, nameof(BimiLocalPartPrefixInvalid), FindingSeverity.Warning, "draft-brand-indicators-for-message-identification 5.3",
            "An lps= entry is not a local-part prefix (1 to 63 letters, digits or '-').");
        public static readonly FindingDefinition BimiDeclined = Define(Bimi, nameof(BimiDeclined), FindingSeverity.Information, "draft-brand-indicators-for-message-identification 5.3.1",
            "A declination record (l= and a= empty): the domain asks receivers to show no logo.");
        public static readonly FindingDefinition BimiSelfAsserted = Define(Bimi, nameof(BimiSelfAsserted), FindingSeverity.Information, "draft-brand-indicators-for-message-identification 5.3",
            "The record has no mark certificate (a= empty): Gmail and Apple Mail show logos only with a VMC or CMC.");

        // The DMARC prerequisite (BIMI draft 8.1).
        public static readonly FindingDefinition BimiDmarcTempError = Define(Bimi, nameof(BimiDmarcTempError), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.1",
            "A DMARC lookup failed: whether the DMARC prerequisite holds is unknown; the status is TempError.");
        public static readonly FindingDefinition BimiDmarcMissing = Define(Bimi, nameof(BimiDmarcMissing), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.1",
            "No usable DMARC policy applies to the domain: receivers show no logo without DMARC at enforcement.");
        public static readonly FindingDefinition BimiDmarcNotEnforced = Define(Bimi, nameof(BimiDmarcNotEnforced), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.1",
            "The DMARC policy of the domain or its organizational domain is p=none, has sp=none, or quarantines below pct=100: receivers show no logo.");

        // The logo: fetching it and the SVG Tiny PS checks.
        public static readonly FindingDefinition BimiLogoFetchFailed = Define(Bimi, nameof(BimiLogoFetchFailed), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.6",
            "The logo cannot be fetched (certificate, status, redirect, size, connection: the message says which).");
        public static readonly FindingDefinition BimiLogoContentType = Define(Bimi, nameof(BimiLogoContentType), FindingSeverity.Warning, "draft-brand-indicators-for-message-identification 8.6",
            "The logo is not served as image/svg+xml.");
        public static readonly FindingDefinition BimiSvgTooLarge = Define(Bimi, nameof(BimiSvgTooLarge), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.6",
            "The logo is larger than 32 KB (uncompressed), the limit receivers apply.");
        public static readonly FindingDefinition BimiSvgInvalidXml = Define(Bimi, nameof(BimiSvgInvalidXml), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.6",
            "The logo is not well-formed XML (or not decompressible gzip).");
        public static readonly FindingDefinition BimiSvgDoctype = Define(Bimi, nameof(BimiSvgDoctype), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The logo has a <!DOCTYPE>; it is refused unread (a DTD can expand entities or fetch files), and SVG Tiny PS documents have none.");
        public static readonly FindingDefinition BimiSvgNotSvg = Define(Bimi, nameof(BimiSvgNotSvg), FindingSeverity.Error, "draft-brand-indicators-for-message-identification 8.6",
            "The logo's root element is not <svg> in the SVG namespace.");
        public static readonly FindingDefinition BimiSvgProfile = Define(Bimi, nameof(BimiSvgProfile), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The root <svg> does not declare baseProfile=\"tiny-ps\" (SVG Tiny Portable/Secure).");
        public static readonly FindingDefinition BimiSvgVersion = Define(Bimi, nameof(BimiSvgVersion), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The root <svg> does not declare version=\"1.2\".");
        public static readonly FindingDefinition BimiSvgNoTitle = Define(Bimi, nameof(BimiSvgNoTitle), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The logo has no non-empty <title> (the brand name) under its root.");
        public static readonly FindingDefinition BimiSvgScript = Define(Bimi, nameof(BimiSvgScript), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The logo contains a <script> element or an event handler attribute (on…=).");
        public static readonly FindingDefinition BimiSvgExternalReference = Define(Bimi, nameof(BimiSvgExternalReference), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The logo refers to something outside itself (href/xlink:href other than #fragment, url() or @import in a style).");
        public static readonly FindingDefinition BimiSvgAnimation = Define(Bimi, nameof(BimiSvgAnimation), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The logo contains an animation element (animate, set …); BIMI logos are static.");
        public static readonly FindingDefinition BimiSvgElementNotAllowed = Define(Bimi, nameof(BimiSvgElementNotAllowed), FindingSeverity.Error, "draft-svg-tiny-ps-abrotman",
            "The logo contains an element the SVG Tiny PS profile does not allow (image, foreignObject, a, style …).");
        public static readonly FindingDefinition BimiSvgRootPosition = Define(Bimi, nameof(BimiSvgRootPosition), FindingSeverity.Warning, "draft-svg-tiny-ps-abrotman",
            "The root <svg> has x= or y=, which SVG Tiny PS does not allow there.");
        public static readonly FindingDefinition BimiSvgNotSquare = Define(Bimi, nameof(BimiSvgNotSquare), FindingSeverity.Warning, "draft-svg-tiny-ps-abrotman",
            "The logo's view box is not square (or it has none); receivers show logos in a square or circle.");

        // The mark certificate (VMC or CMC) of a=.
        public static readonly FindingDefinition BimiCertificateFetchFailed = Define(Bimi, nameof(BimiCertificateFetchFailed), FindingSeverity.Error, null,
            "The mark certificate (a=) cannot be fetched (the message says why).");
        public static readonly FindingDefinition BimiCertificateUnreadable = Define(Bimi, nameof(BimiCertificateUnreadable), FindingSeverity.Error, null,
            "The a= file holds no readable PEM certificate.");
        public static readonly FindingDefinition BimiCertificateExpired = Define(Bimi, nameof(BimiCertificateExpired), FindingSeverity.Error, "RFC 5280 4.1.2.5",
            "The mark certificate has expired.");
        public static readonly FindingDefinition BimiCertificateNotYetValid = Define(Bimi, nameof(BimiCertificateNotYetValid), FindingSeverity.Error, "RFC 5280 4.1.2.5",
            "The mark certificate is not valid yet.");
        public static readonly FindingDefinition BimiCertificateExpiring = Define(Bimi, nameof(BimiCertificateExpiring), FindingSeverity.Warning, "RFC 5280 4.1.2.5",
            "The mark certificate expires within 30 days.");
        public static readonly FindingDefinition BimiCertificateEkuMissing = Define(Bimi, nameof(BimiCertificateEkuMissing), FindingSeverity.Error, "draft-chuang-bimi-certificate",
            "The certificate lacks the BIMI Extended Key Usage 1.3.6.1.5.5.7.3.31: it is not a mark certificate.");
        public static readonly FindingDefinition BimiCertificatePolicyMissing = Define(Bimi, nameof(BimiCertificatePolicyMissing), FindingSeverity.Error, null,
            "The certificate lacks the Mark Certificate general policy 1.3.6.1.4.1.53087.1.1 that VMCs and CMCs carry (Mark Certificate Requirements).");
        public static readonly FindingDefinition BimiCertificateMarkTypeMissing = Define(Bimi, nameof(BimiCertificateMarkTypeMissing), FindingSeverity.Warning, null,
            "The certificate has no subject markType (1.3.6.1.4.1.53087.1.13, Mark Certificate Requirements); the type is inferred from the trademark attributes or unknown.");
        public static readonly FindingDefinition BimiCertificateMarkTypeUnknown = Define(Bimi, nameof(BimiCertificateMarkTypeUnknown), FindingSeverity.Warning, null,
            "The markType is none of Registered Mark, Government Mark (VMC), Prior Use Mark, Modified Registered Mark (CMC).");
        public static readonly FindingDefinition BimiCertificateDomainMismatch = Define(Bimi, nameof(BimiCertificateDomainMismatch), FindingSeverity.Error, null,
            "The certificate's subjectAltName does not name the domain the BIMI record is at (Mark Certificate Requirements).");
        public static readonly FindingDefinition BimiCertificateNoLogo = Define(Bimi, nameof(BimiCertificateNoLogo), FindingSeverity.Error, "RFC 3709",
            "The certificate has no readable logo: no logotype extension, no direct subjectLogo image, or not an image/svg+xml data: URI.");
        public static readonly FindingDefinition BimiCertificateLogoHashMismatch = Define(Bimi, nameof(BimiCertificateLogoHashMismatch), FindingSeverity.Error, "RFC 3709",
            "The embedded logo does not match the hash the logotype extension gives for it.");
        public static readonly FindingDefinition BimiCertificateLogoMismatch = Define(Bimi, nameof(BimiCertificateLogoMismatch), FindingSeverity.Error, null,
            "The logo embedded in the mark certificate is not the l= logo.");
        public static readonly FindingDefinition BimiCertificateUntrusted = Define(Bimi, nameof(BimiCertificateUntrusted), FindingSeverity.Warning, null,
            "The certificate's chain does not lead to a root this machine trusts; mark-certificate roots are not in every trust store.");
    }
}
