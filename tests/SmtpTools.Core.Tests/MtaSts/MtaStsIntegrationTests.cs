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

        [Fact]
        public async Task WildcardDoesNotMatchADeeperNameNorTheParent()
        {
            var r = await Check("wildcard-depth.sts.test");
            Assert.Equal(new[] { "*.mail.test", null, null }, r.MxHosts.Select(h => h.MatchedPattern));
            Assert.Equal("deep.mx1.mail.test;mail.test", r.UnmatchedMxHosts);
            Assert.Equal(2, r.Findings.Single(f => f.Id == "MtaStsMxNotMatched").Count);
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
        [InlineData("servererror.sts.test", "MtaStsPolicyHttpStatus", 500, "500 Internal Server Error")]
        [InlineData("manyheaders.sts.test", "MtaStsPolicyHttpError", null, "the headers exceed 64 KB or 100 fields")]
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
        public async Task ARedirectToAValidPolicyIsNotFollowed()
        {
            // nginx answers 301 to enforce.sts.test's policy, which is valid: following it would give mode enforce.
            var r = await Check("redirect.sts.test");
            Assert.Equal(MtaStsStatus.PolicyUnavailable, r.Status);
            Assert.Null(r.Mode);
            Assert.Null(r.PolicyText);
            Assert.Empty(r.MxPatterns);
        }

        [Fact]
        public async Task AnAnswerWithMoreHeaderFieldsThanAllowedIsAnHttpErrorNotAPolicy()
        {
            // The body behind the 120 extra fields is enforce.sts.test's valid policy; it must not be read.
            var r = await Check("manyheaders.sts.test");
            Assert.Equal(MtaStsStatus.PolicyUnavailable, r.Status);
            Assert.Null(r.Mode);
            Assert.Null(r.PolicyText);
            Assert.Single(r.Findings, f => f.Is(FindingCatalog.MtaStsPolicyHttpError));
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

        // ---- the record (RFC 8461 3.1) ----

        [Fact]
        public async Task RecordWithoutIdIsInvalidWithEveryProblemNamed()
        {
            var r = await Check("record-noid.sts.test", new MtaStsOptions { FetchPolicy = false });
            Assert.Equal(MtaStsStatus.InvalidRecord, r.Status);
            Assert.Null(r.PolicyId);
            Assert.Contains("empty field", r.Findings.Single(f => f.Id == "MtaStsRecordSyntax").Message);
            Assert.Contains("x-note=", r.Findings.Single(f => f.Id == "MtaStsRecordUnknownField").Message);
            Assert.Equal(FindingSeverity.Error, r.Findings.Single(f => f.Id == "MtaStsRecordNoId").Severity);
        }

        [Fact]
        public async Task RepeatedIdCountsOnceAndAnotherVersionBesideIsIgnored()
        {
            var r = await Check("record-dupid.sts.test", new MtaStsOptions { FetchPolicy = false });
            Assert.True(r.Status == MtaStsStatus.RecordOnly, Explain(r));
            Assert.Equal(1, r.RecordCount);
            Assert.Equal("a1", r.PolicyId);
            Assert.Contains("id=", r.Findings.Single(f => f.Id == "MtaStsRecordDuplicateField").Message);
            Assert.Contains("v=STSv2; id=b1;", r.Findings.Single(f => f.Id == "MtaStsRecordIgnored").Message);
        }

        // ---- the policy (RFC 8461 3.2), served by nginx ----

        [Fact]
        public async Task EveryGrammarViolationOfAServedPolicyIsAFinding()
        {
            var r = await Check("policy-grammar.sts.test");
            Assert.True(r.Status == MtaStsStatus.InvalidPolicy, Explain(r));
            Assert.Equal(MtaStsMode.Enforce, r.Mode);          // the first mode line counts
            Assert.Equal(86400, r.MaxAge);
            Assert.Equal(new[] { "mail.*.mail.test", "mx1.mail.test", "mx9.mail.test" }, r.MxPatterns);
            foreach (var id in new[] { "MtaStsPolicyVersionInvalid", "MtaStsPolicyDuplicateField", "MtaStsPolicyEmptyLine", "MtaStsPolicyMxInvalid",
                                       "MtaStsPolicyUnknownField", "MtaStsPolicyMaxAgeShort", "MtaStsMxPatternUnused" })
                Assert.True(Ids(r).Contains(id), id + " missing:\n" + Explain(r));
            Assert.Contains("mode: testing", r.PolicyText);
            Assert.Contains("Line 3", r.Findings.Single(f => f.Id == "MtaStsPolicyDuplicateField").Message);
            Assert.Contains("mx9.mail.test", r.Findings.Single(f => f.Id == "MtaStsMxPatternUnused").Message);
            // the invalid pattern is skipped, the valid one still matches the MX host
            Assert.Equal("mx1.mail.test", Assert.Single(r.MxHosts).MatchedPattern);
        }

        [Fact]
        public async Task TestingModeWithoutMxOrMaxAgeIsInvalid()
        {
            var r = await Check("policy-nomx.sts.test");
            Assert.Equal(MtaStsStatus.InvalidPolicy, r.Status);
            Assert.Equal(MtaStsMode.Testing, r.Mode);
            Assert.Null(r.MaxAge);
            Assert.Contains("MtaStsPolicyNoMx", Ids(r));
            Assert.Contains("MtaStsPolicyNoMaxAge", Ids(r));
        }

        [Fact]
        public async Task PolicyWithoutModeIsInvalid()
        {
            var r = await Check("policy-nomode.sts.test");
            Assert.Equal(MtaStsStatus.InvalidPolicy, r.Status);
            Assert.Null(r.Mode);
            Assert.Contains("MtaStsPolicyNoMode", Ids(r));
        }

        [Fact]
        public async Task NullMxLeavesThePolicyNothingToProtect()
        {
            var r = await Check("nullmx.sts.test");
            Assert.Equal(MtaStsMode.Enforce, r.Mode);
            Assert.Empty(r.MxHosts);
            Assert.Contains("null MX", r.Findings.Single(f => f.Id == "MtaStsNoMx").Message);
        }

        // ---- fetching (RFC 8461 3.3) ----

        [Fact]
        public async Task PolicyHostWithoutServerIsAConnectFailure()
        {
            var r = await Check("noserver.sts.test");
            Assert.Equal(MtaStsStatus.PolicyUnavailable, r.Status);
            var f = r.Findings.Single(x => x.Id == "MtaStsPolicyConnectFailed");
            Assert.Contains("127.254.0.1", f.Message);
            Assert.Null(r.PolicyHttpStatus);
        }

        [Fact]
        public async Task PolicyCertificateExpiringSoonIsAWarningOnly()
        {
            var r = await Check("expiring-cert.sts.test");
            Assert.True(r.Status == MtaStsStatus.Valid, Explain(r));
            Assert.True(r.PolicyCertificateNotAfter < DateTime.UtcNow.AddDays(8));
            var f = r.Findings.Single(x => x.Id == "MtaStsPolicyCertificateExpiring");
            Assert.Equal(FindingSeverity.Warning, f.Severity);
            Assert.Contains("day(s)", f.Message);
        }

        [Fact]
        public async Task PolicyHostServfailIsTempError()
        {
            // servfail.sts.test: _mta-sts answers; mta-sts.servfail and _smtp._tls.servfail lead into a bogus zone.
            var r = await Checker(null, Resolver("SMTPTOOLS_RESOLVER")).CheckAsync("servfail.sts.test", CancellationToken.None);
            Assert.Equal(MtaStsStatus.TempError, r.Status);
            Assert.Equal("sf1", r.PolicyId);
            Assert.Contains("cannot be resolved now", r.Findings.Single(f => f.Id == "MtaStsDnsTempError").Message);
            Assert.Equal(TlsRptStatus.TempError, r.TlsRptStatus);
            Assert.Contains("TlsRptDnsTempError", Ids(r));
            Assert.DoesNotContain("MtaStsWithoutTlsRpt", Ids(r));
        }

        [Theory]
        [InlineData("SMTPTOOLS_SMTP_SILENT_PORT", "MtaStsPolicyTimeout", "no answer within 1 s")]
        [InlineData("SMTPTOOLS_SMTP_PLAIN_PORT", "MtaStsPolicyTlsFailed", "the TLS handshake failed")]
        public async Task PolicyHostThatIsNoHttpsServerIsAFindingWithTheReason(string portKey, string id, string reason)
        {
            // RFC 8461 fixes port 443, which the test nginx holds: the fetch of enforce.sts.test's policy (resolved through
            // Knot as always) is diverted to a test server that accepts and stays silent, or that speaks SMTP instead of TLS.
            int port = IntegrationServers.GetInt(portKey);
            var resolver = Resolver();
            var fetcher = new HttpsFetcher(resolver, new HttpsFetcherOptions { IdleTimeout = TimeSpan.FromSeconds(1) }, null, async (address, requested, token) =>
            {
                Assert.Equal(443, requested);
                var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, token);
                return new System.Net.Sockets.NetworkStream(client.Client, ownsSocket: true);
            }, () => DateTime.UtcNow);
            var r = await new MtaStsChecker(resolver, fetcher, null).CheckAsync("enforce.sts.test", CancellationToken.None);
            Assert.True(r.Status == MtaStsStatus.PolicyUnavailable, Explain(r));
            Assert.Contains(reason, r.Findings.Single(f => f.Id == id).Message);
            Assert.Contains(reason, r.PolicyFetchError);
            Assert.Null(r.Mode);
        }

        // ---- -ProbeMx ----

        [Fact]
        public async Task ProbeOfAPortNobodyListensOnIsUnreachableNotAPass()
        {
            var options = Probe;
            options.SmtpPort = ClosedPort();
            var r = await Check("enforce.sts.test", options);
            Assert.All(r.MxHosts, h =>
            {
                Assert.Equal(MtaStsMxTlsResult.Unreachable, h.TlsResult);
                Assert.Null(h.CertificateValid);
            });
            Assert.Contains($"port {options.SmtpPort}", r.Findings.Single(f => f.Id == "MtaStsMxUnreachable").Message);
        }

        [Fact]
        public async Task ProbeOfABrokenStartTlsIsTlsFailed()
        {
            // The broken-STARTTLS listener offers and accepts STARTTLS, then answers the ClientHello with plain text.
            var options = Probe;
            options.SmtpPort = IntegrationServers.GetInt("SMTPTOOLS_SMTP_BROKEN_TLS_PORT");
            var r = await Check("nocert-mx.sts.test", options);
            var host = Assert.Single(r.MxHosts);
            Assert.Equal(MtaStsMxTlsResult.TlsFailed, host.TlsResult);
            Assert.True(host.StartTls);
            Assert.Null(host.CertificateValid);
            Assert.NotNull(host.TlsError);
            Assert.Contains("TLS handshake after STARTTLS failed", r.Findings.Single(f => f.Id == "MtaStsMxTlsFailed").Message);
        }

        private static int ClosedPort()
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        // ---- TLS-RPT (RFC 8460 3) ----

        [Fact]
        public async Task TlsRptGrammarProblemsAreEachAFinding()
        {
            var r = await new TlsRptChecker(Resolver()).CheckAsync("tlsrpt-syntax.sts.test", CancellationToken.None);
            foreach (var id in new[] { "TlsRptRecordIgnored", "TlsRptDuplicateField", "TlsRptUnknownField", "TlsRptRecordSyntax", "TlsRptRuaInvalid" })
                Assert.True(r.Findings.Any(f => f.Id == id), id + " missing:\n" + string.Join("\n", r.Findings.Select(f => f.ToString())));
            Assert.Contains("v=TLSRPTv2", r.Findings.Single(f => f.Id == "TlsRptRecordIgnored").Message);
            // the usable destination of the first rua= still counts
            Assert.Contains("tlsrpt@tlsrpt-syntax.sts.test", r.MailtoAddresses);
            Assert.DoesNotContain("again@tlsrpt-syntax.sts.test", r.MailtoAddresses);
        }
    }
}
