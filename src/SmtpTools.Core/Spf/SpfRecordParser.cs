using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.Spf
{
    /// <summary>Whether a term is a mechanism or a modifier.</summary>
    public enum SpfTermKind
    {
        Mechanism,
        Modifier,
    }

    /// <summary>One term of an SPF record (RFC 7208 4.6.1), parsed.</summary>
    public sealed class SpfTerm
    {
        /// <summary>The term exactly as written.</summary>
        public string Text { get; internal set; }
        public SpfTermKind Kind { get; internal set; }
        /// <summary>'+', '-', '~' or '?' for mechanisms ('+' when not written); '\0' for modifiers.</summary>
        public char Qualifier { get; internal set; }
        /// <summary>Lower-case mechanism or modifier name (all, include, a, mx, ptr, ip4, ip6, exists, redirect, exp, ...).</summary>
        public string Name { get; internal set; }
        /// <summary>The argument as written without the CIDR suffix (domain-spec, network, modifier value); null when absent.</summary>
        public string Value { get; internal set; }
        /// <summary>The parsed domain-spec (include, a, mx, ptr, exists, redirect, exp) or modifier value; null when absent.</summary>
        public SpfMacroString DomainSpec { get; internal set; }
        /// <summary>The network of ip4/ip6.</summary>
        public IPAddress Network { get; internal set; }
        /// <summary>IPv4 prefix length (ip4, a, mx); 32 when not written.</summary>
        public int Ip4PrefixLength { get; internal set; } = 32;
        /// <summary>IPv6 prefix length (ip6, a, mx); 128 when not written.</summary>
        public int Ip6PrefixLength { get; internal set; } = 128;

        /// <summary>True for the mechanisms and modifiers that cost a DNS lookup (RFC 7208 4.6.4).</summary>
        public bool CountsAsDnsLookup =>
            Name == "include" || Name == "a" || Name == "mx" || Name == "ptr" || Name == "exists" || (Kind == SpfTermKind.Modifier && Name == "redirect");

        /// <summary>The result a match of this mechanism gives.</summary>
        public SpfResult QualifierResult => SpfRecordParser.ResultOf(Qualifier);

        public override string ToString() => Text;
    }

    /// <summary>A syntax error in a record, with the term that caused it.</summary>
    public sealed class SpfSyntaxError
    {
        public SpfSyntaxError(string term, string message, bool isMacroError = false) { Term = term; Message = message; IsMacroError = isMacroError; }
        /// <summary>True when the error is a malformed macro (RFC 7208 7.1) rather than a malformed term.</summary>
        public bool IsMacroError { get; }
        /// <summary>The offending term (null when the error is about the record as a whole).</summary>
        public string Term { get; }
        public string Message { get; }
        public override string ToString() => Term == null ? Message : $"'{Term}': {Message}";
    }

    /// <summary>An SPF record split into terms. <see cref="Errors"/> lists every syntax error (empty when valid).</summary>
    public sealed class ParsedSpfRecord
    {
        internal ParsedSpfRecord(string text, IReadOnlyList<SpfTerm> terms, IReadOnlyList<SpfSyntaxError> errors)
        {
            Text = text;
            Terms = terms;
            Errors = errors;
            Mechanisms = terms.Where(t => t.Kind == SpfTermKind.Mechanism).ToList();
            Modifiers = terms.Where(t => t.Kind == SpfTermKind.Modifier).ToList();
            Redirect = Modifiers.FirstOrDefault(m => m.Name == "redirect");
            Explanation = Modifiers.FirstOrDefault(m => m.Name == "exp");
            All = Mechanisms.FirstOrDefault(m => m.Name == "all");
        }

        public string Text { get; }
        /// <summary>Terms that parsed, in record order.</summary>
        public IReadOnlyList<SpfTerm> Terms { get; }
        public IReadOnlyList<SpfTerm> Mechanisms { get; }
        public IReadOnlyList<SpfTerm> Modifiers { get; }
        public SpfTerm Redirect { get; }
        public SpfTerm Explanation { get; }
        /// <summary>The first "all" mechanism, or null.</summary>
        public SpfTerm All { get; }
        public IReadOnlyList<SpfSyntaxError> Errors { get; }
        public bool IsValid => Errors.Count == 0;
    }

    /// <summary>Parses SPF record text (RFC 7208 4.5, 4.6, 5, 6, 7).</summary>
    public static class SpfRecordParser
    {
        private static readonly Regex ModifierName = new Regex(@"^[A-Za-z][A-Za-z0-9\-_.]*=", RegexOptions.CultureInvariant | RegexOptions.Compiled);
        private static readonly Regex MechanismName = new Regex(@"^[A-Za-z][A-Za-z0-9\-_.]*", RegexOptions.CultureInvariant | RegexOptions.Compiled);
        private static readonly Regex DualCidr = new Regex(@"^(?<spec>.*?)(?:/(?<v4>0|[1-9][0-9]*))?(?://(?<v6>0|[1-9][0-9]*))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.Compiled);
        private static readonly Regex SingleCidr = new Regex(@"^(?<net>.*?)(?:/(?<len>0|[1-9][0-9]*))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.Compiled);
        private static readonly Regex Ip4Text = new Regex(@"^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$", RegexOptions.CultureInvariant | RegexOptions.Compiled);
        private static readonly Regex TopLabel = new Regex(@"^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9\-]*[A-Za-z0-9])$", RegexOptions.CultureInvariant | RegexOptions.Compiled);

        /// <summary>True when the text is an SPF version 1 record: "v=spf1" (any case) followed by a space or the end.</summary>
        public static bool IsSpfRecord(string text) =>
            text != null && text.Length >= 6 && string.Compare(text, 0, "v=spf1", 0, 6, StringComparison.OrdinalIgnoreCase) == 0 && (text.Length == 6 || text[6] == ' ');

        // Parsed records by the DNS record they came from: the resolver caches answers for a whole pipeline, so a
        // provider's include is parsed once per run, not once per domain that includes it. Entries go with the records.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Dns.DnsTxtRecord, ParsedSpfRecord> ParsedByRecord =
            new System.Runtime.CompilerServices.ConditionalWeakTable<Dns.DnsTxtRecord, ParsedSpfRecord>();

        /// <summary>Like <see cref="Parse(string)"/>, once per record object (ParsedSpfRecord is immutable, so it is shared).</summary>
        internal static ParsedSpfRecord Parse(Dns.DnsTxtRecord record) => ParsedByRecord.GetValue(record, r => Parse(r.Text));

        /// <summary>Parses the text of a record that <see cref="IsSpfRecord"/> accepted. Never throws for bad syntax.</summary>
        /// <exception cref="ArgumentException">the text is not an SPF record.</exception>
        public static ParsedSpfRecord Parse(string text)
        {
            if (!IsSpfRecord(text)) throw new ArgumentException("The text does not start with v=spf1.", nameof(text));
            var terms = new List<SpfTerm>();
            var errors = new List<SpfSyntaxError>();
            foreach (char c in text)
            {
                if (c > 0x7E || (c < 0x20))
                {
                    errors.Add(new SpfSyntaxError(null, $"the record contains the character U+{(int)c:X4}; SPF records are 7-bit ASCII without control characters (RFC 7208 3.1, 4.6.1)"));
                    break;
                }
            }
            foreach (var raw in text.Substring(6).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var term = ParseTerm(raw, out string error, out bool macroError);
                if (term == null) errors.Add(new SpfSyntaxError(raw, error, macroError));
                else terms.Add(term);
            }
            foreach (var name in new[] { "redirect", "exp" })
            {
                if (terms.Count(t => t.Kind == SpfTermKind.Modifier && t.Name == name) > 1)
                    errors.Add(new SpfSyntaxError(name + "=", $"the {name} modifier appears more than once (RFC 7208 6)"));
            }
            return new ParsedSpfRecord(text, terms, errors);
        }

        internal static SpfResult ResultOf(char qualifier)
        {
            switch (qualifier)
            {
                case '-': return SpfResult.Fail;
                case '~': return SpfResult.SoftFail;
                case '?': return SpfResult.Neutral;
                default: return SpfResult.Pass;
            }
        }

        private static SpfTerm ParseTerm(string text, out string error, out bool macroError)
        {
            error = null;
            macroError = false;
            var modifier = ModifierName.Match(text);
            if (modifier.Success)
            {
                string name = text.Substring(0, modifier.Length - 1).ToLowerInvariant();
                string value = text.Substring(modifier.Length);
                var term = new SpfTerm { Text = text, Kind = SpfTermKind.Modifier, Name = name, Value = value };
                bool isDomain = name == "redirect" || name == "exp";
                if (!SpfMacroString.TryParse(value, false, out var spec, out error)) { macroError = spec == null && value.IndexOf('%') >= 0; return null; }
                if (isDomain && !IsDomainSpec(spec, out error)) return null;
                term.DomainSpec = spec;
                return term;
            }

            char qualifier = '+';
            string rest = text;
            if (rest.Length > 0 && "+-~?".IndexOf(rest[0]) >= 0)
            {
                qualifier = rest[0];
                rest = rest.Substring(1);
            }
            var nameMatch = MechanismName.Match(rest);
            if (!nameMatch.Success) { error = "not a mechanism or modifier"; return null; }
            string mechanism = nameMatch.Value.ToLowerInvariant();
            string argument = rest.Substring(nameMatch.Length);
            var result = new SpfTerm { Text = text, Kind = SpfTermKind.Mechanism, Qualifier = qualifier, Name = mechanism };
            switch (mechanism)
            {
                case "all":
                    if (argument.Length != 0) { error = "'all' takes no argument"; return null; }
                    return result;
                case "include":
                case "exists":
                    if (!argument.StartsWith(":", StringComparison.Ordinal) || argument.Length == 1) { error = $"'{mechanism}' needs ':' and a domain"; return null; }
                    return WithDomainSpec(result, argument.Substring(1), out error, out macroError);
                case "ptr":
                    if (argument.Length == 0) return result;
                    if (!argument.StartsWith(":", StringComparison.Ordinal) || argument.Length == 1) { error = "'ptr' takes ':' and a domain or nothing"; return null; }
                    return WithDomainSpec(result, argument.Substring(1), out error, out macroError);
                case "a":
                case "mx":
                    return ParseAOrMx(result, argument, out error, out macroError);
                case "ip4":
                case "ip6":
                    return ParseIp(result, argument, out error);
                default:
                    error = $"'{mechanism}' is not a known mechanism";
                    return null;
            }
        }

        private static SpfTerm ParseAOrMx(SpfTerm term, string argument, out string error, out bool macroError)
        {
            error = null;
            macroError = false;
            if (argument.Length == 0) return term;
            if (argument[0] != ':' && argument[0] != '/') { error = $"unexpected '{argument}' after '{term.Name}'"; return null; }
            var m = DualCidr.Match(argument[0] == ':' ? argument.Substring(1) : argument);
            string spec = m.Groups["spec"].Value;
            if (m.Groups["v4"].Success)
            {
                int v4 = int.Parse(m.Groups["v4"].Value, CultureInfo.InvariantCulture);
                if (v4 > 32) { error = $"IPv4 prefix length /{v4} is over 32"; return null; }
                term.Ip4PrefixLength = v4;
            }
            if (m.Groups["v6"].Success)
            {
                if (!int.TryParse(m.Groups["v6"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int v6) || v6 > 128) { error = $"IPv6 prefix length //{m.Groups["v6"].Value} is over 128"; return null; }
                term.Ip6PrefixLength = v6;
            }
            if (argument[0] == ':')
            {
                if (spec.Length == 0) { error = $"'{term.Name}:' needs a domain"; return null; }
                return WithDomainSpec(term, spec, out error, out macroError);
            }
            if (spec.Length != 0) { error = $"unexpected '{argument}' after '{term.Name}'"; return null; }
            return term;
        }

        private static SpfTerm ParseIp(SpfTerm term, string argument, out string error)
        {
            error = null;
            if (!argument.StartsWith(":", StringComparison.Ordinal) || argument.Length == 1) { error = $"'{term.Name}' needs ':' and a network"; return null; }
            var m = SingleCidr.Match(argument.Substring(1));
            string network = m.Groups["net"].Value;
            term.Value = network;
            bool v4 = term.Name == "ip4";
            IPAddress address;
            if (v4)
            {
                var parts = Ip4Text.Match(network);
                if (!parts.Success || Enumerable.Range(1, 4).Any(g => int.Parse(parts.Groups[g].Value, CultureInfo.InvariantCulture) > 255))
                { error = $"'{network}' is not an IPv4 address"; return null; }
                address = IPAddress.Parse(network);
            }
            else
            {
                if (network.IndexOf(':') < 0 || network.IndexOf('%') >= 0 || !IPAddress.TryParse(network, out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                { error = $"'{network}' is not an IPv6 address"; return null; }
            }
            term.Network = address;
            if (m.Groups["len"].Success)
            {
                int max = v4 ? 32 : 128;
                if (!int.TryParse(m.Groups["len"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length > max)
                { error = $"prefix length /{m.Groups["len"].Value} is over {max}"; return null; }
                if (v4) term.Ip4PrefixLength = length; else term.Ip6PrefixLength = length;
            }
            return term;
        }

        private static SpfTerm WithDomainSpec(SpfTerm term, string spec, out string error, out bool macroError)
        {
            macroError = false;
            if (!SpfMacroString.TryParse(spec, false, out var parsed, out error)) { macroError = spec.IndexOf('%') >= 0; return null; }
            if (!IsDomainSpec(parsed, out error)) return null;
            term.Value = spec;
            term.DomainSpec = parsed;
            return term;
        }

        /// <summary>domain-end = ( "." toplabel [ "." ] ) / macro-expand (RFC 7208 7.1).</summary>
        private static bool IsDomainSpec(SpfMacroString spec, out string error)
        {
            error = null;
            if (spec.Text.Length == 0) { error = "the domain is empty"; return false; }
            if (spec.EndsWithMacro) return true;
            string tail = spec.TrailingLiteral;
            if (tail.EndsWith(".", StringComparison.Ordinal)) tail = tail.Substring(0, tail.Length - 1);
            int dot = tail.LastIndexOf('.');
            if (dot < 0 || !TopLabel.IsMatch(tail.Substring(dot + 1)))
            {
                error = $"'{spec.Text}' does not end in a valid top-level label";
                return false;
            }
            return true;
        }
    }
}
