using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Smtp;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>
    /// The prober against the loopback Postfix of tests/Integration (ports from servers.env). TLS trust of the test CA
    /// comes from SSL_CERT_FILE=$SMTPTOOLS_CA_BUNDLE, which tests/run-tests.sh exports.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class SmtpProberIntegrationTests
    {
        private static string Host => IntegrationServers.Get("SMTPTOOLS_SMTP_HOST");
        private static int Port(string key) => IntegrationServers.GetInt(key);
        private static NetworkCredential Alice => new NetworkCredential(IntegrationServers.Get("SMTPTOOLS_USER_ALICE"), IntegrationServers.Get("SMTPTOOLS_PASSWORD_ALICE"));

        private static SmtpConnectionProber NewProber() =>
            new SmtpConnectionProber(new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get("SMTPTOOLS_DNS") }), Timeout = TimeSpan.FromSeconds(5) }));

        private static Task<SmtpConnectionResult> Probe(int port, SmtpProbeOptions options = null, string host = null)
        {
            RequireTestCaTrust();
            return NewProber().ProbeAsync(new SmtpProbeTarget(host ?? Host, port), options ?? new SmtpProbeOptions { Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None);
        }

        internal static void RequireTestCaTrust()
        {
            var bundle = Environment.GetEnvironmentVariable("SSL_CERT_FILE");
            Assert.True(bundle == IntegrationServers.Get("SMTPTOOLS_CA_BUNDLE"),
                "Set SSL_CERT_FILE to servers.env's SMTPTOOLS_CA_BUNDLE before running the tests (tests/run-tests.sh does): .NET reads it at start-up to trust the test CA.");
        }

        private static string[] Ids(SmtpConnectionResult r) => r.Findings.Select(f => f.Id).ToArray();

        [Fact]
        public async Task SubmissionPortStartTlsOffersAuthOnlyAfterTls()
        {
            var r = await Probe(Port("SMTPTOOLS_SMTP_SUBMISSION_PORT"));
            Assert.True(r.FailedPhase == SmtpPhase.None, r.FailedPhase + ": " + r.Error);
            // start-servers.sh issues the server certificate for a year, so nothing here deserves a warning.
            Assert.True(r.Certificate.DaysUntilExpiry > SmtpProbeRules.ExpiryWarningDays, "test certificate expires in " + r.Certificate.DaysUntilExpiry + " days");
            Assert.DoesNotContain("SmtpCertificateExpiringSoon", Ids(r));
            Assert.Equal(SmtpConnectionStatus.Pass, r.Status);
            Assert.All(r.Findings, f => Assert.NotEqual(FindingSeverity.Error, f.Severity));
            Assert.StartsWith("220 ", r.Banner);
            Assert.True(r.SupportsStartTls);
            Assert.False(r.ImplicitTls);
            Assert.True(r.IsEncrypted);
            Assert.StartsWith("Tls1", r.TlsProtocol);
            Assert.False(string.IsNullOrEmpty(r.CipherSuite));
            Assert.Empty(r.AuthMechanismsBeforeTls);
            Assert.Contains("PLAIN", r.AuthMechanismsAfterTls);
            Assert.Contains("STARTTLS", r.CapabilitiesBeforeTls);
            Assert.DoesNotContain("STARTTLS", r.Capabilities);
            Assert.Contains(r.Capabilities, k => k.StartsWith("AUTH ", StringComparison.Ordinal));
            Assert.True(r.MaxMessageSize > 0);
            Assert.Equal(IPAddress.Parse(Host).ToString(), r.IPAddress);
            var c = r.Certificate;
            Assert.NotNull(c);
            Assert.Contains("mail.smtptools.test", c.Subject);
            Assert.Contains("DNS:mail.smtptools.test", c.SubjectAlternativeNames);
            Assert.Contains("IP:127.0.0.1", c.SubjectAlternativeNames);
            Assert.True(c.ChainIsValid, string.Join("; ", c.ChainErrors));
            Assert.True(c.HostnameMatches);
            Assert.False(c.IsSelfSigned);
            Assert.Matches("^[0-9A-F]{40}$", c.Thumbprint);
            Assert.Equal((int)Math.Floor((c.NotAfter - DateTime.UtcNow).TotalDays), c.DaysUntilExpiry);
            Assert.True(c.NotBefore < DateTime.UtcNow && c.NotAfter > DateTime.UtcNow);
            Assert.True(r.Timings.Connect > 0 && r.Timings.Banner > 0 && r.Timings.Ehlo > 0 && r.Timings.StartTls > 0);
            Assert.True(r.Timings.Total >= r.Timings.Connect + r.Timings.Banner + r.Timings.Ehlo + r.Timings.StartTls);
            Assert.Contains(r.Transcript, l => l == "C: STARTTLS");
        }

        [Fact]
        public async Task TheCertificatesTheServerPresentedAreKeptAsSentForDane()
        {
            // start-servers.sh has Postfix present its certificate followed by the test CA (as DANE-TA needs).
            var r = await Probe(Port("SMTPTOOLS_SMTP_SUBMISSION_PORT"));
            Assert.True(r.FailedPhase == SmtpPhase.None, r.FailedPhase + ": " + r.Error);
            using var leaf = new System.Security.Cryptography.X509Certificates.X509Certificate2(IntegrationServers.Get("SMTPTOOLS_SMTP_CERT"));
            using var ca = new System.Security.Cryptography.X509Certificates.X509Certificate2(IntegrationServers.Get("SMTPTOOLS_CA_CERT"));
            Assert.Equal(new[] { leaf.RawData, ca.RawData }, r.Certificate.PresentedChain);
            Assert.Equal(r.Certificate.Thumbprint, leaf.Thumbprint);

            // A server that sends only its (self-signed) certificate: nothing else is presented, whatever the platform built.
            var untrusted = await Probe(Port("SMTPTOOLS_SMTP_UNTRUSTED_PORT"), new SmtpProbeOptions { SkipCertificateCheck = true, Timeout = TimeSpan.FromSeconds(10) });
            var only = Assert.Single(untrusted.Certificate.PresentedChain);
            Assert.Equal(untrusted.Certificate.Sha256Fingerprint, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(only)));
        }

        [Fact]
        public async Task ImplicitTlsPort()
        {
            var r = await Probe(Port("SMTPTOOLS_SMTP_IMPLICIT_TLS_PORT"), new SmtpProbeOptions { Security = SmtpSecurity.SslOnConnect, Timeout = TimeSpan.FromSeconds(10) });
            Assert.True(r.FailedPhase == SmtpPhase.None, r.FailedPhase + ": " + r.Error);
            Assert.True(r.ImplicitTls);
            Assert.True(r.IsEncrypted);
            Assert.Null(r.SupportsStartTls);
            Assert.Null(r.AuthMechanismsBeforeTls);
            Assert.Contains("PLAIN", r.AuthMechanismsAfterTls);
            Assert.StartsWith("220 ", r.Banner);
            Assert.True(r.Certificate.ChainIsValid);
            Assert.True(r.Timings.StartTls > 0);
            Assert.DoesNotContain(r.Transcript, l => l == "C: STARTTLS");
        }

        [Fact]
        public async Task PlainPortWithoutStartTlsIsAFinding()
        {
            var r = await Probe(Port("SMTPTOOLS_SMTP_PLAIN_PORT"));
            Assert.True(r.FailedPhase == SmtpPhase.None, r.FailedPhase + ": " + r.Error);
            Assert.False(r.SupportsStartTls);
            Assert.False(r.IsEncrypted);
            Assert.Null(r.Certificate);
            Assert.Contains("SmtpStartTlsNotOffered", Ids(r));
            Assert.Equal(SmtpConnectionStatus.Warning, r.Status);

            var required = await Probe(Port("SMTPTOOLS_SMTP_PLAIN_PORT"), new SmtpProbeOptions { Security = SmtpSecurity.StartTls, Timeout = TimeSpan.FromSeconds(10) });
            Assert.Equal(SmtpPhase.StartTls, required.FailedPhase);
            Assert.Equal(SmtpConnectionStatus.Fail, required.Status);
            Assert.Contains("does not offer STARTTLS", required.Error);
            Assert.Contains("SmtpStartTlsNotOffered", Ids(required));
        }

        [Fact]
        public async Task CorrectAndWrongCredentials()
        {
            var ok = await Probe(Port("SMTPTOOLS_SMTP_SUBMISSION_PORT"), new SmtpProbeOptions { Credential = Alice, Timeout = TimeSpan.FromSeconds(10) });
            Assert.True(ok.FailedPhase == SmtpPhase.None, ok.FailedPhase + ": " + ok.Error);
            Assert.True(ok.Authenticated);
            Assert.NotNull(ok.AuthMechanism);
            Assert.True(ok.Timings.Authenticate > 0);

            var wrong = await Probe(Port("SMTPTOOLS_SMTP_SUBMISSION_PORT"), new SmtpProbeOptions { Credential = new NetworkCredential(Alice.UserName, "not-the-password"), Timeout = TimeSpan.FromSeconds(10) });
            Assert.Equal(SmtpPhase.Authenticate, wrong.FailedPhase);
            Assert.Equal(SmtpConnectionStatus.Fail, wrong.Status);
            Assert.False(wrong.Authenticated);
            Assert.Equal(535, wrong.ReplyCode);
            Assert.StartsWith("535", wrong.Error);
            Assert.DoesNotContain("not-the-password", string.Join("\n", wrong.Transcript));
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("\0" + Alice.UserName + "\0not-the-password")), string.Join("\n", wrong.Transcript));
            Assert.DoesNotContain(Alice.Password, string.Join("\n", ok.Transcript));
        }

        [Fact]
        public async Task SecurityNoneStaysInPlainTextAndHeloNameIsUsed()
        {
            var r = await Probe(Port("SMTPTOOLS_SMTP_SUBMISSION_PORT"), new SmtpProbeOptions { Security = SmtpSecurity.None, HeloName = "probe.smtpconn.test", Timeout = TimeSpan.FromSeconds(10) });
            Assert.Equal(SmtpPhase.None, r.FailedPhase);
            Assert.False(r.IsEncrypted);
            Assert.True(r.SupportsStartTls);
            Assert.Null(r.Certificate);
            Assert.Null(r.AuthMechanismsAfterTls);
            Assert.Empty(r.AuthMechanismsBeforeTls);
            Assert.DoesNotContain("SmtpStartTlsNotOffered", Ids(r));
            Assert.Equal("C: EHLO probe.smtpconn.test", r.Transcript[1]);
            Assert.Equal(0, r.Timings.StartTls);

            // Credentials over that plain connection: AUTH is not offered before TLS, so the phase fails without sending anything.
            var auth = await Probe(Port("SMTPTOOLS_SMTP_SUBMISSION_PORT"), new SmtpProbeOptions { Security = SmtpSecurity.None, Credential = Alice, Timeout = TimeSpan.FromSeconds(10) });
            Assert.Equal(SmtpPhase.Authenticate, auth.FailedPhase);
            Assert.Contains("STARTTLS", auth.Error);
            Assert.DoesNotContain(auth.Transcript, l => l.StartsWith("C: AUTH", StringComparison.Ordinal));
        }

        [Fact]
        public async Task ClosedPortFailsAtConnect()
        {
            var r = await Probe(Port("SMTPTOOLS_SMTP_CLOSED_PORT"));
            Assert.Equal(SmtpPhase.Connect, r.FailedPhase);
            Assert.Equal(SmtpConnectionStatus.Fail, r.Status);
            Assert.Null(r.Banner);
            Assert.False(string.IsNullOrEmpty(r.Error));
        }

        [Fact]
        public async Task SilentListenerTimesOutAtBanner()
        {
            var r = await Probe(Port("SMTPTOOLS_SMTP_SILENT_PORT"), new SmtpProbeOptions { Timeout = TimeSpan.FromSeconds(1) });
            Assert.Equal(SmtpPhase.Banner, r.FailedPhase);
            Assert.Contains("within 1 s", r.Error);
            Assert.Null(r.Banner);
            // Silent to a TLS handshake as well: not an implicit-TLS port, but the error still names the possibility.
            Assert.DoesNotContain("SmtpImplicitTlsPort", Ids(r));
            Assert.Contains("-Security SslOnConnect", r.Error);
        }

        [Fact]
        public async Task AnImplicitTlsPortOtherThan465ProbedInPlainTextIsRecognised()
        {
            // Postfix's implicit-TLS port of the test setup is not 465, so -Security Auto talks plain text to it and
            // hears nothing; the probe then tries a TLS handshake and says what the port speaks.
            var port = Port("SMTPTOOLS_SMTP_IMPLICIT_TLS_PORT");
            Assert.NotEqual(465, port);
            var r = await Probe(port, new SmtpProbeOptions { Timeout = TimeSpan.FromSeconds(2) });
            Assert.Equal(SmtpPhase.Banner, r.FailedPhase);
            Assert.Contains("expects TLS first", r.Error);
            Assert.Contains("-Security SslOnConnect", r.Error);
            var finding = Assert.Single(r.Findings, f => f.Id == "SmtpImplicitTlsPort");
            Assert.Contains("Port " + port, finding.Message);

            // And with the hint followed, the same port works.
            var tls = await Probe(port, new SmtpProbeOptions { Security = SmtpSecurity.SslOnConnect, Timeout = TimeSpan.FromSeconds(10) });
            Assert.Equal(SmtpPhase.None, tls.FailedPhase);
            Assert.True(tls.IsEncrypted);
        }

        [Fact]
        public async Task CancellationIsNotReportedAsATimeout()
        {
            // The caller's cancellation (Ctrl+C) must surface as cancellation, not as a Banner failure of the endpoint.
            using var cts = new CancellationTokenSource();
            var prober = NewProber();
            var probe = prober.ProbeAsync(new SmtpProbeTarget(Host, Port("SMTPTOOLS_SMTP_SILENT_PORT")), new SmtpProbeOptions { Timeout = TimeSpan.FromMinutes(5) }, cts.Token);
            cts.CancelAfter(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
        }

        [Fact]
        public async Task UntrustedCertificateIsACertificateFailureWithChainFacts()
        {
            var r = await Probe(Port("SMTPTOOLS_SMTP_UNTRUSTED_PORT"));
            Assert.Equal(SmtpPhase.StartTls, r.FailedPhase);
            Assert.True(r.SupportsStartTls);
            Assert.Contains("certificate", r.Error);
            Assert.NotNull(r.Certificate);
            Assert.False(r.Certificate.ChainIsValid);
            Assert.NotEmpty(r.Certificate.ChainErrors);
            Assert.DoesNotContain("SmtpStartTlsNotOffered", Ids(r));
            Assert.Contains(Ids(r), id => id == "SmtpCertificateSelfSigned" || id == "SmtpCertificateUntrusted");

            var skipped = await Probe(Port("SMTPTOOLS_SMTP_UNTRUSTED_PORT"), new SmtpProbeOptions { SkipCertificateCheck = true, Timeout = TimeSpan.FromSeconds(10) });
            Assert.Equal(SmtpPhase.None, skipped.FailedPhase);
            Assert.True(skipped.IsEncrypted);
            Assert.False(skipped.Certificate.ChainIsValid);
            Assert.Equal(r.Certificate.Thumbprint, skipped.Certificate.Thumbprint);
            Assert.Contains(Ids(skipped), id => id == "SmtpCertificateSelfSigned" || id == "SmtpCertificateUntrusted");
            Assert.NotEmpty(skipped.Capabilities);
        }

        [Fact]
        public async Task RecipientAcceptedAndRefused()
        {
            var options = new SmtpProbeOptions { Sender = "bob@smtptools.test", Recipient = "alice@smtptools.test", Timeout = TimeSpan.FromSeconds(10) };
            var ok = await Probe(Port("SMTPTOOLS_SMTP_PLAIN_PORT"), options);
            Assert.True(ok.FailedPhase == SmtpPhase.None, ok.FailedPhase + ": " + ok.Error);
            Assert.True(ok.SenderAccepted);
            Assert.True(ok.RecipientAccepted);
            Assert.Contains("C: RSET", ok.Transcript);
            Assert.DoesNotContain("C: DATA", ok.Transcript);

            options.Recipient = "nobody@smtptools.test";
            var refused = await Probe(Port("SMTPTOOLS_SMTP_PLAIN_PORT"), options);
            Assert.Equal(SmtpPhase.Recipient, refused.FailedPhase);
            Assert.False(refused.RecipientAccepted);
            Assert.True(refused.ReplyCode >= 500, refused.Error);
            Assert.Contains("nobody@smtptools.test", refused.Error);
        }

        [Fact]
        public async Task OpenRelayBothWays()
        {
            var relay = await Probe(Port("SMTPTOOLS_SMTP_OPEN_RELAY_PORT"), new SmtpProbeOptions { TestOpenRelay = true, Timeout = TimeSpan.FromSeconds(10) });
            Assert.True(relay.IsOpenRelay, string.Join("\n", relay.Transcript));
            Assert.Contains("SmtpOpenRelay", Ids(relay));
            Assert.Equal(SmtpConnectionStatus.Fail, relay.Status);
            Assert.Equal(SmtpPhase.None, relay.FailedPhase);

            var closed = await Probe(Port("SMTPTOOLS_SMTP_PLAIN_PORT"), new SmtpProbeOptions { TestOpenRelay = true, Timeout = TimeSpan.FromSeconds(10) });
            Assert.False(closed.IsOpenRelay, string.Join("\n", closed.Transcript));
            Assert.DoesNotContain("SmtpOpenRelay", Ids(closed));
        }

        [Fact]
        public async Task MailExchangersComeInPreferenceOrder()
        {
            var prober = NewProber();
            var mx = await prober.GetMailExchangersAsync("smtpconn.test", CancellationToken.None);
            Assert.Equal(new[] { "mx1.smtpconn.test", "mx2.smtpconn.test" }, mx.Select(m => m.Exchange));
            var implicitMx = await prober.GetMailExchangersAsync("implicit.smtpconn.test", CancellationToken.None);
            Assert.Equal("implicit.smtpconn.test", Assert.Single(implicitMx).Exchange);
            var nullMx = await Assert.ThrowsAsync<SmtpTools.Core.Errors.SmtpToolsException>(() => prober.GetMailExchangersAsync("nullmx.smtpconn.test", CancellationToken.None));
            Assert.Equal("SmtpNullMx", nullMx.ErrorId);

            var r = await prober.ProbeAsync(new SmtpProbeTarget("gone.smtpconn.test", Port("SMTPTOOLS_SMTP_PLAIN_PORT"), "partial.smtpconn.test", 30), new SmtpProbeOptions(), CancellationToken.None);
            Assert.Equal(SmtpPhase.Resolve, r.FailedPhase);
            var viaMx = await prober.ProbeAsync(new SmtpProbeTarget("mx1.smtpconn.test", Port("SMTPTOOLS_SMTP_PLAIN_PORT"), "smtpconn.test", 10), new SmtpProbeOptions(), CancellationToken.None);
            Assert.Equal(SmtpPhase.None, viaMx.FailedPhase);
            Assert.Equal(IPAddress.Loopback.ToString(), viaMx.IPAddress);
        }
    }
}
