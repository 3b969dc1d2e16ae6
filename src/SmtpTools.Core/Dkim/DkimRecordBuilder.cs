using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Dkim
{
    /// <summary>What goes into a DKIM key record besides the key itself.</summary>
    public sealed class DkimRecordOptions
    {
        /// <summary>t=y: tell verifiers the domain is testing DKIM.</summary>
        public bool Testing { get; set; }
        /// <summary>t=s: the i= domain must be exactly d=, not a subdomain.</summary>
        public bool StrictSubdomains { get; set; }
        /// <summary>s=email when true; no s= (meaning any service) when false.</summary>
        public bool EmailOnly { get; set; }
        /// <summary>h= value (e.g. "sha256"), or null to leave the tag out (all hashes allowed).</summary>
        public string HashAlgorithm { get; set; }
        /// <summary>n= note for humans, or null.</summary>
        public string Note { get; set; }
    }

    /// <summary>Builds the DNS side of a DKIM key: record text, TXT character-strings and a zone-file line.</summary>
    public static class DkimRecordBuilder
    {
        /// <summary>A TXT character-string holds at most 255 octets (RFC 1035 3.3.14).</summary>
        public const int MaxStringLength = 255;

        /// <summary>The owner name of a key: <c>selector._domainkey.domain</c> (RFC 6376 3.6.2.1).</summary>
        /// <remarks>
        /// Both parts are checked as DNS names first (<see cref="DomainNames"/>), so nothing else (a path, a line
        /// break, a zone-file wildcard) can reach a key file name or a zone-file line. An internationalized domain or
        /// selector is converted to its A-label form (xn--…), the form DNS holds (RFC 8616).
        /// </remarks>
        /// <exception cref="SmtpToolsException">InvalidDomainName or InvalidDkimSelector (FailureKind.InvalidArgument),
        /// also when the whole name is longer than DNS allows.</exception>
        public static string DnsName(string selector, string domain)
        {
            var name = DomainNames.NormalizeSelector(selector) + "._domainkey." + DomainNames.Normalize(domain);
            if (name.Length > DomainNames.MaxNameLength)
                throw new SmtpToolsException(ErrorIds.InvalidDkimSelector, FailureKind.InvalidArgument,
                    $"{name} is {name.Length} characters long; a DNS name has at most {DomainNames.MaxNameLength}, so use a shorter selector.");
            return name;
        }

        /// <summary>The record text <c>v=DKIM1; k=…; [h=…; t=…; s=…; n=…;] p=…</c>.</summary>
        /// <exception cref="ArgumentNullException">key is null.</exception>
        public static string BuildRecord(DkimPrivateKey key, DkimRecordOptions options = null)
        {
            if (key == null) throw new ArgumentNullException(nameof(key));
            options = options ?? new DkimRecordOptions();
            var sb = new StringBuilder("v=DKIM1; k=");
            sb.Append(key.Algorithm == DkimKeyAlgorithm.Ed25519 ? "ed25519" : "rsa").Append("; ");
            if (!string.IsNullOrEmpty(options.HashAlgorithm)) sb.Append("h=").Append(options.HashAlgorithm.ToLowerInvariant()).Append("; ");
            var flags = new List<string>();
            if (options.Testing) flags.Add("y");
            if (options.StrictSubdomains) flags.Add("s");
            if (flags.Count > 0) sb.Append("t=").Append(string.Join(":", flags)).Append("; ");
            if (options.EmailOnly) sb.Append("s=email; ");
            if (!string.IsNullOrEmpty(options.Note)) sb.Append("n=").Append(QuotedPrintableNote(options.Note)).Append("; ");
            sb.Append("p=").Append(key.PublicKeyBase64);
            return sb.ToString();
        }

        /// <summary>n= is a qp-section (RFC 6376 3.6.1): ';', '=', controls, spaces and non-ASCII must be =XX encoded.</summary>
        private static string QuotedPrintableNote(string note)
        {
            var sb = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(note))
            {
                if (b > 0x20 && b < 0x7f && b != (byte)';' && b != (byte)'=' && b != (byte)'"' && b != (byte)'\\') sb.Append((char)b);
                else sb.Append('=').Append(b.ToString("X2"));
            }
            return sb.ToString();
        }

        /// <summary>Splits a record into character-strings of at most 255 octets that join back to it unchanged.</summary>
        public static IReadOnlyList<string> SplitIntoStrings(string record, int maxLength = MaxStringLength)
        {
            if (record == null) throw new ArgumentNullException(nameof(record));
            if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength));
            // The text is ASCII (the builder encodes n=), so characters are octets.
            var strings = new List<string>();
            for (int i = 0; i < record.Length; i += maxLength) strings.Add(record.Substring(i, Math.Min(maxLength, record.Length - i)));
            if (strings.Count == 0) strings.Add("");
            return strings;
        }

        /// <summary>A BIND zone-file line with the strings in parentheses, owner name fully qualified.</summary>
        public static string ZoneFileRecord(string dnsName, IEnumerable<string> strings, int? ttl = null)
        {
            var quoted = strings.Select(s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
            return dnsName.TrimEnd('.') + "." + (ttl.HasValue ? " " + ttl.Value : "") + " IN TXT ( " + string.Join(" ", quoted) + " )";
        }
    }
}
