using System;
using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace SmtpTools.Core.Dkim
{
    /// <summary>
    /// A parsed DKIM public key record (RFC 6376 3.6.1): the TXT text at <c>selector._domainkey.domain</c>.
    /// Parsing never throws for bad content: problems become <see cref="Findings"/> and clear <see cref="IsUsable"/>.
    /// </summary>
    public sealed class DkimKeyRecord
    {
        private DkimKeyRecord() { }

        /// <summary>The record text as given.</summary>
        public string Text { get; private set; }
        /// <summary>Every tag in order of appearance (name lower-cased as written is kept; lookups are case-sensitive per RFC 6376 3.2).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Tags { get; private set; }
        /// <summary>The v= value, or null when absent (it is optional).</summary>
        public string Version { get; private set; }
        /// <summary>The k= value; "rsa" when the tag is absent (RFC 6376 3.6.1 default).</summary>
        public string KeyType { get; private set; }
        /// <summary>The key algorithm when k= names a known type; null for an unknown type.</summary>
        public DkimKeyAlgorithm? KeyAlgorithm { get; private set; }
        /// <summary>The h= hash algorithms; empty when absent (meaning all are allowed).</summary>
        public IReadOnlyList<string> HashAlgorithms { get; private set; }
        /// <summary>The s= service types; "*" when absent.</summary>
        public IReadOnlyList<string> ServiceTypes { get; private set; }
        /// <summary>The t= flags (e.g. "y", "s"); empty when absent.</summary>
        public IReadOnlyList<string> Flags { get; private set; }
        /// <summary>The n= note, or null.</summary>
        public string Note { get; private set; }
        /// <summary>The g= granularity of RFC 4871 (obsoleted by RFC 6376 but still published), or null.</summary>
        public string Granularity { get; private set; }
        /// <summary>The p= value with whitespace removed; empty for a revoked key; null when the tag is missing.</summary>
        public string PublicKeyBase64 { get; private set; }
        /// <summary>The decoded p= bytes (SubjectPublicKeyInfo or RSAPublicKey for RSA; the raw 32-byte key for Ed25519), or null.</summary>
        public byte[] PublicKeyBytes { get; private set; }
        /// <summary>SHA-256 of <see cref="PublicKeyBytes"/>, lower-case hex (as New-DkimKey reports it); null without a key.</summary>
        public string PublicKeyFingerprint => DkimPrivateKey.Fingerprint(PublicKeyBytes);
        /// <summary>RSA modulus length in bits, or 256 for Ed25519; 0 when it could not be decoded.</summary>
        public int KeyLength { get; private set; }
        /// <summary>p= is present but empty: the key was revoked (RFC 6376 3.6.1).</summary>
        public bool IsRevoked { get; private set; }
        /// <summary>t=y: the domain is testing DKIM.</summary>
        public bool IsTesting => Flags.Contains("y");
        /// <summary>t=s: the i= domain must equal d= (no subdomains).</summary>
        public bool IsStrict => Flags.Contains("s");
        /// <summary>A verifier may use this key for e-mail with SHA-256 signatures.</summary>
        public bool IsUsable { get; private set; }
        /// <summary>Why the record is unusable, and what is worth a warning.</summary>
        public IReadOnlyList<Finding> Findings { get; private set; }

        private AsymmetricKeyParameter _publicKey;
        private RsaPublicKeyStructure _rsa;

        /// <summary>
        /// The key for verifying signatures and comparing with a private key; made on first use. For RSA that is
        /// BouncyCastle's RsaKeyParameters, whose constructor tests the modulus for primality (a few hundred ms of CPU
        /// for 2048 bits): auditing a record needs only the modulus length, so only a verifier pays for it. Null when
        /// BouncyCastle refuses the modulus.
        /// </summary>
        internal AsymmetricKeyParameter PublicKey
        {
            get
            {
                if (_publicKey != null || _rsa == null) return _publicKey;
                // Idempotent: two threads may both build it; either result is the same key.
                try { _publicKey = new RsaKeyParameters(false, _rsa.Modulus, _rsa.PublicExponent); }
                catch (ArgumentException) { _rsa = null; }
                return _publicKey;
            }
            private set { _publicKey = value; }
        }

        /// <summary>The value of a tag, or null when absent.</summary>
        public string GetTag(string name) => Tags.Where(t => t.Key == name).Select(t => t.Value).FirstOrDefault();

        /// <summary>Parses a DKIM key record. Never throws for content problems.</summary>
        /// <exception cref="ArgumentNullException">text is null.</exception>
        public static DkimKeyRecord Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var findings = new List<Finding>();
            var record = new DkimKeyRecord { Text = text };
            var tags = new List<KeyValuePair<string, string>>();
            bool syntaxOk = true;

            foreach (var rawSpec in text.Split(';'))
            {
                var spec = rawSpec.Trim(' ', '\t', '\r', '\n');
                if (spec.Length == 0) continue;
                int eq = spec.IndexOf('=');
                if (eq <= 0)
                {
                    findings.Add(FindingCatalog.DkimRecordSyntaxError.Create($"'{spec}' is not a tag=value pair."));
                    syntaxOk = false;
                    continue;
                }
                var name = spec.Substring(0, eq).Trim(' ', '\t', '\r', '\n');
                var value = spec.Substring(eq + 1).Trim(' ', '\t', '\r', '\n');
                if (tags.Any(t => t.Key == name))
                {
                    findings.Add(FindingCatalog.DkimRecordDuplicateTag.Create($"The tag '{name}' appears more than once."));
                    syntaxOk = false;
                    continue;
                }
                tags.Add(new KeyValuePair<string, string>(name, value));
            }
            record.Tags = tags;

            record.Version = record.GetTag("v");
            bool versionOk = true;
            if (record.Version != null)
            {
                if (record.Version != "DKIM1")
                {
                    findings.Add(FindingCatalog.DkimRecordBadVersion.Create($"v={record.Version} is not DKIM1; verifiers discard this record."));
                    versionOk = false;
                }
                else if (tags[0].Key != "v")
                {
                    findings.Add(FindingCatalog.DkimRecordVersionNotFirst.Create("v=DKIM1 must be the first tag of the record."));
                    versionOk = false;
                }
            }

            record.KeyType = record.GetTag("k") ?? "rsa";
            switch (record.KeyType.ToLowerInvariant())
            {
                case "rsa": record.KeyAlgorithm = DkimKeyAlgorithm.Rsa; break;
                case "ed25519": record.KeyAlgorithm = DkimKeyAlgorithm.Ed25519; break;
                default:
                    findings.Add(FindingCatalog.DkimRecordUnknownKeyType.Create($"k={record.KeyType} is not a known key type (rsa, ed25519)."));
                    break;
            }

            record.HashAlgorithms = SplitList(record.GetTag("h"));
            bool hashOk = record.HashAlgorithms.Count == 0 || record.HashAlgorithms.Any(h => h.Equals("sha256", StringComparison.OrdinalIgnoreCase));
            if (!hashOk)
                findings.Add(FindingCatalog.DkimRecordNoSha256.Create($"h={record.GetTag("h")} does not allow sha256, the only hash signers may use."));

            var services = SplitList(record.GetTag("s"));
            record.ServiceTypes = services.Count == 0 ? new[] { "*" } : services;
            bool serviceOk = record.ServiceTypes.Any(s => s == "*" || s.Equals("email", StringComparison.OrdinalIgnoreCase));
            if (!serviceOk)
                findings.Add(FindingCatalog.DkimRecordNotForEmail.Create($"s={record.GetTag("s")} does not include email or *."));

            record.Flags = SplitList(record.GetTag("t"));
            record.Note = record.GetTag("n");
            record.Granularity = record.GetTag("g");

            bool keyOk = false;
            var p = record.GetTag("p");
            if (p == null)
            {
                findings.Add(FindingCatalog.DkimRecordMissingPublicKey.Create("The record has no p= tag."));
            }
            else
            {
                record.PublicKeyBase64 = new string(p.Where(c => !char.IsWhiteSpace(c)).ToArray());
                if (record.PublicKeyBase64.Length == 0)
                {
                    record.IsRevoked = true;
                    findings.Add(FindingCatalog.DkimKeyRevoked.Create("p= is empty: the key has been revoked."));
                }
                else if (record.KeyAlgorithm != null)
                {
                    keyOk = record.DecodeKey(findings);
                }
            }

            record.IsUsable = syntaxOk && versionOk && record.KeyAlgorithm != null && hashOk && serviceOk && keyOk && !record.IsRevoked;
            record.Findings = Finding.Deduplicate(findings, "this record");
            return record;
        }

        private bool DecodeKey(List<Finding> findings)
        {
            byte[] bytes;
            try { bytes = Convert.FromBase64String(PublicKeyBase64); }
            catch (FormatException)
            {
                findings.Add(FindingCatalog.DkimRecordBadPublicKey.Create("p= is not valid base64."));
                return false;
            }
            PublicKeyBytes = bytes;
            if (KeyAlgorithm == DkimKeyAlgorithm.Ed25519)
            {
                if (bytes.Length != 32)
                {
                    findings.Add(FindingCatalog.DkimRecordBadPublicKey.Create($"An ed25519 p= must be the raw 32-byte public key; this one has {bytes.Length} bytes.", "RFC 8463 4.2"));
                    return false;
                }
                PublicKey = new Ed25519PublicKeyParameters(bytes, 0);
                KeyLength = 256;
                return true;
            }

            var rsa = DecodeRsaPublicKey(bytes);
            if (rsa == null)
            {
                findings.Add(FindingCatalog.DkimRecordBadPublicKey.Create("p= does not hold an RSA public key."));
                return false;
            }
            _rsa = rsa;
            KeyLength = rsa.Modulus.BitLength;
            if (KeyLength < 1024)
            {
                findings.Add(FindingCatalog.DkimKeyTooShort.Create($"The RSA key has {KeyLength} bits; verifiers reject keys under 1024 bits."));
                return false;
            }
            return true;
        }

        /// <summary>
        /// The RSA modulus and exponent of p=. RFC 6376 says RSAPublicKey, but nearly everyone publishes a
        /// SubjectPublicKeyInfo: accept both. Checks what RsaKeyParameters checks cheaply (odd modulus and exponent, no
        /// small prime factor) without its primality test of the modulus, which costs more than everything else a
        /// domain audit does (see docs/benchmarks.md, Test-EmailDomain).
        /// </summary>
        internal static RsaPublicKeyStructure DecodeRsaPublicKey(byte[] der)
        {
            Asn1Object asn1;
            try { asn1 = Asn1Object.FromByteArray(der); }
            catch (Exception) { return null; }
            try
            {
                var spki = SubjectPublicKeyInfo.GetInstance(asn1);
                var oid = spki.Algorithm.Algorithm;
                if (!RsaAlgorithms.Any(a => a.Equals(oid))) return null;
                return Plausible(RsaPublicKeyStructure.GetInstance(spki.ParsePublicKey()));
            }
            catch (Exception) { }
            try { return Plausible(RsaPublicKeyStructure.GetInstance(asn1)); }
            catch (Exception) { return null; }
        }

        /// <summary>The algorithm identifiers BouncyCastle's PublicKeyFactory reads as an RSA key.</summary>
        private static readonly DerObjectIdentifier[] RsaAlgorithms =
            { PkcsObjectIdentifiers.RsaEncryption, X509ObjectIdentifiers.IdEARsa, PkcsObjectIdentifiers.IdRsassaPss, PkcsObjectIdentifiers.IdRsaesOaep };

        /// <summary>
        /// The odd primes up to 751 (those RsaKeyParameters checks the modulus against), multiplied into groups that fit
        /// an int: one short division per group instead of a big-number gcd, which alone took milliseconds.
        /// </summary>
        private static readonly int[] SmallPrimeGroups = GroupPrimes();

        private static int[] GroupPrimes()
        {
            var groups = new List<int>();
            long product = 1;
            for (int n = 3; n <= 751; n += 2)
            {
                if (!IsPrime(n)) continue;
                if (product * n > int.MaxValue) { groups.Add((int)product); product = 1; }
                product *= n;
            }
            groups.Add((int)product);
            return groups.ToArray();
        }

        private static bool IsPrime(int n)
        {
            for (int d = 3; d * d <= n; d += 2) if (n % d == 0) return false;
            return n > 2 && n % 2 == 1;
        }

        private static bool HasSmallFactor(BigInteger modulus)
        {
            foreach (var group in SmallPrimeGroups)
                if (Gcd(modulus.Remainder(BigInteger.ValueOf(group)).IntValue, group) != 1) return true;
            return false;
        }

        private static int Gcd(int a, int b)
        {
            while (b != 0) { var t = a % b; a = b; b = t; }
            return a;
        }

        private static RsaPublicKeyStructure Plausible(RsaPublicKeyStructure key)
        {
            var m = key.Modulus;
            var e = key.PublicExponent;
            if (m.SignValue <= 0 || e.SignValue <= 0 || !m.TestBit(0) || !e.TestBit(0)) return null;
            return HasSmallFactor(m) ? null : key;
        }

        private static IReadOnlyList<string> SplitList(string value) =>
            value == null ? Array.Empty<string>() :
            value.Split(':').Select(s => s.Trim(' ', '\t', '\r', '\n')).Where(s => s.Length > 0).ToArray();

        public override string ToString() => Text;
    }
}
