using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SmtpTools.Core.Spf
{
    /// <summary>The values the macro letters of RFC 7208 7.2 stand for during one evaluation.</summary>
    public sealed class SpfMacroValues
    {
        /// <summary>s: the full sender, local-part@domain.</summary>
        public string Sender { get; set; }
        /// <summary>l: the local-part of the sender.</summary>
        public string LocalPart { get; set; }
        /// <summary>o: the domain of the sender.</summary>
        public string SenderDomain { get; set; }
        /// <summary>d: the domain being checked (changes through include and redirect).</summary>
        public string Domain { get; set; }
        /// <summary>i, c, v: the client address (IPv4-mapped IPv6 already turned into IPv4).</summary>
        public IPAddress IPAddress { get; set; }
        /// <summary>h: the HELO/EHLO domain.</summary>
        public string HeloDomain { get; set; }
        /// <summary>p: the validated domain name of the client; computed by the caller only when the string uses it.</summary>
        public string ValidatedName { get; set; }
        /// <summary>r: the receiving host's name ("unknown" when not given).</summary>
        public string ReceiverName { get; set; }
        /// <summary>t: the timestamp.</summary>
        public DateTimeOffset Timestamp { get; set; } = DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// A parsed macro-string (RFC 7208 7.1): literal text and macro-expands. Parsing checks the syntax once, so a
    /// record with a bad macro is a syntax error before any DNS query; expansion cannot fail.
    /// </summary>
    public sealed class SpfMacroString
    {
        private const string Letters = "slodipvh";
        private const string ExplanationOnlyLetters = "crt";
        private const string Delimiters = ".-+,/_=";
        // RFC 7208 7.3: DIGIT "MUST support at least a value of 127"; larger values simply keep every part.
        private const int MaxDigits = 128;

        private readonly List<Token> _tokens;

        private SpfMacroString(string text, List<Token> tokens)
        {
            Text = text;
            _tokens = tokens;
        }

        /// <summary>The text as written.</summary>
        public string Text { get; }

        /// <summary>True when the string contains at least one macro-expand (not only %%, %_ or %-).</summary>
        public bool HasMacros => _tokens.Any(t => t.Letter != '\0');

        /// <summary>True when every macro letter used is one of <paramref name="letters"/> (lower case).</summary>
        public bool UsesOnly(string letters) => _tokens.All(t => t.Letter == '\0' || letters.IndexOf(t.Letter) >= 0);

        /// <summary>True when expansion needs the validated name (%{p}), which costs DNS queries.</summary>
        public bool UsesValidatedName => _tokens.Any(t => t.Letter == 'p');

        /// <summary>True when the last element is a macro-expand, which RFC 7208's domain-end accepts instead of a top label.</summary>
        internal bool EndsWithMacro => _tokens.Count > 0 && _tokens[_tokens.Count - 1].IsExpand;

        /// <summary>The literal text after the last macro-expand (the whole text when there is none).</summary>
        internal string TrailingLiteral
        {
            get
            {
                var sb = new StringBuilder();
                for (int i = _tokens.Count - 1; i >= 0 && !_tokens[i].IsExpand; i--) sb.Insert(0, _tokens[i].Literal);
                return sb.ToString();
            }
        }

        /// <summary>
        /// Parses <paramref name="text"/> as a macro-string, or as an explain-string (spaces and the c, r, t letters
        /// allowed) when <paramref name="explanation"/> is true. Returns false with a reason for a syntax error.
        /// </summary>
        public static bool TryParse(string text, bool explanation, out SpfMacroString result, out string error)
        {
            result = null;
            error = null;
            if (text == null) { error = "no text"; return false; }
            var tokens = new List<Token>();
            var literal = new StringBuilder();
            void FlushLiteral()
            {
                if (literal.Length == 0) return;
                tokens.Add(Token.ForLiteral(literal.ToString()));
                literal.Clear();
            }

            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (c != '%')
                {
                    bool allowed = (c >= 0x21 && c <= 0x7E) || (explanation && c == ' ');
                    if (!allowed)
                    {
                        error = $"character U+{(int)c:X4} is not allowed in a macro-string";
                        return false;
                    }
                    literal.Append(c);
                    i++;
                    continue;
                }
                if (i + 1 >= text.Length) { error = "'%' at the end of the text is not a macro"; return false; }
                char next = text[i + 1];
                if (next == '%' || next == '_' || next == '-')
                {
                    FlushLiteral();
                    tokens.Add(Token.ForEscape(next == '%' ? "%" : next == '_' ? " " : "%20"));
                    i += 2;
                    continue;
                }
                if (next != '{') { error = $"'%{next}' is not a macro (use %% for a literal percent sign)"; return false; }
                int close = text.IndexOf('}', i + 2);
                if (close < 0) { error = "macro '%{' is not closed"; return false; }
                string inner = text.Substring(i + 2, close - i - 2);
                if (!TryParseExpand(inner, explanation, out var token, out error))
                {
                    error = $"macro '%{{{inner}}}': {error}";
                    return false;
                }
                FlushLiteral();
                tokens.Add(token);
                i = close + 1;
            }
            FlushLiteral();
            result = new SpfMacroString(text, tokens);
            return true;
        }

        private static bool TryParseExpand(string inner, bool explanation, out Token token, out string error)
        {
            token = null;
            error = null;
            if (inner.Length == 0) { error = "no macro letter"; return false; }
            char letter = inner[0];
            char lower = char.ToLowerInvariant(letter);
            if (Letters.IndexOf(lower) < 0 && !(explanation && ExplanationOnlyLetters.IndexOf(lower) >= 0))
            {
                error = ExplanationOnlyLetters.IndexOf(lower) >= 0
                    ? $"'{letter}' is allowed only in explanation text"
                    : $"'{letter}' is not a macro letter";
                return false;
            }
            int i = 1;
            int digitsStart = i;
            while (i < inner.Length && inner[i] >= '0' && inner[i] <= '9') i++;
            int digits = 0;
            if (i > digitsStart)
            {
                string number = inner.Substring(digitsStart, i - digitsStart);
                if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out digits)) digits = MaxDigits;
                if (digits == 0) { error = "the number of parts must not be zero"; return false; }
                digits = Math.Min(digits, MaxDigits);
            }
            bool reverse = false;
            if (i < inner.Length && (inner[i] == 'r' || inner[i] == 'R')) { reverse = true; i++; }
            string delimiters = inner.Substring(i);
            foreach (char d in delimiters)
                if (Delimiters.IndexOf(d) < 0) { error = $"'{d}' is not a delimiter"; return false; }
            token = new Token
            {
                IsExpand = true,
                Letter = lower,
                UrlEscape = char.IsUpper(letter),
                Digits = digits,
                Reverse = reverse,
                Delimiters = delimiters.Length == 0 ? "." : delimiters,
            };
            return true;
        }

        /// <summary>Expands the string with <paramref name="values"/> (RFC 7208 7.3, 7.4).</summary>
        public string Expand(SpfMacroValues values)
        {
            var sb = new StringBuilder();
            foreach (var token in _tokens)
            {
                if (token.Letter == '\0') { sb.Append(token.Literal); continue; }
                string value = ValueOf(token.Letter, values) ?? string.Empty;
                string[] parts = value.Split(token.Delimiters.ToCharArray());
                if (token.Reverse) Array.Reverse(parts);
                if (token.Digits > 0 && token.Digits < parts.Length) parts = parts.Skip(parts.Length - token.Digits).ToArray();
                string joined = string.Join(".", parts);
                sb.Append(token.UrlEscape ? UrlEscape(joined) : joined);
            }
            return sb.ToString();
        }

        /// <summary>
        /// Expands a domain-spec: the result without a trailing dot, shortened from the left while it is longer
        /// than 253 characters (RFC 7208 7.3).
        /// </summary>
        public string ExpandDomain(SpfMacroValues values)
        {
            string name = Expand(values);
            if (name.EndsWith(".", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 1);
            while (name.Length > 253)
            {
                int dot = name.IndexOf('.');
                if (dot < 0) break;
                name = name.Substring(dot + 1);
            }
            return name;
        }

        private static string ValueOf(char letter, SpfMacroValues v)
        {
            switch (letter)
            {
                case 's': return v.Sender;
                case 'l': return v.LocalPart;
                case 'o': return v.SenderDomain;
                case 'd': return v.Domain;
                case 'i': return DottedAddress(v.IPAddress);
                case 'p': return string.IsNullOrEmpty(v.ValidatedName) ? "unknown" : v.ValidatedName;
                case 'v': return v.IPAddress != null && v.IPAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "in-addr";
                case 'h': return v.HeloDomain;
                case 'c': return v.IPAddress?.ToString();
                case 'r': return string.IsNullOrEmpty(v.ReceiverName) ? "unknown" : v.ReceiverName;
                case 't': return v.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                default: return string.Empty;
            }
        }

        /// <summary>IPv4 as dotted quad; IPv6 as 32 dot-separated lower-case nibbles (RFC 7208 7.3).</summary>
        internal static string DottedAddress(IPAddress address)
        {
            if (address == null) return string.Empty;
            if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
            var bytes = address.GetAddressBytes();
            var sb = new StringBuilder(64);
            foreach (byte b in bytes)
            {
                if (sb.Length > 0) sb.Append('.');
                sb.Append("0123456789abcdef"[b >> 4]).Append('.').Append("0123456789abcdef"[b & 0xF]);
            }
            return sb.ToString();
        }

        /// <summary>Percent-encodes everything outside RFC 3986's unreserved set, as UTF-8 octets.</summary>
        private static string UrlEscape(string value)
        {
            var sb = new StringBuilder(value.Length);
            foreach (byte b in Encoding.UTF8.GetBytes(value))
            {
                char c = (char)b;
                bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
                if (unreserved) sb.Append(c);
                else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            return sb.ToString();
        }

        public override string ToString() => Text;

        private sealed class Token
        {
            public string Literal;
            public bool IsExpand;
            public char Letter;
            public bool UrlEscape;
            public int Digits;
            public bool Reverse;
            public string Delimiters;

            public static Token ForLiteral(string text) => new Token { Literal = text };
            public static Token ForEscape(string text) => new Token { Literal = text, IsExpand = true };
        }
    }
}
