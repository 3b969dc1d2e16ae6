using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using SmtpTools.Core.Errors;
using SmtpTools.Core.IO;

namespace SmtpTools.Core.Dkim
{
    /// <summary>
    /// A DKIM signing key: generated here or read from a file (PEM PKCS#8, PEM PKCS#1 "RSA PRIVATE KEY",
    /// or the raw base64 Ed25519 seed dkimpy uses). The private part never leaves this class except through
    /// <see cref="ToPkcs8Pem"/>, which writes the key file.
    /// </summary>
    public sealed class DkimPrivateKey
    {
        private DkimPrivateKey(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey, DkimKeyAlgorithm algorithm)
        {
            PrivateKey = privateKey;
            PublicKey = publicKey;
            Algorithm = algorithm;
            PublicKeyBytes = algorithm == DkimKeyAlgorithm.Ed25519
                ? ((Ed25519PublicKeyParameters)publicKey).GetEncoded()
                : SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded();
            KeyLength = algorithm == DkimKeyAlgorithm.Ed25519 ? 256 : ((RsaKeyParameters)publicKey).Modulus.BitLength;
        }

        internal AsymmetricKeyParameter PrivateKey { get; }
        internal AsymmetricKeyParameter PublicKey { get; }
        public DkimKeyAlgorithm Algorithm { get; }
        /// <summary>RSA modulus bits, or 256 for Ed25519.</summary>
        public int KeyLength { get; }
        /// <summary>What p= carries: DER SubjectPublicKeyInfo for RSA, the raw 32-byte key for Ed25519 (RFC 8463 4.2).</summary>
        public byte[] PublicKeyBytes { get; }
        /// <summary>The p= value.</summary>
        public string PublicKeyBase64 => Convert.ToBase64String(PublicKeyBytes);
        /// <summary>SHA-256 of the p= bytes, lower-case hex: identifies the key without revealing it.</summary>
        public string PublicKeyFingerprint => Fingerprint(PublicKeyBytes);

        internal static string Fingerprint(byte[] publicKeyBytes)
        {
            if (publicKeyBytes == null) return null;
            using (var sha = SHA256.Create())
                return string.Concat(sha.ComputeHash(publicKeyBytes).Select(b => b.ToString("x2")));
        }

        /// <summary>Generates a new key pair.</summary>
        /// <param name="keyLength">RSA modulus bits (1024, 2048, 3072 or 4096); ignored for Ed25519.</param>
        /// <exception cref="ArgumentOutOfRangeException">keyLength is not one of the allowed RSA sizes.</exception>
        public static DkimPrivateKey Generate(DkimKeyAlgorithm algorithm, int keyLength = 2048)
        {
            var random = new SecureRandom();
            if (algorithm == DkimKeyAlgorithm.Ed25519)
            {
                var generator = new Ed25519KeyPairGenerator();
                generator.Init(new Ed25519KeyGenerationParameters(random));
                var pair = generator.GenerateKeyPair();
                return new DkimPrivateKey(pair.Private, pair.Public, DkimKeyAlgorithm.Ed25519);
            }
            if (keyLength != 1024 && keyLength != 2048 && keyLength != 3072 && keyLength != 4096)
                throw new ArgumentOutOfRangeException(nameof(keyLength), keyLength, "RSA DKIM keys must be 1024, 2048, 3072 or 4096 bits.");
            // The platform's RSA (OpenSSL/CNG) generates large keys far faster than managed code.
            using (var rsa = RSA.Create())
            {
                rsa.KeySize = keyLength;
                var p = rsa.ExportParameters(true);
                var priv = new RsaPrivateCrtKeyParameters(
                    Unsigned(p.Modulus), Unsigned(p.Exponent), Unsigned(p.D), Unsigned(p.P), Unsigned(p.Q),
                    Unsigned(p.DP), Unsigned(p.DQ), Unsigned(p.InverseQ));
                Array.Clear(p.D, 0, p.D.Length); Array.Clear(p.P, 0, p.P.Length); Array.Clear(p.Q, 0, p.Q.Length);
                Array.Clear(p.DP, 0, p.DP.Length); Array.Clear(p.DQ, 0, p.DQ.Length); Array.Clear(p.InverseQ, 0, p.InverseQ.Length);
                return new DkimPrivateKey(priv, new RsaKeyParameters(false, priv.Modulus, priv.PublicExponent), DkimKeyAlgorithm.Rsa);
            }
        }

        private static BigInteger Unsigned(byte[] bytes) => new BigInteger(1, bytes);

        /// <summary>
        /// A 4096-bit RSA key in PEM is about 3.3 KB; the cap leaves room for comments and certificates in the same file
        /// while a wrong path (a mailbox, a disk image, /dev/zero) fails at once.
        /// </summary>
        public static readonly FileSizeLimit FileLimit = new FileSizeLimit("The DKIM key file", 1 << 20, "a DKIM private key file is a few kilobytes, so check the path");

        /// <summary>Reads a key file (see the class summary for the formats).</summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
        /// <exception cref="IOException">Reading failed.</exception>
        /// <exception cref="SmtpToolsException">DkimKeyInvalid: the file holds no usable private key; FileTooLarge: the
        /// file is larger than <see cref="FileLimit"/>.</exception>
        public static DkimPrivateKey Load(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            return Parse(BoundedFile.ReadAllText(path, FileLimit));
        }

