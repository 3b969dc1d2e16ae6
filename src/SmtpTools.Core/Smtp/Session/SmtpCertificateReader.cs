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
    /// Reads what a server certificate says and how it validated, inside the TLS validation callback (the chain is only
    /// valid there). Shared by every SMTP session.
    /// </summary>
    public static class SmtpCertificateReader
    {
        private const X509ChainStatusFlags RevocationUnknownFlags = X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

        /// <summary>Captures the facts; call it from a RemoteCertificateValidationCallback.</summary>
        /// <exception cref="ArgumentNullException">certificate is null.</exception>
        public static SmtpCertificateInfo Read(X509Certificate certificate, X509Chain chain, SslPolicyErrors errors, DateTime utcNow)
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
            return new SmtpCertificateInfo
            {
                Subject = cert.Subject,
                Issuer = cert.Issuer,
                SubjectAlternativeNames = SubjectAlternativeNamesOf(raw).ToArray(),
                NotBefore = cert.NotBefore.ToUniversalTime(),
                NotAfter = notAfterUtc,
                DaysUntilExpiry = (int)Math.Floor((notAfterUtc - utcNow).TotalDays),
                Thumbprint = Hex(SHA1.Create().ComputeHash(raw)),
                Sha256Fingerprint = Hex(SHA256.Create().ComputeHash(raw)),
                SerialNumber = cert.SerialNumber,
                SignatureAlgorithm = cert.SignatureAlgorithm?.FriendlyName ?? cert.SignatureAlgorithm?.Value,
                ChainIsValid = !chainFlag || chainErrors.Count == 0,
                RevocationUnknown = revocationUnknown,
                ChainErrors = chainErrors.ToArray(),
                HostnameMatches = (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
                IsSelfSigned = cert.SubjectName.RawData.SequenceEqual(cert.IssuerName.RawData),
                PolicyErrors = errors.ToString(),
                Chain = subjects.ToArray(),
                PresentedChain = PresentedChainOf(cert, chain),
            };
        }

        /// <summary>Whether a client that verifies certificates accepts this one: a trusted chain and a name match.</summary>
        public static bool IsAcceptable(this SmtpCertificateInfo certificate) => certificate.ChainIsValid && certificate.HostnameMatches;

        /// <summary>
        /// The certificates the server sent, leaf first, as DER: what DANE (RFC 7671) matches TLSA records against. .NET
        /// hands the peer's certificates to the validation callback in the chain's ExtraStore; where a platform does not
        /// (.NET Framework), the chain it built stands in for them (it may end in a root from the local store that the
        /// server did not send).
        /// </summary>
        internal static byte[][] PresentedChainOf(X509Certificate2 leaf, X509Chain chain)
        {
            var presented = new List<byte[]> { leaf.RawData };
            var others = chain == null ? Enumerable.Empty<X509Certificate2>()
                : chain.ChainPolicy.ExtraStore.Count > 0 ? chain.ChainPolicy.ExtraStore.Cast<X509Certificate2>()
                : chain.ChainElements.Cast<X509ChainElement>().Select(e => e.Certificate);
            foreach (var certificate in others)
            {
                var der = certificate.RawData;
                if (!presented.Any(p => p.SequenceEqual(der))) presented.Add(der);
            }
            return presented.ToArray();
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
