using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Dns
{
    /// <summary>
    /// The one place where DNS names given by users (domains, DKIM selectors, SMTP host names) are checked and put into
    /// the form DNS holds: surrounding white space and one trailing dot removed, U-labels turned into A-labels (IDNA),
    /// lower case, labels of 1..63 letters, digits, hyphens or underscores, 253 characters in all. Anything else (space,
    /// NUL, CR/LF, '@', '/', '*', IP literals where a name is expected) is refused before it reaches a DNS query, a file
    /// path or a zone-file line.
    /// </summary>
    public static class DomainNames
    {
        /// <summary>RFC 1035 2.3.4: 255 octets on the wire, i.e. 253 characters of text without the trailing dot.</summary>
        public const int MaxNameLength = 253;
        /// <summary>RFC 1035 2.3.4.</summary>
        public const int MaxLabelLength = 63;

        // Allows unassigned code points as the Public Suffix List matching always did: a name that is merely newer than
        // the platform's Unicode tables still resolves.
        private static readonly IdnMapping s_idn = new IdnMapping { AllowUnassigned = true };

        private enum Kind { Domain, Selector, BimiSelector, Host }

        /// <summary>A domain name in lower-case A-label form without the trailing dot.</summary>
        /// <exception cref="SmtpToolsException">InvalidDomainName (FailureKind.InvalidArgument): empty, white space, or not a domain name.</exception>
        public static string Normalize(string input) => Check(input, Kind.Domain);

        /// <summary>A DKIM selector: one or more DNS labels (RFC 6376 3.1), U-labels as A-labels (RFC 8616), case kept.</summary>
        /// <exception cref="SmtpToolsException">InvalidDkimSelector (FailureKind.InvalidArgument).</exception>
        public static string NormalizeSelector(string input) => Check(input, Kind.Selector);

        /// <summary>A BIMI selector: the same rules as a DKIM selector (BIMI draft 5.4 models selectors on DKIM's), lower case.</summary>
        /// <exception cref="SmtpToolsException">InvalidBimiSelector (FailureKind.InvalidArgument).</exception>
        public static string NormalizeBimiSelector(string input) => Check(input, Kind.BimiSelector).ToLowerInvariant();

        /// <summary>An SMTP server: an IPv4/IPv6 address (brackets allowed, returned as given) or a host name (normalized).</summary>
        /// <exception cref="SmtpToolsException">InvalidHostName (FailureKind.InvalidArgument).</exception>
        public static string NormalizeHost(string input) => Check(input, Kind.Host);

        /// <summary>
        /// An IPv4 address in dotted-quad form or an IPv6 address (white space around it ignored); an IPv4-mapped IPv6
        /// address (::ffff:192.0.2.1) is returned as the IPv4 address it stands for. "1" or "1.2", which IPAddress.Parse
        /// takes for IPv4, are typing mistakes here.
        /// </summary>
        /// <exception cref="SmtpToolsException">InvalidIPAddress (FailureKind.InvalidArgument).</exception>
        public static IPAddress ParseIPAddress(string input)
        {
            if (TryParseIPAddress(input, out var address)) return address;
            throw new SmtpToolsException(ErrorIds.InvalidIPAddress, FailureKind.InvalidArgument, $"{Display(input)} is not an IPv4 or IPv6 address.");
        }

        /// <summary><see cref="ParseIPAddress"/> without the exception.</summary>
        public static bool TryParseIPAddress(string input, out IPAddress address)
        {
            address = null;
            string text = input?.Trim();
            if (string.IsNullOrEmpty(text) || !IsIPAddressLiteral(text) || text.StartsWith("[", StringComparison.Ordinal) || text.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
                return false;
            address = IPAddress.Parse(text);
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            return true;
        }

        /// <summary><see cref="Normalize"/> without the exception: false and the reason when it is not a domain name.</summary>
        public static bool TryNormalize(string input, out string name, out string problem)
        {
            problem = Problem(input, Kind.Domain, out name);
            return problem == null;
        }

        /// <summary><see cref="Normalize"/> for names found in data: null when it is not a domain name.</summary>
        public static string NormalizeOrNull(string input) => TryNormalize(input, out var name, out _) ? name : null;

        /// <summary>
        /// A-label form of a name or label, lower case; null when it cannot be converted. No other check: used for names
        /// found in data (Public Suffix List rules, labels of names being matched) where the caller decides validity.
        /// </summary>
        public static string ToAscii(string name)
        {
            if (string.IsNullOrEmpty(name)) return null;
            if (IsAscii(name)) return name.ToLowerInvariant();
            try { return s_idn.GetAscii(name).ToLowerInvariant(); }
            catch (ArgumentException) { return null; }
        }

        /// <summary>U-label form of an A-label name, lower case (unchanged when it has no A-labels or cannot be decoded).</summary>
        public static string ToUnicode(string name)
        {
            if (string.IsNullOrEmpty(name)) return name;
            try { return s_idn.GetUnicode(name.ToLowerInvariant()); }
            catch (ArgumentException) { return name.ToLowerInvariant(); }
        }

        /// <summary><paramref name="name"/> is <paramref name="domain"/> or below it (case-insensitive, trailing dots ignored).</summary>
        public static bool IsSameOrSubdomain(string name, string domain)
        {
            if (name == null || domain == null) return false;
            name = name.TrimEnd('.');
            domain = domain.TrimEnd('.');
            return name.Equals(domain, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The input as an error message may show it: control characters escaped (no CR/LF reaches a log), long input cut.</summary>
        public static string Display(string input)
        {
            if (input == null) return "(null)";
            const int max = 80;
            var sb = new StringBuilder("'");
            for (int i = 0; i < input.Length && i < max; i++)
            {
                char c = input[i];
                if (c == '\r') sb.Append("\\r");
                else if (c == '\n') sb.Append("\\n");
                else if (c == '\t') sb.Append("\\t");
                else if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            sb.Append(input.Length > max ? $"…' ({input.Length:N0} characters)" : "'");
            return sb.ToString();
        }

        private static string Check(string input, Kind kind)
        {
            string problem = Problem(input, kind == Kind.BimiSelector ? Kind.Selector : kind, out var name);
            if (problem == null) return name;
            string what, errorId;
            switch (kind)
            {
                case Kind.Selector: what = "a DKIM selector"; errorId = ErrorIds.InvalidDkimSelector; break;
                case Kind.BimiSelector: what = "a BIMI selector"; errorId = ErrorIds.InvalidBimiSelector; break;
                case Kind.Host: what = "a host name or IP address"; errorId = ErrorIds.InvalidHostName; break;
                default: what = "a domain name"; errorId = ErrorIds.InvalidDomainName; break;
            }
            throw new SmtpToolsException(errorId, FailureKind.InvalidArgument, $"{Display(input)} is not {what}: {problem}.");
        }

        // Null when the input is valid (name set), else why not, as a sentence fragment.
        private static string Problem(string input, Kind kind, out string name)
        {
            name = null;
            if (input == null) return "nothing was given";
            string text = input.Trim();
            if (text.Length == 0)
                return input.Length == 0 ? "it is empty" : "it is only white space (an empty cell or line?); every input gets a result or an error, so it is reported instead of skipped";
            // Cheap bound before any conversion: no valid name comes near this, however it is written.
            if (text.Length > 4 * MaxNameLength) return $"it is {text.Length:N0} characters long; a DNS name has at most {MaxNameLength}";

            if (kind == Kind.Host && IsIPAddressLiteral(text))
            {
                name = text;
                return null;
            }
            if (kind != Kind.Host && IsIPAddressLiteral(text))
                return kind == Kind.Domain ? "it is an IP address, and DNS names are looked up by name (give the domain)" : "it is an IP address";
            if (text.IndexOf('@') >= 0)
                return kind == Kind.Selector ? "'@' cannot appear in a DNS name" : "it looks like an e-mail address; give only the part after '@'";

            if (text.EndsWith(".", StringComparison.Ordinal)) text = text.Substring(0, text.Length - 1);
            if (text.Length == 0) return "the root name '.' is not a domain";

            string ascii;
            if (IsAscii(text)) ascii = text;
            else
            {
                try { ascii = s_idn.GetAscii(text); }
                catch (ArgumentException) { return "it is not a valid internationalized domain name (IDNA)"; }
            }
            if (kind != Kind.Selector) ascii = ascii.ToLowerInvariant();

            string[] labels = ascii.Split('.');
            for (int i = 0; i < labels.Length; i++)
            {
                string label = labels[i];
                if (label.Length == 0)
                    return i == 0 ? "it starts with a dot" : "it has an empty label (two dots in a row)";
                foreach (char c in label)
                    if (!IsLabelCharacter(c)) return $"it contains {Describe(c, kind)}";
                if (label.Length > MaxLabelLength)
                    return $"the label '{Cut(label)}' is {label.Length} characters long; a label has at most {MaxLabelLength}";
                if (label[0] == '-' || label[label.Length - 1] == '-')
                    return $"the label '{label}' {(label[0] == '-' ? "begins" : "ends")} with a hyphen";
            }
            if (ascii.Length > MaxNameLength)
                return $"it is {ascii.Length} characters long{(ascii.Length != text.Length ? " in A-label form" : "")}; a DNS name has at most {MaxNameLength}";
            if (kind != Kind.Selector && IsAllDigits(labels[labels.Length - 1]))
                return "its last label is all digits, which no top-level domain is (a mistyped IP address?)";
            name = ascii;
            return null;
        }

        private static bool IsLabelCharacter(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';

        private static string Describe(char c, Kind kind)
        {
            switch (c)
            {
                case ' ': return "a space";
                case '\0': return "a NUL character";
                case '\r': case '\n': return "a line break (CR/LF)";
                case '*': return "'*' (wildcards are zone-file syntax, not names to look up)";
                case '/': case '\\': return $"'{c}' (a path, not a name)";
                case ':': return kind == Kind.Host ? "':' (give the port with -Port, not in the name)" : "':'";
            }
            return char.IsControl(c) || char.IsWhiteSpace(c)
                ? "the character U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
                : $"'{c}', which DNS names cannot hold (letters, digits, '-' and '_' only)";
        }

        private static bool IsIPAddressLiteral(string text)
        {
            string inner = text.Length > 2 && text[0] == '[' && text[text.Length - 1] == ']' ? text.Substring(1, text.Length - 2) : text;
            if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)) inner = inner.Substring(5);
            if (!IPAddress.TryParse(inner, out var address)) return false;
            // IPAddress.TryParse takes "1" or "1.2" as IPv4; only the dotted quad and IPv6 forms are address literals here.
            return address.AddressFamily == AddressFamily.InterNetworkV6 ? inner.IndexOf(':') >= 0 : inner.Split('.').Length == 4;
        }

        private static bool IsAscii(string text)
        {
            foreach (char c in text) if (c > 0x7f) return false;
            return true;
        }

        private static bool IsAllDigits(string label)
        {
            foreach (char c in label) if (c < '0' || c > '9') return false;
            return true;
        }

        private static string Cut(string label) => label.Length <= 20 ? label : label.Substring(0, 20) + "…";
    }
}
