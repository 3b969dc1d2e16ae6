using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>Get-SpfRecord and Test-SpfRecord through the real engine, against the spf.test zone of the integration Knot.</summary>
    public sealed class SpfTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public SpfTests(PsSession session) { _s = session; }

        private PsResult Run(string script, Dictionary<string, object> variables = null)
        {
            var vars = variables ?? new Dictionary<string, object>();
            vars["dns"] = SpfTestZone.Dns;
            return _s.Run(script, vars);
        }

        private static object P(PSObject o, string name) => o.Properties[name].Value;

        [Fact]
        public void GetByValueKeepsInputOrderAndTypes()
        {
            var r = Run("'toomany.spf.test', 'good.spf.test', 'norecord.spf.test', 'split.spf.test' | Get-SpfRecord -Server $dns");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "toomany.spf.test", "good.spf.test", "norecord.spf.test", "split.spf.test" }, r.Output.Select(o => (string)P(o, "Domain")));
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.SpfRecord", o.TypeNames[0]));
            var good = r.Output[1];
            Assert.Equal("Valid", P(good, "Status").ToString());
            Assert.Equal(true, P(good, "IsValid"));
            Assert.Equal("-", P(good, "AllQualifier"));
            Assert.Equal(1, P(good, "DnsLookupCount"));
            var mechanisms = (object[])P(good, "Mechanisms");
            Assert.Equal(3, mechanisms.Length);
            var include = PSObject.AsPSObject(mechanisms[1]);
            Assert.Equal("include", P(include, "Name"));
            Assert.Equal("_spf.provider.spf.test", P(include, "Value"));
            Assert.Equal(1, P(include, "DnsLookups"));
            var nested = PSObject.AsPSObject(((object[])P(good, "Includes")).Single());
            Assert.Equal("SmtpTools.SpfRecord", nested.TypeNames[0]);
            Assert.Equal("_spf.provider.spf.test", P(nested, "Domain"));

            var toomany = r.Output[0];
            Assert.Equal("Invalid", P(toomany, "Status").ToString());
            Assert.Equal(12, P(toomany, "DnsLookupCount"));
            Assert.Contains("SpfTooManyDnsLookups", (string)P(toomany, "FindingIds"));
            var finding = PSObject.AsPSObject(((object[])P(toomany, "Findings")).First(f => PSObject.AsPSObject(f).Properties["Id"].Value.ToString() == "SpfTooManyDnsLookups"));
            Assert.Equal("Error", P(finding, "Severity").ToString());
            Assert.Equal("RFC 7208 4.6.4", P(finding, "Reference"));
            Assert.Equal("NoRecord", P(r.Output[2], "Status").ToString());
            Assert.Null(P(r.Output[2], "Record"));
            Assert.Equal(2, ((object[])P(r.Output[3], "RecordStrings")).Length);
        }

        [Fact]
        public void GetByPropertyNameWithAliases()
        {
            var r = Run("[pscustomobject]@{Name='good.spf.test'}, [pscustomobject]@{DomainName='loop1.spf.test'}, [pscustomobject]@{Domain='multi.spf.test'} | Get-SpfRecord -DnsServer $dns");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "good.spf.test", "loop1.spf.test", "multi.spf.test" }, r.Output.Select(o => (string)P(o, "Domain")));
            Assert.Contains("SpfIncludeLoop", (string)P(r.Output[1], "FindingIds"));
            Assert.Contains("SpfMultipleRecords", (string)P(r.Output[2], "FindingIds"));
            Assert.Equal(false, P(r.Output[2], "IsValid"));
        }

        [Fact]
        public void TimeoutGivesTempErrorObjectAndThePipelineGoesOn()
        {
            using var silent = new SilentDnsServer();
            var r = Run("'good.spf.test', 'split.spf.test' | Get-SpfRecord -Server $silent -TimeoutSec 1",
                new Dictionary<string, object> { ["silent"] = silent.Endpoint });
            Assert.Empty(r.Errors);
            Assert.Equal(2, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("TempError", P(o, "Status").ToString()));
            Assert.All(r.Output, o => Assert.Contains("SpfLookupFailed", (string)P(o, "FindingIds")));
            Assert.DoesNotContain(r.Output, o => ((string)P(o, "FindingIds")).Contains("SpfNoRecord"));
        }

        [Fact]
        public void BadServerIsATerminatingSetUpError()
        {
            var r = Run("'good.spf.test' | Get-SpfRecord -Server 'not a server:xx'");
            Assert.Empty(r.Output);
            Assert.True(r.Errors.Count == 1 || r.Terminating != null, r.ToString());
        }

        [Fact]
        public void TestSpfRecordFromCsvKeepsOrder()
        {
            var csv = "IPAddress,Sender,HeloDomain\n" +
                      "192.0.2.7,a@good.spf.test,mail.good.spf.test\n" +
                      "203.0.113.5,b@good.spf.test,mail.good.spf.test\n" +
                      "198.51.100.20,c@split.spf.test,x\n" +
                      "203.0.113.5,d@toomany.spf.test,x\n" +
                      "192.0.2.78,e@macro.spf.test,x\n";
            // What Import-Csv gives (ConvertFrom-Csv is not in the hosted engine): one object per row, string properties.
            const string fromCsv = "$lines = $csv.Trim() -split \"`n\"; $head = $lines[0] -split ','; " +
                "$lines[1..($lines.Count - 1)] | ForEach-Object { $v = $_ -split ','; $row = [ordered]@{}; for ($i = 0; $i -lt $head.Count; $i++) { $row[$head[$i]] = $v[$i] }; [pscustomobject]$row }";
            var r = Run(fromCsv + " | Test-SpfRecord -Server $dns", new Dictionary<string, object> { ["csv"] = csv });
            Assert.True(r.Errors.Count == 0, r.ToString());
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.SpfCheckResult", o.TypeNames[0]));
            Assert.Equal(new[] { "Pass", "Fail", "Pass", "PermError", "Fail" }, r.Output.Select(o => P(o, "Result").ToString()));
            Assert.Equal("ip4:192.0.2.0/24", P(r.Output[0], "MatchedMechanism"));
            Assert.Equal("a@good.spf.test", P(r.Output[0], "Sender"));
            Assert.Equal("mail.good.spf.test", P(r.Output[0], "HeloDomain"));
            Assert.Equal("good.spf.test", P(r.Output[0], "Domain"));
            Assert.Equal("192.0.2.7", P(r.Output[0], "IPAddress"));
            Assert.Contains("more than 10", (string)P(r.Output[3], "Reason"));
            Assert.Equal(11, P(r.Output[3], "DnsLookupCount"));
            Assert.Equal("192.0.2.78 may not send mail for macro.spf.test (sender e@macro.spf.test)", P(r.Output[4], "Explanation"));
        }

        [Fact]
        public void PerRecordVerboseWhenSomeoneListens()
        {
            var asked = Run("Test-SpfRecord 192.0.2.7 a@good.spf.test -Server $dns -Verbose");
            Assert.Contains(asked.Verbose, v => v.StartsWith("192.0.2.7 / good.spf.test: Pass."));
            var preference = Run("$VerbosePreference = 'Continue'; Get-SpfRecord good.spf.test -Server $dns");
            Assert.Contains(preference.Verbose, v => v.StartsWith("good.spf.test: Valid,"));
            var quiet = Run("$VerbosePreference = 'SilentlyContinue'; Test-SpfRecord 192.0.2.7 a@good.spf.test -Server $dns");
            Assert.Empty(quiet.Verbose);
        }

        [Fact]
        public void HeloIdentityAndDomainOverride()
        {
            var helo = Run("Test-SpfRecord -IPAddress 192.0.2.25 -HeloDomain mx.spf.test -Server $dns").Single();
            Assert.Equal("Pass", P(helo, "Result").ToString());
            Assert.Equal("mx.spf.test", P(helo, "Domain"));
            var overridden = Run("Test-SpfRecord 192.0.2.7 someone@elsewhere.example -Domain good.spf.test -Server $dns").Single();
            Assert.Equal("Pass", P(overridden, "Result").ToString());
            Assert.Equal("good.spf.test", P(overridden, "Domain"));
        }

        [Fact]
        public void QuietReturnsOneBooleanPerInput()
        {
            var r = Run("[pscustomobject]@{IPAddress='192.0.2.7'; Sender='a@good.spf.test'}, [pscustomobject]@{IPAddress='203.0.113.5'; Sender='a@good.spf.test'} | Test-SpfRecord -Server $dns -Quiet");
            Assert.Equal(new object[] { true, false }, r.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void BadAddressIsAParameterErrorAndOthersContinue()
        {
            var invalid = Run("Test-SpfRecord -IPAddress mail.example -Sender a@good.spf.test -Server $dns");
            var error = Assert.Single(invalid.Errors);
            Assert.StartsWith("InvalidIPAddress,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);

            var r = Run("[pscustomobject]@{IPAddress='192.0.2.7'; Sender='a@good.spf.test'}, [pscustomobject]@{IPAddress='1.2'; Sender='a@good.spf.test'}, [pscustomobject]@{IPAddress='192.0.2.8'; Sender='a@good.spf.test'} | Test-SpfRecord -Server $dns");
            Assert.Single(r.Errors);
            Assert.Equal(2, r.Output.Count);

            var noIdentity = Run("Test-SpfRecord -IPAddress 192.0.2.7 -Server $dns");
            Assert.Empty(noIdentity.Output);
            Assert.StartsWith("SpfNoIdentity", Assert.Single(noIdentity.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void TestSpfRecordTimeoutIsTempError()
        {
            using var silent = new SilentDnsServer();
            var r = Run("Test-SpfRecord 192.0.2.7 a@good.spf.test -Server $silent -TimeoutSec 1", new Dictionary<string, object> { ["silent"] = silent.Endpoint });
            Assert.Equal("TempError", P(r.Single(), "Result").ToString());
            Assert.Empty(r.Errors);
        }

        [Fact]
        public void TableViews()
        {
            var text = _s.Render($"Get-SpfRecord good.spf.test, toomany.spf.test, nothere.spf.test -Server '{SpfTestZone.Dns}'");
            Assert.Contains(" NoRecord ", text); // the Status column is wide enough for every status
            foreach (var header in new[] { "Domain", "Status", "Lookups", "Void", "All", "Findings", "Record" }) Assert.Contains(header, text);
            Assert.Contains("good.spf.test", text);
            Assert.Contains("-all", text);
            Assert.Contains("SpfTooManyDnsLookups", text);
            Assert.DoesNotContain("Mechanisms", text);

            var check = _s.Render($"Test-SpfRecord 203.0.113.5 a@macro.spf.test -Server '{SpfTestZone.Dns}'");
            foreach (var header in new[] { "IPAddress", "Domain", "Result", "Mechanism", "Lookups", "Reason" }) Assert.Contains(header, check);
            Assert.Contains("Fail", check);
            Assert.Contains("203.0.113.5 may not send mail for macro.spf.test", check);
            Assert.DoesNotContain("VoidLookupCount", check);
        }

        [Fact]
        public void ProgressIsACount()
        {
            var r = Run("$ProgressPreference = 'Continue'; @(1..150 | ForEach-Object { 'good.spf.test' } | Get-SpfRecord -Server $dns).Count");
            Assert.Equal(150, r.Single().BaseObject);
            Assert.Contains(r.Progress, p => p.StatusDescription.Contains("domain(s) audited") && p.PercentComplete == -1);
            Assert.Contains(r.Progress, p => p.RecordType == ProgressRecordType.Completed);
        }
    }
}
