using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Test-MtaStsPolicy and Test-TlsRptRecord in the hosted engine against the real servers (sts.test in Knot, the
    /// policies on nginx, Postfix for -ProbeMx). The engine's every case is in the Core tests; these prove the cmdlets.
    /// </summary>
    public sealed class MtaStsTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public MtaStsTests(PsSession session) { _s = session; }

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object>
        {
            ["dns"] = IntegrationServers.Get("SMTPTOOLS_DNS"),
            ["resolver"] = IntegrationServers.Get("SMTPTOOLS_RESOLVER"),
            ["submission"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT"),
        });

        private static object P(PSObject o, string name) => o.Properties[name].Value;
        private static string S(PSObject o, string name) => P(o, name)?.ToString();
        private static List<PSObject> Items(PSObject o, string name) => ((object[])LanguagePrimitives.ConvertTo(P(o, name), typeof(object[]))).Select(PSObject.AsPSObject).ToList();
        private static string[] Ids(PSObject o) => Items(o, "Findings").Select(f => S(f, "Id")).ToArray();

        [Fact]
        public void PipelineKeepsInputOrderAndGivesTypedResults()
        {
            var r = Run("'enforce.sts.test', 'redirect.sts.test', 'no-sts.sts.test', 'malformed.sts.test' | Test-MtaStsPolicy -Server $dns -ThrottleLimit 2");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "enforce.sts.test", "redirect.sts.test", "no-sts.sts.test", "malformed.sts.test" }, r.Output.Select(o => S(o, "Domain")));
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.MtaStsPolicy", o.TypeNames[0]));
            Assert.Equal(new[] { "Valid", "PolicyUnavailable", "NotFound", "InvalidPolicy" }, r.Output.Select(o => S(o, "Status")));
            var enforce = r.Output[0];
            Assert.Equal("Enforce", S(enforce, "Mode"));
            Assert.Equal("mx1.mail.test;mx2.mail.test", S(enforce, "MxPatternList"));
            Assert.Equal("Valid", S(enforce, "TlsRptStatus"));
            Assert.Equal("SmtpTools.TlsRptRecord", PSObject.AsPSObject(P(enforce, "TlsRpt")).TypeNames[0]);
            Assert.Equal("SmtpTools.MtaStsMxHost", Items(enforce, "MxHosts")[0].TypeNames[0]);
            Assert.Contains("MtaStsPolicyRedirect", Ids(r.Output[1]));
            Assert.Equal("MtaStsNoRecord;TlsRptRuaUnsupported;TlsRptNoUsableRua", S(r.Output[2], "FindingIds"));
        }

        [Fact]
        public void BindsDomainByPropertyNameAndAliases()
        {
            var r = Run("[pscustomobject]@{ DomainName = 'enforce.sts.test' }, [pscustomobject]@{ Name = 'testing.sts.test' }, [pscustomobject]@{ Domain = 'none.sts.test' } | Test-MtaStsPolicy -DnsServer $dns");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "Enforce", "Testing", "None" }, r.Output.Select(o => S(o, "Mode")));
        }

        [Fact]
        public void BadInputIsAnErrorInItsPlaceAndThePipelineGoesOn()
        {
            var r = Run("'enforce.sts.test', 'not a domain', '', 'none.sts.test' | Test-MtaStsPolicy -Server $dns");
            Assert.Equal(2, r.Output.Count);
            Assert.Equal(2, r.Errors.Count);
            Assert.All(r.Errors, e => Assert.StartsWith("InvalidDomainName", e.FullyQualifiedErrorId));
            Assert.All(r.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        }

        [Fact]
        public void QuietIsTrueOnlyForAValidPolicyWithoutErrors()
        {
            var r = Run("'enforce.sts.test', 'mx-mismatch.sts.test', 'notfound.sts.test', 'no-sts.sts.test' | Test-MtaStsPolicy -Server $dns -Quiet");
            Assert.Equal(new[] { true, false, false, false }, r.Output.Select(o => (bool)o.BaseObject));
        }

        [Fact]
        public void NoFetchLooksUpTheRecordsOnly()
        {
            var r = Run("Test-MtaStsPolicy enforce.sts.test, expired-cert.sts.test -Server $dns -NoFetch -Verbose");
            Assert.Equal(new[] { "RecordOnly", "RecordOnly" }, r.Output.Select(o => S(o, "Status")));
            Assert.All(r.Output, o => Assert.Null(P(o, "PolicyText")));
            Assert.DoesNotContain(r.Verbose, v => v.StartsWith("GET ", StringComparison.Ordinal));
            Assert.Contains(r.Verbose, v => v.Contains("4 DNS question(s) sent"));
        }

        [Fact]
        public void NoFetchAndProbeMxDoNotGoTogether()
        {
            var r = Run("Test-MtaStsPolicy enforce.sts.test -Server $dns -NoFetch -ProbeMx");
            Assert.Empty(r.Output);
            var error = r.Terminating as ParameterBindingException ?? Assert.Single(r.Errors).Exception;
            Assert.Contains("Parameter set cannot be resolved", error.Message);
        }

        [Fact]
        public void ProbeMxChecksTheMxHostsOnTheGivenPort()
        {
            var r = Run("Test-MtaStsPolicy nocert-mx.sts.test, enforce.sts.test -Server $dns -ProbeMx -Port $submission -Verbose");
            Assert.Empty(r.Errors);
            var nocert = Items(r.Output[0], "MxHosts").Single();
            Assert.Equal("CertificateRejected", S(nocert, "TlsResult"));
            Assert.Contains("MtaStsMxCertificateInvalid", Ids(r.Output[0]));
            Assert.All(Items(r.Output[1], "MxHosts"), h => Assert.Equal("Passed", S(h, "TlsResult")));
            Assert.Contains(r.Verbose, v => v.StartsWith("GET https://mta-sts.enforce.sts.test/.well-known/mta-sts.txt: 200", StringComparison.Ordinal));
        }

        [Fact]
        public void DnsFailureIsTempErrorNeverNotFound()
        {
            var r = Run("Test-MtaStsPolicy grade-dnssec-bogus.test -Server $resolver -TimeoutSec 3");
            Assert.Equal("TempError", S(r.Single(), "Status"));
            Assert.Contains("MtaStsDnsTempError", Ids(r.Single()));
        }

        [Fact]
        public void TestTlsRptRecordChecksTheReportingRecordAlone()
        {
            var r = Run("'testing.sts.test', 'tlsrpt-two.sts.test', 'bad domain', 'x.sts.test' | Test-TlsRptRecord -Server $dns");
            Assert.Equal(new[] { "Valid", "InvalidRecord", "NotFound" }, r.Output.Select(o => S(o, "Status")));
            Assert.Single(r.Errors);
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.TlsRptRecord", o.TypeNames[0]));
            Assert.Equal(new[] { "tlsrpt@testing.sts.test" }, (string[])LanguagePrimitives.ConvertTo(P(r.Output[0], "MailtoAddresses"), typeof(string[])));
            var quiet = Run("Test-TlsRptRecord testing.sts.test, no-sts.sts.test -Server $dns -Quiet");
            Assert.Equal(new[] { true, false }, quiet.Output.Select(o => (bool)o.BaseObject));
        }

        [Fact]
        public void TableViewShowsStatusModeAndTheMatchCount()
        {
            var text = _s.Render($"Test-MtaStsPolicy enforce.sts.test, mx-mismatch.sts.test, oversized.sts.test -Server '{IntegrationServers.Get("SMTPTOOLS_DNS")}'");
            Assert.Matches(@"enforce\.sts\.test\s+Valid\s+Enforce\s+604800\s+2/2\s+Valid", text);
            Assert.Matches(@"mx-mismatch\.sts\.test\s+Valid\s+Enforce\s+604800\s+1/2\s+Valid\s+MtaStsMxNotMatched", text);
            Assert.Matches(@"oversized\.sts\.test\s+PolicyUnavailable\s+NotFound\s+MtaStsPolicyTooLarge", text);
        }
    }
}