        /// <summary>Reads a key from text (see the class summary for the formats).</summary>
        /// <exception cref="SmtpToolsException">DkimKeyInvalid: the text holds no usable private key.</exception>
        public static DkimPrivateKey Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            AsymmetricKeyParameter key = null;
            try
            {
                if (text.Contains("-----BEGIN"))
                {
                    if (text.Contains("ENCRYPTED"))
                        throw Invalid("The key file is encrypted; DKIM signing needs an unencrypted key (openssl pkey -in key -out plain.key).");
                    using (var reader = new StringReader(text))
                    {
                        var obj = new PemReader(reader).ReadObject();
                        if (obj is AsymmetricCipherKeyPair pair) key = pair.Private;
                        else if (obj is AsymmetricKeyParameter k) key = k;
                    }
                }
                else
                {
                    var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
                    var bytes = Convert.FromBase64String(compact);
                    // dkimpy and Exim keep an Ed25519 private key as the bare 32-byte seed in base64.
                    key = bytes.Length == 32 ? new Ed25519PrivateKeyParameters(bytes, 0) : PrivateKeyFactory.CreateKey(bytes);
                }
            }
            catch (SmtpToolsException) { throw; }
            catch (Exception ex)
            {
                throw Invalid("The key file could not be read as a PEM or base64 private key: " + ex.Message, ex);
            }
            if (key == null || !key.IsPrivate) throw Invalid("The key file holds no private key.");
            switch (key)
            {
                case RsaPrivateCrtKeyParameters rsa:
                    return new DkimPrivateKey(rsa, new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent), DkimKeyAlgorithm.Rsa);
                case Ed25519PrivateKeyParameters ed:
                    return new DkimPrivateKey(ed, ed.GeneratePublicKey(), DkimKeyAlgorithm.Ed25519);
                default:
                    throw Invalid($"Keys of type {key.GetType().Name} cannot sign DKIM; use RSA or Ed25519.");
            }
        }

        private static SmtpToolsException Invalid(string message, Exception inner = null) =>
            new SmtpToolsException(ErrorIds.DkimKeyInvalid, FailureKind.InvalidData, message, inner);

        /// <summary>The private key as PEM PKCS#8 ("BEGIN PRIVATE KEY"), LF line endings.</summary>
        public string ToPkcs8Pem()
        {
            var der = Algorithm == DkimKeyAlgorithm.Ed25519 ? Ed25519Pkcs8((Ed25519PrivateKeyParameters)PrivateKey) : PrivateKeyInfoFactory.CreatePrivateKeyInfo(PrivateKey).GetDerEncoded();
            var b64 = Convert.ToBase64String(der);
            var sb = new StringBuilder("-----BEGIN PRIVATE KEY-----\n");
            for (int i = 0; i < b64.Length; i += 64) sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
            sb.Append("-----END PRIVATE KEY-----\n");
            Array.Clear(der, 0, der.Length);
            return sb.ToString();
        }

        /// <summary>
        /// RFC 8410 section 7 version-1 form, exactly as OpenSSL writes it: BouncyCastle adds the optional public key
        /// (OneAsymmetricKey v2), which OpenSSL 3.0 refuses to load.
        /// </summary>
        private static byte[] Ed25519Pkcs8(Ed25519PrivateKeyParameters key)
        {
            var prefix = new byte[] { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
            var seed = key.GetEncoded();
            var der = new byte[prefix.Length + seed.Length];
            Buffer.BlockCopy(prefix, 0, der, 0, prefix.Length);
            Buffer.BlockCopy(seed, 0, der, prefix.Length, seed.Length);
            Array.Clear(seed, 0, seed.Length);
            return der;
        }

        /// <summary>
        /// Compares a published record with this key: same key type and public key, whether verifiers can use the
        /// record, and both key lengths. Never throws for a bad record.
        /// </summary>
        /// <exception cref="ArgumentNullException">record is null.</exception>
        public DkimKeyComparison CompareWith(DkimKeyRecord record)
        {
            if (record == null) throw new ArgumentNullException(nameof(record));
            return new DkimKeyComparison(
                matches: Matches(record),
                sameAlgorithm: record.KeyAlgorithm == Algorithm,
                recordUsable: record.IsUsable,
                publishedKeyLength: record.KeyLength,
                localKeyLength: KeyLength);
        }

        /// <summary>True when <paramref name="record"/> publishes this key's public half (same type and same key).</summary>
        public bool Matches(DkimKeyRecord record)
        {
            if (record?.PublicKey == null || record.KeyAlgorithm != Algorithm) return false;
            if (Algorithm == DkimKeyAlgorithm.Ed25519)
                return record.PublicKeyBytes.SequenceEqual(PublicKeyBytes);
            var published = (RsaKeyParameters)record.PublicKey;
            var mine = (RsaKeyParameters)PublicKey;
            return published.Modulus.Equals(mine.Modulus) && published.Exponent.Equals(mine.Exponent);
        }
    }

    /// <summary>The result of <see cref="DkimPrivateKey.CompareWith"/>.</summary>
    public sealed class DkimKeyComparison
    {
        internal DkimKeyComparison(bool matches, bool sameAlgorithm, bool recordUsable, int publishedKeyLength, int localKeyLength)
        {
            Matches = matches; SameAlgorithm = sameAlgorithm; RecordUsable = recordUsable;
            PublishedKeyLength = publishedKeyLength; LocalKeyLength = localKeyLength;
        }

        /// <summary>The record publishes exactly this key's public half.</summary>
        public bool Matches { get; }
        /// <summary>k= names the local key's type.</summary>
        public bool SameAlgorithm { get; }
        /// <summary>Verifiers can use the record (not revoked, known k=, v=, h=, s=, a decodable key of at least 1024 bits).</summary>
        public bool RecordUsable { get; }
        /// <summary>Signatures made with the local key will verify against the record.</summary>
        public bool SignaturesWillVerify => Matches && RecordUsable;
        public int PublishedKeyLength { get; }
        public int LocalKeyLength { get; }
    }
}
