using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.EmailDomain;
using Xunit;

namespace SmtpTools.Core.Tests.EmailDomain
{
    /// <summary>Export-EmailDomainReport's file formats and Compare-EmailDomainReport's drift, on engine-made reports.</summary>
    public sealed class EmailDomainReportTests
    {
        private static async Task<EmailDomainReport> Report(string domain, string spf = "v=spf1 -all", string dmarc = "v=DMARC1; p=reject; rua=mailto:dmarc@good.example", bool dkim = true) =>
            await new EmailDomainAuditor(EmailDomainAuditorTests.Zone(domain, spf, dmarc, dkim), new EmailDomainOptions { Checks = EmailDomainAuditorTests.RecordChecks })
                .AuditAsync(domain, CancellationToken.None);

        private static string Write(EmailDomainReportFormat format, params EmailDomainReport[] reports)
        {
            var w = new StringWriter();
            EmailDomainReportWriter.Write(reports, format, w, "Nightly <audit>");
            return w.ToString();
        }

        [Fact]
        public async Task Json_has_the_documented_property_names_and_every_finding()
        {
            var a = await Report("a.example");
            var b = await Report("b.example", spf: "v=spf1 +all", dmarc: "v=DMARC1; p=none; rua=mailto:x@b.example");
            using var doc = JsonDocument.Parse(Write(EmailDomainReportFormat.Json, a, b));
            var items = doc.RootElement.EnumerateArray().ToList();
            Assert.Equal(2, items.Count);
            Assert.Equal(new[] { "Domain", "Grade", "SpfStatus", "DmarcPolicy", "DmarcStatus", "DkimSelectorsFound", "MxCount", "MtaStsMode", "TlsRpt", "Bimi", "Dnssec", "Listed",
                    "Dane", "SmtpTls", "ErrorCount", "WarningCount", "FindingIds", "GradeReasons", "CheckedAt", "Checks", "Findings" },
                items[0].EnumerateObject().Select(p => p.Name));
            Assert.Equal("b.example", items[1].GetProperty("Domain").GetString());
            Assert.Equal("F", items[1].GetProperty("Grade").GetString());
            Assert.Equal("none", items[1].GetProperty("DmarcPolicy").GetString());
            var findings = items[1].GetProperty("Findings").EnumerateArray().ToList();
            Assert.Equal(b.Findings.Length, findings.Count);
            Assert.Contains(findings, f => f.GetProperty("Id").GetString() == "SpfPassAll" && f.GetProperty("Check").GetString() == "Spf" && f.GetProperty("Severity").GetString() == "Error");
            var spf = items[1].GetProperty("Checks").EnumerateArray().First();
            Assert.Equal("Fail", spf.GetProperty("Status").GetString());
            Assert.Equal("v=spf1 +all", spf.GetProperty("Records")[0].GetString());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", items[0].GetProperty("CheckedAt").GetString());
        }

        [Fact]
        public async Task Csv_has_the_flat_columns_quoted_and_safe_for_spreadsheets()
        {
            var a = await Report("a.example");
            a.DkimSelectorsFound = "=HYPERLINK(\"x\")";  // as a hostile record could make it
            var lines = Write(EmailDomainReportFormat.Csv, a).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("Domain,Grade,SpfStatus,DmarcPolicy,DmarcStatus,DkimSelectorsFound,MxCount,MtaStsMode,TlsRpt,Bimi,Dnssec,Listed,Dane,SmtpTls,ErrorCount,WarningCount,FindingIds", lines[0]);
            Assert.Equal("a.example,A,Valid,reject,Valid,\"'=HYPERLINK(\"\"x\"\")\",,,,,,,,,0,0,", lines[1]);
        }

        [Fact]
        public async Task Markdown_has_a_summary_row_and_a_section_per_domain()
        {
            var a = await Report("a.example");
            (a.Dane, a.SmtpTls) = ("Match", "Passed");
            var md = Write(EmailDomainReportFormat.Markdown, a, await Report("c.example", dmarc: null));
            Assert.StartsWith("# Nightly \\<audit\\>\n", md);
            Assert.Contains("| a.example | A | Valid | p=reject | selector1 |  |  |  |  |  | Match | Passed | 0 | 0 |", md);
            Assert.Contains("## c.example: grade C", md);
            Assert.Contains("`DmarcNoRecord`", md);
        }

        [Fact]
        public async Task Html_is_self_contained_and_escapes_what_it_shows()
        {
            var r = await Report("a.example", spf: "v=spf1 include:<script>.example -all");
            var html = Write(EmailDomainReportFormat.Html, r);
            Assert.Contains("<title>Nightly &lt;audit&gt;</title>", html);
            Assert.Contains("v=spf1 include:&lt;script&gt;.example -all", html);
            Assert.Equal(1, CountOf(html, "<script>"));
            Assert.DoesNotMatch("<(script|img|link|iframe)[^>]+(src|href)=", html);
            Assert.DoesNotContain("@import", html);
            Assert.Contains("data-domain=\"a.example\"", html);
            foreach (var f in r.Findings) Assert.Contains($"data-finding=\"{f.Id}\"", html);
        }

