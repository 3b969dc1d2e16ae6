using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace SmtpTools.Core.Dkim
{
    /// <summary>
    /// Computes the b= value for a given DKIM-Signature header (its tags fixed by someone else) over a raw
    /// message, independently of MimeKit. MimeKit always writes its own tag order, so this is how signing is
    /// proved byte-exact against published vectors, and it cross-checks MimeKit's canonicalization.
    /// </summary>
    internal static class DkimTemplateSigner
    {
        /// <param name="rawMessage">The message as sent (CRLF line endings), without the template header.</param>
        /// <param name="templateField">The whole DKIM-Signature field ("DKIM-Signature: …" with its folding); its b= value is ignored.</param>
        public static string ComputeSignature(DkimPrivateKey key, string rawMessage, string templateField)
        {
            var tags = DkimMessageVerifier.ParseTags(templateField.Substring(templateField.IndexOf(':') + 1));
            var c = (tags.TryGetValue("c", out var cv) ? cv : "simple/simple").Split('/');
            bool relaxed = c[0] == "relaxed";
            var fields = SplitFields(rawMessage);
            var used = new bool[fields.Count];
            var data = new StringBuilder();
            foreach (var name in tags["h"].Split(':'))
            {
                // RFC 6376 5.4.2: instances are taken from the bottom up; a name with no instance left adds nothing.
                for (int i = fields.Count - 1; i >= 0; i--)
                {
                    if (used[i] || !FieldName(fields[i]).Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
                    used[i] = true;
                    data.Append(Canonicalize(fields[i], relaxed));
                    break;
                }
            }
            // b= emptied, including its surrounding whitespace (RFC 6376 3.7), and no trailing CRLF.
            var emptied = Regex.Replace(templateField, @"(^|[;:])([ \t\r\n]*b[ \t\r\n]*=)[^;]*", "$1$2");
            var sig = Canonicalize(emptied.EndsWith("\r\n") ? emptied : emptied + "\r\n", relaxed);
            data.Append(sig.Substring(0, sig.Length - 2));
            var bytes = Encoding.UTF8.GetBytes(data.ToString());

            if (key.Algorithm == DkimKeyAlgorithm.Ed25519)
            {
                byte[] digest;
                using (var sha = SHA256.Create()) digest = sha.ComputeHash(bytes);
                var signer = new Ed25519Signer();
                signer.Init(true, (Ed25519PrivateKeyParameters)key.PrivateKey);
                signer.BlockUpdate(digest, 0, digest.Length);
                return Convert.ToBase64String(signer.GenerateSignature());
            }
            var rsa = SignerUtilities.GetSigner("SHA-256withRSA");
            rsa.Init(true, key.PrivateKey);
            rsa.BlockUpdate(bytes, 0, bytes.Length);
            return Convert.ToBase64String(rsa.GenerateSignature());
        }

        /// <summary>Header fields of the message, each with its folding and final CRLF.</summary>
        internal static List<string> SplitFields(string rawMessage)
        {
            var end = rawMessage.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var header = end < 0 ? rawMessage : rawMessage.Substring(0, end + 2);
            var fields = new List<string>();
            foreach (var line in Regex.Split(header, "(?<=\r\n)").Where(l => l.Length > 0))
            {
                if ((line[0] == ' ' || line[0] == '\t') && fields.Count > 0) fields[fields.Count - 1] += line;
                else fields.Add(line);
            }
            return fields;
        }

        private static string FieldName(string field) => field.Substring(0, Math.Max(0, field.IndexOf(':'))).TrimEnd(' ', '\t');

        private static string Canonicalize(string field, bool relaxed)
        {
            if (!relaxed) return field;
            var colon = field.IndexOf(':');
            var name = field.Substring(0, colon).TrimEnd(' ', '\t').ToLowerInvariant();
            var value = field.Substring(colon + 1).Replace("\r\n", "");
            value = Regex.Replace(value, "[ \t]+", " ").Trim(' ');
            return name + ":" + value + "\r\n";
        }
    }
}
