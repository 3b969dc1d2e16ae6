using System;

namespace SmtpTools
{
    /// <summary>The mark certificate (VMC or CMC) a BIMI record's a= points at, as read from its PEM file.</summary>
    public sealed class BimiMarkCertificate
    {
        public string Subject { get; set; }
        public string Issuer { get; set; }
        public string SerialNumber { get; set; }
        /// <summary>UTC.</summary>
        public DateTime NotBefore { get; set; }
        /// <summary>UTC.</summary>
        public DateTime NotAfter { get; set; }
        /// <summary>Whole days from now until NotAfter; negative when expired.</summary>
        public int DaysUntilExpiry { get; set; }
        public BimiMarkCertificateType CertificateType { get; set; }
        /// <summary>The subject's markType (1.3.6.1.4.1.53087.1.13), e.g. "Registered Mark"; null when absent.</summary>
        public string MarkType { get; set; }
        /// <summary>The DNS names of subjectAltName: the domains the certificate is for.</summary>
        public string[] Domains { get; set; } = Array.Empty<string>();
        /// <summary>The subject organization (O).</summary>
        public string Organization { get; set; }
        /// <summary>trademarkOfficeName (1.3.6.1.4.1.53087.1.2).</summary>
        public string TrademarkOffice { get; set; }
        /// <summary>trademarkCountryOrRegionName (1.3.6.1.4.1.53087.1.3).</summary>
        public string TrademarkCountry { get; set; }
        /// <summary>trademarkIdentifier (1.3.6.1.4.1.53087.1.4).</summary>
        public string TrademarkId { get; set; }
        /// <summary>The Extended Key Usage holds id-kp-BrandIndicatorforMessageIdentification (1.3.6.1.5.5.7.3.31).</summary>
        public bool HasBimiExtendedKeyUsage { get; set; }
        /// <summary>The certificate policies hold the Mark Certificate general policy (1.3.6.1.4.1.53087.1.1).</summary>
        public bool HasMarkCertificatePolicy { get; set; }
        /// <summary>The chain in the PEM file leads to a root this machine trusts.</summary>
        public bool ChainTrusted { get; set; }
        /// <summary>Why the chain is not trusted, as "Status: text".</summary>
        public string[] ChainErrors { get; set; } = Array.Empty<string>();
        /// <summary>Subjects of the certificates in the PEM file, in file order.</summary>
        public string[] Chain { get; set; } = Array.Empty<string>();
        /// <summary>The logo in the logotype extension (RFC 3709) has a valid hash and could be read.</summary>
        public bool HasLogo { get; set; }
        /// <summary>SHA-256 of the embedded SVG (uncompressed), upper-case hex.</summary>
        public string LogoSha256 { get; set; }
        /// <summary>SHA-256 of the certificate, upper-case hex.</summary>
        public string Sha256Fingerprint { get; set; }

        public override string ToString() => $"{CertificateType} {Subject}";
    }
}
