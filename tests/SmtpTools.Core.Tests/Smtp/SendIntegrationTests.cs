using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Smtp;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>
    /// SmtpSender against the integration Postfix (STARTTLS+AUTH 2587, implicit TLS 2465, plain 2525, untrusted
    /// certificate 2588): what arrives in the Maildir is what was sent. Needs SSL_CERT_FILE=$SMTPTOOLS_CA_BUNDLE.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class SendIntegrationTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("send-it-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private static string Host => IntegrationServers.Get("SMTPTOOLS_SMTP_HOST");
        private static string Alice => IntegrationServers.Get("SMTPTOOLS_USER_ALICE");
        private static string Bob => IntegrationServers.Get("SMTPTOOLS_USER_BOB");
        private static string Carol => IntegrationServers.Get("SMTPTOOLS_USER_CAROL");
        private static NetworkCredential AliceCredential => new NetworkCredential(Alice, IntegrationServers.Get("SMTPTOOLS_PASSWORD_ALICE"));

        private static SmtpSenderOptions Submission(NetworkCredential credential = null) => new SmtpSenderOptions
        {
            Host = Host,
            Port = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT"),
            Security = SmtpSecurity.StartTls,
            Credential = credential ?? AliceCredential,
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
        };

        private static async Task<SmtpSendResult> SendOne(SmtpSenderOptions options, OutgoingMessage message)
        {
            using var sender = new SmtpSender(options);
            await sender.ConnectAsync(CancellationToken.None);
            var outcome = await sender.SendAsync(message, CancellationToken.None);
            await sender.DisconnectAsync(CancellationToken.None);
            return outcome;
        }

        private string WriteFile(string name, byte[] bytes)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

        private static byte[] Decode(MimePart part)
        {
            using var s = new MemoryStream();
            part.Content.DecodeTo(s);
            return s.ToArray();
        }

        [Fact]
        public async Task StartTlsAuthDeliversTextHtmlUtf8AttachmentsAndInlineImageIntact()
        {
            var pdfBytes = RandomNumberGenerator.GetBytes(150_000);
            var pngBytes = RandomNumberGenerator.GetBytes(3_000);
            var pdf = WriteFile("Quarterly report.pdf", pdfBytes);
            var png = WriteFile("logo.png", pngBytes);
            var subject = "Grüße aus Köln — 東京 " + Guid.NewGuid().ToString("N").Substring(0, 8);
            var outcome = await SendOne(Submission(), new OutgoingMessage
            {
                From = "Alice Ünïcode <" + Alice + ">",
                To = { "Bob Bäcker <" + Bob + ">" },
                Cc = { Carol },
                Bcc = { Alice },
                Subject = subject,
                TextBody = "Hallo Bob, schöne Grüße.\nZweite Zeile.",
                HtmlBody = "<p>Hallo <b>Bob</b>, schöne Grüße.</p><img src=\"cid:logo\">",
                Attachments = { pdf },
                InlineAttachments = new Dictionary<string, string> { ["logo"] = png },
                Headers = new Dictionary<string, string> { ["X-SmtpTools-Test"] = "full" },
            });

            Assert.True(outcome.Status == SmtpSendStatus.Sent, outcome.Error?.ToString());
            Assert.Equal(1, outcome.Attempts);
            Assert.StartsWith("250 2.0.0 Ok: queued as ", outcome.ServerResponse);
            Assert.NotNull(outcome.TlsProtocol);
            Assert.Equal(new[] { Bob, Carol, Alice }, outcome.AcceptedRecipients);

            var file = Maildir.Find("bob", outcome.MessageId);
            Assert.True(file != null, "bob's copy arrived");
            var raw = File.ReadAllText(file);
            Assert.DoesNotContain("Bcc:", raw);
            Assert.Contains("X-SmtpTools-Test: full", raw);
            var m = MimeMessage.Load(file);
            Assert.Equal(subject, m.Subject);
            Assert.Equal("Alice Ünïcode", m.From.Mailboxes.Single().Name);
            Assert.Equal("Bob Bäcker", m.To.Mailboxes.Single().Name);
            Assert.Equal(Carol, m.Cc.Mailboxes.Single().Address);
            Assert.Equal("Hallo Bob, schöne Grüße.\nZweite Zeile.", m.TextBody.Replace("\r\n", "\n").TrimEnd());
            Assert.Contains("<b>Bob</b>, schöne Grüße.", m.HtmlBody);
            var attachment = m.Attachments.OfType<MimePart>().Single();
            Assert.Equal("Quarterly report.pdf", attachment.FileName);
            Assert.Equal(Hash(pdfBytes), Hash(Decode(attachment)));
            var inline = m.BodyParts.OfType<MimePart>().Single(p => p.ContentId == "logo");
            Assert.Equal(Hash(pngBytes), Hash(Decode(inline)));

            // Cc and Bcc recipients got their copies; exactly one each.
            Assert.NotNull(Maildir.Find("carol", outcome.MessageId));
            Assert.NotNull(Maildir.Find("alice", outcome.MessageId));
            Assert.Equal(1, Maildir.Count("bob", outcome.MessageId));
        }

        [Fact]
        public async Task ImplicitTlsOn2465()
        {
            var options = Submission();
            options.Port = IntegrationServers.GetInt("SMTPTOOLS_SMTP_IMPLICIT_TLS_PORT");
            options.Security = SmtpSecurity.SslOnConnect; // the test port is not 465, where Auto would choose this itself
            var outcome = await SendOne(options, new OutgoingMessage { From = Alice, To = { Bob }, Subject = "implicit", Body = "over 465" });
            Assert.True(outcome.Status == SmtpSendStatus.Sent, outcome.Error?.ToString());
            Assert.StartsWith("Tls", outcome.TlsProtocol);
            Assert.NotNull(Maildir.Find("bob", outcome.MessageId));
        }

        [Fact]
        public async Task WrongPasswordIsASetUpErrorWithoutThePassword()
        {
            using var sender = new SmtpSender(Submission(new NetworkCredential(Alice, "Wr0ng-Secret-123")));
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => sender.ConnectAsync(CancellationToken.None));
            Assert.Equal("SmtpAuthenticationFailed", ex.ErrorId);
            Assert.Equal(FailureKind.AuthenticationError, ex.Kind);
            Assert.DoesNotContain("Wr0ng-Secret-123", ex.ToString());
        }

        [Fact]
        public async Task RelayDeniedWithoutAuthenticationHintsAtCredentials()
        {
            var options = new SmtpSenderOptions { Host = Host, Port = IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT"), Security = SmtpSecurity.None };
            var outcome = await SendOne(options, new OutgoingMessage { From = Alice, To = { "someone@example.net" }, Subject = "relay", Body = "x" });
            Assert.Equal(SmtpSendStatus.Failed, outcome.Status);
            Assert.Equal(SmtpPhase.Recipient, outcome.FailedPhase);
            Assert.Equal("5.7.1", outcome.EnhancedStatusCode);
            Assert.Contains("Relay access denied", outcome.ServerResponse);
            Assert.Contains("-Credential", outcome.Hint);
            Assert.Equal(1, outcome.Attempts);
        }

        [Fact]
        public async Task UnknownLocalRecipientIsRefusedAndTheOtherStillGetsIt()
        {
            var options = new SmtpSenderOptions { Host = Host, Port = IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT"), Security = SmtpSecurity.None };
            var nobody = "nobody@" + IntegrationServers.Get("SMTPTOOLS_SMTP_DOMAIN");
            var outcome = await SendOne(options, new OutgoingMessage { From = Alice, To = { Bob, nobody }, Subject = "partial", Body = "x" });
            Assert.Equal(SmtpSendStatus.PartiallySent, outcome.Status);
            Assert.Equal(new[] { Bob }, outcome.AcceptedRecipients);
            var refused = Assert.Single(outcome.RejectedRecipients);
            Assert.Equal(nobody, refused.Address);
            Assert.Equal(550, refused.StatusCode);
            Assert.Equal("5.1.1", refused.EnhancedStatusCode);
            Assert.NotNull(Maildir.Find("bob", outcome.MessageId));
        }

        [Fact]
        public async Task MessageOverPostfixSizeLimitFailsBeforeUpload()
        {
            var big = WriteFile("big.bin", RandomNumberGenerator.GetBytes(8 * 1024 * 1024)); // 8 MiB → about 11 MB in base64
            var options = new SmtpSenderOptions { Host = Host, Port = IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT"), Security = SmtpSecurity.None };
            var outcome = await SendOne(options, new OutgoingMessage { From = Alice, To = { Bob }, Subject = "too big", Body = "x", Attachments = { big } });
            Assert.Equal(SmtpSendStatus.Failed, outcome.Status);
            Assert.Equal(SmtpPhase.Size, outcome.FailedPhase);
            Assert.Equal("SmtpMessageTooLarge", Assert.IsType<SmtpToolsException>(outcome.Error).ErrorId);
            Assert.Contains("10,240,000 bytes", outcome.Hint); // Postfix's message_size_limit, read from EHLO SIZE
            Assert.True(outcome.Size > 10_240_000);
        }

        [Fact]
        public async Task SuccessNotificationRequestedWithDsnComesBackToTheSender()
        {
            var options = Submission();
            var outcome = await SendOne(options, new OutgoingMessage
            {
                From = Alice, To = { Bob }, Subject = "DSN please", Body = "x",
                DeliveryNotification = DeliveryNotificationOptions.OnSuccess | DeliveryNotificationOptions.OnFailure,
            });
            Assert.True(outcome.Status == SmtpSendStatus.Sent, outcome.Error?.ToString());
            // Alice was not a recipient: what reaches her mailbox with this Message-Id is Postfix's delivery report.
            var report = Maildir.Find("alice", outcome.MessageId);
            Assert.True(report != null, "a success DSN reached the sender");
            var text = File.ReadAllText(report);
            Assert.Contains("multipart/report", text);
            Assert.Contains("report-type=delivery-status", text);
            Assert.Contains("Final-Recipient: rfc822; " + Bob, text);
            Assert.Matches("Action: (delivered|relayed)", text); // Postfix says relayed for its LMTP hand-off
        }

        [Fact]
        public async Task UntrustedCertificateFailsUnlessSkipped()
        {
            var options = Submission();
            options.Port = IntegrationServers.GetInt("SMTPTOOLS_SMTP_UNTRUSTED_PORT");
            options.Credential = null;
            using (var sender = new SmtpSender(options))
            {
                var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => sender.ConnectAsync(CancellationToken.None));
                Assert.Equal("TlsHandshakeFailed", ex.ErrorId);
                Assert.Contains("-SkipCertificateCheck", ex.Message);
            }
            options.SkipCertificateCheck = true;
            var outcome = await SendOne(options, new OutgoingMessage { From = Alice, To = { Bob }, Subject = "untrusted but skipped", Body = "x" });
            Assert.True(outcome.Status == SmtpSendStatus.Sent, outcome.Error?.ToString());
            Assert.NotNull(outcome.TlsProtocol);
        }

        [Theory]
        [InlineData(DkimKeyAlgorithm.Rsa)]
        [InlineData(DkimKeyAlgorithm.Ed25519)]
        public async Task DkimSignedMessageVerifiesAfterPassingThroughPostfix(DkimKeyAlgorithm algorithm)
        {
            var key = DkimPrivateKey.Generate(algorithm, 2048);
            var keyFile = WriteFile("dkim.key", System.Text.Encoding.ASCII.GetBytes(key.ToPkcs8Pem()));
            var selector = DkimTestZone.NewSelector("send");
            DkimTestZone.AddTxt(selector + "._domainkey", DkimRecordBuilder.SplitIntoStrings(DkimRecordBuilder.BuildRecord(key)));

            var options = Submission();
            options.DkimSigner = DkimMessageSigner.FromKeyFile(keyFile, DkimTestZone.Zone, selector);
            var attachment = WriteFile("data.bin", RandomNumberGenerator.GetBytes(20_000));
            var outcome = await SendOne(options, new OutgoingMessage
            {
                From = Alice, To = { Bob }, Subject = "DKIM über Postfix", TextBody = "Grüße\nlong " + new string('y', 300), HtmlBody = "<p>Grüße</p>",
                Attachments = { attachment },
            });
            Assert.True(outcome.Status == SmtpSendStatus.Sent, outcome.Error?.ToString());
            var file = Maildir.Find("bob", outcome.MessageId);
            Assert.NotNull(file);
            var raw = File.ReadAllText(file);
            Assert.Contains("DKIM-Signature:", raw);
            Assert.Contains("s=" + selector, raw);

            if (algorithm == DkimKeyAlgorithm.Rsa)
            {
                // dkimpy (python3-dkim) checks RSA signatures the same way receivers do.
                var verify = DkimTestZone.DkimpyVerify(raw);
                Assert.True(verify.ExitCode == 0, verify.ToString());
            }
            var resolver = new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { DkimTestZone.Dns }) });
            var checks = await new DkimMessageVerifier(resolver).VerifyAsync(MimeMessage.Load(file), CancellationToken.None);
            var check = Assert.Single(checks);
            Assert.True(check.Result == DkimAuthResult.Pass, check.Reason);
        }

        [Fact]
        public async Task MailMergeOf200MessagesUsesOneSmtpSessionAndAllArrive()
        {
            const int count = 200;
            using var sender = new SmtpSender(Submission());
            await sender.ConnectAsync(CancellationToken.None);
            var outcomes = new List<SmtpSendResult>();
            for (int i = 0; i < count; i++)
                outcomes.Add(await sender.SendAsync(new OutgoingMessage { From = Alice, To = { i % 2 == 0 ? Bob : Carol }, Subject = "merge " + i, Body = "row " + i }, CancellationToken.None));
            await sender.DisconnectAsync(CancellationToken.None);

            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.Equal(1, sender.ConnectionsOpened);
            var ids = outcomes.Select(o => PostfixLog.QueueIdOf(o.ServerResponse)).ToList();
            Assert.All(ids, Assert.NotNull);
            var ends = PostfixLog.SessionEnds(ids);
            var sessions = ends.Values.Select(v => v.Line).Distinct().ToList();
            Assert.Single(sessions);
            var end = ends.Values.First().Text;
            Assert.Contains($"mail={count} ", end);
            Assert.Contains($"data={count} ", end);
            // ... and every one of them was delivered (Postfix logged status=sent for each queue id).
            Assert.Empty(PostfixLog.Undelivered(ids));
        }
    }
}
