using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>A policy text read against RFC 8461 3.2.</summary>
    internal sealed class MtaStsPolicyParse
    {
        public string Version { get; set; }
        public MtaStsMode? Mode { get; set; }
        public long? MaxAge { get; set; }
        /// <summary>Every mx value in order, valid or not.</summary>
        public List<string> MxPatterns { get; } = new List<string>();
        /// <summary>The mx values that are valid patterns (what a sender matches against).</summary>
        public List<string> ValidMxPatterns { get; } = new List<string>();
        public List<Finding> Findings { get; } = new List<Finding>();
        public bool IsValid => Findings.All(f => f.Severity != FindingSeverity.Error);
    }

    /// <summary>
    /// The policy served at https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt (RFC 8461 3.2): LF or CRLF separated
    /// "name: value" lines; version, mode and max_age exactly once (a repeat is ignored), mx at least once unless mode is
    /// none, unknown fields ignored. Names and the version and mode values are case-sensitive (%s in the ABNF).
    /// </summary>
    internal static class MtaStsPolicyParser
    {
        /// <summary>RFC 8461 3.2: "maximum value of 31557600" (a year).</summary>
        public const long MaxMaxAge = 31557600;
        /// <summary>RFC 8461 3.2 expects max_age "in the range of weeks or greater"; below a week is worth a warning.</summary>
        public const long ShortMaxAge = 604800;

        private static readonly string[] KnownFields = { "version", "mode", "max_age", "mx" };

        public static MtaStsPolicyParse Parse(string text)
        {
            var result = new MtaStsPolicyParse();
            var findings = result.Findings;
            var lines = (text ?? "").Split('\n');
            int count = lines.Length;
            // The optional final line terminator leaves one empty piece behind.
            if (count > 0 && lines[count - 1].Length == 0) count--;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool emptyLineReported = false;
            for (int i = 0; i < count; i++)
            {
                int number = i + 1;
                string line = lines[i].EndsWith("\r", StringComparison.Ordinal) ? lines[i].Substring(0, lines[i].Length - 1) : lines[i];
                if (line.Trim(' ', '\t').Length == 0)
                {
                    if (!emptyLineReported)
                        findings.Add(FindingCatalog.MtaStsPolicyEmptyLine.Create($"Line {number} is empty; the grammar has no empty lines and strict parsers refuse the policy."));
                    emptyLineReported = true;
                    continue;
                }
                int colon = line.IndexOf(':');
                if (colon < 0)
                {
                    findings.Add(FindingCatalog.MtaStsPolicySyntax.Create($"Line {number} (\"{TagRecord.Cut(line)}\") has no ':'; every line must be \"name: value\"."));
                    continue;
                }
                string name = line.Substring(0, colon);
                string value = line.Substring(colon + 1).Trim(' ', '\t');
                if (!TagRecord.IsExtensionName(name))
                {
                    string hint = line[0] == '\uFEFF' ? " (the file starts with a byte-order mark)" : name.Trim() != name ? " (white space around the name)" : "";
                    findings.Add(FindingCatalog.MtaStsPolicySyntax.Create($"Line {number}: \"{TagRecord.Cut(name)}\" is not a valid field name{hint}."));
                    continue;
                }
                if (value.Any(c => c < 0x20 || c == 0x7f))
                {
                    findings.Add(FindingCatalog.MtaStsPolicySyntax.Create($"Line {number}: the value of {name} holds a control character."));
                    continue;
                }
                var known = KnownFields.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase));
                if (known != null && known != name)
                {
                    findings.Add(FindingCatalog.MtaStsPolicySyntax.Create($"Line {number}: field names are case-sensitive; \"{name}\" is not \"{known}\" and is ignored."));
                    continue;
                }
                if (name != "mx" && known != null && !seen.Add(name))
                {
                    findings.Add(FindingCatalog.MtaStsPolicyDuplicateField.Create($"Line {number}: {name} appears again; only the first counts (\"{TagRecord.Cut(value)}\" is ignored)."));
                    continue;
                }
                switch (name)
                {
                    case "version": ReadVersion(value, number, result); break;
                    case "mode": ReadMode(value, number, result); break;
                    case "max_age": ReadMaxAge(value, number, result); break;
                    case "mx": ReadMx(value, number, result); break;
                    default:
                        findings.Add(FindingCatalog.MtaStsPolicyUnknownField.Create($"Line {number}: the field {name} is not defined by RFC 8461; senders ignore it."));
                        break;
                }
            }

            if (!seen.Contains("version")) findings.Add(FindingCatalog.MtaStsPolicyNoVersion.Create("The policy has no version line (\"version: STSv1\"), which is required."));
            if (!seen.Contains("mode")) findings.Add(FindingCatalog.MtaStsPolicyNoMode.Create("The policy has no mode line (enforce, testing or none), which is required."));
            if (!seen.Contains("max_age")) findings.Add(FindingCatalog.MtaStsPolicyNoMaxAge.Create("The policy has no max_age line, which is required."));
            if (result.MxPatterns.Count == 0 && (result.Mode == MtaStsMode.Enforce || result.Mode == MtaStsMode.Testing))
                findings.Add(FindingCatalog.MtaStsPolicyNoMx.Create($"The policy has no mx line; mode {Name(result.Mode.Value)} needs at least one (only mode none may omit it)."));
            if (result.MaxAge.HasValue && result.Mode != MtaStsMode.None && result.MaxAge.Value < ShortMaxAge)
                findings.Add(FindingCatalog.MtaStsPolicyMaxAgeShort.Create($"max_age is {Duration(result.MaxAge.Value)}; RFC 8461 expects weeks or more, so that a sender's cached policy outlives an attack at refresh time (604800 is one week)."));
            if (result.Mode == MtaStsMode.Testing)
                findings.Add(FindingCatalog.MtaStsModeTesting.Create("mode: testing: senders deliver even when TLS fails and only report the failure (TLS-RPT); switch to enforce once the reports are clean."));
            if (result.Mode == MtaStsMode.None)
                findings.Add(FindingCatalog.MtaStsModeNone.Create("mode: none: the domain withdraws its policy; senders treat it as having none."));
            return result;
        }

        internal static string Name(MtaStsMode mode) => mode.ToString().ToLowerInvariant();

        private static void ReadVersion(string value, int number, MtaStsPolicyParse result)
        {
            result.Version = value;
            if (value != "STSv1")
                result.Findings.Add(FindingCatalog.MtaStsPolicyVersionInvalid.Create($"Line {number}: version is \"{TagRecord.Cut(value)}\"; it must be STSv1 exactly."));
        }

        private static void ReadMode(string value, int number, MtaStsPolicyParse result)
        {
            switch (value)
            {
                case "enforce": result.Mode = MtaStsMode.Enforce; return;
                case "testing": result.Mode = MtaStsMode.Testing; return;
                case "none": result.Mode = MtaStsMode.None; return;
            }
            result.Findings.Add(FindingCatalog.MtaStsPolicyModeInvalid.Create($"Line {number}: mode is \"{TagRecord.Cut(value)}\"; it must be enforce, testing or none (lower case)."));
        }

        private static void ReadMaxAge(string value, int number, MtaStsPolicyParse result)
        {
            if (value.Length == 0 || value.Length > 10 || value.Any(c => c < '0' || c > '9'))
            {
                result.Findings.Add(FindingCatalog.MtaStsPolicyMaxAgeInvalid.Create($"Line {number}: max_age is \"{TagRecord.Cut(value)}\"; it must be a number of seconds (1 to 10 digits)."));
                return;
            }
            long seconds = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
            result.MaxAge = seconds;
            if (seconds > MaxMaxAge)
                result.Findings.Add(FindingCatalog.MtaStsPolicyMaxAgeTooLarge.Create($"max_age is {seconds} ({Duration(seconds)}); the maximum is {MaxMaxAge} (one year), and senders cap it there."));
        }

        private static void ReadMx(string value, int number, MtaStsPolicyParse result)
        {
            result.MxPatterns.Add(value);
            var problem = MtaStsMxPattern.Problem(value);
            if (problem == null) result.ValidMxPatterns.Add(value);
            else result.Findings.Add(FindingCatalog.MtaStsPolicyMxInvalid.Create($"Line {number}: mx \"{TagRecord.Cut(value)}\" is not a host name or a \"*.\" wildcard pattern: {problem}."));
        }

        internal static string Duration(long seconds)
        {
            if (seconds >= 86400 && seconds % 86400 == 0) return $"{seconds / 86400} day{(seconds == 86400 ? "" : "s")}";
            if (seconds >= 86400) return (seconds / 86400.0).ToString("0.#", CultureInfo.InvariantCulture) + " days";
            if (seconds >= 3600) return (seconds / 3600.0).ToString("0.#", CultureInfo.InvariantCulture) + " hours";
            return $"{seconds} seconds";
        }
    }
}
