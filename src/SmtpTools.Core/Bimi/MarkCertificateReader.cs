using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace SmtpTools.Core.Bimi
{
    /// <summary>A mark certificate read from its PEM file: the public facts, the embedded logo and the findings.</summary>
    internal sealed class MarkCertificateRead
    {
        public BimiMarkCertificate Certificate { get; set; }
        /// <summary>The SVG of the logotype extension (gunzipped); null when there is none or it cannot be read.</summary>
        public byte[] Logo { get; set; }
        public List<Finding> Findings { get; } = new List<Finding>();
    }

    /// <summary>
    /// Reads a BIMI mark certificate (VMC or CMC) with BouncyCastle: the leaf and the chain of the PEM file, the BIMI
    /// Extended Key Usage (1.3.6.1.5.5.7.3.31), the Mark Certificate general policy (1.3.6.1.4.1.53087.1.1), the subject's
    /// markType (1.3.6.1.4.1.53087.1.13) that tells a VMC from a CMC, the trademark attributes, the domains of
    /// subjectAltName, and the logo of the RFC 3709 logotype extension (subjectLogo → direct → image: an
    /// image/svg+xml data: URI of the gzip-compressed SVG, checked against its hash). The chain is built with the
    /// platform's trust store (mark-certificate roots are often not in it: that is a warning, not an error).
    /// </summary>
    internal static class MarkCertificateReader
    {
        public const string BimiExtendedKeyUsage = "1.3.6.1.5.5.7.3.31";
        public const string MarkCertificatePolicy = "1.3.6.1.4.1.53087.1.1";
        public const string MarkTypeAttribute = "1.3.6.1.4.1.53087.1.13";
        public const string TrademarkOfficeAttribute = "1.3.6.1.4.1.53087.1.2";
        public const string TrademarkCountryAttribute = "1.3.6.1.4.1.53087.1.3";
        public const string TrademarkIdAttribute = "1.3.6.1.4.1.53087.1.4";
        public const string LogotypeExtension = "1.3.6.1.5.5.7.1.12";
        /// <summary>A certificate expiring sooner than this is worth a warning.</summary>
        public const int ExpiryWarningDays = 30;

        // Subject names as the MC Requirements name the attributes (markType=Registered Mark), not as bare OIDs.
        private static readonly IDictionary<DerObjectIdentifier, string> Symbols = BimiSymbols();

        private static IDictionary<DerObjectIdentifier, string> BimiSymbols()
        {
            var symbols = new Dictionary<DerObjectIdentifier, string>(X509Name.DefaultSymbols);
            symbols[new DerObjectIdentifier(MarkTypeAttribute)] = "markType";
            symbols[new DerObjectIdentifier(TrademarkOfficeAttribute)] = "trademarkOfficeName";
            symbols[new DerObjectIdentifier(TrademarkCountryAttribute)] = "trademarkCountryOrRegionName";
            symbols[new DerObjectIdentifier(TrademarkIdAttribute)] = "trademarkIdentifier";
            symbols[new DerObjectIdentifier("1.3.6.1.4.1.53087.1.5")] = "legalEntityIdentifier";
            symbols[new DerObjectIdentifier("1.3.6.1.4.1.53087.1.6")] = "wordMark";
            return symbols;
        }

        private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
        private const string Sha1Oid = "1.3.14.3.2.26";
        private const string SvgDataPrefix = "data:image/svg+xml;base64,";

        /// <param name="data">The file a= points at (PEM: the certificate, then its issuers).</param>
        /// <param name="domain">The domain the BIMI record was found at, which the certificate must name.</param>
        public static MarkCertificateRead Read(byte[] data, string domain, DateTime utcNow)
        {
            var read = new MarkCertificateRead();
            List<BcCertificate> certificates;
            try
            {
                certificates = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificates(data).ToList();
            }
            catch (Exception ex) when (ex is IOException || ex is ArgumentException || ex is Org.BouncyCastle.Security.Certificates.CertificateException || ex is InvalidOperationException || ex is FormatException)
            {
                read.Findings.Add(FindingCatalog.BimiCertificateUnreadable.Create($"The mark certificate file cannot be read as PEM certificates: {ex.Message}"));
                return read;
            }
            if (certificates.Count == 0)
            {
                read.Findings.Add(FindingCatalog.BimiCertificateUnreadable.Create("The mark certificate file holds no certificate (expected PEM: the mark certificate, then its issuers)."));
                return read;
            }
            // The mark certificate comes first; a file in another order still has exactly one end-entity certificate.
            var leaf = certificates.FirstOrDefault(c => c.GetBasicConstraints() < 0) ?? certificates[0];
            var facts = new BimiMarkCertificate
            {
                Subject = leaf.SubjectDN.ToString(false, Symbols),
                Issuer = leaf.IssuerDN.ToString(false, Symbols),
                SerialNumber = leaf.SerialNumber.ToString(16).ToUpperInvariant(),
                NotBefore = leaf.NotBefore.ToUniversalTime(),
                NotAfter = leaf.NotAfter.ToUniversalTime(),
                Chain = certificates.Select(c => c.SubjectDN.ToString(false, Symbols)).ToArray(),
            };
            facts.DaysUntilExpiry = (int)Math.Floor((facts.NotAfter - utcNow).TotalDays);
            using (var sha = SHA256.Create()) facts.Sha256Fingerprint = Hex(sha.ComputeHash(leaf.GetEncoded()));
            read.Certificate = facts;

            ReadSubject(leaf, facts, read.Findings);
            ReadDomains(leaf, facts, domain, read.Findings);
            ReadValidity(facts, utcNow, read.Findings);
            ReadUsage(leaf, facts, read.Findings);
            read.Logo = ReadLogo(leaf, facts, read.Findings);
            ReadChain(leaf, certificates, facts, read.Findings);
            return read;
        }

        private static void ReadSubject(BcCertificate leaf, BimiMarkCertificate facts, List<Finding> findings)
        {
            var subject = leaf.SubjectDN;
            facts.Organization = First(subject, X509Name.O);
            facts.MarkType = First(subject, new DerObjectIdentifier(MarkTypeAttribute));
            facts.TrademarkOffice = First(subject, new DerObjectIdentifier(TrademarkOfficeAttribute));
            facts.TrademarkCountry = First(subject, new DerObjectIdentifier(TrademarkCountryAttribute));
            facts.TrademarkId = First(subject, new DerObjectIdentifier(TrademarkIdAttribute));
            switch (facts.MarkType)
            {
                case "Registered Mark":
                case "Government Mark":
                    facts.CertificateType = BimiMarkCertificateType.Vmc;
                    break;
                case "Prior Use Mark":
                case "Modified Registered Mark":
                    facts.CertificateType = BimiMarkCertificateType.Cmc;
                    break;
                case null:
                    // Mark certificates issued before markType existed carry the trademark registration instead.
                    facts.CertificateType = facts.TrademarkId != null ? BimiMarkCertificateType.Vmc : BimiMarkCertificateType.Unknown;
                    findings.Add(FindingCatalog.BimiCertificateMarkTypeMissing.Create(facts.TrademarkId != null
                        ? $"The certificate has no markType ({MarkTypeAttribute}); its trademark registration {facts.TrademarkId} makes it a VMC."
                        : $"The certificate has no markType ({MarkTypeAttribute}) and no trademark registration: whether it is a VMC or a CMC cannot be told."));
                    break;
                default:
                    facts.CertificateType = BimiMarkCertificateType.Unknown;
                    findings.Add(FindingCatalog.BimiCertificateMarkTypeUnknown.Create($"The certificate's markType is \"{facts.MarkType}\", none of Registered Mark, Government Mark (VMC), Prior Use Mark or Modified Registered Mark (CMC)."));
                    break;
            }
        }

        private static void ReadDomains(BcCertificate leaf, BimiMarkCertificate facts, string domain, List<Finding> findings)
        {
            var names = new List<string>();
            var extension = leaf.GetExtensionValue(X509Extensions.SubjectAlternativeName);
            if (extension != null)
                foreach (var name in GeneralNames.GetInstance(Asn1Object.FromByteArray(extension.GetOctets())).GetNames())
                    if (name.TagNo == GeneralName.DnsName) names.Add(name.Name.ToString().ToLowerInvariant());
            facts.Domains = names.ToArray();
            if (!names.Any(n => string.Equals(n, domain, StringComparison.OrdinalIgnoreCase)))
                findings.Add(FindingCatalog.BimiCertificateDomainMismatch.Create($"The certificate is for {(names.Count == 0 ? "no domain (no DNS name in subjectAltName)" : string.Join(", ", names))}, not {domain}; receivers do not show the logo."));
        }

        private static void ReadValidity(BimiMarkCertificate facts, DateTime utcNow, List<Finding> findings)
        {
            if (facts.NotAfter < utcNow)
                findings.Add(FindingCatalog.BimiCertificateExpired.Create($"The mark certificate expired on {facts.NotAfter:yyyy-MM-dd}."));
            else if (facts.NotBefore > utcNow)
                findings.Add(FindingCatalog.BimiCertificateNotYetValid.Create($"The mark certificate is not valid before {facts.NotBefore:yyyy-MM-dd}."));
            else if (facts.DaysUntilExpiry < ExpiryWarningDays)
                findings.Add(FindingCatalog.BimiCertificateExpiring.Create($"The mark certificate expires on {facts.NotAfter:yyyy-MM-dd} ({facts.DaysUntilExpiry} day(s)); renew it."));
        }

        private static void ReadUsage(BcCertificate leaf, BimiMarkCertificate facts, List<Finding> findings)
        {
            var usages = leaf.GetExtendedKeyUsage();
            facts.HasBimiExtendedKeyUsage = usages != null && usages.Any(u => u.Id == BimiExtendedKeyUsage);
            if (!facts.HasBimiExtendedKeyUsage)
                findings.Add(FindingCatalog.BimiCertificateEkuMissing.Create($"The certificate's Extended Key Usage lacks id-kp-BrandIndicatorforMessageIdentification ({BimiExtendedKeyUsage}): it is not a mark certificate."));
            var policies = leaf.GetExtensionValue(X509Extensions.CertificatePolicies);
            if (policies != null)
            {
                var parsed = CertificatePolicies.GetInstance(Asn1Object.FromByteArray(policies.GetOctets()));
                facts.HasMarkCertificatePolicy = parsed.GetPolicyInformation().Any(p => p.PolicyIdentifier.Id == MarkCertificatePolicy);
            }
            if (!facts.HasMarkCertificatePolicy)
                findings.Add(FindingCatalog.BimiCertificatePolicyMissing.Create($"The certificate policies lack the Mark Certificate general policy {MarkCertificatePolicy} that VMCs and CMCs carry."));
        }

        /// <summary>LogotypeExtn.subjectLogo (RFC 3709 4.1), direct, first image: the SVG, its hash checked.</summary>
        private static byte[] ReadLogo(BcCertificate leaf, BimiMarkCertificate facts, List<Finding> findings)
        {
            var extension = leaf.GetExtensionValue(new DerObjectIdentifier(LogotypeExtension));
            if (extension == null)
            {
                findings.Add(FindingCatalog.BimiCertificateNoLogo.Create($"The certificate has no logotype extension ({LogotypeExtension}), which holds the mark."));
                return null;
            }
            try
            {
                Asn1Encodable subjectLogo = null;
                foreach (var item in Asn1Sequence.GetInstance(Asn1Object.FromByteArray(extension.GetOctets())))
                {
                    var tagged = Asn1TaggedObject.GetInstance(item);
                    if (tagged.TagNo == 2) subjectLogo = tagged.GetExplicitBaseObject();
                }
                if (subjectLogo == null)
                {
                    findings.Add(FindingCatalog.BimiCertificateNoLogo.Create("The logotype extension has no subjectLogo."));
                    return null;
                }
                var info = Asn1TaggedObject.GetInstance(subjectLogo);
                if (info.TagNo != 0)
                {
                    findings.Add(FindingCatalog.BimiCertificateNoLogo.Create("The subjectLogo is an indirect reference; mark certificates embed the logo directly."));
                    return null;
                }
                var logotypeData = Asn1Sequence.GetInstance(info, false);
                if (logotypeData.Count == 0 || !(logotypeData[0] is Asn1Sequence images) || images.Count == 0)
                {
                    findings.Add(FindingCatalog.BimiCertificateNoLogo.Create("The subjectLogo holds no image."));
                    return null;
                }
                var details = Asn1Sequence.GetInstance(Asn1Sequence.GetInstance(images[0])[0]);
                string mediaType = DerIA5String.GetInstance(details[0]).GetString();
                var hash = Asn1Sequence.GetInstance(Asn1Sequence.GetInstance(details[1])[0]);
                string hashAlgorithm = AlgorithmIdentifier.GetInstance(hash[0]).Algorithm.Id;
                byte[] expected = Asn1OctetString.GetInstance(hash[1]).GetOctets();
                string uri = DerIA5String.GetInstance(Asn1Sequence.GetInstance(details[2])[0]).GetString();
                if (mediaType != "image/svg+xml" || !uri.StartsWith(SvgDataPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(FindingCatalog.BimiCertificateNoLogo.Create($"The embedded logo is {mediaType} at \"{BimiRecordParser.Cut(uri)}\"; mark certificates embed an image/svg+xml data: URI."));
                    return null;
                }
                byte[] compressed = Convert.FromBase64String(uri.Substring(SvgDataPrefix.Length));
                byte[] actual;
                using (HashAlgorithm algorithm = hashAlgorithm == Sha1Oid ? (HashAlgorithm)SHA1.Create() : SHA256.Create())
                    actual = algorithm.ComputeHash(compressed);
                if ((hashAlgorithm != Sha256Oid && hashAlgorithm != Sha1Oid) || !actual.SequenceEqual(expected))
                {
                    findings.Add(FindingCatalog.BimiCertificateLogoHashMismatch.Create($"The embedded logo does not match the hash the certificate gives for it ({hashAlgorithm})."));
                    return null;
                }
                var svg = compressed.Length >= 2 && compressed[0] == 0x1f && compressed[1] == 0x8b ? SvgTinyPsValidator.Inflate(compressed, out _) : compressed;
                if (svg == null)
                {
                    findings.Add(FindingCatalog.BimiCertificateNoLogo.Create($"The embedded logo cannot be decompressed or inflates beyond {SvgTinyPsValidator.MaxInflatedBytes / 1024} KB."));
                    return null;
                }
                facts.HasLogo = true;
                using (var sha = SHA256.Create()) facts.LogoSha256 = Hex(sha.ComputeHash(svg));
                return svg;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidCastException || ex is IOException || ex is FormatException || ex is IndexOutOfRangeException || ex is InvalidOperationException)
            {
                findings.Add(FindingCatalog.BimiCertificateNoLogo.Create($"The logotype extension is not the RFC 3709 structure: {ex.Message}"));
                return null;
            }
        }

        private static void ReadChain(BcCertificate leaf, List<BcCertificate> certificates, BimiMarkCertificate facts, List<Finding> findings)
        {
            using (var certificate = new X509Certificate2(leaf.GetEncoded()))
            using (var chain = new X509Chain())
            {
                // Revocation needs the CA's CRL or OCSP responder, which this check does not contact.
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                foreach (var other in certificates.Where(c => c != leaf))
                    chain.ChainPolicy.ExtraStore.Add(new X509Certificate2(other.GetEncoded()));
                chain.Build(certificate);
                // Expiry has its own finding; every other status is a reason the chain is not trusted.
                var errors = chain.ChainStatus
                    .Where(s => s.Status != X509ChainStatusFlags.NoError && s.Status != X509ChainStatusFlags.NotTimeValid
                        && s.Status != X509ChainStatusFlags.RevocationStatusUnknown && s.Status != X509ChainStatusFlags.OfflineRevocation)
                    .Select(s => s.Status + ": " + (s.StatusInformation ?? "").Trim())
                    .ToArray();
                facts.ChainErrors = errors;
                facts.ChainTrusted = errors.Length == 0;
                foreach (var element in chain.ChainElements) element.Certificate.Dispose();
                foreach (var extra in chain.ChainPolicy.ExtraStore) extra.Dispose();
            }
            if (!facts.ChainTrusted)
                findings.Add(FindingCatalog.BimiCertificateUntrusted.Create($"The certificate's chain does not lead to a root this machine trusts ({string.Join("; ", facts.ChainErrors)}). Mark-certificate roots are not in every trust store; receivers use their own list."));
        }

        private static string First(X509Name name, DerObjectIdentifier oid)
        {
            var values = name.GetValueList(oid);
            return values.Count > 0 ? values[0] : null;
        }

        private static string Hex(byte[] bytes) => BitConverter.ToString(bytes).Replace("-", "");
    }
}
