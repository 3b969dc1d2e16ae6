using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>Test-BimiRecord in the hosted engine against the real servers (bimi.test in Knot, logos and mark certificates on nginx).</summary>
    public sealed class BimiTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public BimiTests(PsSession session) { _s = session; }

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object>
        {
            ["dns"] = IntegrationServers.Get("SMTPTOOLS_DNS"),
            ["resolver"] = IntegrationServers.Get("SMTPTOOLS_RESOLVER"),
        });

        private static object P(PSObject o, string name) => o.Properties[name].Value;
        private static string S(PSObject o, string name) => P(o, name)?.ToString();
        private static string[] Ids(PSObject o) => ((object[])LanguagePrimitives.ConvertTo(P(o, "Findings"), typeof(object[]))).Select(f => S(PSObject.AsPSObject(f), "Id")).ToArray();

        [Fact]
        public void PipelineKeepsInputOrderAndGivesTypedResults()
        {
            var r = Run("'good.bimi.test', 'cmc.bimi.test', 'dmarc-pct.bimi.test', 'svg-script.bimi.test', 'declined.bimi.test', 'nothing.bimi.test' | Test-BimiRecord -Server $dns -ThrottleLimit 3");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "Valid", "Valid", "DmarcNotEnforced", "InvalidLogo", "Declined", "NotFound" }, r.Output.Select(o => S(o, "Status")));
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.BimiRecord", o.TypeNames[0]));
            Assert.Equal("Vmc", S(r.Output[0], "CertificateType"));
            Assert.Equal("Cmc", S(r.Output[1], "CertificateType"));
            var certificate = PSObject.AsPSObject(P(r.Output[0], "Certificate"));
            Assert.Equal("SmtpTools.BimiMarkCertificate", certificate.TypeNames[0]);
            Assert.Contains("markType=Registered Mark", S(certificate, "Subject"));
            Assert.Equal("quarantine (pct=50)", S(r.Output[2], "DmarcPolicy"));
            Assert.Contains("BimiSvgScript", Ids(r.Output[3]));
        }

        [Fact]
        public void SelectorBindsByPropertyNameAndABlankCellMeansDefault()
        {
            var r = Run("[pscustomobject]@{ Name = 'good.bimi.test'; Selector = 'brand' }, [pscustomobject]@{ DomainName = 'good.bimi.test'; Selector = '' }, [pscustomobject]@{ Domain = 'good.bimi.test'; Selector = 'a b' } | Test-BimiRecord -Server $dns");
            Assert.Equal(new[] { "brand", "default" }, r.Output.Select(o => S(o, "Selector")));
            Assert.Equal("https://images.bimi.test/other-logo.svg", S(r.Output[0], "Location"));
            var error = Assert.Single(r.Errors);
            Assert.StartsWith("InvalidBimiSelector", error.FullyQualifiedErrorId);
            Assert.Contains("is not a BIMI selector", error.Exception.Message);
        }

        [Fact]
        public void QuietAndNoFetch()
        {
            var quiet = Run("Test-BimiRecord good.bimi.test, vmc-mismatch.bimi.test, dmarc-none.bimi.test -Server $dns -Quiet");
            Assert.Equal(new[] { true, false, false }, quiet.Output.Select(o => (bool)o.BaseObject));
            var dnsOnly = Run("Test-BimiRecord svg-script.bimi.test, good.bimi.test -Server $dns -NoFetch");
            Assert.Equal(new[] { "RecordOnly", "RecordOnly" }, dnsOnly.Output.Select(o => S(o, "Status")));
            Assert.All(dnsOnly.Output, o => Assert.Null(P(o, "LogoValid")));
        }

        [Fact]
        public void DnsFailureIsTempError()
        {
            var r = Run("Test-BimiRecord grade-dnssec-bogus.test -Server $resolver -TimeoutSec 3");
            Assert.Equal("TempError", S(r.Single(), "Status"));
        }

        [Fact]
        public void TableViewShowsTheVerdictOfEachPart()
        {
            var text = _s.Render($"Test-BimiRecord good.bimi.test, vmc-mismatch.bimi.test, dmarc-none.bimi.test -Server '{IntegrationServers.Get("SMTPTOOLS_DNS")}'");
            Assert.Matches(@"good\.bimi\.test\s+default\s+Valid\s+yes\s+yes\s+VMC", text);
            Assert.Matches(@"vmc-mismatch\.bimi\.test\s+default\s+InvalidCertificate\s+yes\s+yes\s+VMC!\s+BimiCer", text);
            Assert.Matches(@"dmarc-none\.bimi\.test\s+default\s+DmarcNotEnforced\s+NO\s+yes\s+BimiDma", text);
        }
    }
}
