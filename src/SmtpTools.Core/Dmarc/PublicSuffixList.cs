using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using SmtpTools.Core.Dns;
using SmtpTools.Core.IO;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>Which part of the Public Suffix List a lookup uses.</summary>
    public enum PublicSuffixSections
    {
        /// <summary>ICANN and private-domain rules (what browsers and the PSL test vectors use).</summary>
        All,
        /// <summary>Only the rules between "===BEGIN ICANN DOMAINS===" and "===END ICANN DOMAINS===".</summary>
        IcannOnly,
    }

    /// <summary>
    /// The Public Suffix List (https://publicsuffix.org/list/): normal rules, wildcard rules (<c>*.ck</c>) and
    /// exception rules (<c>!www.ck</c>), each remembered with the section (ICANN or private) it came from. Rules
    /// are stored as A-labels, so U-label and A-label inputs match alike; answers keep the form of the input.
    /// A copy of the list is embedded in this assembly (<see cref="Default"/>); <see cref="Load"/> reads a fresher one.
    /// Instances are immutable and thread-safe.
    /// </summary>
    public sealed class PublicSuffixList
    {
        private const string ResourceName = "SmtpTools.Core.Dmarc.public_suffix_list.dat";
        private static readonly Lazy<PublicSuffixList> s_default = new Lazy<PublicSuffixList>(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);
        /// <summary>The real list is about 300 KB; a file far larger is not a suffix list.</summary>
        public static readonly FileSizeLimit FileLimit = new FileSizeLimit("The Public Suffix List file", 4 << 20, "the published list is about 300 KB; check -PublicSuffixListPath");

        // Value: true when the rule is in the ICANN section.
        private readonly Dictionary<string, bool> _rules = new Dictionary<string, bool>(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _wildcards = new Dictionary<string, bool>(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _exceptions = new Dictionary<string, bool>(StringComparer.Ordinal);

        private PublicSuffixList() { }

        /// <summary>The list embedded at build time (a copy of Debian's <c>publicsuffix</c> package file).</summary>
        public static PublicSuffixList Default => s_default.Value;

        /// <summary>How many rules were read.</summary>
        public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

        /// <summary>Reads a list in the PSL file format from a file.</summary>
        /// <exception cref="IOException">The file cannot be read.</exception>
        /// <exception cref="UnauthorizedAccessException">No permission to read the file.</exception>
        /// <exception cref="Errors.SmtpToolsException">The file holds no rules (ErrorId PublicSuffixListEmpty), or is larger
        /// than <see cref="FileLimit"/> (FileTooLarge).</exception>
        public static PublicSuffixList Load(string path)
        {
            using (var reader = new StreamReader(BoundedFile.OpenRead(path, FileLimit), Encoding.UTF8))
                return Parse(reader);
        }

        /// <summary>Parses list text. Lines after <c>//</c> are comments; the section markers decide ICANN vs private.</summary>
        /// <exception cref="Errors.SmtpToolsException">The text holds no rules (ErrorId PublicSuffixListEmpty).</exception>
        public static PublicSuffixList Parse(string text)
        {
            using (var reader = new StringReader(text ?? ""))
                return Parse(reader);
        }

        /// <inheritdoc cref="Parse(string)"/>
        public static PublicSuffixList Parse(TextReader reader)
        {
            var list = new PublicSuffixList();
            // Text before any marker counts as ICANN: small hand-written lists often have no markers at all.
            bool icann = true;
            string line;
            while ((line = reader.ReadLine()) != null)
            {
                line = line.Trim();
                if (line.Length == 0) continue;
                if (line.StartsWith("//", StringComparison.Ordinal))
                {
                    if (line.IndexOf("===BEGIN ICANN DOMAINS===", StringComparison.Ordinal) >= 0) icann = true;
                    else if (line.IndexOf("===END ICANN DOMAINS===", StringComparison.Ordinal) >= 0) icann = false;
                    else if (line.IndexOf("===BEGIN PRIVATE DOMAINS===", StringComparison.Ordinal) >= 0) icann = false;
                    continue;
                }
                // The rule is the first whitespace-delimited token; anything after it is ignored (list format).
                int space = line.IndexOfAny(new[] { ' ', '\t' });
                string rule = space < 0 ? line : line.Substring(0, space);
                if (rule.StartsWith("!", StringComparison.Ordinal))
                    Add(list._exceptions, rule.Substring(1), icann);
                else if (rule.StartsWith("*.", StringComparison.Ordinal))
                    Add(list._wildcards, rule.Substring(2), icann);
                else
                    Add(list._rules, rule, icann);
            }
            if (list.RuleCount == 0)
                throw new Errors.SmtpToolsException(ErrorIds.PublicSuffixListEmpty, Errors.FailureKind.InvalidData, "The Public Suffix List holds no rules.");
            return list;
        }

        private static void Add(Dictionary<string, bool> table, string rule, bool icann)
        {
            string key = DomainNames.ToAscii(rule);
            if (key == null) return;
            // A rule listed in both sections stays ICANN: that is the stricter reading for IcannOnly lookups.
            table[key] = table.TryGetValue(key, out var existing) ? existing || icann : icann;
        }

        /// <summary>
        /// The registrable domain: the public suffix plus one label (e.g. <c>example.co.uk</c>), in the form of the
        /// input (lower case). Null when the name is itself a public suffix or is not a valid name.
        /// </summary>
        public string GetRegistrableDomain(string domain, PublicSuffixSections sections = PublicSuffixSections.All)
        {
            var labels = Split(domain, out var asciiLabels);
            if (labels == null) return null;
            int count = SuffixLabelCount(asciiLabels, sections);
            return count >= labels.Length ? null : Join(labels, count + 1);
        }

        /// <summary>
        /// The RFC 7489 3.2 Organizational Domain: the registrable domain, or the name itself when it is a public
        /// suffix (DMARC still looks a policy up there). Null only for an invalid name.
        /// </summary>
        public string GetOrganizationalDomain(string domain, PublicSuffixSections sections = PublicSuffixSections.All)
        {
            var labels = Split(domain, out var asciiLabels);
            if (labels == null) return null;
            int count = SuffixLabelCount(asciiLabels, sections);
            return Join(labels, Math.Min(labels.Length, count + 1));
        }

        // Number of labels of the prevailing rule (PSL algorithm): an exception rule wins and yields its own
        // labels minus one; otherwise the matching rule with most labels; otherwise the default rule "*" (one label).
        private int SuffixLabelCount(string[] labels, PublicSuffixSections sections)
        {
            int n = labels.Length;
            bool icannOnly = sections == PublicSuffixSections.IcannOnly;
            for (int k = n; k >= 1; k--)
            {
                if (Matches(_exceptions, Suffix(labels, k), icannOnly)) return k - 1;
            }
            for (int k = n; k >= 1; k--)
            {
                if (Matches(_rules, Suffix(labels, k), icannOnly)) return k;
                if (k >= 2 && Matches(_wildcards, Suffix(labels, k - 1), icannOnly)) return k;
            }
            return 1;
        }

        private static bool Matches(Dictionary<string, bool> table, string key, bool icannOnly) =>
            table.TryGetValue(key, out var icann) && (icann || !icannOnly);

        private static string Suffix(string[] labels, int count) => string.Join(".", labels, labels.Length - count, count);

        private static string Join(string[] labels, int count) => count <= 0 ? null : string.Join(".", labels, labels.Length - count, count);

        // Labels of the input as given (lower case) and as A-labels for matching; null when the name is not valid.
        private static string[] Split(string domain, out string[] asciiLabels)
        {
            asciiLabels = null;
            if (string.IsNullOrEmpty(domain)) return null;
            string name = domain.Trim();
            if (name.EndsWith(".", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 1);
            if (name.Length == 0 || name.StartsWith(".", StringComparison.Ordinal)) return null;
            var labels = name.ToLowerInvariant().Split('.');
            asciiLabels = new string[labels.Length];
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i].Length == 0) return null;
                asciiLabels[i] = DomainNames.ToAscii(labels[i]);
                if (asciiLabels[i] == null) return null;
            }
            return labels;
        }

        private static PublicSuffixList LoadEmbedded()
        {
            using (var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName))
            {
                if (stream == null)
                    throw new Errors.SmtpToolsException(ErrorIds.PublicSuffixListMissing, Errors.FailureKind.ResourceUnavailable,
                        "The embedded Public Suffix List is missing from SmtpTools.Core.");
                using (var reader = new StreamReader(stream, Encoding.UTF8))
                    return Parse(reader);
            }
        }
    }
}
