using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace SmtpTools.HelpGen
{
    /// <summary>
    /// Writes docs/en-US/about_SmtpTools_Findings.md from the findings catalog of a built SmtpTools.Contracts.dll
    /// (read by reflection, so HelpGen has no reference that would put a second copy of the public types beside the
    /// module tests). The page is then converted like every other about topic.
    /// </summary>
    public static class FindingsTopic
    {
        public const string FileName = "about_SmtpTools_Findings.md";

        /// <summary>One catalog entry as the topic shows it.</summary>
        public sealed record Entry(string Area, string Id, IReadOnlyList<string> Severities, string Reference, string Meaning);

        public static IReadOnlyList<Entry> ReadCatalog(string contractsPath)
        {
            var assembly = Assembly.LoadFrom(Path.GetFullPath(contractsPath));
            var catalog = assembly.GetType("SmtpTools.FindingCatalog", throwOnError: true);
            var all = (IEnumerable)catalog.GetProperty("All", BindingFlags.Public | BindingFlags.Static).GetValue(null);
            var entries = new List<Entry>();
            foreach (var d in all)
            {
                var t = d.GetType();
                string Text(string name) => (string)t.GetProperty(name).GetValue(d);
                var severities = ((IEnumerable)t.GetProperty("Severities").GetValue(d)).Cast<object>().Select(s => s.ToString()).ToList();
                entries.Add(new Entry(Text("Area"), Text("Id"), severities, Text("Reference"), Text("Meaning")));
            }
            return entries;
        }

        public static string Write(IReadOnlyList<Entry> entries)
        {
            var md = new StringBuilder();
            md.Append("# about_SmtpTools_Findings\n\n");
            md.Append("## SHORT DESCRIPTION\n");
            md.Append("Every finding SmtpTools can report: its Id, severity, RFC reference and meaning.\n\n");
            md.Append("## LONG DESCRIPTION\n");
            md.Append("The audit cmdlets (Get-SpfRecord, Test-DmarcPolicy, Test-DkimRecord, Test-SmtpConnection) describe what they\n");
            md.Append("found as findings of one shape: a stable Id, a Severity (Information, Warning or Error), a Message about\n");
            md.Append("this case, the RFC section as Reference where one applies, and a Count when repeats were merged. The Id\n");
            md.Append("never changes its meaning, so scripts can filter on it; the Message may be reworded.\n\n");
            md.Append("This page is generated from the module's findings catalog, which every finding is made from, so it lists\n");
            md.Append("every Id the module can report. The same list is available at run time as [SmtpTools.FindingCatalog]::All\n");
            md.Append("(Area, Id, Severity, Severities, Reference, Meaning). A few findings have a severity that depends on the\n");
            md.Append("case; their meaning says when which. Where a DMARC rule is in both specifications the reference names the\n");
            md.Append("RFC 9989 section and the RFC 7489 one, and a finding carries the one of the -Specification in use.\n\n");
            md.Append("Each entry reads: Id (severity; reference): meaning.\n\n");
            foreach (var area in entries.GroupBy(e => e.Area, StringComparer.Ordinal))
            {
                md.Append("### ").Append(area.Key).Append('\n');
                foreach (var e in area.OrderBy(e => e.Id, StringComparer.Ordinal))
                {
                    md.Append("- ").Append(e.Id).Append(" (").Append(string.Join(" or ", e.Severities));
                    if (!string.IsNullOrEmpty(e.Reference)) md.Append("; ").Append(e.Reference);
                    md.Append("): ").Append(e.Meaning).Append('\n');
                }
                md.Append('\n');
            }
            md.Append("## EXAMPLES\n");
            md.Append("### Every Error finding of an SPF audit\n");
            md.Append("```powershell\n");
            md.Append("Get-SpfRecord example.com | ForEach-Object Findings | Where-Object Severity -eq Error\n");
            md.Append("```\n\n");
            md.Append("### Domains with a particular finding, from a CSV report\n");
            md.Append("```powershell\n");
            md.Append("Import-Csv spf-audit.csv | Where-Object { $_.FindingIds -split ';' -contains 'SpfTooManyDnsLookups' }\n");
            md.Append("```\n\n");
            md.Append("### What a finding means\n");
            md.Append("```powershell\n");
            md.Append("[SmtpTools.FindingCatalog]::Find('DmarcPolicyNone') | Format-List\n");
            md.Append("```\n\n");
            md.Append("## SEE ALSO\n");
            md.Append("- about_SmtpTools\n");
            md.Append("- Get-SpfRecord\n");
            md.Append("- Test-DmarcPolicy\n");
            md.Append("- Test-DkimRecord\n");
            md.Append("- Test-SmtpConnection\n");
            return md.ToString();
        }

        /// <summary>Writes the page unless it already holds exactly this text (so an unchanged catalog does not touch it).</summary>
        /// <returns>true when the file was written.</returns>
        public static bool Update(string contractsPath, string markdownPath)
        {
            string text = Write(ReadCatalog(contractsPath));
            if (File.Exists(markdownPath) && File.ReadAllText(markdownPath) == text) return false;
            File.WriteAllText(markdownPath, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return true;
        }
    }
}
