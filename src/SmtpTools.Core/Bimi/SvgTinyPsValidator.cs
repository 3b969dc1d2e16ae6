using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace SmtpTools.Core.Bimi
{
    /// <summary>What the SVG Tiny PS checks found in one logo.</summary>
    internal sealed class SvgCheck
    {
        /// <summary>The SVG as XML text bytes (gunzipped when it came compressed); null when it could not be decompressed.</summary>
        public byte[] Svg { get; set; }
        public bool WasCompressed { get; set; }
        public string Title { get; set; }
        public string Sha256 { get; set; }
        public List<Finding> Findings { get; } = new List<Finding>();
        public bool IsValid => Findings.All(f => f.Severity != FindingSeverity.Error);
    }

    /// <summary>
    /// The basics of the SVG Tiny Portable/Secure profile BIMI logos must follow (draft-svg-tiny-ps-abrotman, the BIMI
    /// group's SVG guidance): root svg with baseProfile="tiny-ps" and version="1.2", a &lt;title&gt;, no scripts or
    /// event handlers, no references outside the document, no animation, only the elements of the profile, a square
    /// view box, and at most 32 KB. The XML is read with DTDs refused and no resolver, so nothing in a logo can make the
    /// reader fetch or expand anything. Not a full RELAX NG validation of the profile.
    /// </summary>
    internal static class SvgTinyPsValidator
    {
        /// <summary>BIMI SVG guidance: logos should not exceed 32 KB (receivers such as Mail::BIMI refuse larger ones).</summary>
        public const int MaxSvgBytes = 32 * 1024;
        /// <summary>A compressed logo is inflated to this much at most before it is refused (a gzip bomb stops here).</summary>
        public const int MaxInflatedBytes = 1024 * 1024;

        private const string SvgNamespace = "http://www.w3.org/2000/svg";
        private const string XlinkNamespace = "http://www.w3.org/1999/xlink";

        // The elements of SVG Tiny 1.2 the PS profile keeps (its RELAX NG grammar as the BIMI group publishes it).
        private static readonly HashSet<string> AllowedElements = new HashSet<string>(StringComparer.Ordinal)
        {
            "svg", "title", "desc", "metadata", "defs", "g", "use", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
            "linearGradient", "radialGradient", "stop", "solidColor", "text", "textArea", "tspan", "tbreak", "font", "font-face",
            "font-face-src", "font-face-uri", "glyph", "missing-glyph", "hkern",
        };

        private static readonly HashSet<string> AnimationElements = new HashSet<string>(StringComparer.Ordinal)
        {
            "animate", "animateColor", "animateMotion", "animateTransform", "set", "discard", "mpath",
        };

        /// <param name="what">How the findings name the logo, e.g. "The logo at https://…".</param>
        public static SvgCheck Check(byte[] data, string what)
        {
            var check = new SvgCheck();
            if (data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b)
            {
                check.WasCompressed = true;
                data = Inflate(data, check, what);
                if (data == null) return check;
            }
            check.Svg = data;
            using (var sha = SHA256.Create()) check.Sha256 = BitConverter.ToString(sha.ComputeHash(data)).Replace("-", "");
            if (data.Length > MaxSvgBytes)
                check.Findings.Add(FindingCatalog.BimiSvgTooLarge.Create($"{what} is {Size(data.Length)}{(check.WasCompressed ? " uncompressed" : "")}; BIMI logos must not exceed 32 KB and receivers refuse larger ones."));
            if (HasDoctype(data))
            {
                check.Findings.Add(FindingCatalog.BimiSvgDoctype.Create($"{what} has a <!DOCTYPE>; it is refused unread (a DTD can expand entities or fetch files), and SVG Tiny PS documents have none."));
                return check;
            }
            try
            {
                Walk(data, check, what);
            }
            catch (XmlException ex)
            {
                check.Findings.Add(FindingCatalog.BimiSvgInvalidXml.Create($"{what} is not well-formed XML: {ex.Message}"));
            }
            return check;
        }

        private static byte[] Inflate(byte[] data, SvgCheck check, string what)
        {
            var inflated = Inflate(data, out var problem);
            if (inflated == null)
                check.Findings.Add(problem == null
                    ? FindingCatalog.BimiSvgTooLarge.Create($"{what} inflates to more than {MaxInflatedBytes / 1024} KB; BIMI logos must not exceed 32 KB.")
                    : FindingCatalog.BimiSvgInvalidXml.Create($"{what} starts like gzip data but cannot be decompressed: {problem}"));
            return inflated;
        }

        /// <summary>gunzip, stopping at <see cref="MaxInflatedBytes"/>: null when larger (problem null) or not gzip (problem says why).</summary>
        internal static byte[] Inflate(byte[] data, out string problem)
        {
            problem = null;
            try
            {
                using (var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
                using (var output = new MemoryStream())
                {
                    var buffer = new byte[16 * 1024];
                    int n;
                    while ((n = gzip.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        output.Write(buffer, 0, n);
                        if (output.Length > MaxInflatedBytes) return null;
                    }
                    return output.ToArray();
                }
            }
            catch (InvalidDataException ex)
            {
                problem = ex.Message;
                return null;
            }
        }

        // A DOCTYPE can only come before the root element; looking for it in the text avoids handing the reader one at all.
        private static bool HasDoctype(byte[] data)
        {
            string head = Encoding.UTF8.GetString(data, 0, Math.Min(data.Length, 4096));
            return head.IndexOf("<!DOCTYPE", StringComparison.Ordinal) >= 0 || Encoding.Unicode.GetString(data, 0, Math.Min(data.Length, 4096)).IndexOf("<!DOCTYPE", StringComparison.Ordinal) >= 0;
        }

        private static void Walk(byte[] data, SvgCheck check, string what)
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
                MaxCharactersInDocument = MaxInflatedBytes,
                MaxCharactersFromEntities = 0,
            };
            var findings = check.Findings;
            var reported = new HashSet<string>(StringComparer.Ordinal);
            void Once(string key, Finding finding) { if (reported.Add(key)) findings.Add(finding); }

            using (var reader = XmlReader.Create(new MemoryStream(data), settings))
            {
                bool root = true;
                int metadataDepth = -1;
                while (reader.Read())
                {
                    if (reader.NodeType != XmlNodeType.Element) continue;
                    string name = reader.LocalName, ns = reader.NamespaceURI;
                    if (root)
                    {
                        root = false;
                        if (name != "svg" || ns != SvgNamespace)
                        {
                            findings.Add(FindingCatalog.BimiSvgNotSvg.Create($"{what} is not an SVG document: its root element is <{reader.Name}>{(name == "svg" ? " outside the SVG namespace (xmlns=\"" + SvgNamespace + "\")" : "")}."));
                            return;
                        }
                        CheckRoot(reader, findings, what);
                        CheckAttributes(reader, what, Once);
                        continue;
                    }
                    // Metadata may carry any vocabulary (RDF, Dublin Core); it is never rendered.
                    if (metadataDepth >= 0 && reader.Depth > metadataDepth) continue;
                    metadataDepth = name == "metadata" && ns == SvgNamespace ? reader.Depth : -1;
                    if (ns == SvgNamespace && name == "script")
                        Once("script", FindingCatalog.BimiSvgScript.Create($"{what} contains a <script> element; scripts are forbidden in BIMI logos."));
                    else if (ns == SvgNamespace && AnimationElements.Contains(name))
                        Once("animation:" + name, FindingCatalog.BimiSvgAnimation.Create($"{what} contains the animation element <{name}>; BIMI logos must be static."));
                    else if (ns != SvgNamespace || !AllowedElements.Contains(name))
                        Once("element:" + reader.Name, FindingCatalog.BimiSvgElementNotAllowed.Create($"{what} contains <{reader.Name}>, which the SVG Tiny PS profile does not allow."));
                    CheckAttributes(reader, what, Once);
                    if (name == "title" && ns == SvgNamespace && reader.Depth == 1 && check.Title == null)
                        check.Title = ElementText(reader);
                }
                if (root) findings.Add(FindingCatalog.BimiSvgNotSvg.Create($"{what} has no root element."));
                else if (check.Title == null)
                    findings.Add(FindingCatalog.BimiSvgNoTitle.Create($"{what} has no <title> (the brand name) under its root; SVG Tiny PS requires one."));
            }
        }

        private static void CheckRoot(XmlReader reader, List<Finding> findings, string what)
        {
            string profile = reader.GetAttribute("baseProfile");
            string version = reader.GetAttribute("version");
            if (profile != "tiny-ps")
                findings.Add(FindingCatalog.BimiSvgProfile.Create($"{what} has {(profile == null ? "no baseProfile" : "baseProfile=\"" + profile + "\"")}; BIMI logos declare baseProfile=\"tiny-ps\" (SVG Tiny Portable/Secure)."));
            if (version != "1.2")
                findings.Add(FindingCatalog.BimiSvgVersion.Create($"{what} has {(version == null ? "no version" : "version=\"" + version + "\"")}; SVG Tiny PS is version=\"1.2\"."));
            if (reader.GetAttribute("x") != null || reader.GetAttribute("y") != null)
                findings.Add(FindingCatalog.BimiSvgRootPosition.Create($"{what} has x= or y= on its root <svg>, which SVG Tiny PS does not allow there."));
            var box = reader.GetAttribute("viewBox");
            double? width = null, height = null;
            if (box != null)
            {
                var parts = box.Split(new[] { ' ', ',', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 4 && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var h))
                {
                    width = w;
                    height = h;
                }
            }
            if (width == null)
            {
                width = Length(reader.GetAttribute("width"));
                height = Length(reader.GetAttribute("height"));
            }
            if (width == null || height == null)
                findings.Add(FindingCatalog.BimiSvgNotSquare.Create($"{what} has no viewBox (nor width and height) to tell its aspect ratio; BIMI logos are square."));
            else if (Math.Abs(width.Value - height.Value) > 1e-9)
                findings.Add(FindingCatalog.BimiSvgNotSquare.Create($"{what} is {Number(width.Value)}×{Number(height.Value)}, not square; receivers show logos in a square or circle and may refuse or crop it."));
        }

        private static double? Length(string value)
        {
            if (string.IsNullOrEmpty(value)) return null;
            var digits = new string(value.Trim().TakeWhile(c => char.IsDigit(c) || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+').ToArray());
            return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : (double?)null;
        }

        private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        /// <summary>The text of the current element, trimmed; null when empty. Leaves the reader on its end tag.</summary>
        private static string ElementText(XmlReader reader)
        {
            if (reader.IsEmptyElement) return null;
            var text = new StringBuilder();
            int depth = reader.Depth;
            while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
                if (reader.NodeType == XmlNodeType.Text || reader.NodeType == XmlNodeType.CDATA) text.Append(reader.Value);
            var title = text.ToString().Trim();
            return title.Length == 0 ? null : title;
        }

        private static void CheckAttributes(XmlReader reader, string what, Action<string, Finding> once)
        {
            if (!reader.MoveToFirstAttribute()) return;
            do
            {
                string name = reader.LocalName, ns = reader.NamespaceURI, value = reader.Value;
                if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase) && name.Length > 2 && string.IsNullOrEmpty(ns))
                    once("script", FindingCatalog.BimiSvgScript.Create($"{what} has the event handler {name}= (a script); scripts are forbidden in BIMI logos."));
                bool isLink = name == "href" && (ns == XlinkNamespace || string.IsNullOrEmpty(ns));
                if (isLink && !value.TrimStart().StartsWith("#", StringComparison.Ordinal))
                    once("external", FindingCatalog.BimiSvgExternalReference.Create($"{what} refers to {Cut(value)} outside itself; BIMI logos must be self-contained (only #fragment references)."));
                if (name == "style" && string.IsNullOrEmpty(ns) && ExternalInCss(value))
                    once("external", FindingCatalog.BimiSvgExternalReference.Create($"{what} loads something outside itself from a style attribute (url() or @import); BIMI logos must be self-contained."));
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }

        private static bool ExternalInCss(string css)
        {
            if (css.IndexOf("@import", StringComparison.OrdinalIgnoreCase) >= 0) return true;
            int at = 0;
            while ((at = css.IndexOf("url(", at, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                at += 4;
                var target = css.Substring(at).TrimStart(' ', '\'', '"');
                if (!target.StartsWith("#", StringComparison.Ordinal)) return true;
            }
            return false;
        }

        private static string Cut(string text) => text.Length <= 60 ? text : text.Substring(0, 60) + "…";

        internal static string Size(long bytes) => bytes >= 1024
            ? (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB (" + bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes)"
            : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
    }
}
