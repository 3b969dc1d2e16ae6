using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Findings
{
    /// <summary>
    /// Issue 12 item 4: one catalog of findings and one set of ErrorIds. Every finding is made from a catalog entry
    /// (the constructors are internal to SmtpTools.Contracts), so what the code can emit is what the catalog holds;
    /// these tests keep the catalog itself honest and make sure the code neither keeps dead entries nor writes an id
    /// as text. (The help topic generated from the catalog is checked by the module tests, against the built module.)
    /// </summary>
    public class FindingCatalogTests
    {
        private static readonly string Src = Path.Combine(IntegrationServers.RepoRoot, "src");

        private static IReadOnlyList<FieldInfo> CatalogFields() =>
            typeof(FindingCatalog).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(FindingDefinition)).ToList();

        /// <summary>The C# files outside the given Contracts folder, with comments removed (a comment may name an id).</summary>
        private static IEnumerable<(string File, string Code)> SourceOutside(string contractsFolder)
        {
            var excluded = Path.Combine(Src, "SmtpTools.Contracts", contractsFolder) + Path.DirectorySeparatorChar;
            foreach (var file in Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories))
            {
                var parts = file.Split(Path.DirectorySeparatorChar);
                if (parts.Contains("obj") || parts.Contains("bin") || file.StartsWith(excluded, StringComparison.Ordinal)) continue;
                string code = Regex.Replace(File.ReadAllText(file), @"^\s*//.*$", "", RegexOptions.Multiline);
                yield return (Path.GetRelativePath(Src, file), code);
            }
        }

        private static IEnumerable<(string File, string Literal)> StringLiterals(IEnumerable<(string File, string Code)> sources) =>
            sources.SelectMany(s => Regex.Matches(s.Code, "\"([A-Za-z0-9]+)\"").Select(m => (s.File, m.Groups[1].Value)));

        [Fact]
        public void Every_entry_is_named_as_its_id_and_has_an_area_a_one_line_meaning_and_a_well_formed_reference()
        {
            var fields = CatalogFields();
            Assert.True(fields.Count >= 100, $"only {fields.Count} catalog entries");
            // An RFC, or an Internet-Draft where the rules have no RFC yet (BIMI, SVG Tiny PS), with an optional section.
            const string source = @"(RFC \d{4}|draft-[a-z0-9]+(-[a-z0-9]+)*)( \d+(\.\d+)*)?";
            var reference = new Regex($"^{source}(; {source})*$");
            var problems = new List<string>();
            foreach (var field in fields)
            {
                var d = (FindingDefinition)field.GetValue(null);
                if (d.Id != field.Name) problems.Add($"{field.Name}: id {d.Id}");
                if (!Regex.IsMatch(d.Id, "^(Spf|Dmarc|Dkim|Smtp|[A-Z][a-z]+)[A-Z][A-Za-z0-9]+$")) problems.Add($"{d.Id}: not an area prefix + PascalCase");
                if (string.IsNullOrWhiteSpace(d.Area)) problems.Add($"{d.Id}: no area");
                if (d.Meaning.Contains('\n') || !d.Meaning.EndsWith(".", StringComparison.Ordinal) || d.Meaning.Length > 220) problems.Add($"{d.Id}: meaning is not one sentence-like line: {d.Meaning}");
                if (d.Reference != null && !reference.IsMatch(d.Reference)) problems.Add($"{d.Id}: reference '{d.Reference}'");
                if (d.Severities[0] != d.Severity || d.Severities.Distinct().Count() != d.Severities.Count) problems.Add($"{d.Id}: severities {string.Join(",", d.Severities)}");
                if (d.Severities.Count > 1 && !d.Severities.All(s => d.Meaning.Contains(s == FindingSeverity.Information ? "Information" : s.ToString())))
                    problems.Add($"{d.Id}: has severities {string.Join(", ", d.Severities)} but its meaning does not say when which");
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));

            var ids = fields.Select(f => f.Name).ToList();
            Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), FindingCatalog.All.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal));
            Assert.Same(FindingCatalog.SpfPassAll, FindingCatalog.Find("spfpassall"));
            Assert.Null(FindingCatalog.Find("NoSuchFinding"));
        }

        [Fact]
        public void Every_entry_is_emitted_somewhere_and_no_finding_id_is_written_as_text()
        {
            var sources = SourceOutside("Findings").ToList();
            var used = new HashSet<string>(sources.SelectMany(s => Regex.Matches(s.Code, @"\bFindingCatalog\.(\w+)").Select(m => m.Groups[1].Value)), StringComparer.Ordinal);
            var ids = new HashSet<string>(FindingCatalog.All.Select(d => d.Id), StringComparer.Ordinal);

            var dead = ids.Where(id => !used.Contains(id)).OrderBy(id => id).ToList();
            Assert.True(dead.Count == 0, "catalog entries no code emits (remove them, or emit them): " + string.Join(", ", dead));

            var asText = StringLiterals(sources).Where(l => ids.Contains(l.Literal)).Select(l => $"{l.File}: \"{l.Literal}\"").ToList();
            Assert.True(asText.Count == 0, "finding ids written as text; make and compare findings by catalog entry (FindingCatalog.X.Create, finding.Is(FindingCatalog.X)):\n" + string.Join("\n", asText));

            var bypass = sources.Where(s => Regex.IsMatch(s.Code, @"new\s+(Finding|FindingDefinition)\s*\(")).Select(s => s.File).ToList();
            Assert.True(bypass.Count == 0, "findings made without the catalog in: " + string.Join(", ", bypass));
        }

        [Fact]
        public void A_severity_the_catalog_does_not_give_an_entry_is_refused()
        {
            var ex = Assert.Throws<ArgumentException>(() => FindingCatalog.SpfPassAll.Create(FindingSeverity.Warning, "x"));
            Assert.Contains("SpfPassAll", ex.Message);
            var warning = FindingCatalog.SmtpStartTlsNotOffered.Create(FindingSeverity.Warning, "x", "RFC 3207");
            Assert.Equal(FindingSeverity.Warning, warning.Severity);
            Assert.Equal("RFC 3207", warning.Reference);
            Assert.True(warning.Is(FindingCatalog.SmtpStartTlsNotOffered));
            Assert.False(warning.Is(FindingCatalog.SmtpOpenRelay));
            Assert.Equal("RFC 3207; RFC 8314 3.3", FindingCatalog.SmtpStartTlsNotOffered.Create("y").Reference);
        }

        [Fact]
        public void ErrorIds_are_one_constant_per_condition_named_as_their_value_and_never_written_as_text()
        {
            var constants = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
            Assert.True(constants.Count >= 60, $"only {constants.Count} ErrorIds");
            Assert.All(constants, c => Assert.Equal(c.Name, (string)c.GetRawConstantValue()));
            Assert.DoesNotContain(constants, c => ((string)c.GetRawConstantValue()).Contains('.'));
            var ids = new HashSet<string>(constants.Select(c => c.Name), StringComparer.Ordinal);

            var asText = StringLiterals(SourceOutside("Errors")).Where(l => ids.Contains(l.Literal)).Select(l => $"{l.File}: \"{l.Literal}\"").ToList();
            Assert.True(asText.Count == 0, "ErrorIds written as text; use the ErrorIds constants:\n" + string.Join("\n", asText));
        }
    }
}
