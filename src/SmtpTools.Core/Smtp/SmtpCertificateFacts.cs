using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// What a server certificate says and how it validated, captured inside the TLS validation callback (the chain is
    /// only valid there). Shared by anything that opens TLS to an SMTP server.
    /// </summary>
    public sealed class SmtpCertificateFacts
    {
        public string Subject { get; set; }
        public string Issuer { get; set; }
        /// <summary>"DNS:name", "IP:address", "email:..." entries of the subjectAltName extension.</summary>
        public IReadOnlyList<string> SubjectAlternativeNames { get; set; } = Array.Empty<string>();
        public DateTime NotBefore { get; set; }
        public DateTime NotAfter { get; set; }
        /// <summary>Whole days from now until NotAfter; negative when expired.</summary>
        public int DaysUntilExpiry { get; set; }
        /// <summary>SHA-1 of the certificate, upper-case hex (as Windows shows it).</summary>
        public string Thumbprint { get; set; }
        /// <summary>SHA-256 of the certificate, upper-case hex.</summary>
        public string Sha256Fingerprint { get; set; }
        public string SerialNumber { get; set; }
        public string SignatureAlgorithm { get; set; }
        /// <summary>The platform built a chain to a trusted root without errors.</summary>
        public bool ChainIsValid { get; set; }
        /// <summary>Revocation could not be checked (no CRL/OCSP published or reachable); not counted as a chain error.</summary>
        public bool RevocationUnknown { get; set; }
        /// <summary>The certificate is trusted and names the host: what a TLS client should accept.</summary>
        public bool IsAcceptable => ChainIsValid && HostnameMatches;
        /// <summary>Chain problems as "Status: text" (e.g. "UntrustedRoot: self-signed certificate").</summary>
        public IReadOnlyList<string> ChainErrors { get; set; } = Array.Empty<string>();
        /// <summary>The certificate names the host that was connected to.</summary>
        public bool HostnameMatches { get; set; }
        /// <summary>Subject and issuer are the same name.</summary>
        public bool IsSelfSigned { get; set; }
        /// <summary>The SslPolicyErrors the platform reported ("None" when the certificate is acceptable).</summary>
        public string PolicyErrors { get; set; }
        /// <summary>Subjects of the chain the platform built, leaf first.</summary>
        public IReadOnlyList<string> Chain { get; set; } = Array.Empty<string>();

        private const X509ChainStatusFlags RevocationUnknownFlags = X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

        /// <summary>Captures the facts; call it from a RemoteCertificateValidationCallback.</summary>
        /// <exception cref="ArgumentNullException">certificate is null.</exception>
        public static SmtpCertificateFacts From(X509Certificate certificate, X509Chain chain, SslPolicyErrors errors, DateTime utcNow)
        {
            if (certificate == null) throw new ArgumentNullException(nameof(certificate));
            var cert = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            var raw = cert.RawData;
            var chainErrors = new List<string>();
            var subjects = new List<string>();
            bool revocationUnknown = false;
            if (chain != null)
            {
                foreach (var status in chain.ChainStatus)
                {
                    // A CA without CRL/OCSP (common for private CAs) or no way to reach it: reported apart, not as distrust.
                    if ((status.Status & ~RevocationUnknownFlags) == 0) { revocationUnknown |= status.Status != X509ChainStatusFlags.NoError; continue; }
                    chainErrors.Add(status.Status + ": " + (status.StatusInformation ?? "").Trim());
                }
                foreach (var element in chain.ChainElements)
                    subjects.Add(element.Certificate.Subject);
            }
            bool chainFlag = (errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0;
            if (chainFlag && chainErrors.Count == 0 && !revocationUnknown)
                chainErrors.Add("RemoteCertificateChainErrors: the chain could not be validated");
            var notAfterUtc = cert.NotAfter.ToUniversalTime();
            return new SmtpCertificateFacts
            {
                Subject = cert.Subject,
                Issuer = cert.Issuer,
                SubjectAlternativeNames = SubjectAlternativeNamesOf(raw),
                NotBefore = cert.NotBefore.ToUniversalTime(),
                NotAfter = notAfterUtc,
                DaysUntilExpiry = (int)Math.Floor((notAfterUtc - utcNow).TotalDays),
                Thumbprint = Hex(SHA1.Create().ComputeHash(raw)),
                Sha256Fingerprint = Hex(SHA256.Create().ComputeHash(raw)),
                SerialNumber = cert.SerialNumber,
                SignatureAlgorithm = cert.SignatureAlgorithm?.FriendlyName ?? cert.SignatureAlgorithm?.Value,
                ChainIsValid = !chainFlag || chainErrors.Count == 0,
                RevocationUnknown = revocationUnknown,
                ChainErrors = chainErrors,
                HostnameMatches = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
                IsSelfSigned = cert.SubjectName.RawData.SequenceEqual(cert.IssuerName.RawData),
                PolicyErrors = errors.ToString(),
                Chain = subjects,
            };
        }

        /// <summary>The subjectAltName entries of a DER certificate, read with BouncyCastle (netstandard2.0 has no SAN API).</summary>
        internal static IReadOnlyList<string> SubjectAlternativeNamesOf(byte[] der)
        {
            var parsed = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(der);
            var extension = parsed.GetExtensionValue(X509Extensions.SubjectAlternativeName);
            if (extension == null) return Array.Empty<string>();
            var names = GeneralNames.GetInstance(Asn1Object.FromByteArray(extension.GetOctets()));
            var result = new List<string>();
            foreach (var name in names.GetNames())
            {
                switch (name.TagNo)
                {
                    case GeneralName.DnsName: result.Add("DNS:" + name.Name); break;
                    case GeneralName.Rfc822Name: result.Add("email:" + name.Name); break;
                    case GeneralName.UniformResourceIdentifier: result.Add("URI:" + name.Name); break;
                    case GeneralName.IPAddress:
                        var bytes = Asn1OctetString.GetInstance(name.Name).GetOctets();
                        result.Add("IP:" + (bytes.Length == 4 || bytes.Length == 16 ? new IPAddress(bytes).ToString() : Hex(bytes)));
                        break;
                    default: result.Add("other(" + name.TagNo + "):" + name.Name); break;
                }
            }
            return result;
        }

        private static string Hex(byte[] bytes) => BitConverter.ToString(bytes).Replace("-", "");
    }
}
