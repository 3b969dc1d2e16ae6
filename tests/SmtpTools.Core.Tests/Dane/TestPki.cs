using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Tests.Dane
{
    /// <summary>
    /// Certificates made on the spot for the TLSA matcher: a root, an intermediate, server certificates for given names and
    /// dates, and the TLSA records (computed with .NET, independently of the matcher's BouncyCastle code) that name them.
    /// </summary>
    internal sealed class TestPki
    {
        public static readonly DateTime Now = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

        public TestPki(string name = "Test Root")
        {
            Root = SelfSigned("CN=" + name, ca: true);
        }

        public X509Certificate2 Root { get; }

        public static X509Certificate2 SelfSigned(string subject, bool ca, params string[] dnsNames)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = Request(subject, key, ca, dnsNames);
            return request.CreateSelfSigned(Now.AddDays(-1000), Now.AddDays(1000));
        }

        public X509Certificate2 Intermediate(X509Certificate2 issuer, string subject = "CN=Test Intermediate") =>
            Issue(issuer, subject, ca: true, Now.AddDays(-30), Now.AddDays(365));

        public X509Certificate2 Server(X509Certificate2 issuer, params string[] dnsNames) =>
            Issue(issuer, "CN=" + (dnsNames.FirstOrDefault() ?? "no name"), ca: false, Now.AddDays(-30), Now.AddDays(90), dnsNames);

        public static X509Certificate2 Issue(X509Certificate2 issuer, string subject, bool ca, DateTime notBefore, DateTime notAfter, params string[] dnsNames)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = Request(subject, key, ca, dnsNames);
            var serial = new byte[12];
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7f;
            // The generator overload, not Create(issuer, …): it lets a test make what .NET would refuse to (a certificate
            // issued by a non-CA, or outside the issuer's dates), which is what the matcher must reject.
            using var issuerKey = issuer.GetECDsaPrivateKey();
            using var signed = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, serial);
            return signed.CopyWithPrivateKey(key);
        }

        private static CertificateRequest Request(string subject, ECDsa key, bool ca, string[] dnsNames)
        {
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, ca));
            if (dnsNames.Length > 0)
            {
                var san = new SubjectAlternativeNameBuilder();
                foreach (var n in dnsNames) san.AddDnsName(n);
                request.CertificateExtensions.Add(san.Build());
            }
            return request;
        }

        /// <summary>The TLSA record of <paramref name="cert"/> with these parameters (RFC 6698 2.1).</summary>
        public static DnsTlsaRecord Tlsa(int usage, int selector, int matchingType, X509Certificate2 cert)
        {
            byte[] selected = selector == 0 ? cert.RawData : cert.PublicKey.ExportSubjectPublicKeyInfo();
            byte[] data = matchingType switch { 1 => SHA256.HashData(selected), 2 => SHA512.HashData(selected), _ => selected };
            return new DnsTlsaRecord(usage, selector, matchingType, data);
        }

        public static IReadOnlyList<byte[]> Chain(params X509Certificate2[] certs) => certs.Select(c => c.RawData).ToArray();
    }
}
