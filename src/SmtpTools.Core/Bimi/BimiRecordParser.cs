using System;
using System.Collections.Generic;
using System.Linq;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Bimi
{
    /// <summary>One BIMI assertion record read against BIMI draft 5.3.</summary>
    internal sealed class BimiRecordParse
    {
        public string Text { get; set; }
        /// <summary>l= as published (trimmed); null when the tag is absent.</summary>
        public string Location { get; set; }
        /// <summary>The l= URL when it is a valid https URI.</summary>
        public Uri LocationUri { get; set; }
        /// <summary>a= as published (trimmed); null when the tag is absent (which means empty).</summary>
        public string Authority { get; set; }
        /// <summary>The a= URL when it is a valid https URI.</summary>
        public Uri AuthorityUri { get; set; }
        public string AvatarPreference { get; set; }
        public List<string> LocalPartPrefixes { get; } = new List<string>();
        public List<Finding> Findings { get; } = new List<Finding>();

        public bool IsValid => Findings.All(f => f.Severity != FindingSeverity.Error);
        /// <summary>l= and a= both empty (an absent a= counts as empty): the domain declines BIMI (BIMI draft 5.3.1).</summary>
        public bool IsDeclination => Location != null && Location.Length == 0 && string.IsNullOrEmpty(Authority);
    }

    /// <summary>
    /// The assertion record (BIMI draft 5.3), DKIM tag=value syntax (RFC 6376 3.2):
    /// <code>
    /// bimi-record = bimi-version (bimi-sep bimi-location) [(bimi-sep bimi-evidence-location)] [local-part-selector] [(bimi-sep bimi-logo-preference)] [bimi-sep]
    /// bimi-version = "v" *WSP "=" *WSP "BIMI1"        ; first, exactly
    /// bimi-location = "l" *WSP "=" *WSP [bimi-uri]    ; empty (declination) or one https URI
    /// bimi-evidence-location = "a" *WSP "=" *WSP [bimi-uri]
    /// </code>
    /// Receivers must not fix syntax or capitalization errors; unknown tags are ignored.
    /// </summary>
    internal static class BimiRecordParser
    {
        public const string Version = "BIMI1";

        /// <summary>Records whose first tag is not v=BIMI1 exactly are discarded by receivers (BIMI draft 8.2 step 4).</summary>
        public static bool IsBimiRecord(string text) => FirstTag(text) == "v=" + Version;

        /// <summary>Meant as a BIMI record but discarded: another version ("v=BIMI2"), other case, or v= not first.</summary>
        public static bool LooksLikeBimiRecord(string text)
        {
            if (text == null || IsBimiRecord(text)) return false;
            var first = FirstTag(text);
            return first.StartsWith("v=bimi", StringComparison.OrdinalIgnoreCase) || text.IndexOf("v=BIMI", StringComparison.OrdinalIgnoreCase) >= 0;
        }

        // The first tag with the white space the grammar allows around '=' removed.
        private static string FirstTag(string text)
        {
            if (text == null) return "";
            int semicolon = text.IndexOf(';');
            var first = (semicolon >= 0 ? text.Substring(0, semicolon) : text).Trim(Space);
            int eq = first.IndexOf('=');
            return eq < 0 ? first : first.Substring(0, eq).Trim(Space) + "=" + first.Substring(eq + 1).Trim(Space);
        }

        private static readonly char[] Space = { ' ', '\t', '\r', '\n' };

        public static BimiRecordParse Parse(string text)
        {
            var result = new BimiRecordParse { Text = text };
            var findings = result.Findings;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var terms = text.Split(';');
            for (int i = 0; i < terms.Length; i++)
            {
                string term = terms[i].Trim(Space);
                if (term.Length == 0)
                {
                    if (i < terms.Length - 1) findings.Add(FindingCatalog.BimiRecordSyntax.Create("The record has an empty tag (';;'); receivers do not repair records and ignore it."));
                    continue;
                }
                int eq = term.IndexOf('=');
                string name = eq < 0 ? term : term.Substring(0, eq).Trim(Space);
                string value = eq < 0 ? null : term.Substring(eq + 1).Trim(Space);
                if (eq < 0 || !IsTagName(name))
                {
                    findings.Add(FindingCatalog.BimiRecordSyntax.Create($"\"{Cut(term)}\" is not a tag=value pair (a tag name is a letter, then letters, digits or '_')."));
                    continue;
                }
                if (i == 0 && name != "v")
                    findings.Add(FindingCatalog.BimiVersionInvalid.Create($"The record begins with {name}=, but v={Version} must be the first tag; receivers discard it."));
                if (!seen.Add(name))
                {
                    findings.Add(FindingCatalog.BimiDuplicateTag.Create($"The tag {name}= appears more than once, which makes the whole tag list invalid (RFC 6376 3.2)."));
                    continue;
                }
                switch (name)
                {
                    case "v":
                        if (value != Version)
                            findings.Add(FindingCatalog.BimiVersionInvalid.Create($"v={Cut(value)}: the version must be {Version} exactly{(i > 0 ? " and the first tag" : "")}; receivers discard the record."));
                        else if (i > 0)
                            findings.Add(FindingCatalog.BimiVersionInvalid.Create($"v={Version} must be the first tag; receivers discard the record."));
                        break;
                    case "l":
                        result.Location = value;
                        result.LocationUri = ReadUri(value, "l", result.Findings);
                        if (result.LocationUri != null && HasRasterSuffix(result.LocationUri))
                            findings.Add(FindingCatalog.BimiLocationFormat.Create($"l={Cut(value)} names a raster image; only SVG (or SVGZ) logos are allowed."));
                        break;
                    case "a":
                        result.Authority = value;
                        result.AuthorityUri = ReadUri(value, "a", result.Findings);
                        break;
                    case "avp":
                        result.AvatarPreference = value;
                        if (value != "brand" && value != "personal")
                            findings.Add(FindingCatalog.BimiAvatarPreferenceInvalid.Create($"avp={Cut(value)}: the avatar preference is brand or personal; receivers ignore other values or treat the record as failing."));
                        break;
                    case "lps":
                        ReadPrefixes(value, result);
                        break;
                    default:
                        findings.Add(FindingCatalog.BimiUnknownTag.Create($"The tag {name}= is not a BIMI tag; receivers ignore it."));
                        break;
                }
            }
            if (!seen.Contains("v"))
                findings.Add(FindingCatalog.BimiVersionInvalid.Create($"The record has no v={Version} tag; receivers discard it."));
            if (result.Location == null)
                findings.Add(FindingCatalog.BimiNoLocation.Create("The record has no l= tag, which is required: l= names the logo (or is empty to decline BIMI)."));
            return result;
        }

        private static Uri ReadUri(string value, string tag, List<Finding> findings)
        {
            if (value.Length == 0) return null;
            bool location = tag == "l";
            string what = location ? "the logo" : "the mark certificate";
            if (value.IndexOf(',') >= 0)
            {
                findings.Add(location
                    ? FindingCatalog.BimiLocationInvalid.Create($"l={Cut(value)} holds a comma: the value must be a single URI (a comma in it must be percent-encoded).")
                    : FindingCatalog.BimiAuthorityInvalid.Create($"a={Cut(value)} holds a comma: the value must be a single URI (a comma in it must be percent-encoded)."));
                return null;
            }
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || value.Any(c => c <= ' ' || c > '~'))
            {
                findings.Add(location ? FindingCatalog.BimiLocationInvalid.Create($"l={Cut(value)} is not a valid URI.") : FindingCatalog.BimiAuthorityInvalid.Create($"a={Cut(value)} is not a valid URI."));
                return null;
            }
            if (!string.Equals(uri.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(location
                    ? FindingCatalog.BimiLocationNotHttps.Create($"l={Cut(value)} uses {uri.Scheme}:; {what} must be fetched over HTTPS.")
                    : FindingCatalog.BimiAuthorityNotHttps.Create($"a={Cut(value)} uses {uri.Scheme}:; {what} must be fetched over HTTPS."));
                return null;
            }
            if (uri.HostNameType != UriHostNameType.Dns || uri.IdnHost.IndexOf('.') < 0 || DomainNames.NormalizeOrNull(uri.IdnHost) == null)
            {
                findings.Add(location
                    ? FindingCatalog.BimiLocationInvalid.Create($"l={Cut(value)}: the URI must name a fully qualified domain, not {uri.Host}.")
                    : FindingCatalog.BimiAuthorityInvalid.Create($"a={Cut(value)}: the URI must name a fully qualified domain, not {uri.Host}."));
                return null;
            }
            return uri;
        }

        private static readonly string[] RasterSuffixes = { ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".ico", ".tif", ".tiff", ".avif", ".heic" };

        private static bool HasRasterSuffix(Uri uri) => RasterSuffixes.Any(s => uri.AbsolutePath.EndsWith(s, StringComparison.OrdinalIgnoreCase));

        private static void ReadPrefixes(string value, BimiRecordParse result)
        {
            if (value.Length == 0) return;
            foreach (var raw in value.Split(','))
            {
                var prefix = raw.Trim(Space);
                if (prefix.Length == 0 || prefix.Length > 63 || prefix.Any(c => !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')))
                    result.Findings.Add(FindingCatalog.BimiLocalPartPrefixInvalid.Create($"lps= entry \"{Cut(prefix)}\" is not a local-part prefix (1 to 63 letters, digits or '-')."));
                else result.LocalPartPrefixes.Add(prefix);
            }
        }

        private static bool IsTagName(string name)
        {
            if (name.Length == 0 || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z')) return false;
            return name.All(c => c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_');
        }

        internal static string Cut(string text) => text == null ? "" : text.Length <= 80 ? text : text.Substring(0, 80) + "…";
    }
}
