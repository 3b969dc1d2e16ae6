using System;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Http;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Tests.Smtp;
using SmtpTools.Core.Tests.Support;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Http
{
    /// <summary>
    /// The fetcher against the test nginx (tests/Integration/README.md, "Test-MtaStsPolicy and TLS-RPT"): names resolved
    /// through the test Knot only (the HTTPS address of this work tree is unknown to the operating system's resolver), the
    /// certificate checked against the test CA (SSL_CERT_FILE), and every way a policy fetch can fail.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class HttpsFetcherIntegrationTests
    {
        private const long PolicyLimit = 64 * 1024;

        private static DnsResolver Knot() => TestServerResolver.For();

        private static Task<HttpsResponse> Policy(string domain, HttpsFetcher fetcher = null)
        {
            SmtpProberIntegrationTests.RequireTestCaTrust();
            return (fetcher ?? new HttpsFetcher(Knot())).GetAsync(new Uri($"https://mta-sts.{domain}/.well-known/mta-sts.txt"), PolicyLimit, "text/plain", CancellationToken.None);
        }

        private static string Committed(string domain) => File.ReadAllText(Path.Combine(IntegrationServers.RepoRoot, "tests", "Integration", "https", "mta-sts", domain + ".txt"));

        [Fact]
        public async Task PolicyIsFetchedFromTheAddressTheModulesDnsGives()
        {
            var r = await Policy("enforce.sts.test");
            Assert.True(r.IsSuccess, r.Error);
            Assert.Equal(IntegrationServers.Get("SMTPTOOLS_HTTPS_ADDRESS"), r.Address.ToString());
            Assert.Equal("text/plain", r.MediaType);
            Assert.Equal(Committed("enforce.sts.test"), Encoding.UTF8.GetString(r.Body));
            Assert.True(r.Certificate.IsAcceptable());
            Assert.StartsWith("Tls1", r.TlsProtocol);
        }

        [Fact]
        public async Task RedirectIsNotFollowed()
        {
            var r = await Policy("redirect.sts.test");
            Assert.Equal(HttpsFetchFailure.Redirect, r.Failure);
            Assert.Equal(301, r.StatusCode);
            Assert.Equal("https://mta-sts.enforce.sts.test/.well-known/mta-sts.txt", r.Location);
        }

        [Fact]
        public async Task MissingPolicyIsTheStatus()
        {
            var r = await Policy("notfound.sts.test");
            Assert.Equal(HttpsFetchFailure.HttpStatus, r.Failure);
            Assert.Equal(404, r.StatusCode);
        }

        [Fact]
        public async Task ServerErrorIsTheStatus()
        {
            var r = await Policy("servererror.sts.test");
            Assert.Equal(HttpsFetchFailure.HttpStatus, r.Failure);
            Assert.Equal(500, r.StatusCode);
            Assert.Null(r.Body);
        }

        [Fact]
        public async Task MoreHeaderFieldsThanTheLimitIsAProtocolFailure()
        {
            var r = await Policy("manyheaders.sts.test");
            Assert.Equal(HttpsFetchFailure.Protocol, r.Failure);
            Assert.Contains("100 fields", r.Error);
            Assert.Null(r.Body);
        }

        [Fact]
        public async Task OversizedPolicyIsRefusedAtTheLimit()
        {
            var r = await Policy("oversized.sts.test");
            Assert.Equal(HttpsFetchFailure.TooLarge, r.Failure);
            Assert.Null(r.Body);
            Assert.Contains("more than the limit of 64 KB", r.Error);
        }

        [Fact]
        public async Task WrongContentTypeIsReportedNotJudged()
        {
            var r = await Policy("content-type.sts.test");
            Assert.True(r.IsSuccess, r.Error);
            Assert.Equal("text/html", r.MediaType);
        }

        [Fact]
        public async Task ExpiredCertificateIsRefusedWithTheDate()
        {
            var r = await Policy("expired-cert.sts.test");
            Assert.Equal(HttpsFetchFailure.Certificate, r.Failure);
            Assert.Contains("expired on 2024-02-01", r.Error);
            Assert.DoesNotContain("not valid for", r.Error);
            Assert.Null(r.Body);
        }

        [Fact]
        public async Task CertificateForAnotherNameIsRefusedWithTheNamesItHas()
        {
            var r = await Policy("wrong-name.sts.test");
            Assert.Equal(HttpsFetchFailure.Certificate, r.Failure);
            Assert.Contains("not valid for mta-sts.wrong-name.sts.test (it names mta-sts.other-name.sts.test)", r.Error);
        }

        [Fact]
        public async Task MissingPolicyHostIsHostNotFound()
        {
            var r = await Policy("no-host.sts.test");
            Assert.Equal(HttpsFetchFailure.HostNotFound, r.Failure);
            Assert.Equal("mta-sts.no-host.sts.test does not exist (NXDOMAIN)", r.Error);
            Assert.Null(r.Address);
        }

        [Fact]
        public async Task SameUrlIsFetchedOncePerFetcher()
        {
            var resolver = Knot();
            var fetcher = new HttpsFetcher(resolver);
            var first = await Policy("wildcard.sts.test", fetcher);
            long queries = resolver.QueriesSent;
            var second = await Policy("wildcard.sts.test", fetcher);
            Assert.Same(first, second);
            Assert.Equal(queries, resolver.QueriesSent);
        }

        [Fact]
        public async Task SilentServerTimesOut()
        {
            var fetcher = new HttpsFetcher(Knot(), new HttpsFetcherOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
            var url = new Uri($"https://{IntegrationServers.Get("SMTPTOOLS_SMTP_HOST")}:{IntegrationServers.GetInt("SMTPTOOLS_SMTP_SILENT_PORT")}/");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var r = await fetcher.GetAsync(url, 1024, null, CancellationToken.None);
            Assert.Equal(HttpsFetchFailure.Timeout, r.Failure);
            Assert.Equal("no answer within 1 s", r.Error);
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 5);
        }

        [Fact]
        public async Task TlsServerThatDoesNotSpeakHttpIsAProtocolError()
        {
            // Postfix's implicit-TLS port: the certificate is valid for 127.0.0.1, and the answer to GET is an SMTP banner.
            var url = new Uri($"https://127.0.0.1:{IntegrationServers.GetInt("SMTPTOOLS_SMTP_IMPLICIT_TLS_PORT")}/.well-known/mta-sts.txt");
            SmtpProberIntegrationTests.RequireTestCaTrust();
            var r = await new HttpsFetcher(Knot()).GetAsync(url, 1024, "text/plain", CancellationToken.None);
            Assert.Equal(HttpsFetchFailure.Protocol, r.Failure);
            Assert.StartsWith("the answer is not valid HTTP", r.Error);
            Assert.NotNull(r.TlsProtocol);
            Assert.Null(r.Body);
        }

        [Fact]
        public async Task ServerThatDoesNotSpeakTlsIsTlsFailed()
        {
            var url = new Uri($"https://127.0.0.1:{IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT")}/");
            var r = await new HttpsFetcher(Knot()).GetAsync(url, 1024, null, CancellationToken.None);
            Assert.Equal(HttpsFetchFailure.TlsFailed, r.Failure);
            Assert.Null(r.Certificate);
        }

        [Fact]
        public async Task ClosedPortIsConnectFailed()
        {
            var url = new Uri($"https://{IntegrationServers.Get("SMTPTOOLS_SMTP_HOST")}:{IntegrationServers.GetInt("SMTPTOOLS_SMTP_CLOSED_PORT")}/");
            var r = await new HttpsFetcher(Knot()).GetAsync(url, 1024, null, CancellationToken.None);
            Assert.Equal(HttpsFetchFailure.ConnectFailed, r.Failure);
            Assert.Contains("ConnectionRefused", r.Error);
        }

        [Fact]
        public async Task CallerCancellationStopsASilentFetchPromptly()
        {
            var fetcher = new HttpsFetcher(Knot(), new HttpsFetcherOptions { IdleTimeout = TimeSpan.FromSeconds(30) });
            var url = new Uri($"https://{IntegrationServers.Get("SMTPTOOLS_SMTP_HOST")}:{IntegrationServers.GetInt("SMTPTOOLS_SMTP_SILENT_PORT")}/");
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.GetAsync(url, 1024, null, cts.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "took " + clock.Elapsed);
        }
    }

    /// <summary>The fetcher's decisions that need no server.</summary>
    public sealed class HttpsFetcherTests
    {
        [Fact]
        public async Task DnsFailureOfThePolicyHostIsATemporaryErrorNotAMissingHost()
        {
            var dns = new InMemoryDnsResolver().AddTimeout("mta-sts.example.com");
            var r = await new HttpsFetcher(dns).GetAsync(new Uri("https://mta-sts.example.com/.well-known/mta-sts.txt"), 1024, null, CancellationToken.None);
            Assert.Equal(HttpsFetchFailure.DnsTempError, r.Failure);
            Assert.Contains("Timeout", r.Error);
        }

        [Fact]
        public async Task HostWithoutAddressIsHostNotFound()
        {
            var dns = new InMemoryDnsResolver().AddName("mta-sts.example.com");
            var r = await new HttpsFetcher(dns).GetAsync(new Uri("https://mta-sts.example.com/x"), 1024, null, CancellationToken.None);
            Assert.Equal(HttpsFetchFailure.HostNotFound, r.Failure);
            Assert.Equal("mta-sts.example.com has no A or AAAA record", r.Error);
        }

        [Fact]
        public async Task PlainHttpIsNeverFetched()
        {
            int connects = 0;
            var fetcher = new HttpsFetcher(new InMemoryDnsResolver().AddA("images.example.com", "192.0.2.1"), null, null,
                (a, p, t) => { connects++; return Task.FromResult<Stream>(new MemoryStream()); }, () => DateTime.UtcNow);
            var r = await fetcher.GetAsync(new Uri("http://images.example.com/logo.svg"), 1024, null, CancellationToken.None);
            Assert.Equal(HttpsFetchFailure.Protocol, r.Failure);
            Assert.Equal(0, connects);
        }

        [Fact]
        public async Task EveryAddressIsTriedBeforeGivingUp()
        {
            var dns = new InMemoryDnsResolver().AddA("h.example.com", "192.0.2.1").AddA("h.example.com", "192.0.2.2");
            var tried = new System.Collections.Generic.List<string>();
            var fetcher = new HttpsFetcher(dns, new HttpsFetcherOptions { CacheSize = 0 }, null,
                (a, p, t) => { tried.Add(a + ":" + p); throw new IOException("refused"); }, () => DateTime.UtcNow);
            var r = await fetcher.GetAsync(new Uri("https://h.example.com/"), 1024, null, CancellationToken.None);
            Assert.Equal(new[] { "192.0.2.1:443", "192.0.2.2:443" }, tried);
            Assert.Equal(HttpsFetchFailure.ConnectFailed, r.Failure);
            Assert.Contains("192.0.2.1: refused; 192.0.2.2: refused", r.Error);
        }

        [Fact]
        public void CertificateProblemNamesEveryReason()
        {
            var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var facts = new SmtpCertificateInfo
            {
                Subject = "CN=mta-sts.other.example", Issuer = "CN=Test CA",
                SubjectAlternativeNames = new[] { "DNS:mta-sts.other.example", "IP:192.0.2.1" },
                NotBefore = now.AddDays(-60), NotAfter = now.AddDays(-30),
                HostnameMatches = false, ChainIsValid = false,
                ChainErrors = new[] { "NotTimeValid: expired", "UntrustedRoot: self-signed" },
            };
            var text = HttpsFetcher.CertificateProblem(facts, "mta-sts.example.com", now);
            Assert.Equal("it is not valid for mta-sts.example.com (it names mta-sts.other.example); it expired on 2025-12-02 00:00 UTC; "
                + "it does not chain to a trusted root (UntrustedRoot: self-signed) [subject CN=mta-sts.other.example, issuer CN=Test CA]", text);
        }
    }
}
