using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Bimi;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Http;
using SmtpTools.Core.Tests.Smtp;
using SmtpTools.Core.Tests.Support;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Bimi
{
    /// <summary>
    /// Test-BimiRecord's engine against the real test servers: every bimi.test domain of tests/Integration/README.md
    /// (Knot for the records and DMARC, nginx for the logos and the mark certificates start-servers.sh makes).
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class BimiIntegrationTests
    {
        private static DnsResolver Resolver(string key = "SMTPTOOLS_DNS") => TestServerResolver.For(key);

        private static BimiChecker Checker(BimiOptions options = null, DnsResolver resolver = null)
        {
            SmtpProberIntegrationTests.RequireTestCaTrust();
            resolver ??= Resolver();
            return new BimiChecker(resolver, new HttpsFetcher(resolver), options);
        }

        private static Task<BimiRecord> Check(string domain, string selector = null, BimiOptions options = null) => Checker(options).CheckAsync(domain, selector, CancellationToken.None);
        private static string[] Ids(BimiRecord r) => r.Findings.Select(f => f.Id).ToArray();
        private static string Explain(BimiRecord r) => r.Status + "\n" + string.Join("\n", r.Findings.Select(f => f.ToString()));

        private static string Sha256Of(string file)
        {
            using var sha = SHA256.Create();
            return Convert.ToHexString(sha.ComputeHash(File.ReadAllBytes(Path.Combine(IntegrationServers.RepoRoot, "tests", "Integration", "https", "bimi", file))));
        }

        [Fact]
        public async Task VmcWithTheSameLogoAndEnforcedDmarcIsValid()
        {
            var r = await Check("good.bimi.test");
            Assert.True(r.Status == BimiStatus.Valid, Explain(r));
            Assert.Equal("default", r.Selector);
            Assert.Equal("good.bimi.test", r.RecordDomain);
            Assert.Equal("https://images.bimi.test/logo.svg", r.Location);
            Assert.True(r.DmarcEnforced);
            Assert.Equal("reject", r.DmarcPolicy);
            Assert.Equal("good.bimi.test", r.DmarcPolicyDomain);
            Assert.Equal("bimi.test", r.OrganizationalDomain);
            Assert.True(r.LogoValid);
            Assert.Equal("SmtpTools Test", r.LogoTitle);
            Assert.Equal(Sha256Of("logo.svg"), r.LogoSha256);
            Assert.True(r.CertificateValid);
            Assert.True(r.LogoMatchesCertificate);
            var c = r.Certificate;
            Assert.Equal(BimiMarkCertificateType.Vmc, c.CertificateType);
            Assert.Equal(BimiMarkCertificateType.Vmc, r.CertificateType);
            Assert.Equal("Registered Mark", c.MarkType);
            Assert.Contains("good.bimi.test", c.Domains);
            Assert.True(c.HasBimiExtendedKeyUsage);
            Assert.True(c.HasMarkCertificatePolicy);
            Assert.True(c.ChainTrusted, string.Join("; ", c.ChainErrors));
            Assert.Equal(2, c.Chain.Length);
            Assert.NotNull(c.TrademarkId);
            Assert.True(c.HasLogo);
            Assert.Equal(Sha256Of("logo.svg"), c.LogoSha256);
            Assert.True(c.NotAfter > DateTime.UtcNow.AddDays(300));
            Assert.Equal(0, r.ErrorCount);
            Assert.Equal(0, r.WarningCount);
        }

        [Fact]
        public async Task CmcIsToldApartByItsMarkType()
        {
            var r = await Check("cmc.bimi.test");
            Assert.True(r.Status == BimiStatus.Valid, Explain(r));
            Assert.Equal(BimiMarkCertificateType.Cmc, r.Certificate.CertificateType);
            Assert.Equal("Prior Use Mark", r.Certificate.MarkType);
            Assert.True(r.Certificate.HasMarkCertificatePolicy);   // the same policy as a VMC
            Assert.Equal("quarantine", r.DmarcPolicy);
        }

        [Fact]
        public async Task VmcForAnotherLogoIsAnInvalidCertificate()
        {
            var r = await Check("vmc-mismatch.bimi.test");
            Assert.Equal(BimiStatus.InvalidCertificate, r.Status);
            Assert.False(r.LogoMatchesCertificate);
            Assert.False(r.CertificateValid);
            Assert.True(r.Certificate.HasLogo);
            Assert.True(r.LogoValid);
            Assert.Equal(Sha256Of("other-logo.svg"), r.Certificate.LogoSha256);
            Assert.Contains("BimiCertificateLogoMismatch", Ids(r));
            // No record of its own for DMARC: bimi.test's p=reject applies.
            Assert.Equal("bimi.test", r.DmarcPolicyDomain);
            Assert.True(r.DmarcEnforced);
        }

        [Fact]
        public async Task SelfAssertedLogoIsValidWithANote()
        {
            var r = await Check("selfasserted.bimi.test");
            Assert.True(r.Status == BimiStatus.Valid, Explain(r));
            Assert.Equal("", r.Authority);
            Assert.Null(r.Certificate);
            Assert.Null(r.CertificateValid);
            Assert.Equal(new[] { "BimiSelfAsserted" }, Ids(r));
        }

        [Fact]
        public async Task OtherSelectorIsAskedWhereItIs()
        {
            var r = await Check("good.bimi.test", "brand");
            Assert.True(r.Status == BimiStatus.Valid, Explain(r));
            Assert.Equal("brand", r.Selector);
            Assert.Equal("https://images.bimi.test/other-logo.svg", r.Location);
            Assert.Equal("SmtpTools Other", r.LogoTitle);
        }

        [Fact]
        public async Task DeclinationIsDeclined()
        {
            var r = await Check("declined.bimi.test");
            Assert.Equal(BimiStatus.Declined, r.Status);
            Assert.Equal(new[] { "BimiDeclined" }, Ids(r));
            Assert.Null(r.LogoValid);
        }

        [Fact]
        public async Task WrongVersionAndHttpLocationAreBothReported()
        {
            var r = await Check("bad-syntax.bimi.test");
            Assert.Equal(BimiStatus.InvalidRecord, r.Status);
            Assert.Equal(new[] { "BimiVersionInvalid", "BimiLocationNotHttps" }, Ids(r));
        }

        [Fact]
        public async Task TwoRecordsMeanNone()
        {
            var r = await Check("two-records.bimi.test");
            Assert.Equal(BimiStatus.InvalidRecord, r.Status);
            Assert.Equal(new[] { "BimiMultipleRecords" }, Ids(r));
        }

        [Theory]
        [InlineData("svg-script.bimi.test", "BimiSvgScript")]
        [InlineData("svg-external.bimi.test", "BimiSvgExternalReference")]
        [InlineData("svg-animation.bimi.test", "BimiSvgAnimation")]
        [InlineData("svg-notitle.bimi.test", "BimiSvgNoTitle")]
        [InlineData("svg-noprofile.bimi.test", "BimiSvgProfile")]
        [InlineData("svg-toobig.bimi.test", "BimiSvgTooLarge")]
        [InlineData("svg-notfound.bimi.test", "BimiLogoFetchFailed")]
        public async Task LogoProblemsMakeTheLogoInvalid(string domain, string id)
        {
            var r = await Check(domain);
            Assert.True(r.Status == BimiStatus.InvalidLogo, Explain(r));
            Assert.False(r.LogoValid);
            Assert.Contains(id, Ids(r));
        }

        [Fact]
        public async Task MissingLogoSaysTheStatus()
        {
            var r = await Check("svg-notfound.bimi.test");
            Assert.Contains("404", r.Findings.Single(f => f.Id == "BimiLogoFetchFailed").Message);
        }

        [Fact]
        public async Task NonSquareLogoIsAWarningOnly()
        {
            var r = await Check("svg-notsquare.bimi.test");
            Assert.Equal(BimiStatus.Valid, r.Status);
            Assert.Contains("BimiSvgNotSquare", Ids(r));
        }

        [Fact]
        public async Task OversizedLogoGivesItsSize()
        {
            var r = await Check("svg-toobig.bimi.test");
            Assert.True(r.LogoSize > 32 * 1024);
            Assert.Contains("must not exceed 32 KB", r.Findings.Single(f => f.Id == "BimiSvgTooLarge").Message);
        }

        [Theory]
        [InlineData("dmarc-none.bimi.test", "p=none", "none")]
        [InlineData("dmarc-pct.bimi.test", "pct=50", "quarantine (pct=50)")]
        public async Task DmarcBelowEnforcementStopsBimi(string domain, string reason, string policy)
        {
            var r = await Check(domain);
            Assert.Equal(BimiStatus.DmarcNotEnforced, r.Status);
            Assert.False(r.DmarcEnforced);
            Assert.Equal(policy, r.DmarcPolicy);
            Assert.Contains(reason, r.Findings.Single(f => f.Id == "BimiDmarcNotEnforced").Message);
            Assert.True(r.LogoValid);   // the logo itself is fine: DMARC is the reason
        }

        [Fact]
        public async Task NoDmarcAnywhereStopsBimi()
        {
            var r = await Check("bimi-nodmarc.test");
            Assert.Equal(BimiStatus.DmarcNotEnforced, r.Status);
            Assert.False(r.DmarcEnforced);
            Assert.Contains("BimiDmarcMissing", Ids(r));
        }

        [Fact]
        public async Task SubdomainWithoutRecordFallsBackToTheOrganizationalDomain()
        {
            // bimi.test itself has no BIMI record: a subdomain without one ends as NotFound after asking both.
            var resolver = Resolver();
            var r = await Checker(null, resolver).CheckAsync("nothing-here.good.bimi.test", null, CancellationToken.None);
            Assert.Equal(BimiStatus.NotFound, r.Status);
            Assert.Equal(new[] { "BimiNoRecord" }, Ids(r));
            Assert.Contains("nor at default._bimi.bimi.test", r.Findings[0].Message);
        }

        [Fact]
        public async Task NoFetchChecksRecordAndDmarcOnly()
        {
            var r = await Check("good.bimi.test", options: new BimiOptions { FetchFiles = false });
            Assert.Equal(BimiStatus.RecordOnly, r.Status);
            Assert.True(r.DmarcEnforced);
            Assert.Null(r.LogoValid);
            Assert.Null(r.Certificate);
        }

        [Fact]
        public async Task ServfailIsTempError()
        {
            var r = await Checker(null, Resolver("SMTPTOOLS_RESOLVER")).CheckAsync("grade-dnssec-bogus.test", null, CancellationToken.None);
            Assert.Equal(BimiStatus.TempError, r.Status);
            Assert.Equal(new[] { "BimiDnsTempError" }, Ids(r));
        }
    }
}
