using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Test-EmailDomain, Export-EmailDomainReport and Compare-EmailDomainReport in the hosted engine against the
    /// integration Knot (grade-*.test zones), a fault-injecting DNS server, and Debian's chromium for the HTML report.
    /// </summary>
    public sealed class EmailDomainTests : IClassFixture<PsSession>, IDisposable
    {
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("emaildomain-module-").FullName;

        public EmailDomainTests(PsSession session) { _s = session; }

        public void Dispose() => Directory.Delete(_dir, true);

        /// <summary>The validating resolver in front of Knot: the grade-*.test zones are signed, and grade A needs DNSSEC validated.</summary>
        private static string Dns => IntegrationServers.Get("SMTPTOOLS_RESOLVER");

        /// <summary>Every grade-*.test zone the integration Knot serves.</summary>
        private static string[] GradeDomains => Directory.GetFiles(Path.Combine(IntegrationServers.RepoRoot, "tests", "Integration", "zones"), "grade-*.test.zone")
            .Select(f => Path.GetFileName(f)[..^".zone".Length]).OrderBy(d => d, StringComparer.Ordinal).ToArray();

        private PsResult Run(string script, Dictionary<string, object> vars = null)
        {
            var v = vars ?? new Dictionary<string, object>();
            v["dns"] = Dns;
            v["dir"] = _dir;
            // The test blocklist: the built-in public lists are never asked from tests.
            return _s.Run("$PSDefaultParameterValues['Test-EmailDomain:BlocklistZone'] = 'ip.bl.test'; " + script, v);
        }

        /// <summary>The id of the error a statement ended with (a cmdlet's terminating error ends only its statement in a script).</summary>
        private static string ErrorId(PsResult r) => r.Terminating is IContainsErrorRecord t ? t.ErrorRecord.FullyQualifiedErrorId : Assert.Single(r.Errors).FullyQualifiedErrorId;

        /// <summary>Rendered text without the header colours.</summary>
        private static string Plain(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", "");

        private static object P(PSObject o, string name) => o.Properties[name].Value;
        private static string S(PSObject o, string name) => P(o, name)?.ToString();
        private static List<PSObject> Items(PSObject o, string name) => ((object[])LanguagePrimitives.ConvertTo(P(o, name), typeof(object[]))).Select(PSObject.AsPSObject).ToList();

        [Fact]
        public void BindsFromThePipelineByValueAndPropertyNameAndKeepsInputOrder()
        {
            var r = Run(@"'grade-no-dkim.test', [pscustomobject]@{ Name = 'grade-good.test' }, '', [pscustomobject]@{ DomainName = 'grade-no-spf.test' }, 'grade-dmarc-none.test' |
                          Test-EmailDomain -Server $dns -ThrottleLimit 4");
            Assert.Equal(new[] { "grade-no-dkim.test", "grade-good.test", "grade-no-spf.test", "grade-dmarc-none.test" }, r.Output.Select(o => S(o, "Domain")));
            Assert.Equal(new[] { "B", "A", "C", "C" }, r.Output.Select(o => S(o, "Grade")));
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.EmailDomainReport", o.TypeNames[0]));
            var error = Assert.Single(r.Errors);
            Assert.StartsWith("InvalidDomainName", error.FullyQualifiedErrorId);

            var good = r.Output[1];
            Assert.Equal("reject", S(good, "DmarcPolicy"));
            Assert.Equal("selector1", S(good, "DkimSelectorsFound"));
            Assert.Equal("SmtpTools.SpfRecord", PSObject.AsPSObject(P(good, "Spf")).TypeNames[0]);
            Assert.Equal("SmtpTools.DmarcPolicy", PSObject.AsPSObject(P(good, "Dmarc")).TypeNames[0]);
            Assert.Equal(new[] { "Spf", "Dmarc", "Dkim", "Mx", "MtaSts", "TlsRpt", "Bimi", "Dnssec", "Blocklist", "Dane", "SmtpTls" }, Items(good, "Checks").Select(c => S(c, "Check")));
            Assert.Equal(("2", "enforce", "Valid", "Validated", "False"), (S(good, "MxCount"), S(good, "MtaStsMode"), S(good, "TlsRpt"), S(good, "Dnssec"), S(good, "Listed")));
            Assert.Contains("DkimNoSelectorFound", S(r.Output[0], "FindingIds"));
        }

        [Fact]
        public void ProbeMxConnectsToTheMxHostsForStartTlsAndTheDaneMatchAndTheReportsShowIt()
        {
            // The test Postfix's STARTTLS port stands in for 25 (TLSA records are published for it too).
            var vars = new Dictionary<string, object> { ["port"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT") };
            var r = Run(@"$reports = 'grade-good.test', 'grade-dane-mismatch.test' | Test-EmailDomain -Server $dns -ProbeMx -Port $port
                $reports | Export-EmailDomainReport -Path ""$dir/probe.csv""
                $reports | Export-EmailDomainReport -Path ""$dir/probe.md""
                $reports", vars).ThrowOnError();
            var (good, bad) = (r.Output[0], r.Output[1]);
            Assert.Equal(("A", "Match", "Passed"), (S(good, "Grade"), S(good, "Dane"), S(good, "SmtpTls")));
            Assert.Equal(("C", "NoMatch", "Passed"), (S(bad, "Grade"), S(bad, "Dane"), S(bad, "SmtpTls")));
            Assert.Equal(new[] { "Match", "Match" }, Items(good, "DaneResults").Select(d => S(d, "Status")));
            Assert.Equal(new[] { "mx1.mail.test", "mx2.mail.test" }, Items(good, "SmtpTlsResults").Select(p => S(p, "SmtpServer")));
            Assert.Contains("DaneNoMatch", S(bad, "FindingIds"));
            Assert.Contains(((string[])LanguagePrimitives.ConvertTo(P(bad, "GradeReasons"), typeof(string[]))), g => g.StartsWith("DANE:", StringComparison.Ordinal));

            var csv = File.ReadAllLines(Path.Combine(_dir, "probe.csv"));
            Assert.Contains(",Dane,SmtpTls,", csv[0]);
            Assert.Contains(",NoMatch,Passed,", csv[2]);
            Assert.Contains("| NoMatch | Passed |", File.ReadAllText(Path.Combine(_dir, "probe.md")));

            // Without -ProbeMx nothing connects: DANE from DNS only (never a match), SmtpTls not run.
            var dnsOnly = Run("Test-EmailDomain grade-dane-mismatch.test -Server $dns -Check Dane, SmtpTls").ThrowOnError().Single();
            Assert.Equal(("TlsaValidated", "NotRun"), (S(dnsOnly, "Dane"), S(dnsOnly, "SmtpTls")));
            Assert.Equal("NotRun", S(Items(dnsOnly, "Checks")[1], "Status"));

            // Last night without -ProbeMx, tonight with it: the mismatch shows as DANE drift.
            var drift = Run("$a = Test-EmailDomain grade-dane-mismatch.test -Server $dns; $b = Test-EmailDomain grade-dane-mismatch.test -Server $dns -ProbeMx -Port $port; Compare-EmailDomainReport $a $b", vars).ThrowOnError();
            var dane = drift.Output.Single(c => S(c, "Property") == "Dane");
            Assert.Equal(("TlsaValidated", "NoMatch", "Error"), (S(dane, "Before"), S(dane, "After"), S(dane, "Severity")));
            Assert.DoesNotContain(drift.Output, c => S(c, "Property") == "SmtpTls");
        }

        [Fact]
        public void CheckAndExcludeCheckChooseTheChecks()
        {
            var only = Run("Test-EmailDomain grade-good.test -Server $dns -Check Dkim, Spf").Single();
            Assert.Equal(new[] { "Spf", "Dkim" }, Items(only, "Checks").Select(c => S(c, "Check")));
            Assert.Null(P(only, "Dmarc"));
            Assert.Null(P(only, "DmarcStatus"));

            var but = Run("Test-EmailDomain grade-good.test -Server $dns -ExcludeCheck Dkim, MtaSts, Bimi").Single();
            Assert.Equal(new[] { "Spf", "Dmarc", "Mx", "TlsRpt", "Dnssec", "Blocklist", "Dane", "SmtpTls" }, Items(but, "Checks").Select(c => S(c, "Check")));
            Assert.Null(P(but, "Dkim"));

            var none = Run("Test-EmailDomain grade-good.test -Server $dns -Check Spf -ExcludeCheck Spf");
            Assert.Empty(none.Output);
            Assert.StartsWith("NoCheckSelected", ErrorId(none));

            var bad = Run("Test-EmailDomain grade-good.test -Server $dns -Check Nonsense");
            Assert.Empty(bad.Output);
            Assert.StartsWith("CannotConvertArgument", ErrorId(bad));
        }

        [Fact]
        public void DkimSelectorReplacesTheProbeAndBindsFromACsvColumn()
        {
            var r = Run(@"[pscustomobject]@{ Domain = 'grade-good.test'; Selector = 'selector1' }, [pscustomobject]@{ Domain = 'grade-good.test'; Selector = 'other' } |
                          Test-EmailDomain -Server $dns");
            Assert.Equal("selector1", S(r.Output[0], "DkimSelectorsFound"));
            Assert.Single(Items(r.Output[0], "Dkim"));
            Assert.Equal("", S(r.Output[1], "DkimSelectorsFound"));
            Assert.Contains("DkimRecordNotFound", S(r.Output[1], "FindingIds"));
            Assert.Equal("B", S(r.Output[1], "Grade"));
        }

        [Fact]
        public void ACheckWhoseDnsServerStaysSilentIsTempErrorAndTheRestOfTheReportIsThere()
        {
            using var fake = new FakeDnsServer();
            fake.AddTxt("quiet.fake.test", "v=spf1 -all");
            fake.AddTxt("_dmarc.quiet.fake.test", "v=DMARC1; p=reject; rua=mailto:d@quiet.fake.test");
            fake.Script = (name, type, before) => name.Contains("_domainkey", StringComparison.OrdinalIgnoreCase) ? DnsFault.Silence : DnsFault.Answer;
            var clock = Stopwatch.StartNew();
            var r = Run("Test-EmailDomain quiet.fake.test -Server $fake -TimeoutSec 1 -DkimSelector selector1 -Check Spf, Dmarc, Dkim", new Dictionary<string, object> { ["fake"] = fake.Endpoint });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), clock.Elapsed.ToString());
            var report = r.Single();
            var checks = Items(report, "Checks").ToDictionary(c => S(c, "Check"), c => S(c, "Status"));
            Assert.Equal("TempError", checks["Dkim"]);
            Assert.Equal("Pass", checks["Spf"]);
            Assert.Equal("Pass", checks["Dmarc"]);
            Assert.Equal("B", S(report, "Grade"));
            Assert.Contains("DkimLookupFailed", S(report, "FindingIds"));
        }

        [Fact]
        public void ADomainWithoutAnyDkimNameCostsOneDkimQuestionAndStillReportsNoSelectorFound()
        {
            using var fake = new FakeDnsServer();
            fake.AddTxt("nodkim.fake.test", "v=spf1 -all");
            fake.AddTxt("_dmarc.nodkim.fake.test", "v=DMARC1; p=reject; rua=mailto:d@nodkim.fake.test");
            var r = Run("Test-EmailDomain nodkim.fake.test -Server $fake -Check Spf, Dmarc, Dkim", new Dictionary<string, object> { ["fake"] = fake.Endpoint });
            var report = r.Single();
            Assert.Equal("", S(report, "DkimSelectorsFound"));
            Assert.Equal("Missing", S(Items(report, "Checks").Single(c => S(c, "Check") == "Dkim"), "Status"));
            Assert.Contains("DkimNoSelectorFound", S(report, "FindingIds"));
            Assert.Equal("B", S(report, "Grade"));
            // RFC 8020: _domainkey.nodkim.fake.test does not exist, so none of the ~40 selector names below it is asked
            // (Distinct: a slow first reply may be sent again by the resolver).
            Assert.Equal(new[] { "TXT _domainkey.nodkim.fake.test" }, fake.Log.Where(q => q.Contains("_domainkey", StringComparison.OrdinalIgnoreCase)).Distinct());
        }

        [Fact]
        public void ExportsEveryFormatAndTheSameFromDeserializedReports()
        {
            var script = @"
                $r = 'grade-good.test', 'grade-dmarc-none.test', 'grade-no-spf.test' | Test-EmailDomain -Server $dns
                # What a job or remoting delivers: a property bag per report.
                $d = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r, 3))
                foreach ($f in 'json', 'csv', 'md', 'html') {
                    $r | Export-EmailDomainReport -Path ""$dir/live.$f""
                    $d | Export-EmailDomainReport -Path ""$dir/deserialized.$f""
                }
                $d[0].PSObject.TypeNames[0]";
            var r = Run(script).ThrowOnError();
            Assert.Equal("Deserialized.SmtpTools.EmailDomainReport", r.Output.Last().ToString());
            foreach (var ext in new[] { "json", "csv", "md" })
                Assert.Equal(File.ReadAllText(Path.Combine(_dir, "live." + ext)), File.ReadAllText(Path.Combine(_dir, "deserialized." + ext)));

            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "live.json")));
            Assert.Equal(new[] { "grade-good.test", "grade-dmarc-none.test", "grade-no-spf.test" }, json.RootElement.EnumerateArray().Select(e => e.GetProperty("Domain").GetString()));
            var csv = File.ReadAllLines(Path.Combine(_dir, "deserialized.csv"));
            Assert.Equal(4, csv.Length);
            Assert.StartsWith("grade-dmarc-none.test,C,Valid,none,Warning,selector1,2,enforce,Valid,DmarcNotEnforced,Validated,False,", csv[2]);
            var html = File.ReadAllText(Path.Combine(_dir, "deserialized.html"));
            Assert.Contains("data-finding=\"SpfNoRecord\"", html);
            Assert.StartsWith("# Email domain report", File.ReadAllText(Path.Combine(_dir, "live.md")));
        }

        [Fact]
        public void ExportRefusesWhatIsNotAReportAndHonoursNoClobberWhatIfAndPassThru()
        {
            var path = Path.Combine(_dir, "r.csv");
            var r = Run("'just text' | Export-EmailDomainReport -Path \"$dir/r.csv\" -PassThru");
            Assert.StartsWith("NotAnEmailDomainReport", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.Equal(path, S(r.Single(), "FullName"));
            Assert.Single(File.ReadAllLines(path)); // the header only

            var clobber = Run("Test-EmailDomain grade-good.test -Server $dns -Check Spf | Export-EmailDomainReport -Path \"$dir/r.csv\" -NoClobber");
            Assert.StartsWith("ReportFileExists", ErrorId(clobber));
            Assert.Single(File.ReadAllLines(path));

            Run("Test-EmailDomain grade-good.test -Server $dns -Check Spf | Export-EmailDomainReport -Path \"$dir/w.html\" -WhatIf").ThrowOnError();
            Assert.False(File.Exists(Path.Combine(_dir, "w.html")));
            Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
        }

        [Fact]
        public void CompareFindsDriftBetweenDeserializedAndLiveReports()
        {
            // Last night grade-good.test published what grade-dmarc-none.test publishes now: p=none.
            var script = @"
                $old = Test-EmailDomain grade-dmarc-none.test -Server $dns
                $old = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($old, 3))
                $old.Domain = 'grade-good.test'
                $new = Test-EmailDomain grade-good.test, grade-no-spf.test -Server $dns
                Compare-EmailDomainReport -ReferenceObject $old -DifferenceObject $new";
            var r = Run(script).ThrowOnError();
            var grade = r.Output.Single(c => S(c, "Property") == "Grade");
            Assert.Equal(("GradeUp", "C", "A"), (S(grade, "ChangeType"), S(grade, "Before"), S(grade, "After")));
            var policy = r.Output.Single(c => S(c, "Property") == "DmarcPolicy");
            Assert.Equal(("none", "reject"), (S(policy, "Before"), S(policy, "After")));
            var gone = r.Output.Single(c => S(c, "FindingId") == "DmarcPolicyNone");
            Assert.Equal("Removed", S(gone, "ChangeType"));
            var added = r.Output.Single(c => S(c, "Domain") == "grade-no-spf.test");
            Assert.Equal("Added", S(added, "ChangeType"));
            Assert.All(r.Output, c => Assert.Equal("SmtpTools.EmailDomainChange", c.TypeNames[0]));

            var same = Run("$a = Test-EmailDomain grade-good.test -Server $dns; Compare-EmailDomainReport $a $a").ThrowOnError();
            Assert.Empty(same.Output);
        }

        [Fact]
        public void TableViewsShowTheGradeAndTheChanges()
        {
            var text = Plain(_s.Render($"'grade-good.test', 'grade-no-dmarc.test' | Test-EmailDomain -Server '{Dns}' -BlocklistZone ip.bl.test"));
            var lines = text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
            Assert.Matches(@"^Domain\s+Grade\s+SPF\s+DMARC\s+DKIM\s+Err\s+Warn\s+FindingIds", lines[0]);
            Assert.Matches(@"^grade-good\.test\s+A\s+Valid\s+p=reject\s+selector1\s+0\s+0", lines[2]);
            Assert.Matches(@"^grade-no-dmarc\.test\s+C\s+Valid\s+NotFound\s+selector1\s+\d+\s+\d+\s+DmarcNoRecord", lines[3]);

            var changes = Plain(_s.Render($"$a = Test-EmailDomain grade-dmarc-none.test -Server '{Dns}' -Check Spf, Dmarc, Dkim; $b = Test-EmailDomain grade-dmarc-none.test -Server '{Dns}' -Check Spf, Dmarc, Dkim -DkimSelector none; Compare-EmailDomainReport $a $b"));
            Assert.Matches(@"grade-dmarc-none\.test\s+Changed\s+Error\s+Dkim\s+Status\s+Pass\s+Missing", changes);
            Assert.Matches(@"grade-dmarc-none\.test\s+Added\s+Error\s+Dkim\s+DkimRecordNotFound\s+No DKIM key record", changes);
            Assert.Matches(@"grade-dmarc-none\.test\s+Changed\s+Warning\s+Dkim\s+DkimSelectorsFound\s+selector1", changes);
        }

        [Fact]
        public void TheHtmlReportRendersInChromiumWithEveryDomainAndFindingAndNoScriptError()
        {
            var domains = GradeDomains;
            Assert.Equal(16, domains.Length);
            var path = Path.Combine(_dir, "report.html");
            var r = Run("$reports = $names | Test-EmailDomain -Server $dns; $reports | Export-EmailDomainReport -Path $path -Title 'Grade zones'; $reports",
                new Dictionary<string, object> { ["names"] = domains, ["path"] = path }).ThrowOnError();
            var findings = r.Output.SelectMany(o => Items(o, "Findings").Select(f => (Domain: S(o, "Domain"), Id: S(f, "Id")))).ToList();
            Assert.NotEmpty(findings);

            var dom = Chromium.DumpDom(path, out var console);
            Assert.Empty(console);
            Assert.Contains($"data-ready=\"{domains.Length}\"", dom);   // the script ran to its end
            Assert.Contains("<title>Grade zones</title>", dom);
            foreach (var domain in domains)
            {
                Assert.Contains($"<tr data-domain=\"{domain}\"", dom);
                Assert.Contains($"<section class=\"domain\" id=", dom);
                Assert.Matches($"<section class=\"domain\" id=\"[^\"]+\" data-domain=\"{System.Text.RegularExpressions.Regex.Escape(domain)}\"", dom);
            }
            foreach (var (domain, id) in findings)
            {
                var section = dom[dom.IndexOf($"data-domain=\"{domain}\" data-search", StringComparison.Ordinal)..];
                section = section[..section.IndexOf("</section>", StringComparison.Ordinal)];
                Assert.Contains($"data-finding=\"{id}\"", section);
            }

            // The filter works in the browser: a link with #filter= hides every domain that does not match.
            var filtered = Chromium.DumpDom(path + "#filter=grade:c", out console);
            Assert.Empty(console);
            // Rows the filter hides carry class="hidden" (set by the script, so serialized after the page's own attributes).
            var shownRows = System.Text.RegularExpressions.Regex.Matches(filtered, "<tr data-domain=\"([^\"]+)\"[^>]*>")
                .Where(m => !m.Value.Contains("class=\"hidden\"")).Select(m => m.Groups[1].Value).ToList();
            var expected = r.Output.Where(o => S(o, "Grade") == "C").Select(o => S(o, "Domain")).OrderBy(d => d).ToList();
            Assert.Equal(expected, shownRows.OrderBy(d => d).ToList());
            Assert.Contains($"{expected.Count} of {domains.Length} shown", filtered);

            var screenshots = Path.Combine(IntegrationServers.RepoRoot, "TestResults", "screenshots");
            Directory.CreateDirectory(screenshots);
            Chromium.Screenshot(path, Path.Combine(screenshots, "email-domain-report.png"), 1280, 1800);
            Chromium.Screenshot(path, Path.Combine(screenshots, "email-domain-report-phone.png"), 390, 1600);
            Assert.True(new FileInfo(Path.Combine(screenshots, "email-domain-report.png")).Length > 10_000);
        }

        [Fact]
        public void TheBrowserCheckSeesScriptErrors()
        {
            // The console check above would be worthless if chromium's console never reached it.
            var page = Path.Combine(_dir, "broken.html");
            File.WriteAllText(page, "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>");
            Chromium.DumpDom(page, out var console);
            Assert.Contains(console, l => l.Contains("Uncaught ReferenceError"));
        }
    }
}