        private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

        [Fact]
        public void The_format_follows_the_file_extension()
        {
            Assert.Equal(EmailDomainReportFormat.Html, EmailDomainReportWriter.FormatOf("r.HTM"));
            Assert.Equal(EmailDomainReportFormat.Json, EmailDomainReportWriter.FormatOf("/x/r.json"));
            Assert.Equal(EmailDomainReportFormat.Markdown, EmailDomainReportWriter.FormatOf("r.md"));
            Assert.Equal(EmailDomainReportFormat.Csv, EmailDomainReportWriter.FormatOf("r.csv"));
            Assert.Null(EmailDomainReportWriter.FormatOf("r.txt"));
        }

        [Fact]
        public async Task Compare_reports_grade_status_policy_and_finding_changes()
        {
            var before = new[] { await Report("a.example"), await Report("gone.example") };
            var after = new[] { await Report("a.example", dmarc: "v=DMARC1; p=none"), await Report("new.example") };
            var changes = EmailDomainComparer.Compare(before, after);

            var grade = Assert.Single(changes, c => c.Domain == "a.example" && c.Property == "Grade");
            Assert.Equal(EmailDomainChangeType.GradeDown, grade.ChangeType);
            Assert.Equal(("A", "C"), (grade.Before, grade.After));
            Assert.Equal(FindingSeverity.Error, grade.Severity);

            var status = Assert.Single(changes, c => c.Domain == "a.example" && c.Property == "Status");
            Assert.Equal((EmailDomainCheck?)EmailDomainCheck.Dmarc, status.Check);
            Assert.Equal(("Pass", "Warning"), (status.Before, status.After));

            var policy = Assert.Single(changes, c => c.Property == "DmarcPolicy");
            Assert.Equal(("reject", "none"), (policy.Before, policy.After));
            Assert.Equal(FindingSeverity.Error, policy.Severity);

            var added = Assert.Single(changes, c => c.FindingId == "DmarcPolicyNone");
            Assert.Equal(EmailDomainChangeType.Added, added.ChangeType);
            Assert.Equal(FindingSeverity.Warning, added.Severity);

            Assert.Single(changes, c => c.Property == "Records" && c.Check == EmailDomainCheck.Dmarc);
            Assert.Equal(EmailDomainChangeType.Added, Assert.Single(changes, c => c.Domain == "new.example").ChangeType);
            Assert.Equal(EmailDomainChangeType.Removed, Assert.Single(changes, c => c.Domain == "gone.example").ChangeType);

            // And back: the grade goes up, the finding is removed.
            var back = EmailDomainComparer.Compare(after, before);
            Assert.Equal(EmailDomainChangeType.GradeUp, Assert.Single(back, c => c.Domain == "a.example" && c.Property == "Grade").ChangeType);
            Assert.Equal(EmailDomainChangeType.Removed, Assert.Single(back, c => c.FindingId == "DmarcPolicyNone").ChangeType);
            Assert.All(back.Where(c => c.Domain == "a.example"), c => Assert.Equal(FindingSeverity.Information, c.Severity));
        }

        [Fact]
        public async Task Compare_reports_DANE_drift_and_ignores_checks_that_were_not_run()
        {
            var before = await Report("a.example");
            var after = await Report("a.example");
            (before.Dane, before.SmtpTls) = ("Match", "NotRun");
            (after.Dane, after.SmtpTls) = ("NoMatch", "Passed");
            var dane = Assert.Single(EmailDomainComparer.Compare(new[] { before }, new[] { after }));
            Assert.Equal(((EmailDomainCheck?)EmailDomainCheck.Dane, "Dane", "Match", "NoMatch", FindingSeverity.Error),
                (dane.Check, dane.Property, dane.Before, dane.After, dane.Severity));

            // Losing STARTTLS on an MX host between two -ProbeMx runs is an error; a report from before the columns existed is no change.
            before.SmtpTls = "Passed";
            after.SmtpTls = "NoStartTls";
            Assert.Equal(FindingSeverity.Error, Assert.Single(EmailDomainComparer.Compare(new[] { before }, new[] { after }), c => c.Property == "SmtpTls").Severity);
            (before.Dane, before.SmtpTls) = (null, null);
            Assert.Empty(EmailDomainComparer.Compare(new[] { before }, new[] { after }));
        }

        [Fact]
        public async Task Compare_of_the_same_reports_is_empty_and_domain_case_does_not_matter()
        {
            var a = await Report("a.example");
            var again = await Report("a.example");
            again.Domain = "A.Example";
            Assert.Empty(EmailDomainComparer.Compare(new[] { a }, new[] { again }));
        }
    }
}
