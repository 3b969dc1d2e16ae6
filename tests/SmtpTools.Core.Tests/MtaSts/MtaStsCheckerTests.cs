using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Http;
using SmtpTools.Core.MtaSts;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.MtaSts
{
    /// <summary>The checker's decisions that need no server: DNS outcomes, what is (not) fetched, and the -ProbeMx verdicts.</summary>
    public sealed class MtaStsCheckerTests
    {
        private int _connects;

        private MtaStsChecker Checker(InMemoryDnsResolver dns, MtaStsOptions options = null) =>
            new MtaStsChecker(dns, new HttpsFetcher(dns, null, null, (a, p, t) => { Interlocked.Increment(ref _connects); throw new IOException("no network in unit tests"); }, () => DateTime.UtcNow), null, options);

        private static string[] Ids(MtaStsPolicy r) => r.Findings.Select(f => f.Id).ToArray();

        [Fact]
        public async Task TimeoutOfTheRecordQueryIsTempErrorNotNotFound()
        {
            var dns = new InMemoryDnsResolver().AddTimeout("_mta-sts.example.com").AddTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:r@example.com");
            var r = await Checker(dns).CheckAsync("example.com", CancellationToken.None);
            Assert.Equal(MtaStsStatus.TempError, r.Status);
            Assert.Equal(new[] { "MtaStsDnsTempError" }, Ids(r));
            Assert.Equal(TlsRptStatus.Valid, r.TlsRptStatus);
            Assert.Equal(0, _connects);
        }

        [Fact]
        public async Task NoRecordMeansNothingIsFetched()
        {
            var dns = new InMemoryDnsResolver().AddA("mta-sts.example.com", "192.0.2.1").AddMx("example.com", 10, "mx.example.com");
            var r = await Checker(dns).CheckAsync("Example.COM.", CancellationToken.None);
            Assert.Equal("example.com", r.Domain);
            Assert.Equal(MtaStsStatus.NotFound, r.Status);
            Assert.Equal(new[] { "MtaStsNoRecord", "TlsRptNoRecord" }, Ids(r));
            Assert.Equal(0, _connects);
            Assert.DoesNotContain("MX example.com", dns.Log);
        }

        [Fact]
        public async Task RecordSplitOverSeveralStringsIsJoined()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_mta-sts.example.com", "v=STSv1; ", "id=abc;");
            var r = await Checker(dns, new MtaStsOptions { FetchPolicy = false, CheckTlsRpt = false }).CheckAsync("example.com", CancellationToken.None);
            Assert.Equal(MtaStsStatus.RecordOnly, r.Status);
            Assert.Equal("abc", r.PolicyId);
            Assert.Null(r.TlsRpt);
            Assert.Equal(new[] { "TXT _mta-sts.example.com" }, dns.Log);
        }

        [Fact]
        public async Task UnreachablePolicyHostIsPolicyUnavailable()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_mta-sts.example.com", "v=STSv1; id=1").AddA("mta-sts.example.com", "192.0.2.1")
                .AddMx("example.com", 10, "mx.example.com");
            var r = await Checker(dns).CheckAsync("example.com", CancellationToken.None);
            Assert.Equal(MtaStsStatus.PolicyUnavailable, r.Status);
            Assert.Contains("MtaStsPolicyConnectFailed", Ids(r));
            Assert.Contains("no network in unit tests", r.PolicyFetchError);
            Assert.Equal(1, _connects);
        }

        [Fact]
        public async Task InvalidDomainIsAnErrorNotAResult()
        {
            var e = await Assert.ThrowsAsync<SmtpToolsException>(() => Checker(new InMemoryDnsResolver()).CheckAsync("not a domain", CancellationToken.None));
            Assert.Equal(ErrorIds.InvalidDomainName, e.ErrorId);
        }

        [Fact]
        public void ProbeMxNeedsAProber()
        {
            var dns = new InMemoryDnsResolver();
            Assert.Throws<ArgumentNullException>(() => new MtaStsChecker(dns, new HttpsFetcher(dns), null, new MtaStsOptions { ProbeMx = true }));
        }

        private static SmtpCertificateInfo Certificate(bool acceptable) => new SmtpCertificateInfo
        {
            Subject = "CN=mx.example.com", Issuer = "CN=CA", SubjectAlternativeNames = new[] { "DNS:mx.example.com", "IP:192.0.2.1" },
            NotBefore = DateTime.UtcNow.AddDays(-1), NotAfter = DateTime.UtcNow.AddDays(90), ChainIsValid = true, HostnameMatches = acceptable,
        };

        [Fact]
        public void ProbeVerdictsAreWhatAnEnforcingSenderConcludes()
        {
            var passed = MtaStsChecker.ProbeFacts("mx.example.com", 25, new SmtpConnectionResult { SupportsStartTls = true, IsEncrypted = true, TlsProtocol = "Tls13", Certificate = Certificate(true) });
            Assert.Equal(MtaStsMxTlsResult.Passed, passed.TlsResult);
            Assert.Equal(new[] { "mx.example.com" }, passed.CertificateNames);
            Assert.Equal("Tls13", passed.TlsProtocol);
            Assert.Null(passed.TlsError);

            var badName = MtaStsChecker.ProbeFacts("mx2.example.com", 25, new SmtpConnectionResult { SupportsStartTls = true, FailedPhase = SmtpPhase.StartTls, Error = "rejected", Certificate = Certificate(false) });
            Assert.Equal(MtaStsMxTlsResult.CertificateRejected, badName.TlsResult);
            Assert.Contains("not valid for mx2.example.com (it names mx.example.com)", badName.TlsError);

            var plain = MtaStsChecker.ProbeFacts("mx.example.com", 25, new SmtpConnectionResult { SupportsStartTls = false, FailedPhase = SmtpPhase.StartTls, Error = "The server does not offer STARTTLS" });
            Assert.Equal(MtaStsMxTlsResult.NoStartTls, plain.TlsResult);

            var handshake = MtaStsChecker.ProbeFacts("mx.example.com", 25, new SmtpConnectionResult { SupportsStartTls = true, FailedPhase = SmtpPhase.StartTls, Error = "handshake failed" });
            Assert.Equal(MtaStsMxTlsResult.TlsFailed, handshake.TlsResult);
            Assert.Equal("handshake failed", handshake.TlsError);

            var down = MtaStsChecker.ProbeFacts("mx.example.com", 25, new SmtpConnectionResult { FailedPhase = SmtpPhase.Connect, Error = "Connection refused." });
            Assert.Equal(MtaStsMxTlsResult.Unreachable, down.TlsResult);
            Assert.Null(down.StartTls);
        }
    }
}
