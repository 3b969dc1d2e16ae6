using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>Recorded SMTP conversations replayed through MailKit's SmtpClient: parsing, phases and classification, no network.</summary>
    public sealed class SmtpTranscriptTests
    {
        private const string Ehlo = "EHLO";

        // The scripts are plain text (no TLS handshake can be replayed), so AUTH tests choose -Security None, the only
        // mode in which the prober sends credentials without TLS.
        private static async Task<SmtpConnectionResult> Replay(ScriptedSmtpStream server, SmtpProbeOptions options = null, int port = 25, bool scriptCoversEverything = true)
        {
            var prober = new SmtpConnectionProber(new InMemoryDnsResolver(), null,
                new SmtpConnector((endpoint, ct) => Task.FromResult<Stream>(server)), () => new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc));
            var result = await prober.ProbeAsync(new SmtpProbeTarget("192.0.2.25", port), options ?? new SmtpProbeOptions { Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);
            if (scriptCoversEverything) Assert.Empty(server.Unexpected);
            return result;
        }

        private static string[] Ids(SmtpConnectionResult r) => r.Findings.Select(f => f.Id).ToArray();

        [Fact]
        public async Task MultiLineBannerCapabilitiesAndAuthBeforeTls()
        {
            var server = new ScriptedSmtpStream("220-mx.example.test ESMTP ready\r\n220 no UCE")
                .Then(Ehlo, "250-mx.example.test Hello", "250-SIZE 35882577", "250-AUTH=LOGIN PLAIN", "250-AUTH LOGIN PLAIN XOAUTH2", "250-8BITMIME", "250 PIPELINING")
                .Then("QUIT", "221 2.0.0 Bye");
            var r = await Replay(server);
            Assert.Equal(SmtpPhase.None, r.FailedPhase);
            Assert.Equal("220 mx.example.test ESMTP ready no UCE", r.Banner);
            Assert.Equal(new[] { "SIZE 35882577", "AUTH=LOGIN PLAIN", "AUTH LOGIN PLAIN XOAUTH2", "8BITMIME", "PIPELINING" }, r.Capabilities);
            Assert.Equal(35882577, r.MaxMessageSize);
            Assert.False(r.SupportsStartTls);
            Assert.Equal(new[] { "LOGIN", "PLAIN", "XOAUTH2" }, r.AuthMechanismsBeforeTls);
            Assert.Null(r.AuthMechanismsAfterTls);
            Assert.False(r.IsEncrypted);
            Assert.Null(r.Certificate);
            Assert.Equal(new[] { "SmtpAuthBeforeTls", "SmtpStartTlsNotOffered" }, Ids(r));
            Assert.All(r.Findings, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
            Assert.Equal(SmtpConnectionStatus.Warning, r.Status);
            Assert.Equal(IPAddress.Parse("192.0.2.25").ToString(), r.IPAddress);
            Assert.Equal("QUIT", server.ClientLines.Last());
        }

        [Fact]
        public async Task NoStartTlsOnTheSubmissionPortIsAnError()
        {
            var server = new ScriptedSmtpStream("220 submit.example.test ESMTP")
                .Then(Ehlo, "250-submit.example.test", "250 SIZE")
                .Then("QUIT", "221 Bye");
            var r = await Replay(server, port: 587);
            Assert.Equal(0, r.MaxMessageSize);
            var finding = Assert.Single(r.Findings);
            Assert.Equal("SmtpStartTlsNotOffered", finding.Id);
            Assert.Equal(FindingSeverity.Error, finding.Severity);
            Assert.Equal(SmtpConnectionStatus.Fail, r.Status);
            Assert.Equal(SmtpPhase.None, r.FailedPhase);
        }

        [Fact]
        public async Task StartTlsRequiredButNotOffered()
        {
            var server = new ScriptedSmtpStream("220 old.example.test")
                .Then(Ehlo, "250-old.example.test", "250 8BITMIME");
            var r = await Replay(server, new SmtpProbeOptions { Security = SmtpSecurity.StartTls, Timeout = TimeSpan.FromSeconds(5) });
            Assert.Equal(SmtpPhase.StartTls, r.FailedPhase);
            Assert.Contains("does not offer STARTTLS", r.Error);
            Assert.Contains("SmtpStartTlsNotOffered", Ids(r));
            Assert.Equal(new[] { "8BITMIME" }, r.Capabilities);
        }

        [Theory]
        [InlineData("535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]", "5.7.139")]
        [InlineData("535 5.7.30 Basic authentication is not supported for Client Submission.", "5.7.30")]
        public async Task BasicAuthDisabledGivesTheOAuthHintAndHidesTheSecrets(string reply, string enhanced)
        {
            var server = new ScriptedSmtpStream("220 outlook.example.test Microsoft ESMTP MAIL Service ready")
                .Then(Ehlo, "250-outlook.example.test Hello", "250-SIZE 157286400", "250-AUTH LOGIN XOAUTH2", "250 8BITMIME")
                .Then("AUTH LOGIN", "334 VXNlcm5hbWU6")
                .Then(null, "334 UGFzc3dvcmQ6")
                .Then(null, reply)
                .Then("QUIT", "221 2.0.0 Service closing transmission channel");
            var options = new SmtpProbeOptions { Credential = new NetworkCredential("user@contoso.example", "S3cret-Passw0rd"), Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) };
            var r = await Replay(server, options);
            Assert.Equal(SmtpPhase.Authenticate, r.FailedPhase);
            Assert.Equal(reply, r.Error);
            Assert.Equal(535, r.ReplyCode);
            Assert.Equal(enhanced, r.EnhancedStatusCode);
            Assert.False(r.Authenticated);
            Assert.Equal("LOGIN", r.AuthMechanism);
            var hint = r.Findings.Single(f => f.Id == "SmtpBasicAuthDisabled");
            Assert.Contains("-AccessToken", hint.Message);
            Assert.Equal(SmtpConnectionStatus.Fail, r.Status);

            // MailKit really sent the secrets; the transcript shows none of them.
            Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("S3cret-Passw0rd")), server.ClientLines);
            var transcript = string.Join("\n", r.Transcript);
            Assert.DoesNotContain("S3cret-Passw0rd", transcript);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("S3cret-Passw0rd")), transcript);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("user@contoso.example")), transcript);
            Assert.Contains("C: AUTH LOGIN", transcript);
            Assert.Contains("C: ********", transcript);
        }

        [Fact]
        public async Task OAuthTokenUsesXoauth2AndStaysSecret()
        {
            var server = new ScriptedSmtpStream("220 mx ESMTP")
                .Then(Ehlo, "250-mx", "250 AUTH LOGIN XOAUTH2")
                .Then("AUTH XOAUTH2", "235 2.7.0 Authentication successful")
                .Then("QUIT", "221 Bye");
            var token = new System.Security.SecureString();
            foreach (var ch in "ya29.token-value") token.AppendChar(ch);
            var r = await Replay(server, new SmtpProbeOptions { AccessToken = new NetworkCredential("user@contoso.example", token), Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) });
            Assert.Equal(SmtpPhase.None, r.FailedPhase);
            Assert.True(r.Authenticated);
            Assert.Equal("XOAUTH2", r.AuthMechanism);
            var sent = server.ClientLines.Single(l => l.StartsWith("AUTH XOAUTH2 ", StringComparison.Ordinal));
            Assert.Contains("ya29.token-value", Encoding.UTF8.GetString(Convert.FromBase64String(sent.Substring(13))));
            Assert.DoesNotContain(sent.Substring(13), string.Join("\n", r.Transcript));
            Assert.Contains("C: AUTH XOAUTH2 ********", r.Transcript);
        }

        [Fact]
        public async Task CredentialsAreNeverSentInClearTextUnlessSecurityNoneWasChosen()
        {
            var server = new ScriptedSmtpStream("220 mx ESMTP")
                .Then(Ehlo, "250-mx", "250 AUTH PLAIN LOGIN")
                .Then("QUIT", "221 Bye");
            var credential = new NetworkCredential("user@example.test", "Cleartext-Passw0rd");
            var r = await Replay(server, new SmtpProbeOptions { Credential = credential, Timeout = TimeSpan.FromSeconds(5) });
            Assert.Equal(SmtpPhase.Authenticate, r.FailedPhase);
            Assert.Contains("unencrypted", r.Error);
            Assert.DoesNotContain(server.ClientLines, l => l.StartsWith("AUTH", StringComparison.Ordinal));
            Assert.Contains("SmtpAuthBeforeTls", Ids(r));

            var chosen = new ScriptedSmtpStream("220 mx ESMTP")
                .Then(Ehlo, "250-mx", "250 AUTH PLAIN LOGIN")
                .Then("AUTH PLAIN", "235 2.7.0 Authentication successful")
                .Then("QUIT", "221 Bye");
            var ok = await Replay(chosen, new SmtpProbeOptions { Credential = credential, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) });
            Assert.True(ok.Authenticated);
            Assert.Equal("PLAIN", ok.AuthMechanism);
            Assert.DoesNotContain(chosen.ClientLines.Single(l => l.StartsWith("AUTH", StringComparison.Ordinal)).Substring(11), string.Join("\n", ok.Transcript));
        }

        [Fact]
        public async Task Ipv6LiteralTarget()
        {
            var server = new ScriptedSmtpStream("220 v6 ESMTP")
                .Then(Ehlo, "250-v6", "250 STARTTLS")
                .Then("QUIT", "221 Bye");
            var prober = new SmtpConnectionProber(new InMemoryDnsResolver(), null, new SmtpConnector((endpoint, ct) => Task.FromResult<Stream>(server)), () => DateTime.UtcNow);
            var r = await prober.ProbeAsync(new SmtpProbeTarget("[2001:db8::25]", 25), new SmtpProbeOptions { Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);
            Assert.True(r.FailedPhase == SmtpPhase.None, r.Error);
            Assert.Equal(IPAddress.Parse("2001:db8::25").ToString(), r.IPAddress);
            Assert.True(r.SupportsStartTls);
        }

        [Fact]
        public async Task GreetingRefusalFailsAtBanner()
        {
            var server = new ScriptedSmtpStream("554 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.example");
            var r = await Replay(server);
            Assert.Equal(SmtpPhase.Banner, r.FailedPhase);
            Assert.Equal(554, r.ReplyCode);
            Assert.Equal("5.7.1", r.EnhancedStatusCode);
            Assert.StartsWith("554 5.7.1 Service unavailable", r.Error);
            Assert.Equal(r.Error, r.Banner);
        }

        [Fact]
        public async Task HeloFallbackMeansNoStartTls()
        {
            var server = new ScriptedSmtpStream("220 ancient.example.test SMTP")
                .Then(Ehlo, "502 5.5.2 Error: command not recognized")
                .Then("HELO", "250 ancient.example.test")
                .Then("QUIT", "221 Bye");
            var r = await Replay(server);
            Assert.Equal(SmtpPhase.None, r.FailedPhase);
            Assert.Empty(r.Capabilities);
            Assert.False(r.SupportsStartTls);
            Assert.Contains("SmtpStartTlsNotOffered", Ids(r));
        }

        [Fact]
        public async Task ServerHangingUpDuringEhloFailsAtEhlo()
        {
            var server = new ScriptedSmtpStream("220 flaky.example.test ESMTP");
            var r = await Replay(server, scriptCoversEverything: false);
            Assert.StartsWith("EHLO ", Assert.Single(server.Unexpected));
            Assert.Equal(SmtpPhase.Ehlo, r.FailedPhase);
            Assert.Equal("220 flaky.example.test ESMTP", r.Banner);
            Assert.False(string.IsNullOrEmpty(r.Error));
            Assert.Null(r.SupportsStartTls);
        }

        [Theory]
        [InlineData("client.example.test\r\nMAIL FROM:<spoof@example.test>", null, null)]
        [InlineData("client.example.test\n", null, null)]
        [InlineData("client example", null, null)]
        [InlineData(null, "a@example.test\r\nRCPT TO:<victim@example.test>", null)]
        [InlineData(null, null, "b@example.test\nDATA")]
        public async Task ValuesThatWouldInjectASecondCommandAreRefusedBeforeConnecting(string helo, string sender, string recipient)
        {
            var server = new ScriptedSmtpStream("220 mx ESMTP").Then(Ehlo, "250 mx").Then("QUIT", "221 Bye");
            var options = new SmtpProbeOptions { HeloName = helo, Sender = sender, Recipient = recipient, Timeout = TimeSpan.FromSeconds(5) };
            var ex = await Assert.ThrowsAsync<ArgumentException>(() => Replay(server, options, scriptCoversEverything: false));
            Assert.Empty(server.ClientLines);
            Assert.DoesNotContain("\n", ex.Message);
        }

        [Fact]
        public void LongAddressesAndEhloNamesAreRefused()
        {
            var ex = Assert.Throws<ArgumentException>(() => SmtpConnectionProber.NormalizeAddress(new string('a', 65) + "@example.test", "Sender"));
            Assert.Contains("RFC 5321 allows 64", ex.Message);
            Assert.Equal("mail.example.test", SmtpConnectionProber.NormalizeHeloName(" mail.example.test ", "HeloName"));
            Assert.Equal("[192.0.2.1]", SmtpConnectionProber.NormalizeHeloName("[192.0.2.1]", "HeloName"));
            Assert.Null(SmtpConnectionProber.NormalizeHeloName("  ", "HeloName"));
            Assert.Throws<ArgumentException>(() => SmtpConnectionProber.NormalizeHeloName(new string('a', 60) + "." + new string('b', 200), "HeloName"));
        }

        [Fact]
        public async Task AServerThatHangsUpAfterEhloGivesAShortErrorWithoutItsCapabilityList()
        {
            var server = new ScriptedSmtpStream("220 mx ESMTP")
                .Then(Ehlo, "250-mx.example.test", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250 DSN");
            var r = await Replay(server, new SmtpProbeOptions { Sender = "a@example.test", Timeout = TimeSpan.FromSeconds(5) }, scriptCoversEverything: false);
            Assert.Equal(SmtpPhase.Sender, r.FailedPhase);
            Assert.Equal("The server closed the connection.", r.Error);
        }

        [Fact]
        public async Task SenderRefused()
        {
            var server = new ScriptedSmtpStream("220 mx ESMTP")
                .Then(Ehlo, "250-mx", "250 ENHANCEDSTATUSCODES")
                .Then("MAIL FROM:<spoof@example.test>", "553 5.7.1 <spoof@example.test>: Sender address rejected: not owned by user")
                .Then("QUIT", "221 Bye");
            var r = await Replay(server, new SmtpProbeOptions { Sender = "spoof@example.test", Recipient = "x@example.test", Timeout = TimeSpan.FromSeconds(5) });
            Assert.Equal(SmtpPhase.Sender, r.FailedPhase);
            Assert.Equal(553, r.ReplyCode);
            Assert.False(r.SenderAccepted);
            Assert.Equal("QUIT", server.ClientLines.Last());
            Assert.Null(r.RecipientAccepted);
            Assert.DoesNotContain(server.ClientLines, l => l.StartsWith("RCPT", StringComparison.Ordinal) || l == "DATA");
        }

        [Fact]
        public async Task RecipientTemporaryFailureAndResetWithoutData()
        {
            var server = new ScriptedSmtpStream("220 mx ESMTP")
                .Then(Ehlo, "250-mx", "250 ENHANCEDSTATUSCODES")
                .Then("MAIL FROM:<>", "250 2.1.0 Ok")
                .Then("RCPT TO:<grey@example.test>", "450 4.2.0 <grey@example.test>: Recipient address rejected: Greylisted")
                .Then("RSET", "250 2.0.0 Ok")
                .Then("QUIT", "221 Bye");
            var r = await Replay(server, new SmtpProbeOptions { Recipient = "grey@example.test", Timeout = TimeSpan.FromSeconds(5) });
            Assert.Equal(SmtpPhase.Recipient, r.FailedPhase);
            Assert.Equal(450, r.ReplyCode);
            Assert.Equal("4.2.0", r.EnhancedStatusCode);
            Assert.Contains("Greylisted", r.Error);
            Assert.True(r.SenderAccepted);
            Assert.False(r.RecipientAccepted);
            Assert.DoesNotContain("DATA", server.ClientLines);
        }

        [Fact]
        public async Task AcceptedRelayRecipientIsAnOpenRelay()
        {
            var server = new ScriptedSmtpStream("220 relay ESMTP")
                .Then(Ehlo, "250-relay", "250 STARTTLS")
                .Then("MAIL FROM:<>", "250 Ok")
                .Then("RCPT TO:<relay-test@example.invalid>", "250 Ok")
                .Then("RSET", "250 Ok")
                .Then("QUIT", "221 Bye");
            var r = await Replay(server, new SmtpProbeOptions { Security = SmtpSecurity.None, TestOpenRelay = true, Timeout = TimeSpan.FromSeconds(5) });
            Assert.Equal(SmtpPhase.None, r.FailedPhase);
            Assert.True(r.SupportsStartTls);
            Assert.True(r.IsOpenRelay);
            Assert.Equal(new[] { "SmtpOpenRelay" }, Ids(r));
            Assert.Equal(SmtpConnectionStatus.Fail, r.Status);
            Assert.DoesNotContain("STARTTLS", server.ClientLines);
        }

        [Fact]
        public void ReplyParsing()
        {
            Assert.Equal("5.7.8", new SmtpReply("AUTH", 535, new[] { "5.7.8 Error: authentication failed" }).EnhancedStatusCode);
            Assert.Null(new SmtpReply("EHLO", 250, new[] { "mx.example.test" }).EnhancedStatusCode);
            Assert.Null(new SmtpReply(null, 220, new[] { "1.2.3.4 not a status" }).EnhancedStatusCode);
            Assert.Equal(new[] { "PLAIN", "LOGIN", "CRAM-MD5" }, SmtpTranscript.AuthMechanismsOf(new[] { "auth plain LOGIN", "AUTH=cram-md5 PLAIN", "AUTHX Y" }));
            Assert.True(SmtpReplies.IsBasicAuthDisabled(null, "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria"));
            Assert.False(SmtpReplies.IsBasicAuthDisabled(null, "535 5.7.8 Error: authentication failed"));
        }

        [Fact]
        public void CertificateFactsAndExpiryRules()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=mx.example.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("mx.example.test");
            san.AddIpAddress(IPAddress.Parse("192.0.2.25"));
            san.AddIpAddress(IPAddress.Parse("2001:db8::25"));
            request.CertificateExtensions.Add(san.Build());
            var notAfter = new DateTimeOffset(2026, 6, 20, 12, 0, 0, TimeSpan.Zero);
            using var cert = request.CreateSelfSigned(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), notAfter);

            var facts = SmtpCertificateReader.Read(cert, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors, new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc));
            Assert.Equal(new[] { "DNS:mx.example.test", "IP:192.0.2.25", "IP:2001:db8::25" }, facts.SubjectAlternativeNames);
            Assert.Equal(19, facts.DaysUntilExpiry);
            Assert.True(facts.IsSelfSigned);
            Assert.False(facts.ChainIsValid);
            Assert.True(facts.HostnameMatches);
            Assert.False(SmtpSecurityPolicy.AcceptsCertificate(facts, skipCertificateCheck: false));
            Assert.Equal(cert.Thumbprint, facts.Thumbprint);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(cert.RawData)), facts.Sha256Fingerprint);

            var result = new SmtpConnectionResult { SmtpServer = "mx.example.test", Port = 25, Certificate = facts, IsEncrypted = true, TlsProtocol = "Tls11", SupportsStartTls = true };
            var ids = SmtpProbeRules.Evaluate(result, speaksTlsFirst: false).Select(f => f.Id).ToArray();
            Assert.Equal(new[] { "SmtpWeakTlsProtocol", "SmtpCertificateExpiringSoon", "SmtpCertificateSelfSigned" }, ids);

            var expired = SmtpCertificateReader.Read(cert, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch, new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc));
            Assert.True(expired.DaysUntilExpiry < 0);
            Assert.True(expired.ChainIsValid);
            Assert.False(expired.HostnameMatches);
            result.Certificate = expired;
            result.TlsProtocol = "Tls13";
            ids = SmtpProbeRules.Evaluate(result, speaksTlsFirst: false).Select(f => f.Id).ToArray();
            Assert.Equal(new[] { "SmtpCertificateExpired", "SmtpCertificateHostnameMismatch" }, ids);
            result.Findings = SmtpProbeRules.Evaluate(result, speaksTlsFirst: false).ToArray();
            Assert.Equal(SmtpConnectionStatus.Fail, SmtpProbeRules.StatusOf(result));
        }
    }
}
