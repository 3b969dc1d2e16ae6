using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Http;
using SmtpTools.Core.MtaSts;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Tests.Smtp;
using SmtpTools.Core.Tests.Support;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.MtaSts
{
    /// <summary>
    /// Test-MtaStsPolicy's engine against the real test servers: every sts.test domain of tests/Integration/README.md
    /// (Knot for the records, nginx for the policies, Postfix for -ProbeMx on the STARTTLS port).
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class MtaStsIntegrationTests
    {
        private static DnsResolver Resolver(string key = "SMTPTOOLS_DNS") => TestServerResolver.For(key);

        private static MtaStsChecker Checker(MtaStsOptions options = null, DnsResolver resolver = null)
        {
            SmtpProberIntegrationTests.RequireTestCaTrust();
            resolver ??= Resolver();
            return new MtaStsChecker(resolver, new HttpsFetcher(resolver), new SmtpConnectionProber(resolver), options);
        }

        private static Task<MtaStsPolicy> Check(string domain, MtaStsOptions options = null) => Checker(options).CheckAsync(domain, CancellationToken.None);

        private static MtaStsOptions Probe => new MtaStsOptions { ProbeMx = true, SmtpPort = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT"), SmtpTimeout = TimeSpan.FromSeconds(10) };

        private static string[] Ids(MtaStsPolicy r) => r.Findings.Select(f => f.Id).ToArray();
        private static string Explain(MtaStsPolicy r) => string.Join("\n", r.Findings.Select(f => f.ToString()));

        [Fact]
        public async Task EnforcedPolicyWithMatchingMxAndTlsRptIsClean()
        {
            var r = await Check("enforce.sts.test");
            Assert.True(r.Status == MtaStsStatus.Valid, Explain(r));
            Assert.Equal(MtaStsMode.Enforce, r.Mode);
            Assert.Equal("20261207T000000", r.PolicyId);
            Assert.Equal(604800, r.MaxAge);
            Assert.Equal(new[] { "mx1.mail.test", "mx2.mail.test" }, r.MxPatterns);
            Assert.Equal(new[] { "mx1.mail.test", "mx2.mail.test" }, r.MxHosts.Select(h => h.Host));
            Assert.All(r.MxHosts, h => Assert.True(h.MatchesPolicy));
            Assert.All(r.MxHosts, h => Assert.Equal(MtaStsMxTlsResult.NotChecked, h.TlsResult));
            Assert.Equal(200, r.PolicyHttpStatus);
            Assert.Equal("text/plain", r.PolicyContentType);
            Assert.StartsWith("version: STSv1\n", r.PolicyText);
            Assert.True(r.PolicyCertificateNotAfter > DateTime.UtcNow);
            Assert.Equal(TlsRptStatus.Valid, r.TlsRptStatus);
            Assert.Equal("mailto:tlsrpt@enforce.sts.test", r.TlsRptUris);
            Assert.DoesNotContain(r.Findings, f => f.Severity != FindingSeverity.Information);
        }

        [Fact]
        public async Task ProbeMxConfirmsStartTlsAndCertificatesOfEveryMatchingHost()
        {
            var r = await Check("enforce.sts.test", Probe);
            Assert.True(r.Status == MtaStsStatus.Valid, Explain(r));
            Assert.All(r.MxHosts, h =>
            {
                Assert.Equal(MtaStsMxTlsResult.Passed, h.TlsResult);
                Assert.True(h.StartTls);
                Assert.True(h.CertificateValid);
                Assert.Contains(h.Host, h.CertificateNames);
                Assert.Equal("127.0.0.1", h.Address);
                Assert.StartsWith("Tls1", h.TlsProtocol);
            });
            Assert.Equal(0, r.ErrorCount);
        }

        [Fact]
        public async Task ProbeMxFindsTheCertificateNotValidForTheMxName()
        {
            var r = await Check("nocert-mx.sts.test", Probe);
            var host = Assert.Single(r.MxHosts);
            Assert.Equal("mx-nocert.mail.test", host.Host);
            Assert.Equal(MtaStsMxTlsResult.CertificateRejected, host.TlsResult);
            Assert.False(host.CertificateValid);
            Assert.True(host.StartTls);
            Assert.Contains("not valid for mx-nocert.mail.test", host.TlsError);
            Assert.Contains("MtaStsMxCertificateInvalid", Ids(r));
        }

        [Fact]
        public async Task ProbeMxOnAPortWithoutStartTlsIsRefusedAsAnEnforcingSenderWould()
        {
            var options = Probe;
            options.SmtpPort = IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT");
            var r = await Check("enforce.sts.test", options);
            Assert.All(r.MxHosts, h => Assert.Equal(MtaStsMxTlsResult.NoStartTls, h.TlsResult));
            Assert.Contains("MtaStsMxNoStartTls", Ids(r));
        }

        [Fact]
        public async Task ProbesOfAnMxHostSharedByDomainsRunOnce()
        {
            SmtpProberIntegrationTests.RequireTestCaTrust();
            var resolver = new AddressLookupCounter(Resolver());
            var checker = new MtaStsChecker(resolver, new HttpsFetcher(resolver), new SmtpConnectionProber(resolver), Probe);
            var a = await checker.CheckAsync("enforce.sts.test", CancellationToken.None);
            var b = await checker.CheckAsync("wildcard.sts.test", CancellationToken.None);
            Assert.Equal(new[] { MtaStsMxTlsResult.Passed, MtaStsMxTlsResult.Passed }, b.MxHosts.Select(h => h.TlsResult));
            Assert.Equal(a.MxHosts.Select(h => h.Address), b.MxHosts.Select(h => h.Address));
            // Each probe resolves its host before connecting: one probe per host means one A question per host.
            Assert.Equal(1, resolver.Count("mx1.mail.test"));
            Assert.Equal(1, resolver.Count("mx2.mail.test"));
        }

        /// <summary>Counts the A/AAAA questions asked per name (the probes' own lookups).</summary>
        private sealed class AddressLookupCounter : IDnsResolver
        {
            private readonly IDnsResolver _inner;
            private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();
            public AddressLookupCounter(IDnsResolver inner) { _inner = inner; }
            public int Count(string name) => _counts.TryGetValue(name, out var n) ? n : 0;
            public long QueriesSent => _inner.QueriesSent;
            public Task<DnsAnswer<DnsTxtRecord>> GetTxtAsync(string name, CancellationToken token) => _inner.GetTxtAsync(name, token);
            public Task<DnsAnswer<DnsMxRecord>> GetMxAsync(string name, CancellationToken token) => _inner.GetMxAsync(name, token);
            public Task<DnsAnswer<string>> GetPtrAsync(System.Net.IPAddress address, CancellationToken token) => _inner.GetPtrAsync(address, token);
            public Task<DnsAnswer<DnsTlsaRecord>> GetTlsaAsync(string name, CancellationToken token) => _inner.GetTlsaAsync(name, token);
            public Task<DnsAnswer<DnsSecurityFacts>> GetSecurityFactsAsync(string name, bool checkingDisabled, CancellationToken token) => _inner.GetSecurityFactsAsync(name, checkingDisabled, token);
            public Task<DnsAnswer<System.Net.IPAddress>> GetAddressesAsync(string name, System.Net.Sockets.AddressFamily family, CancellationToken token)
            {
                if (family == System.Net.Sockets.AddressFamily.InterNetwork) _counts.AddOrUpdate(name, 1, (_, n) => n + 1);
                return _inner.GetAddressesAsync(name, family, token);
            }
        }

        [Fact]
        public async Task WildcardPatternMatchesOneLabel()
        {
            var r = await Check("wildcard.sts.test");
            Assert.True(r.Status == MtaStsStatus.Valid, Explain(r));
            Assert.All(r.MxHosts, h => Assert.Equal("*.mail.test", h.MatchedPattern));
            Assert.Equal(new[] { "https://tlsrpt.sts.test/v1/report" }, r.TlsRpt.HttpsUris);
            Assert.Contains("MtaStsPolicyMaxAgeShort", Ids(r));
        }

        [Theory]
        [InlineData("testing.sts.test", MtaStsMode.Testing, "MtaStsModeTesting")]
        [InlineData("none.sts.test", MtaStsMode.None, "MtaStsModeNone")]
        public async Task ModesOtherThanEnforceAreSaid(string domain, MtaStsMode mode, string id)
        {
            var r = await Check(domain);
            Assert.Equal(MtaStsStatus.Valid, r.Status);
            Assert.Equal(mode, r.Mode);
            Assert.Contains(id, Ids(r));
        }

        [Fact]
        public async Task TestingModeReportsToMailAndHttps()
        {
            var r = await Check("testing.sts.test");
            Assert.Equal(new[] { "tlsrpt@testing.sts.test" }, r.TlsRpt.MailtoAddresses);
            Assert.Equal(new[] { "https://tlsrpt.sts.test/v1/report" }, r.TlsRpt.HttpsUris);
        }

        [Fact]
        public async Task MxOutsideThePatternsIsAnError()
        {
            var r = await Check("mx-mismatch.sts.test");
            var unmatched = Assert.Single(r.MxHosts, h => !h.MatchesPolicy);
            Assert.Equal("mx1.multi.mx.test", unmatched.Host);
            Assert.Equal("mx1.multi.mx.test", r.UnmatchedMxHosts);
            var f = Assert.Single(r.Findings, x => x.Id == "MtaStsMxNotMatched");
            Assert.Equal(FindingSeverity.Error, f.Severity);
            Assert.Contains("will not deliver to it", f.Message);
        }

        [Fact]
        public async Task EnforceWithoutTlsRptIsAWarning()
        {
            var r = await Check("no-tlsrpt.sts.test");
            Assert.Equal(MtaStsStatus.Valid, r.Status);
            Assert.Equal(TlsRptStatus.NotFound, r.TlsRptStatus);
            Assert.Contains("MtaStsWithoutTlsRpt", Ids(r));
            Assert.Contains("TlsRptNoRecord", Ids(r));
        }

        [Fact]
        public async Task MalformedPolicyIsInvalidWithEveryViolation()
        {
            var r = await Check("malformed.sts.test");
            Assert.Equal(MtaStsStatus.InvalidPolicy, r.Status);
            Assert.Null(r.Mode);
            foreach (var id in new[] { "MtaStsPolicyModeInvalid", "MtaStsPolicyMaxAgeInvalid", "MtaStsPolicySyntax", "MtaStsPolicyNoVersion" })
                Assert.Contains(id, Ids(r));
        }

        [Fact]
        public async Task MaxAgeOverAYearIsAWarning()
        {
            var r = await Check("maxage.sts.test");
            Assert.Equal(MtaStsStatus.Valid, r.Status);
            Assert.Equal(99999999, r.MaxAge);
            Assert.Contains("MtaStsPolicyMaxAgeTooLarge", Ids(r));
        }

        [Theory]
        [InlineData("oversized.sts.test", "MtaStsPolicyTooLarge", null, "more than the limit of 64 KB")]
        [InlineData("content-type.sts.test", "MtaStsPolicyContentType", 200, "text/html")]
        [InlineData("redirect.sts.test", "MtaStsPolicyRedirect", 301, "redirecting to https://mta-sts.enforce.sts.test/.well-known/mta-sts.txt")]
        [InlineData("notfound.sts.test", "MtaStsPolicyHttpStatus", 404, "404 Not Found")]
        [InlineData("expired-cert.sts.test", "MtaStsPolicyCertificateInvalid", null, "expired on 2024-02-01")]
        [InlineData("wrong-name.sts.test", "MtaStsPolicyCertificateInvalid", null, "not valid for mta-sts.wrong-name.sts.test")]
        [InlineData("no-host.sts.test", "MtaStsPolicyHostNotFound", null, "mta-sts.no-host.sts.test does not exist")]
        public async Task EveryFetchFailureIsAFindingWithTheReason(string domain, string id, int? status, string reason)
        {
            var r = await Check(domain);
            Assert.True(r.Status == MtaStsStatus.PolicyUnavailable, Explain(r));
            var f = Assert.Single(r.Findings, x => x.Id == id);
            Assert.Contains(reason, f.Message);
            Assert.Equal("RFC 8461 3.3", f.Reference);
            if (status.HasValue) Assert.Equal(status, r.PolicyHttpStatus);
            Assert.NotNull(r.PolicyFetchError);
            Assert.Empty(r.MxHosts);
        }

        [Fact]
        public async Task PolicyServedAsHtmlIsStillReadForItsOwnProblems()
        {
            var r = await Check("content-type.sts.test");
            Assert.Equal(MtaStsMode.Enforce, r.Mode);
            Assert.Equal("text/html", r.PolicyContentType);
        }

        [Fact]
        public async Task TwoRecordsMeanNoPolicy()
        {
            var r = await Check("two-records.sts.test");
            Assert.Equal(MtaStsStatus.InvalidRecord, r.Status);
            Assert.Equal(2, r.RecordCount);
            Assert.Contains("MtaStsMultipleRecords", Ids(r));
        }

        [Fact]
        public async Task BadIdMakesTheRecordInvalidButThePolicyIsStillShown()
        {
            var r = await Check("bad-txt.sts.test");
            Assert.Equal(MtaStsStatus.InvalidRecord, r.Status);
            Assert.Contains("MtaStsRecordIdInvalid", Ids(r));
            Assert.Equal(MtaStsMode.Enforce, r.Mode);
        }

        [Fact]
        public async Task OtherVersionIsIgnoredAndMeansNoPolicy()
        {
            var r = await Check("other-txt.sts.test");
            Assert.Equal(MtaStsStatus.NotFound, r.Status);
            Assert.Equal(new[] { "MtaStsRecordIgnored", "MtaStsNoRecord", "TlsRptNoRecord" }, Ids(r));
            Assert.Null(r.PolicyHttpStatus);
        }

        [Theory]
        [InlineData("no-sts.sts.test", TlsRptStatus.InvalidRecord, new[] { "TlsRptRuaUnsupported", "TlsRptNoUsableRua" })]
        [InlineData("tlsrpt-norua.sts.test", TlsRptStatus.InvalidRecord, new[] { "TlsRptNoRua" })]
        [InlineData("tlsrpt-two.sts.test", TlsRptStatus.InvalidRecord, new[] { "TlsRptMultipleRecords" })]
        public async Task TlsRptProblemsAreReported(string domain, TlsRptStatus status, string[] ids)
        {
            var r = await new TlsRptChecker(Resolver()).CheckAsync(domain, CancellationToken.None);
            Assert.Equal(status, r.Status);
            Assert.Equal(ids, r.Findings.Select(f => f.Id));
            var mtaSts = await Check(domain);
            Assert.Equal(MtaStsStatus.NotFound, mtaSts.Status);
            Assert.Equal(status, mtaSts.TlsRptStatus);
            Assert.All(ids, id => Assert.Contains(id, Ids(mtaSts)));
        }

        [Fact]
        public async Task NoFetchAsksDnsOnly()
        {
            var resolver = Resolver();
            var r = await Checker(new MtaStsOptions { FetchPolicy = false }, resolver).CheckAsync("enforce.sts.test", CancellationToken.None);
            Assert.Equal(MtaStsStatus.RecordOnly, r.Status);
            Assert.Equal("20261207T000000", r.PolicyId);
            Assert.Null(r.PolicyText);
            Assert.Null(r.Mode);
            Assert.Empty(r.MxHosts);
            Assert.Equal(TlsRptStatus.Valid, r.TlsRptStatus);
            Assert.Equal(2, resolver.QueriesSent);   // _mta-sts and _smtp._tls TXT, nothing else
        }

        [Fact]
        public async Task ServfailFromAValidatingResolverIsTempErrorNeverNotFound()
        {
            // grade-dnssec-bogus.test is signed with a key unbound does not trust: every answer through it is SERVFAIL.
            var resolver = Resolver("SMTPTOOLS_RESOLVER");
            var r = await Checker(null, resolver).CheckAsync("grade-dnssec-bogus.test", CancellationToken.None);
            Assert.Equal(MtaStsStatus.TempError, r.Status);
            Assert.Contains("MtaStsDnsTempError", Ids(r));
            Assert.Equal(TlsRptStatus.TempError, r.TlsRptStatus);
        }
    }
}
