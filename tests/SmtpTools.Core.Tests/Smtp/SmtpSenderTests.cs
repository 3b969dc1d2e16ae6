using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Tests.Support;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>Retries, reconnects, partial recipients and never-twice, against a scripted loopback SMTP server.</summary>
    public sealed class SmtpSenderTests : IDisposable
    {
        private readonly FakeSmtpServer _server = new FakeSmtpServer(maxSize: 50_000);

        public void Dispose() => _server.Dispose();

        private TimeSpan _verdictGrace = TimeSpan.FromSeconds(5);

        private SmtpSender Sender(int maxRetries = 3, IOperationSink sink = null, bool log = false, TimeSpan? idleCheck = null) => new SmtpSender(new SmtpSenderOptions
        {
            VerdictGrace = _verdictGrace,
            IdleCheckAfter = idleCheck ?? TimeSpan.FromSeconds(20),
            Host = "127.0.0.1",
            Port = _server.Port,
            Security = SmtpSecurity.None,
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            RetryMaxDelay = TimeSpan.FromMilliseconds(40),
            Timeout = TimeSpan.FromSeconds(20),
            ProtocolLog = log,
        }, sink);

        private static OutgoingMessage Msg(string subject, params string[] to) => new OutgoingMessage
        {
            From = "sender@example.test",
            To = to.Length == 0 ? new List<string> { "rcpt@example.test" } : to.ToList(),
            Subject = subject,
            Body = "body of " + subject,
        };

        private async Task<SmtpSender> Connected(int maxRetries = 3, IOperationSink sink = null, bool log = false, TimeSpan? idleCheck = null)
        {
            var sender = Sender(maxRetries, sink, log, idleCheck);
            await sender.ConnectAsync(CancellationToken.None);
            return sender;
        }

        [Fact]
        public async Task ManyMessagesShareOneSessionAndReportTheFinalReply()
        {
            using var sender = await Connected();
            var outcomes = new List<SmtpSendResult>();
            for (int i = 1; i <= 5; i++) outcomes.Add(await sender.SendAsync(Msg("m" + i, $"r{i}@example.test"), CancellationToken.None));
            await sender.DisconnectAsync(CancellationToken.None);

            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.All(outcomes, o => Assert.Equal(1, o.Attempts));
            Assert.Equal("250 2.0.0 Ok: queued as Q1", outcomes[0].ServerResponse);
            Assert.Equal(250, outcomes[0].StatusCode);
            Assert.Equal("2.0.0", outcomes[0].EnhancedStatusCode);
            Assert.Equal(SmtpPhase.None, outcomes[0].FailedPhase);
            Assert.Equal(1, _server.Connections);
            Assert.Equal(1, sender.ConnectionsOpened);
            Assert.Equal(5, _server.Delivered.Count);
            Assert.Equal(new[] { "r1@example.test" }, _server.Delivered.First().Recipients);
            Assert.Equal("QUIT", _server.Commands.Last());
        }

        [Fact]
        public async Task A451AfterDataIsRetriedAndDeliveredOnce()
        {
            _server.Script = (verb, arg, n) => verb == "DATA-END" && n == 1 ? "451 4.3.0 Error: queue file write error" : null;
            using var sender = await Connected();
            var o = await sender.SendAsync(Msg("retry"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.Equal(2, o.Attempts);
            Assert.Single(_server.Delivered);
            Assert.Equal(1, _server.Connections);
        }

        [Fact]
        public async Task A421BetweenMessagesMeansReconnectNotFailure()
        {
            // The server closes the idle session with 421 when the second message starts (an idle timeout).
            int mails = 0;
            _server.Script = (verb, arg, n) => verb == "MAIL" && Interlocked.Increment(ref mails) == 2 ? "421 4.4.2 fake.test Error: timeout exceeded" : null;
            using var sender = await Connected();
            var a = await sender.SendAsync(Msg("a"), CancellationToken.None);
            var b = await sender.SendAsync(Msg("b"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Sent, a.Status);
            Assert.Equal(SmtpSendStatus.Sent, b.Status);
            Assert.Equal(2, b.Attempts);
            Assert.Equal(2, _server.Connections);
            Assert.Equal(2, _server.Delivered.Count);
        }

        [Fact]
        public async Task ABrokenSessionAfterARefusalIsReopenedForTheNextMessage()
        {
            // 554 at DATA, then the session dies when it is reset/checked: the next message needs a new session.
            _server.Script = (verb, arg, n) => verb == "DATA-END" && n == 1 ? "554 5.7.1 Message rejected" : (verb == "RSET" || verb == "NOOP") && n == 1 ? FakeSmtpServer.Drop : null;
            using var sender = await Connected();
            var refused = await sender.SendAsync(Msg("refused"), CancellationToken.None);
            var next = await sender.SendAsync(Msg("next"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Failed, refused.Status);
            Assert.Equal(SmtpSendStatus.Sent, next.Status);
            Assert.Equal(2, _server.Connections);
            Assert.Equal("next", MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Assert.Single(_server.Delivered).Data))).Subject);
        }

        [Fact]
        public async Task AnIdleSessionTheServerClosedIsNoticedBeforeTheMessageAndCostsNoAttempt()
        {
            _server.Script = (verb, arg, n) => verb == "NOOP" && n == 1 ? "421 4.4.2 fake.test Error: timeout exceeded" : null;
            using var sender = await Connected(idleCheck: TimeSpan.Zero); // check before every message
            var a = await sender.SendAsync(Msg("a"), CancellationToken.None);
            var b = await sender.SendAsync(Msg("b"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Sent, b.Status);
            Assert.Equal(1, a.Attempts);
            Assert.Equal(1, b.Attempts);
            Assert.Equal(2, _server.Connections);
            Assert.Equal(2, _server.Delivered.Count);
        }

        [Fact]
        public async Task PermanentRefusalIsNotRetriedAndExplainsItself()
        {
            _server.Script = (verb, arg, n) => verb == "DATA-END" ? "552 5.3.4 Error: message file too big" : null;
            using var sender = await Connected();
            var o = await sender.SendAsync(Msg("big"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Failed, o.Status);
            Assert.Equal(1, o.Attempts);
            Assert.Equal(SmtpPhase.Data, o.FailedPhase);
            Assert.Equal(552, o.StatusCode);
            Assert.Equal("5.3.4", o.EnhancedStatusCode);
            Assert.Equal("552 5.3.4 Error: message file too big", o.ServerResponse);
            Assert.Contains("50,000 bytes", o.Hint);
            Assert.Empty(_server.Delivered);
            Assert.NotNull(o.Error);

            // The session is still usable for the next message.
            _server.Script = (verb, arg, n) => null;
            Assert.Equal(SmtpSendStatus.Sent, (await sender.SendAsync(Msg("next"), CancellationToken.None)).Status);
            Assert.Equal(1, _server.Connections);
        }

        [Fact]
        public async Task BasicAuthDisabledHintsAtAccessToken()
        {
            _server.Script = (verb, arg, n) => verb == "MAIL" ? "535 5.7.139 Authentication unsuccessful, basic authentication is disabled." : null;
            using var sender = await Connected();
            var o = await sender.SendAsync(Msg("m365"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Failed, o.Status);
            Assert.Equal(SmtpPhase.Sender, o.FailedPhase);
            Assert.Equal("5.7.139", o.EnhancedStatusCode);
            Assert.Contains("-AccessToken", o.Hint);
        }

        [Fact]
        public async Task RefusedRecipientsAreListedAndTheOthersGetTheMessage()
        {
            _server.Script = (verb, arg, n) => verb == "RCPT" && arg.StartsWith("nobody") ? "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown" : null;
            using var sender = await Connected();
            var o = await sender.SendAsync(Msg("partial", "good@example.test", "nobody@example.test", "also@example.test"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.PartiallySent, o.Status);
            Assert.Equal(new[] { "good@example.test", "also@example.test" }, o.AcceptedRecipients);
            var refused = Assert.Single(o.RejectedRecipients);
            Assert.Equal("nobody@example.test", refused.Address);
            Assert.Equal(550, refused.StatusCode);
            Assert.Equal("5.1.1", refused.EnhancedStatusCode);
            Assert.Contains("User unknown", refused.Text);
            Assert.Equal(1, o.Attempts);
            Assert.Equal(new[] { "good@example.test", "also@example.test" }, Assert.Single(_server.Delivered).Recipients);
            Assert.StartsWith("250 ", o.ServerResponse);
        }

        [Fact]
        public async Task TemporarilyRefusedRecipientIsRetriedAloneSoNobodyGetsItTwice()
        {
            int greylist = 0;
            _server.Script = (verb, arg, n) => verb == "RCPT" && arg == "grey@example.test" && Interlocked.Increment(ref greylist) == 1 ? "450 4.2.0 <grey@example.test>: Recipient address rejected: Greylisted" : null;
            using var sender = await Connected();
            var o = await sender.SendAsync(Msg("grey", "first@example.test", "grey@example.test"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.Equal(2, o.Attempts);
            Assert.Empty(o.RejectedRecipients);
            Assert.Equal(new[] { "first@example.test", "grey@example.test" }, o.AcceptedRecipients.OrderBy(x => x));
            var delivered = _server.Delivered.ToList();
            Assert.Equal(2, delivered.Count);
            Assert.Equal(new[] { "first@example.test" }, delivered[0].Recipients);
            Assert.Equal(new[] { "grey@example.test" }, delivered[1].Recipients);
        }

        [Fact]
        public async Task NoRecipientAcceptedFailsThatMessageOnly()
        {
            _server.Script = (verb, arg, n) => verb == "RCPT" && arg.StartsWith("outside") ? "554 5.7.1 <outside@elsewhere.test>: Relay access denied" : null;
            using var sender = await Connected();
            var o = await sender.SendAsync(Msg("relay", "outside@elsewhere.test"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Failed, o.Status);
            Assert.Equal(SmtpPhase.Recipient, o.FailedPhase);
            Assert.Equal(554, o.StatusCode);
            Assert.Contains("authenticate", o.Hint);
            Assert.Equal(1, o.Attempts);
            Assert.Equal("SmtpRecipientsRefused", Assert.IsType<SmtpToolsException>(o.Error).ErrorId);
            Assert.Equal(SmtpSendStatus.Sent, (await sender.SendAsync(Msg("fine"), CancellationToken.None)).Status);
            Assert.Equal(1, _server.Connections);
        }

        [Fact]
        public async Task RetriesStopAtMaxRetries()
        {
            _server.Script = (verb, arg, n) => verb == "DATA-END" ? "451 4.3.0 try later" : null;
            using var sender = await Connected(maxRetries: 2);
            var o = await sender.SendAsync(Msg("never"), CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Failed, o.Status);
            Assert.Equal(3, o.Attempts);
            Assert.Equal(451, o.StatusCode);
            Assert.Equal("SmtpTransientFailure", Assert.IsType<SmtpToolsException>(o.Error).ErrorId);
            Assert.Equal(3, _server.Commands.Count(c => c == "DATA"));
        }

        [Fact]
        public async Task MaxRetriesZeroMeansOneAttempt()
        {
            _server.Script = (verb, arg, n) => verb == "DATA-END" ? "451 4.3.0 try later" : null;
            using var sender = await Connected(maxRetries: 0);
            var o = await sender.SendAsync(Msg("once"), CancellationToken.None);
            Assert.Equal(1, o.Attempts);
            Assert.Equal(1, _server.Commands.Count(c => c == "DATA"));
        }

        [Fact]
        public async Task MessageLargerThanEhloSizeFailsWithoutUploading()
        {
            var dir = Directory.CreateTempSubdirectory("big-").FullName;
            try
            {
                // 40,000 bytes fit under SIZE 50,000 as a file, but not base64-encoded in the message (about 54,000).
                var path = Path.Combine(dir, "big.bin");
                File.WriteAllBytes(path, new byte[40_000]);
                using var sender = await Connected();
                var m = Msg("big");
                m.Attachments.Add(path);
                var o = await sender.SendAsync(m, CancellationToken.None);
                Assert.Equal(SmtpSendStatus.Failed, o.Status);
                Assert.Equal(SmtpPhase.Size, o.FailedPhase);
                Assert.Equal("SmtpMessageTooLarge", Assert.IsType<SmtpToolsException>(o.Error).ErrorId);
                Assert.Contains("50,000", o.Hint);
                Assert.True(o.Size > 53_000, o.Size.ToString());
                Assert.DoesNotContain(_server.Commands, c => c.StartsWith("MAIL"));
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public async Task MissingAttachmentIsAMessageFailureBeforeAnyCommand()
        {
            using var sender = await Connected();
            var m = Msg("att");
            m.Attachments.Add("/nonexistent/file.pdf");
            var o = await sender.SendAsync(m, CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Failed, o.Status);
            Assert.Equal(SmtpPhase.Message, o.FailedPhase);
            Assert.IsType<FileNotFoundException>(o.Error);
            Assert.DoesNotContain(_server.Commands, c => c.StartsWith("MAIL"));
        }

        [Fact]
        public async Task LargeMessagesReportUploadProgressAndTheirSize()
        {
            var dir = Directory.CreateTempSubdirectory("upload-").FullName;
            try
            {
                using var big = new FakeSmtpServer(maxSize: 0);
                var path = Path.Combine(dir, "big.bin");
                File.WriteAllBytes(path, new byte[3_000_000]);
                var sink = new RecordingSink();
                using var sender = new SmtpSender(new SmtpSenderOptions { Host = "127.0.0.1", Port = big.Port, Security = SmtpSecurity.None }, sink);
                await sender.ConnectAsync(CancellationToken.None);
                var m = Msg("big upload");
                m.Attachments.Add(path);
                var o = await sender.SendAsync(m, CancellationToken.None);
                Assert.Equal(SmtpSendStatus.Sent, o.Status);
                Assert.True(o.Size > 4_000_000, "base64 makes 3 MB about 4 MB: " + o.Size);
                Assert.Contains(sink.ProgressReports, p => p.Activity.StartsWith("Uploading message " + o.MessageId));
                Assert.True(sink.ProgressReports.Count > 3, "several progress steps");
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public async Task DsnIsRequestedPerRecipient()
        {
            using var sender = await Connected();
            var m = Msg("dsn");
            m.DeliveryNotification = DeliveryNotificationOptions.OnSuccess | DeliveryNotificationOptions.OnFailure;
            await sender.SendAsync(m, CancellationToken.None);
            Assert.Contains(_server.Commands, c => c.StartsWith("RCPT TO:<rcpt@example.test>") && c.Contains("NOTIFY=SUCCESS,FAILURE"));
            await sender.SendAsync(Msg("plain"), CancellationToken.None);
            Assert.DoesNotContain("NOTIFY", _server.Commands.Last(c => c.StartsWith("RCPT")));
        }

        [Fact]
        public async Task CancellationStopsAWaitingSend()
        {
            var release = new ManualResetEventSlim();
            _server.Script = (verb, arg, n) => { if (verb == "RCPT") release.Wait(TimeSpan.FromSeconds(30)); return null; };
            using var sender = await Connected();
            using var cts = new CancellationTokenSource();
            // SendAsync does the network part synchronously on the caller's thread (the cmdlet calls it from a worker).
            var send = Task.Run(() => sender.SendAsync(Msg("stuck"), cts.Token));
            cts.CancelAfter(200);
            // Cancelled before the data went out: the socket is closed at once, the server cannot have the message.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
            Assert.False(release.IsSet);
            release.Set();
            Assert.Empty(_server.Delivered);
        }

        [Fact]
        public async Task CancellationAfterTheDataWaitsBrieflyForTheVerdictThenSaysUnconfirmed()
        {
            var release = new ManualResetEventSlim();
            _server.Script = (verb, arg, n) => { if (verb == "DATA-END") release.Wait(TimeSpan.FromSeconds(30)); return null; };
            _verdictGrace = TimeSpan.FromMilliseconds(300);
            using var sender = await Connected();
            using var cts = new CancellationTokenSource();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var send = Task.Run(() => sender.SendAsync(Msg("stuck"), cts.Token));
            cts.CancelAfter(200);
            // The whole message went out before Ctrl+C: the caller gets a result it can log (never an unknown), within the grace.
            var result = await send;
            Assert.Equal(SmtpSendStatus.Unconfirmed, result.Status);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
            Assert.False(release.IsSet);
            release.Set();
        }

        [Fact]
        public async Task CancellationAfterTheDataKeepsAVerdictThatComesInTime()
        {
            _server.Script = (verb, arg, n) => { if (verb == "DATA-END") Thread.Sleep(400); return null; };
            using var sender = await Connected();
            using var cts = new CancellationTokenSource();
            var send = Task.Run(() => sender.SendAsync(Msg("late verdict"), cts.Token));
            cts.CancelAfter(150);
            var result = await send;
            Assert.Equal(SmtpSendStatus.Sent, result.Status); // delivered, and the caller knows it
            Assert.Single(_server.Delivered);
        }

        [Fact]
        public async Task ConnectFailureIsAClassifiedSetUpError()
        {
            var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            closed.Start();
            int port = ((IPEndPoint)closed.LocalEndpoint).Port;
            closed.Stop();
            using var sender = new SmtpSender(new SmtpSenderOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) });
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => sender.ConnectAsync(CancellationToken.None));
            Assert.Equal("SmtpConnectFailed", ex.ErrorId);
            Assert.Equal(FailureKind.ConnectionError, ex.Kind);
            Assert.Contains("127.0.0.1:" + port, ex.Message);
        }

        [Fact]
        public async Task CredentialsWithoutAuthOnOfferAreRefusedBeforeSending()
        {
            using var sender = new SmtpSender(new SmtpSenderOptions
            {
                Host = "127.0.0.1", Port = _server.Port, Security = SmtpSecurity.None, Credential = new NetworkCredential("u", "secret-pw"),
            });
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => sender.ConnectAsync(CancellationToken.None));
            Assert.Equal("SmtpAuthenticationNotOffered", ex.ErrorId);
            Assert.DoesNotContain("secret-pw", ex.ToString());
        }

        [Fact]
        public void BackoffGrowsExponentiallyWithJitterAndACap()
        {
            using var sender = new SmtpSender(new SmtpSenderOptions
            {
                Host = "127.0.0.1", RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(10),
            });
            for (int i = 0; i < 50; i++)
            {
                var d1 = sender.BackoffDelay(1).TotalSeconds;
                var d3 = sender.BackoffDelay(3).TotalSeconds;
                var d9 = sender.BackoffDelay(9).TotalSeconds;
                Assert.InRange(d1, 0.5, 1.0);
                Assert.InRange(d3, 2.0, 4.0);
                Assert.InRange(d9, 5.0, 10.0);
            }
            var samples = Enumerable.Range(0, 50).Select(_ => sender.BackoffDelay(2)).Distinct().Count();
            Assert.True(samples > 10, "jitter spreads the delays");
        }

        [Fact]
        public async Task ProtocolLogGoesToDebug()
        {
            var sink = new RecordingSink();
            using (var sender = await Connected(sink: sink, log: true))
            {
                await sender.SendAsync(Msg("logged"), CancellationToken.None);
                await sender.DisconnectAsync(CancellationToken.None);
            }
            Assert.Contains(sink.DebugLines, l => l.StartsWith("C: MAIL FROM:<sender@example.test>"));
            Assert.Contains(sink.DebugLines, l => l.StartsWith("S: 250 2.0.0 Ok: queued as"));
        }

        [Fact]
        public async Task PickupDirectoryWritesParseableEmlWithEnvelopeAndNoBcc()
        {
            var dir = Path.Combine(Path.GetTempPath(), "pickup-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var sender = new SmtpSender(new SmtpSenderOptions { PickupDirectory = dir });
                await sender.ConnectAsync(CancellationToken.None);
                var m = Msg("pickup", "to@example.test");
                m.Bcc.Add("secret-bcc@example.test");
                var o = await sender.SendAsync(m, CancellationToken.None);
                Assert.Equal(SmtpSendStatus.Sent, o.Status);
                Assert.Null(o.SmtpServer);
                var file = Assert.Single(Directory.GetFiles(dir));
                Assert.Equal(file, o.PickupPath);
                Assert.EndsWith(".eml", file);
                var text = File.ReadAllText(file);
                Assert.StartsWith("X-Sender: sender@example.test\r\nX-Receiver: to@example.test\r\nX-Receiver: secret-bcc@example.test\r\n", text);
                Assert.DoesNotContain("Bcc:", text);
                var parsed = MimeMessage.Load(file);
                Assert.Equal("pickup", parsed.Subject);
                Assert.Equal(o.MessageId, parsed.MessageId);
                Assert.Equal(0, _server.Connections);
            }
            finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        }
    }
}

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>-AccessToken: XOAUTH2 where offered (Microsoft 365, Gmail), OAUTHBEARER where it is all there is; the token never in the transcript.</summary>
    public sealed class SmtpSenderOAuthTests : IDisposable
    {
        private const string Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token-value";
        private readonly FakeSmtpServer _server = new FakeSmtpServer();

        public void Dispose() => _server.Dispose();

        private static string Decode(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));

        private async Task<List<string>> Run(string mechanisms)
        {
            _server.AuthMechanisms = mechanisms;
            var sink = new RecordingSink();
            var debug = sink.DebugLines;
            using var sender = new SmtpSender(new SmtpSenderOptions
            {
                Host = "127.0.0.1", Port = _server.Port, Security = SmtpSecurity.None, ProtocolLog = true,
                AccessToken = new System.Net.NetworkCredential("user@example.test", Token),
            }, sink);
            await sender.ConnectAsync(CancellationToken.None);
            var o = await sender.SendAsync(new OutgoingMessage { From = "user@example.test", To = { "b@example.test" }, Body = "x" }, CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            await sender.DisconnectAsync(CancellationToken.None);
            return debug;
        }

        [Fact]
        public async Task Xoauth2CarriesUserAndBearerToken()
        {
            var debug = await Run("PLAIN LOGIN XOAUTH2 OAUTHBEARER");
            var auth = Assert.Single(_server.Commands, c => c.StartsWith("AUTH "));
            Assert.StartsWith("AUTH XOAUTH2 ", auth);
            Assert.Equal("user=user@example.test\u0001auth=Bearer " + Token + "\u0001\u0001", Decode(auth.Substring("AUTH XOAUTH2 ".Length)));
            var transcript = string.Join("\n", debug);
            Assert.Contains("C: AUTH XOAUTH2 ", transcript);
            Assert.DoesNotContain(auth.Substring("AUTH XOAUTH2 ".Length), transcript);
            Assert.DoesNotContain(Token, transcript);
        }

        [Fact]
        public async Task OauthBearerWhenXoauth2IsNotOffered()
        {
            await Run("OAUTHBEARER");
            var auth = Assert.Single(_server.Commands, c => c.StartsWith("AUTH "));
            Assert.StartsWith("AUTH OAUTHBEARER ", auth);
            Assert.Contains("auth=Bearer " + Token, Decode(auth.Substring("AUTH OAUTHBEARER ".Length)));
        }
    }
}
