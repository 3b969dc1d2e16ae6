using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Smtp;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace SmtpTools.Core.Dane
{
    /// <summary>The outcome of matching a TLSA RRset against one presented chain.</summary>
    public sealed class TlsaMatch
    {
        /// <summary>At least one record is usable for SMTP (RFC 7672 3.1).</summary>
        public bool AnyUsable { get; internal set; }
        /// <summary>A usable record matched.</summary>
        public bool IsMatch { get; internal set; }
        /// <summary>The first record that matched, or null.</summary>
        public DnsTlsaRecord MatchedRecord { get; internal set; }
        /// <summary>Every record in the order given, with what matching made of it.</summary>
        public DaneTlsaRecord[] Records { get; internal set; } = Array.Empty<DaneTlsaRecord>();
        /// <summary>The verdict in one sentence.</summary>
        public string Detail { get; internal set; }
    }

    /// <summary>
    /// Matches TLSA records against the certificate chain an SMTP server presented, by the rules of DANE for SMTP
    /// (RFC 7672 3, RFC 7671, RFC 6698 2.1): only DANE-TA(2) and DANE-EE(3) are usable (PKIX-TA/PKIX-EE would need a
    /// CA list senders do not agree on); DANE-EE matches the leaf and ignores its names and dates; DANE-TA matches a
    /// certificate the server sent above the leaf (or, for a full key or certificate in the record, one that is not
    /// sent), and then the leaf must chain to it with valid signatures and dates and name the host.
    /// </summary>
    public static class TlsaMatcher
    {
        /// <summary>Usable for SMTP (RFC 7672 3.1.3): usage 2 or 3, selector 0 or 1, matching type 0, 1 or 2.</summary>
        public static bool IsUsable(DnsTlsaRecord record) =>
            record != null && (record.Usage == 2 || record.Usage == 3) && record.Selector <= 1 && record.MatchingType <= 2;

        /// <summary>The RFC 7218 name of a certificate usage.</summary>
        public static string UsageName(int usage)
        {
            switch (usage)
            {
                case 0: return "PKIX-TA";
                case 1: return "PKIX-EE";
                case 2: return "DANE-TA";
                case 3: return "DANE-EE";
                default: return usage.ToString(CultureInfo.InvariantCulture);
            }
        }

        /// <summary>The records as published, each marked usable or not (with the reason) — for hosts that were not probed.</summary>
        public static DaneTlsaRecord[] Describe(IEnumerable<DnsTlsaRecord> records) =>
            (records ?? Enumerable.Empty<DnsTlsaRecord>()).Select(r => View(r, IsUsable(r) ? null : UnusableReason(r))).ToArray();

        /// <summary>
        /// Matches <paramref name="records"/> against <paramref name="presentedChain"/> (DER certificates in the order the
        /// server sent them, leaf first). <paramref name="referenceNames"/> are the names a DANE-TA match must find in the
        /// leaf (the MX host name, and its CNAME target when the alias was validated; RFC 7672 3.2.2).
        /// </summary>
        /// <exception cref="ArgumentException">The chain is empty.</exception>
        public static TlsaMatch Match(IReadOnlyList<DnsTlsaRecord> records, IReadOnlyList<byte[]> presentedChain,
            IReadOnlyList<string> referenceNames, DateTime utcNow)
        {
            if (presentedChain == null || presentedChain.Count == 0) throw new ArgumentException("The server presented no certificate.", nameof(presentedChain));
            records = records ?? Array.Empty<DnsTlsaRecord>();
            var chain = Parse(presentedChain);
            var views = new List<DaneTlsaRecord>();
            DnsTlsaRecord matched = null;
            foreach (var record in records)
            {
                if (!IsUsable(record)) { views.Add(View(record, UnusableReason(record))); continue; }
                string detail;
                bool ok = chain == null ? Fail("the server's certificates could not be read", out detail)
                    : record.Usage == 3 ? MatchEndEntity(record, chain[0], out detail)
                    : MatchTrustAnchor(record, chain, referenceNames ?? Array.Empty<string>(), utcNow, out detail);
                var view = View(record, detail);
                view.IsMatch = ok;
                views.Add(view);
                if (ok && matched == null) matched = record;
            }
            int usable = views.Count(v => v.IsUsable);
            var result = new TlsaMatch { AnyUsable = usable > 0, IsMatch = matched != null, MatchedRecord = matched, Records = views.ToArray() };
            result.Detail = matched != null ? $"{UsageName(matched.Usage)} record {Short(matched)} {views.First(v => v.IsMatch).Detail}."
                : usable == 0 ? "No TLSA record is usable for SMTP (RFC 7672 3.1.3): " + string.Join("; ", views.Select(v => Short(v) + ": " + v.Detail)) + "."
                : $"None of the {usable} usable TLSA record(s) matches the chain the server presented: "
                    + string.Join("; ", views.Where(v => v.IsUsable).Select(v => Short(v) + " " + v.Detail)) + ".";
            return result;
        }

        private static bool MatchEndEntity(DnsTlsaRecord record, BcCertificate leaf, out string detail)
        {
            var actual = Associate(leaf, record.Selector, record.MatchingType);
            string what = record.Selector == 0 ? "the server's certificate" : "the server's public key";
            if (actual.SequenceEqual(record.Data))
            {
                detail = "matches " + what + " (DANE-EE: names and dates are not checked, RFC 7672 3.1.1)";
                return true;
            }
            detail = record.MatchingType == 0 ? "does not match " + what
                : $"does not match {what}, which gives {new DnsTlsaRecord(record.Usage, record.Selector, record.MatchingType, actual)}";
            return false;
        }

        private static bool MatchTrustAnchor(DnsTlsaRecord record, IReadOnlyList<BcCertificate> chain, IReadOnlyList<string> names,
            DateTime utcNow, out string detail)
        {
            var leaf = chain[0];
            string anchor = null;
            string pathProblem = null;
            // A trust anchor is a certificate above the leaf; the leaf itself is matched by DANE-EE records only.
            for (int depth = 1; depth < chain.Count && anchor == null; depth++)
            {
                var candidate = chain[depth];
                if (!Associate(candidate, record.Selector, record.MatchingType).SequenceEqual(record.Data)) continue;
                var key = candidate.GetPublicKey();
                if (Reaches(leaf, c => c.IssuerDN.Equivalent(candidate.SubjectDN) && Verifies(c, key), chain, utcNow, chain.Count, out pathProblem))
                    anchor = Subject(candidate);
                else
                    pathProblem = $"matches {Subject(candidate)} (certificate {depth + 1} sent), but the server's certificate does not chain to it{(pathProblem == null ? "" : ": " + pathProblem)}";
            }
            // RFC 7672 3.1.2: with the full key (2 1 0) or certificate (2 0 0) in DNS the server need not send the anchor.
            if (anchor == null && record.MatchingType == 0)
            {
                var key = KeyOf(record, out string name, out string keyProblem);
                if (key == null) pathProblem = pathProblem ?? keyProblem;
                else if (Reaches(leaf, c => Verifies(c, key), chain, utcNow, chain.Count, out string problem)) anchor = name;
                else pathProblem = pathProblem ?? "the key in the record signed none of the certificates the server sent" + (problem == null ? "" : " (" + problem + ")");
            }
            if (anchor == null)
            {
                detail = pathProblem ?? $"matches none of the {chain.Count - 1} certificate(s) the server sent above its own";
                return false;
            }
            if (!IsCurrent(leaf, utcNow))
            {
                detail = $"matches the trust anchor {anchor}, but the server's certificate is not valid now ({Dates(leaf)})";
                return false;
            }
            var offered = DnsNamesOf(leaf);
            string named = names.FirstOrDefault(n => offered.Any(o => NameMatches(o, n)));
            if (named == null)
            {
                detail = $"matches the trust anchor {anchor}, but the server's certificate names none of {string.Join(", ", names)} (it names {(offered.Count == 0 ? "no host" : string.Join(", ", offered))})";
                return false;
            }
            detail = $"matches the trust anchor {anchor}, which issued the server's certificate for {named}";
            return true;
        }

        /// <summary>
        /// Whether a path leads from <paramref name="current"/> through the certificates the server sent to one
        /// <paramref name="issuedByAnchor"/> accepts, every intermediate a CA valid now, each certificate signed by the next
        /// (the leaf's own dates are checked by the caller, to say so plainly).
        /// </summary>
        private static bool Reaches(BcCertificate current, Func<BcCertificate, bool> issuedByAnchor, IReadOnlyList<BcCertificate> sent,
            DateTime utcNow, int hopsLeft, out string problem)
        {
            problem = null;
            if (issuedByAnchor(current)) return true;
            if (hopsLeft == 0) return false;
            foreach (var issuer in sent)
            {
                if (ReferenceEquals(issuer, current) || !issuer.SubjectDN.Equivalent(current.IssuerDN)) continue;
                if (issuer.GetBasicConstraints() < 0) { problem = $"{Subject(issuer)} is not a CA certificate"; continue; }
                if (!IsCurrent(issuer, utcNow)) { problem = $"{Subject(issuer)} is not valid now ({Dates(issuer)})"; continue; }
                if (!Verifies(current, issuer.GetPublicKey())) { problem = $"the signature of {Subject(current)} does not verify with the key of {Subject(issuer)}"; continue; }
                if (Reaches(issuer, issuedByAnchor, sent, utcNow, hopsLeft - 1, out string deeper)) { problem = null; return true; }
                problem = deeper ?? problem;
            }
            return false;
        }

        private static AsymmetricKeyParameter KeyOf(DnsTlsaRecord record, out string name, out string problem)
        {
            name = null;
            problem = null;
            try
            {
                if (record.Selector == 1)
                {
                    name = "key from DNS";
                    return PublicKeyFactory.CreateKey(record.Data);
                }
                var cert = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(record.Data);
                if (cert == null) { problem = "the association data is not a certificate"; return null; }
                name = Subject(cert) + " (from DNS)";
                return cert.GetPublicKey();
            }
            catch (Exception ex) when (IsParseFailure(ex))
            {
                problem = "the association data is not a " + (record.Selector == 1 ? "public key" : "certificate") + ": " + ex.Message;
                return null;
            }
        }

        /// <summary>The certificate association data of <paramref name="cert"/> for a selector and matching type (RFC 6698 2.1.2, 2.1.3).</summary>
        internal static byte[] Associate(BcCertificate cert, int selector, int matchingType)
        {
            byte[] selected = selector == 0 ? cert.GetEncoded() : cert.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der);
            switch (matchingType)
            {
                case 1: using (var sha = SHA256.Create()) return sha.ComputeHash(selected);
                case 2: using (var sha = SHA512.Create()) return sha.ComputeHash(selected);
                default: return selected;
            }
        }

        /// <summary>
        /// Reference identifier matching (RFC 6125 6.4, as RFC 7672 3.2.3 applies it): DNS subjectAltNames, or the CN when
        /// there are none; a wildcard is a whole left-most label and stands for exactly one label.
        /// </summary>
        internal static bool NameMatches(string presented, string reference)
        {
            presented = presented.TrimEnd('.').ToLowerInvariant();
            reference = reference.TrimEnd('.').ToLowerInvariant();
            if (presented.StartsWith("*.", StringComparison.Ordinal))
            {
                int dot = reference.IndexOf('.');
                return dot > 0 && presented.Length > 2 && string.Equals(reference.Substring(dot + 1), presented.Substring(2), StringComparison.Ordinal);
            }
            return string.Equals(presented, reference, StringComparison.Ordinal);
        }

        private static IReadOnlyList<string> DnsNamesOf(BcCertificate cert)
        {
            var dns = SmtpCertificateReader.SubjectAlternativeNamesOf(cert.GetEncoded())
                .Where(n => n.StartsWith("DNS:", StringComparison.Ordinal)).Select(n => n.Substring(4)).ToList();
            if (dns.Count > 0) return dns;
            return cert.SubjectDN.GetValueList(X509Name.CN).Cast<object>().Select(v => v.ToString()).ToList();
        }

        private static BcCertificate[] Parse(IReadOnlyList<byte[]> der)
        {
            try
            {
                var parser = new Org.BouncyCastle.X509.X509CertificateParser();
                var certs = der.Select(d => parser.ReadCertificate(d)).ToArray();
                return certs.Any(c => c == null) ? null : certs;
            }
            catch (Exception ex) when (IsParseFailure(ex))
            {
                return null;
            }
        }

        private static bool Verifies(BcCertificate cert, AsymmetricKeyParameter key)
        {
            try
            {
                cert.Verify(key);
                return true;
            }
            catch (Exception ex) when (IsParseFailure(ex))
            {
                return false;
            }
        }

        private static bool IsParseFailure(Exception ex) =>
            ex is GeneralSecurityException || ex is CryptoException || ex is ArgumentException || ex is InvalidOperationException
            || ex is System.IO.IOException || ex is InvalidCastException;

        private static bool IsCurrent(BcCertificate cert, DateTime utcNow) => cert.NotBefore <= utcNow && utcNow <= cert.NotAfter;

        private static string Dates(BcCertificate cert) =>
            $"valid {cert.NotBefore.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {cert.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

        private static string Subject(BcCertificate cert) => SubjectOf(cert.GetEncoded());

        /// <summary>The subject as .NET (and Test-SmtpConnection's Certificate) writes it, most specific part first.</summary>
        internal static string SubjectOf(byte[] der)
        {
            try
            {
                using (var cert = new System.Security.Cryptography.X509Certificates.X509Certificate2(der)) return cert.Subject;
            }
            catch (CryptographicException)
            {
                return "(a certificate that cannot be read)";
            }
        }

        private static bool Fail(string why, out string detail)
        {
            detail = why;
            return false;
        }

        private static string UnusableReason(DnsTlsaRecord r) =>
            r.Usage == 0 || r.Usage == 1 ? $"{UsageName(r.Usage)} is not usable for SMTP (RFC 7672 3.1.3): senders have no agreed list of CAs"
            : r.Usage > 3 ? $"usage {r.Usage} is unknown"
            : r.Selector > 1 ? $"selector {r.Selector} is unknown"
            : $"matching type {r.MatchingType} is unknown";

        private static DaneTlsaRecord View(DnsTlsaRecord r, string unusable) => new DaneTlsaRecord
        {
            Usage = r.Usage,
            Selector = r.Selector,
            MatchingType = r.MatchingType,
            Data = r.DataHex,
            UsageName = UsageName(r.Usage),
            IsUsable = IsUsable(r),
            Detail = unusable,
        };

        /// <summary>The record with its data cut to 16 hex digits, for messages.</summary>
        private static string Short(DnsTlsaRecord r) => Short(r.Usage, r.Selector, r.MatchingType, r.DataHex);

        private static string Short(DaneTlsaRecord r) => Short(r.Usage, r.Selector, r.MatchingType, r.Data);

        private static string Short(int usage, int selector, int matchingType, string hex) =>
            $"{usage} {selector} {matchingType} {(hex.Length > 16 ? hex.Substring(0, 16) + "…" : hex)}";
    }
}
