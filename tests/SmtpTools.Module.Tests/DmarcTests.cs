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
    /// <summary>Test-DmarcPolicy in the hosted engine against the integration Knot (dmarc.test and dmarcreports.test zones).</summary>
    public sealed class DmarcTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public DmarcTests(PsSession session) { _s = session; }

        private static string Dns => IntegrationServers.Get("SMTPTOOLS_DNS");
        private PsResult Run(string script, Dictionary<string, object> vars = null)
        {
            var v = vars ?? new Dictionary<string, object>();
            v["dns"] = Dns;
            return _s.Run(script, v);
        }

        private static object P(PSObject o, string name) => o.Properties[name].Value;
        private static string S(PSObject o, string name) => P(o, name)?.ToString();
        private static List<PSObject> Items(PSObject o, string name) => ((object[])LanguagePrimitives.ConvertTo(P(o, name), typeof(object[]))).Select(PSObject.AsPSObject).ToList();
        private static string[] Ids(PSObject o) => Items(o, "Findings").Select(f => S(f, "Id")).ToArray();
        private static string[] Strings(PSObject o, string name) => (string[])LanguagePrimitives.ConvertTo(P(o, name), typeof(string[]));

        [Fact]
        public void PipelineKeepsInputOrderAndReturnsTypedObjects()
        {
            var r = Run("'reject.dmarc.test', 'a.b.c.walk.dmarc.test', 'split.dmarc.test', 'multi.dmarc.test', 'mixed.dmarc.test' | Test-DmarcPolicy -Server $dns -ThrottleLimit 4");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "reject.dmarc.test", "a.b.c.walk.dmarc.test", "split.dmarc.test", "multi.dmarc.test", "mixed.dmarc.test" }, r.Output.Select(o => S(o, "Domain")));
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.DmarcPolicy", o.TypeNames[0]));

            var reject = r.Output[0];
            Assert.Equal("reject.dmarc.test", S(reject, "PolicyDomain"));
            Assert.Equal("Domain", S(reject, "FoundVia"));
            Assert.Equal("Reject", S(reject, "Policy"));
            Assert.Equal("Reject", S(reject, "SubdomainPolicy"));
            Assert.Equal("Relaxed", S(reject, "DkimAlignment"));
            Assert.Equal("mailto:agg@reject.dmarc.test", S(reject, "AggregateReportUri"));
            Assert.Equal("mailto:fail@dmarc.test", S(reject, "ForensicReportUri"));
            Assert.Equal("Valid", S(reject, "Status"));

            var walk = r.Output[1];
            Assert.Equal("walk.dmarc.test", S(walk, "PolicyDomain"));
            Assert.Equal("TreeWalk", S(walk, "FoundVia"));
            Assert.Contains("DmarcPolicyInherited", Ids(walk));

            var split = r.Output[2];
            Assert.Equal("v=DMARC1; p=quarantine; pct=50; rua=mailto:agg@split.dmarc.test", S(split, "Record"));
            Assert.Equal("Quarantine", S(split, "Policy"));
            Assert.Equal(100, r.Value<int>(2, "Percentage")); // RFC 9989 ignores pct
            Assert.Contains("DmarcRemovedTag", Ids(split));

            var multi = r.Output[3];
            Assert.Equal("MultipleRecords", S(multi, "Status"));
            Assert.False(r.Value<bool>(3, "IsValid"));
            Assert.Equal(2, r.Value<int>(3, "RecordCount"));
            Assert.Null(P(multi, "Policy"));
            Assert.Contains("DmarcMultipleRecords", Ids(multi));

            Assert.Equal("Reject", S(r.Output[4], "Policy")); // the unrelated TXT record beside it is ignored
        }

        [Fact]
        public void BindsDomainByPropertyNameAndAlias()
        {
            var r = Run("[pscustomobject]@{ DomainName = 'reject.dmarc.test' }, [pscustomobject]@{ Name = 'split.dmarc.test' } | Test-DmarcPolicy -DnsServer $dns");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "reject.dmarc.test", "split.dmarc.test" }, r.Output.Select(o => S(o, "Domain")));
        }

        [Fact]
        public void Rfc7489UsesThePublicSuffixListOrganizationalDomain()
        {
            var r = Run("Test-DmarcPolicy a.b.c.walk.dmarc.test -Server $dns -Specification Rfc7489; Test-DmarcPolicy split.dmarc.test -Server $dns -Specification Rfc7489");
            Assert.Empty(r.Errors);
            Assert.Equal("dmarc.test", S(r.Output[0], "PolicyDomain"));
            Assert.Equal("OrganizationalDomain", S(r.Output[0], "FoundVia"));
            Assert.Equal("None", S(r.Output[0], "Policy"));
            Assert.Equal("Quarantine", S(r.Output[0], "SubdomainPolicy"));
            Assert.Equal("Rfc7489", S(r.Output[0], "Specification"));
            Assert.Equal(50, r.Value<int>(1, "Percentage"));
            Assert.Contains("DmarcPercentageBelow100", Ids(r.Output[1]));
        }

        [Fact]
        public void PublicSuffixListPathReplacesTheEmbeddedList()
        {
            var psl = Path.Combine(Path.GetTempPath(), "psl-" + Guid.NewGuid().ToString("N") + ".dat");
            File.WriteAllText(psl, "// ===BEGIN ICANN DOMAINS===\ntest\ndmarc.test\n// ===END ICANN DOMAINS===\n");
            try
            {
                var r = Run("Test-DmarcPolicy a.b.c.walk.dmarc.test -Server $dns -Specification Rfc7489 -PublicSuffixListPath $psl",
                    new Dictionary<string, object> { ["psl"] = psl });
                Assert.Empty(r.Errors);
                Assert.Equal("walk.dmarc.test", S(r.Single(), "PolicyDomain"));
                Assert.Equal("OrganizationalDomain", S(r.Single(), "FoundVia"));

                var missing = Run("Test-DmarcPolicy reject.dmarc.test -Server $dns -PublicSuffixListPath $psl", new Dictionary<string, object> { ["psl"] = psl + ".missing" });
                Assert.Empty(missing.Output);
                Assert.StartsWith("FileNotFound", Assert.Single(missing.Errors).FullyQualifiedErrorId);
            }
            finally { File.Delete(psl); }
        }

        [Fact]
        public void InvalidAndUnknownTagsAreFindings()
        {
            var r = Run("'badtag.dmarc.test', 'unknown.dmarc.test' | Test-DmarcPolicy -Server $dns");
            Assert.Empty(r.Errors);
            var bad = r.Output[0];
            Assert.Equal("Invalid", S(bad, "Status"));
            Assert.False(r.Value<bool>(0, "IsValid"));
            var errors = Strings(bad, "SyntaxErrors");
            Assert.Contains(errors, e => e.StartsWith("position 21:") && e.Contains("adkim=x"));
            Assert.Contains("DmarcSyntaxError", Ids(bad));

            var unknown = r.Output[1];
            Assert.Equal("Warning", S(unknown, "Status"));
            Assert.True(r.Value<bool>(1, "IsValid"));
            Assert.Equal(new[] { "foo" }, Strings(unknown, "UnknownTags"));
            Assert.Contains("DmarcUnknownTag", Ids(unknown));
        }

        [Fact]
        public void ExternalReportDestinationsAreCheckedForAuthorization()
        {
            var r = Run("Test-DmarcPolicy ext.dmarc.test -Server $dns");
            Assert.Empty(r.Errors);
            var o = r.Single();
            var rua = Items(o, "AggregateReportUris");
            Assert.Equal(2, rua.Count);
            Assert.Equal("SmtpTools.DmarcReportUri", rua[0].TypeNames[0]);
            Assert.Equal("mailto:agg@auth.dmarcreports.test", S(rua[0], "Uri"));
            Assert.True((bool)P(rua[0], "IsExternal"));
            Assert.True((bool)P(rua[0], "IsAuthorized"));
            Assert.False((bool)P(rua[1], "IsAuthorized"));
            Assert.Equal("10m", S(rua[1], "MaxSize"));
            var ruf = Items(o, "ForensicReportUris").Single();
            Assert.False((bool)P(ruf, "IsExternal"));
            Assert.Null(P(ruf, "IsAuthorized"));
            Assert.Equal("noauth.dmarcreports.test", S(o, "UnauthorizedReportDestination"));
            Assert.Contains("DmarcUnauthorizedReportDestination", Ids(o));
        }

        [Fact]
        public void DnsFailureIsTempErrorNotNoPolicy()
        {
            // Knot refuses names outside its zones: a DNS failure, not an answer.
            var r = Run("Test-DmarcPolicy mail.nowhere.example -Server $dns -TimeoutSec 2");
            Assert.Empty(r.Errors);
            var o = r.Single();
            Assert.Equal("TempError", S(o, "Status"));
            Assert.False(r.Value<bool>(0, "IsValid"));
            Assert.Contains("DmarcDnsTempError", Ids(o));
            Assert.DoesNotContain("DmarcNoRecord", Ids(o));
        }

        [Fact]
        public void QuietReturnsOneBooleanPerDomain()
        {
            var r = Run("'reject.dmarc.test', 'multi.dmarc.test', 'badtag.dmarc.test', 'ext.dmarc.test' | Test-DmarcPolicy -Server $dns -Quiet");
            Assert.Empty(r.Errors);
            Assert.Equal(new object[] { true, false, false, true }, r.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void RecordIsValidatedOfflineIntoTheSameObject()
        {
            // No -Server and a closed port: -Record never touches DNS.
            var r = Run("Test-DmarcPolicy -Record 'v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com!5m' -Server 127.0.0.1:2599; " +
                        "Test-DmarcPolicy -Record 'v=DMARC1; p=reject; pct=150' -Specification Rfc7489; " +
                        "Test-DmarcPolicy -Record 'v=spf1 -all' -Quiet");
            Assert.Empty(r.Errors);
            var ok = r.Output[0];
            Assert.Equal("SmtpTools.DmarcPolicy", ok.TypeNames[0]);
            Assert.Null(P(ok, "Domain"));
            Assert.True(r.Value<bool>(0, "IsValid"));
            Assert.Equal("None", S(ok, "SubdomainPolicy"));
            Assert.Equal("mailto:d@example.com!5m", S(ok, "AggregateReportUri"));
            Assert.Contains("DmarcSubdomainPolicyWeaker", Ids(ok));
            Assert.Equal("Invalid", S(r.Output[1], "Status"));
            Assert.Contains("position", string.Join(" ", Strings(r.Output[1], "SyntaxErrors")));
            Assert.Equal(false, r.Output[2].BaseObject);
        }

        [Fact]
        public void EvaluationGivesResultAlignmentAndDisposition()
        {
            var r = Run("Test-DmarcPolicy -Domain reject.dmarc.test -SpfResult Pass -SpfDomain bounce.reject.dmarc.test -Server $dns; " +
                        "Test-DmarcPolicy -Domain reject.dmarc.test -SpfResult Fail -SpfDomain reject.dmarc.test -DkimPassDomain other.dmarcreports.test -Server $dns; " +
                        "Test-DmarcPolicy -Domain a.walk.dmarc.test -DkimPassDomain walk.dmarc.test -Server $dns; " +
                        "Test-DmarcPolicy -Domain ghost.dmarc.test -SpfResult SoftFail -Server $dns -Specification Rfc7489; " +
                        "Test-DmarcPolicy -Domain www.dmarc.test -SpfResult None -Server $dns -Specification Rfc7489");
            Assert.Empty(r.Errors);
            Assert.Equal(5, r.Output.Count);

            var pass = r.Output[0];
            Assert.Equal("Pass", S(pass, "DmarcResult"));
            Assert.True(r.Value<bool>(0, "SpfAligned"));
            Assert.False(r.Value<bool>(0, "DkimAligned"));
            Assert.Equal("Reject", S(pass, "Disposition"));
            Assert.Equal("p", S(pass, "DispositionSource"));
            Assert.False(r.Value<bool>(0, "Reject"));

            var fail = r.Output[1];
            Assert.Equal("Fail", S(fail, "DmarcResult"));
            Assert.True(r.Value<bool>(1, "Reject"));
            Assert.True(r.Value<bool>(1, "ApplyPolicy"));
            Assert.Contains("DmarcFail", Ids(fail));

            // adkim=s at walk.dmarc.test: a signature of the parent does not align with a.walk.dmarc.test.
            Assert.Equal("Fail", S(r.Output[2], "DmarcResult"));
            Assert.False(r.Value<bool>(2, "DkimAligned"));
            Assert.Equal("sp", S(r.Output[2], "DispositionSource"));

            Assert.Equal("np", S(r.Output[3], "DispositionSource"));
            Assert.Equal("Reject", S(r.Output[3], "Disposition"));
            Assert.False(r.Value<bool>(3, "FromDomainExists"));
            Assert.Equal("sp", S(r.Output[4], "DispositionSource"));
            Assert.Equal("Quarantine", S(r.Output[4], "Disposition"));
            Assert.True(r.Value<bool>(4, "FromDomainExists"));
        }

        [Fact]
        public void EvaluationQuietIsDmarcPass()
        {
            var r = Run("Test-DmarcPolicy -Domain reject.dmarc.test -SpfResult Pass -SpfDomain reject.dmarc.test -Server $dns -Quiet; " +
                        "Test-DmarcPolicy -Domain reject.dmarc.test -SpfResult Pass -SpfDomain elsewhere.example -Server $dns -Quiet");
            Assert.Empty(r.Errors);
            Assert.Equal(new object[] { true, false }, r.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void BadParametersAreErrorRecords()
        {
            var server = Run("Test-DmarcPolicy reject.dmarc.test -Server 'not a server:xx'");
            Assert.Empty(server.Output);
            Assert.StartsWith("InvalidDnsServer", Assert.Single(server.Errors).FullyQualifiedErrorId);
            var spf = Run("Test-DmarcPolicy -Domain reject.dmarc.test -SpfResult Maybe -Server $dns");
            Assert.Empty(spf.Output);
            Assert.StartsWith("CannotConvertArgumentNoMessage", Assert.Single(spf.Errors).FullyQualifiedErrorId);
            var both = Run("Test-DmarcPolicy -Domain reject.dmarc.test -Record 'v=DMARC1; p=none'");
            Assert.Empty(both.Output);
            Assert.True(both.Errors.Count == 1 && both.Errors[0].FullyQualifiedErrorId.StartsWith("AmbiguousParameterSet"), both.ToString());
        }

        [Fact]
        public void MessagePathVerifiesDkimAndSpfAndAnAlteredCopyFails()
        {
            var dir = Directory.CreateTempSubdirectory("dmarc-module-").FullName;
            try
            {
                var selector = DkimTestZone.NewSelector("dm");
                var key = Run("New-DkimKey -Domain dmarc.test -Selector $sel -Path $dir", new Dictionary<string, object> { ["sel"] = selector, ["dir"] = dir }).Single();
                DkimTestZone.AddTxt("dmarc.test", selector + "._domainkey", (string[])key.Properties["DnsRecordStrings"].Value);
                var message = "Return-Path: <bounce@signed.dmarc.test>\r\nFrom: Alice <alice@signed.dmarc.test>\r\nTo: bob@example.test\r\nSubject: dmarc\r\n" +
                              "Date: Wed, 02 Dec 2026 06:00:00 +0000\r\nMessage-ID: <" + selector + "@signed.dmarc.test>\r\n\r\nHello DMARC.\r\n";
                var signed = DkimTestZone.DkimpySign(message, S(key, "PrivateKeyPath"), "dmarc.test", selector, ed25519: false);
                Assert.True(signed.ExitCode == 0, signed.ToString());
                var good = Path.Combine(dir, "good.eml");
                var altered = Path.Combine(dir, "altered.eml");
                File.WriteAllText(good, signed.StandardOutput);
                File.WriteAllText(altered, signed.StandardOutput.Replace("Hello DMARC.", "Hello DMARC!"));

                // Input by property name, as from Get-ChildItem: 192.0.2.1 fails SPF, so DKIM decides.
                var r = Run("[pscustomobject]@{ FullName = $good }, [pscustomobject]@{ FullName = $altered } | Test-DmarcPolicy -ClientIPAddress 192.0.2.1 -HeloDomain mx.example.test -Server $dns",
                    new Dictionary<string, object> { ["good"] = good, ["altered"] = altered });
                Assert.Empty(r.Errors);
                Assert.Equal(2, r.Output.Count);
                var pass = r.Output[0];
                Assert.Equal(good, S(pass, "MessagePath"));
                Assert.Equal("signed.dmarc.test", S(pass, "Domain"));
                Assert.Equal("Pass", S(pass, "DmarcResult"));
                Assert.True(r.Value<bool>(0, "DkimAligned"));
                Assert.False(r.Value<bool>(0, "SpfAligned"));
                Assert.Equal("Fail", S(pass, "SpfResult"));
                var sig = Items(pass, "DkimSignatures").Single();
                Assert.Equal("SmtpTools.DmarcDkimSignature", sig.TypeNames[0]);
                Assert.Equal("Pass", S(sig, "Result"));
                Assert.Equal(selector, S(sig, "Selector"));
                Assert.True((bool)P(sig, "Aligned"));
                var spf = PSObject.AsPSObject(P(pass, "Spf"));
                Assert.Equal("SmtpTools.DmarcSpfCheck", spf.TypeNames[0]);
                Assert.Equal("MailFrom", S(spf, "Identity"));
                Assert.Equal("signed.dmarc.test", S(spf, "Domain"));

                var fail = r.Output[1];
                Assert.Equal("Fail", S(fail, "DmarcResult"));
                Assert.Equal("Reject", S(fail, "Disposition"));
                Assert.True(r.Value<bool>(1, "Reject"));
                var badSig = Items(fail, "DkimSignatures").Single();
                Assert.Equal("Fail", S(badSig, "Result"));

                // From the loopback address SPF passes aligned; -Quiet answers dmarc=pass.
                var quiet = Run("Test-DmarcPolicy -MessagePath $altered -ClientIPAddress 127.0.0.1 -Server $dns -Quiet", new Dictionary<string, object> { ["altered"] = altered });
                Assert.Equal(new object[] { true }, quiet.Output.Select(o => o.BaseObject));

                var missing = Run("Test-DmarcPolicy -MessagePath $p -ClientIPAddress 127.0.0.1 -Server $dns", new Dictionary<string, object> { ["p"] = Path.Combine(dir, "nope.eml") });
                Assert.Empty(missing.Output);
                Assert.StartsWith("FileNotFound", Assert.Single(missing.Errors).FullyQualifiedErrorId);
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public void ProgressIsACountAndTheSummaryIsVerbose()
        {
            var r = Run("$ProgressPreference = 'Continue'; @(1..150 | ForEach-Object { 'reject.dmarc.test' } | Test-DmarcPolicy -Server $dns -Verbose).Count");
            Assert.Empty(r.Errors);
            Assert.Equal(150, (int)r.Output.Single().BaseObject);
            Assert.Contains(r.Progress, p => p.StatusDescription.Contains("input(s) checked") && p.PercentComplete == -1);
            Assert.Contains(r.Progress, p => p.RecordType == ProgressRecordType.Completed);
            Assert.Contains(r.Verbose, v => v.StartsWith("150 input(s) checked;"));
        }

        [Fact]
        public void TableView()
        {
            var text = _s.Render($"'reject.dmarc.test', 'multi.dmarc.test' | Test-DmarcPolicy -Server '{Dns}'");
            Assert.Contains("PolicyDomain", text);
            Assert.Contains("Findings", text);
            var rejectLine = text.Split('\n').First(l => l.StartsWith("reject.dmarc.test"));
            Assert.Contains("Valid", rejectLine);
            Assert.Contains("Reject", rejectLine);
            Assert.Contains("Domain", rejectLine);
            Assert.Contains(text.Split('\n'), l => l.StartsWith("multi.dmarc.test") && l.Contains("MultipleRecords"));
            Assert.DoesNotContain("AggregateReportUris", text); // a table, not the default list of every property

            var eval = _s.Render($"Test-DmarcPolicy -Domain ghost.dmarc.test -SpfResult Fail -Server '{Dns}'");
            Assert.Contains("Reject (np)", eval);
            Assert.Contains("Fail", eval);
        }

        [Fact]
        public void OffersAuditRecordEvaluateAndMessageParameterSets()
        {
            var sets = Run("(Get-Command Test-DmarcPolicy).ParameterSets.Name").Output.Select(o => o.ToString()).ToList();
            Assert.Contains("Audit", sets);
            Assert.Contains("Record", sets);
            Assert.Contains("Evaluate", sets);
            Assert.Contains("Message", sets);
        }

        [Fact]
        public void OutputTypeIsDeclared()
        {
            var r = Run("(Get-Command Test-DmarcPolicy).OutputType.Name");
            Assert.Contains("SmtpTools.DmarcPolicy", r.Output.Select(o => o.ToString()));
            Assert.Contains("System.Boolean", r.Output.Select(o => o.ToString()));
        }
    }
}
