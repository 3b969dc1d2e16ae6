using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Smtp;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>
    /// Credentials only over TLS, for every security mode against servers with and without STARTTLS (AUTH offered in
    /// clear text too); what the server received is the proof.
    /// </summary>
    public sealed class SmtpSenderSecurityTests
    {
        private const string Password = "Cleartext-Passw0rd!";
        private const string Token = "ya29.secret-oauth-token";

        public enum Expect
        {
            /// <summary>Sent; AUTH and the message only after TLS.</summary>
            SentOverTls,
            /// <summary>Sent in clear text: only when the caller chose -Security None, or sends no secret.</summary>
            SentInClear,
            /// <summary>Set-up error SmtpStartTlsNotOffered after EHLO; nothing else sent.</summary>
            StartTlsNotOffered,
            /// <summary>Set-up error TlsHandshakeFailed; no SMTP command at all in clear text.</summary>
            TlsFailed,
            /// <summary>Set-up error: no greeting (an implicit-TLS port spoken to in clear text); the hint names SslOnConnect.</summary>
            NoGreeting,
        }

        public static IEnumerable<object[]> Matrix()
        {
            foreach (var secret in new[] { "password", "token" })
            {
                // A server that offers STARTTLS and (carelessly) AUTH before it.
                yield return new object[] { FakeTls.StartTls, SmtpSecurity.Auto, secret, Expect.SentOverTls };
                yield return new object[] { FakeTls.StartTls, SmtpSecurity.StartTlsWhenAvailable, secret, Expect.SentOverTls };
                yield return new object[] { FakeTls.StartTls, SmtpSecurity.StartTls, secret, Expect.SentOverTls };
                yield return new object[] { FakeTls.StartTls, SmtpSecurity.None, secret, Expect.SentInClear };
                yield return new object[] { FakeTls.StartTls, SmtpSecurity.SslOnConnect, secret, Expect.TlsFailed };
                // A server without STARTTLS that offers AUTH in clear text: the defect of issue 11 item 1.
                yield return new object[] { FakeTls.None, SmtpSecurity.Auto, secret, Expect.StartTlsNotOffered };
                yield return new object[] { FakeTls.None, SmtpSecurity.StartTlsWhenAvailable, secret, Expect.StartTlsNotOffered };
                yield return new object[] { FakeTls.None, SmtpSecurity.StartTls, secret, Expect.StartTlsNotOffered };
                yield return new object[] { FakeTls.None, SmtpSecurity.None, secret, Expect.SentInClear };
                yield return new object[] { FakeTls.None, SmtpSecurity.SslOnConnect, secret, Expect.TlsFailed };
                // Implicit TLS.
                yield return new object[] { FakeTls.Implicit, SmtpSecurity.SslOnConnect, secret, Expect.SentOverTls };
                yield return new object[] { FakeTls.Implicit, SmtpSecurity.Auto, secret, Expect.NoGreeting };
            }
            // Without a secret, TLS stays opportunistic where the mode says so.
            yield return new object[] { FakeTls.None, SmtpSecurity.Auto, "none", Expect.SentInClear };
            yield return new object[] { FakeTls.None, SmtpSecurity.StartTlsWhenAvailable, "none", Expect.SentInClear };
            yield return new object[] { FakeTls.StartTls, SmtpSecurity.Auto, "none", Expect.SentOverTls };
            yield return new object[] { FakeTls.None, SmtpSecurity.StartTls, "none", Expect.StartTlsNotOffered };
        }

        [Theory]
        [MemberData(nameof(Matrix))]
        public async Task SecretsTravelOnlyOverTlsUnlessSecurityNoneWasChosen(FakeTls serverTls, SmtpSecurity mode, string secret, Expect expect)
        {
            using var server = new FakeSmtpServer(tls: serverTls) { AuthMechanisms = "PLAIN XOAUTH2" };
            var options = new SmtpSenderOptions
            {
                Host = "127.0.0.1", Port = server.Port, Security = mode, SkipCertificateCheck = true, MaxRetries = 0,
                Timeout = TimeSpan.FromSeconds(expect == Expect.NoGreeting ? 2 : 10),
            };
            if (secret == "password") options.Credential = new NetworkCredential("user@example.test", Password);
            if (secret == "token") options.AccessToken = new NetworkCredential("user@example.test", Token);

            SmtpToolsException setUp = null;
            SmtpSendResult outcome = null;
            using (var sender = new SmtpSender(options))
            {
                try
                {
                    await sender.ConnectAsync(CancellationToken.None);
                    outcome = await sender.SendAsync(new OutgoingMessage { From = "user@example.test", To = { "rcpt@example.test" }, Subject = "matrix", Body = "x" }, CancellationToken.None);
                    await sender.DisconnectAsync(CancellationToken.None);
                }
                catch (SmtpToolsException ex) { setUp = ex; }
            }

            var plain = string.Join("\n", server.PlainCommands);
            bool secretExpected = secret != "none";
            switch (expect)
            {
                case Expect.SentOverTls:
                    Assert.True(setUp == null, setUp?.ToString());
                    Assert.Equal(SmtpSendStatus.Sent, outcome.Status);
                    Assert.NotNull(outcome.TlsProtocol);
                    Assert.True(Assert.Single(server.Delivered).Tls);
                    Assert.DoesNotContain("AUTH", plain);
                    Assert.DoesNotContain("MAIL FROM", plain);
                    Assert.Equal(secretExpected, server.Commands.Any(c => c.StartsWith("AUTH ")));
                    break;
                case Expect.SentInClear:
                    Assert.True(setUp == null, setUp?.ToString());
                    Assert.Equal(SmtpSendStatus.Sent, outcome.Status);
                    Assert.Null(outcome.TlsProtocol);
                    Assert.False(Assert.Single(server.Delivered).Tls);
                    Assert.Equal(secretExpected, plain.Contains("AUTH "));
                    break;
                case Expect.StartTlsNotOffered:
                    Assert.NotNull(setUp);
                    Assert.Equal("SmtpStartTlsNotOffered", setUp.ErrorId);
                    Assert.Equal(FailureKind.SecurityError, setUp.Kind);
                    Assert.Contains("does not offer STARTTLS", setUp.Message);
                    Assert.Contains("Nothing was sent", setUp.Message);
                    Assert.Contains("SslOnConnect", setUp.Hint);
                    // EHLO, then nothing but the goodbye: no AUTH, no envelope, no data.
                    Assert.All(server.Commands, c => Assert.True(c.StartsWith("EHLO ") || c == "QUIT", c));
                    Assert.Empty(server.Delivered);
                    break;
                case Expect.TlsFailed:
                    Assert.NotNull(setUp);
                    Assert.Equal("TlsHandshakeFailed", setUp.ErrorId);
                    Assert.DoesNotContain(server.Commands, c => c.StartsWith("AUTH") || c.StartsWith("MAIL") || c.StartsWith("EHLO"));
                    Assert.Empty(server.Delivered);
                    break;
                case Expect.NoGreeting:
                    Assert.NotNull(setUp);
                    Assert.Equal("SmtpConnectFailed", setUp.ErrorId);
                    Assert.Contains("SslOnConnect", setUp.Hint);
                    Assert.Empty(server.Commands);
                    break;
            }
            // Whatever happened, the secret never crossed the wire readable unless None was chosen.
            var secretText = secret == "password" ? Password : Token;
            if (secretExpected && mode != SmtpSecurity.None)
                Assert.DoesNotContain(server.PlainCommands, c => c.StartsWith("AUTH") || Decodes(c).Contains(secretText));
        }

        private static string Decodes(string line)
        {
            var last = line.Split(' ').Last();
            try { return Encoding.UTF8.GetString(Convert.FromBase64String(last)); }
            catch (FormatException) { return line; }
        }

        [Fact]
        public async Task AReconnectMidPipelineIsHeldToTheSameRule()
        {
            // The first session had STARTTLS; then the server closes it and the next session offers no STARTTLS (a
            // load balancer sent the reconnect to a misconfigured node). The second message fails at StartTls.
            using var server = new FakeSmtpServer(tls: FakeTls.StartTls) { AuthMechanisms = "PLAIN" };
            int mails = 0;
            server.Script = (verb, arg, n) => verb == "MAIL" && Interlocked.Increment(ref mails) == 2 ? "421 4.4.2 fake.test closing" : null;
            using var sender = new SmtpSender(new SmtpSenderOptions
            {
                Host = "127.0.0.1", Port = server.Port, SkipCertificateCheck = true, Credential = new NetworkCredential("u@example.test", Password),
                MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(5), Timeout = TimeSpan.FromSeconds(10),
            });
            await sender.ConnectAsync(CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Sent, (await sender.SendAsync(new OutgoingMessage { From = "u@example.test", To = { "a@example.test" }, Body = "1" }, CancellationToken.None)).Status);
            server.StartTlsOffered = false;
            var second = await sender.SendAsync(new OutgoingMessage { From = "u@example.test", To = { "b@example.test" }, Body = "2" }, CancellationToken.None);
            Assert.Equal(SmtpSendStatus.Failed, second.Status);
            Assert.Equal(SmtpPhase.StartTls, second.FailedPhase);
            Assert.Equal("SmtpStartTlsNotOffered", Assert.IsType<SmtpToolsException>(second.Error).ErrorId);
            Assert.Contains("SslOnConnect", second.Hint);
            Assert.DoesNotContain(server.PlainCommands, c => c.StartsWith("AUTH") || c.StartsWith("MAIL"));
            Assert.Single(server.Delivered);
        }
    }

    /// <summary>-TimeoutSec bounds every wait, and a lost final reply is never resent on its own (issue 11 items 2 and 3).</summary>
    public sealed class SmtpSenderReliabilityTests : IDisposable
    {
        private readonly FakeSmtpServer _server = new FakeSmtpServer(maxSize: 50_000);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        public void Dispose()
        {
            _stop.Cancel(); // ends a send a regression left hanging
            _stop.Dispose();
            _server.Dispose();
        }

        private SmtpSender Sender(TimeSpan? timeout = null, int maxRetries = 3, bool retryUnconfirmed = false) => new SmtpSender(new SmtpSenderOptions
        {
            Host = "127.0.0.1",
            Port = _server.Port,
            Security = SmtpSecurity.None,
            MaxRetries = maxRetries,
            RetryUnconfirmed = retryUnconfirmed,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            RetryMaxDelay = TimeSpan.FromMilliseconds(40),
            Timeout = timeout ?? TimeSpan.FromSeconds(20),
        });

        private static OutgoingMessage Msg(string subject, params string[] to) => new OutgoingMessage
        {
            From = "sender@example.test",
            To = to.Length == 0 ? new List<string> { "rcpt@example.test" } : to.ToList(),
            Subject = subject,
            Body = "body of " + subject,
        };

        /// <summary>
        /// Runs the (synchronous on the caller) send on a worker, with a token that can be cancelled as the cmdlet's can
        /// (MailKit waited on such a token forever); a hang fails the test instead of the run.
        /// </summary>
        private Task<SmtpSendResult> Bounded(SmtpSender sender, OutgoingMessage message) =>
            Task.Run(() => sender.SendAsync(message, _stop.Token)).WaitAsync(TimeSpan.FromSeconds(60));

        /// <summary>Connects a default sender and sends one message (bounded).</summary>
        private async Task<SmtpSendResult> SendOne(OutgoingMessage message)
        {
            using var sender = Sender();
            await sender.ConnectAsync(CancellationToken.None);
            return await Bounded(sender, message);
        }

        /// <summary>The message failed in <paramref name="phase"/> before any MAIL FROM reached the server; returns its error.</summary>
        private SmtpToolsException FailedBeforeMailFrom(SmtpSendResult o, SmtpPhase phase, string errorId)
        {
            Assert.Equal(SmtpSendStatus.Failed, o.Status);
            Assert.Equal(phase, o.FailedPhase);
            var error = Assert.IsType<SmtpToolsException>(o.Error);
            Assert.Equal(errorId, error.ErrorId);
            Assert.DoesNotContain(_server.Commands, c => c.StartsWith("MAIL"));
            return error;
        }

        private IEnumerable<string> DeliveredSubjects() =>
            _server.Delivered.Select(d => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(d.Data))).Subject);

        [Theory]
        [InlineData("MAIL")]
        [InlineData("RCPT")]
        [InlineData("DATA")]
        public async Task AServerThatStopsAnsweringBeforeTheDataEndsIsLeftAfterTheTimeoutAndTheMessageRetried(string verb)
        {
            int stalls = 0;
            _server.Script = (v, arg, n) => v == verb && Interlocked.Increment(ref stalls) == 1 ? FakeSmtpServer.Stall : null;
            using var sender = Sender(timeout: TimeSpan.FromSeconds(1), maxRetries: 1);
            await sender.ConnectAsync(CancellationToken.None);
            var watch = Stopwatch.StartNew();
            var o = await Bounded(sender, Msg("stalled at " + verb));
            watch.Stop();
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.Equal(2, o.Attempts);
            Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 15);
            Assert.Equal(new[] { "stalled at " + verb }, DeliveredSubjects());
            Assert.Equal(2, _server.Connections);
        }

        [Fact]
        public async Task AServerThatNeverAnswersFailsEachMessageWithinItsRetriesAndThePipelineGoesOn()
        {
            _server.Script = (v, arg, n) => v == "MAIL" && arg.Contains("stuck@") ? FakeSmtpServer.Stall : null;
            using var sender = Sender(timeout: TimeSpan.FromSeconds(1), maxRetries: 1);
            await sender.ConnectAsync(CancellationToken.None);
            var stuck = await Bounded(sender, new OutgoingMessage { From = "stuck@example.test", To = { "a@example.test" }, Body = "x" });
            var next = await Bounded(sender, Msg("next"));
            Assert.Equal(SmtpSendStatus.Failed, stuck.Status);
            Assert.Equal(2, stuck.Attempts);
            Assert.Equal(SmtpPhase.Sender, stuck.FailedPhase);
            var error = Assert.IsType<SmtpToolsException>(stuck.Error);
            Assert.Equal("SmtpConnectionLost", error.ErrorId);
            Assert.Equal(FailureKind.OperationTimeout, error.Kind);
            Assert.Contains("did not answer in time", error.Message);
            Assert.Equal(SmtpSendStatus.Sent, next.Status);
            Assert.Equal(new[] { "next" }, DeliveredSubjects());
        }

        [Theory]
        [InlineData(FakeSmtpServer.AcceptThenDrop, FailureKind.ConnectionError)]
        [InlineData(FakeSmtpServer.AcceptThenStall, FailureKind.OperationTimeout)]
        public async Task AFinalReplyLostAfterTheDataIsUnconfirmedAndNotSentAgain(string fault, FailureKind kind)
        {
            _server.Script = (v, arg, n) => v == "DATA-END" && n == 1 ? fault : null;
            using var sender = Sender(timeout: TimeSpan.FromSeconds(1));
            await sender.ConnectAsync(CancellationToken.None);
            var lost = await Bounded(sender, Msg("lost reply"));
            var next = await Bounded(sender, Msg("after"));

            Assert.Equal(SmtpSendStatus.Unconfirmed, lost.Status);
            Assert.Equal(1, lost.Attempts);
            Assert.Equal(SmtpPhase.Data, lost.FailedPhase);
            Assert.Null(lost.ServerResponse);
            Assert.Contains("-RetryUnconfirmed", lost.Hint);
            Assert.Contains("Message-ID", lost.Hint);
            var error = Assert.IsType<SmtpToolsException>(lost.Error);
            Assert.Equal("SmtpDeliveryUnconfirmed", error.ErrorId);
            Assert.Equal(kind, error.Kind);
            Assert.Equal(SmtpSendStatus.Sent, next.Status);
            // The server kept the first message once and the client did not send it again: nobody got it twice.
            Assert.Equal(new[] { "lost reply", "after" }, DeliveredSubjects());
        }

        [Fact]
        public async Task AMergeThroughAFaultyServerDeliversNothingTwiceAndAccountsForEveryMessage()
        {
            // The adversarial run of issue 11 in small: 200 messages; the server drops or stalls at random points
            // (before the data, and after keeping the data). Seeded, so a failure can be replayed.
            var random = new Random(11);
            var faults = new Dictionary<string, string>();
            foreach (var i in Enumerable.Range(0, 200))
            {
                int roll = random.Next(100);
                faults["m" + i] = roll < 4 ? FakeSmtpServer.AcceptThenDrop : roll < 6 ? FakeSmtpServer.AcceptThenStall
                    : roll < 9 ? "RCPT-DROP" : roll < 11 ? "MAIL-STALL" : null;
            }
            var tripped = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
            string Fault(string subjectOrAddress, string kind) =>
                faults.TryGetValue(subjectOrAddress, out var f) && f == kind && tripped.TryAdd(subjectOrAddress, true) ? kind : null;
            _server.Script = (verb, arg, n) =>
            {
                if (verb == "MAIL" && arg.StartsWith("FROM:<m") && Fault(arg.Substring(6, arg.IndexOf('@') - 6), "MAIL-STALL") != null) return FakeSmtpServer.Stall;
                if (verb == "RCPT" && arg.StartsWith("m") && Fault(arg.Substring(0, arg.IndexOf('@')), "RCPT-DROP") != null) return FakeSmtpServer.Drop;
                if (verb == "DATA-END")
                {
                    var subject = arg.Split("\r\n").First(l => l.StartsWith("Subject: ")).Substring(9);
                    return Fault(subject, FakeSmtpServer.AcceptThenDrop) ?? Fault(subject, FakeSmtpServer.AcceptThenStall);
                }
                return null;
            };
            using var sender = Sender(timeout: TimeSpan.FromSeconds(1));
            await sender.ConnectAsync(CancellationToken.None);
            var watch = Stopwatch.StartNew();
            var outcomes = new List<SmtpSendResult>();
            for (int i = 0; i < 200; i++)
                outcomes.Add(await Bounded(sender, new OutgoingMessage { From = $"m{i}@example.test", To = { $"m{i}@example.test" }, Subject = "m" + i, Body = "x" }));
            watch.Stop();

            Assert.Equal(faults.Count(f => f.Value != null), tripped.Count); // every planned fault happened
            var delivered = DeliveredSubjects().GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(delivered, d => Assert.True(d.Value == 1, $"{d.Key} delivered {d.Value} times"));
            for (int i = 0; i < 200; i++)
            {
                var o = outcomes[i];
                bool lostReply = faults["m" + i] == FakeSmtpServer.AcceptThenDrop || faults["m" + i] == FakeSmtpServer.AcceptThenStall;
                Assert.Equal(lostReply ? SmtpSendStatus.Unconfirmed : SmtpSendStatus.Sent, o.Status);
                Assert.True(delivered.ContainsKey("m" + i), $"m{i} never reached the server");
            }
            Assert.InRange(watch.Elapsed.TotalSeconds, 0, 60);
        }

        [Fact]
        public async Task RetryUnconfirmedResendsAndSaysTheRecipientsMayHaveItTwice()
        {
            _server.Script = (v, arg, n) => v == "DATA-END" && n == 1 ? FakeSmtpServer.AcceptThenDrop : null;
            using var sender = Sender(retryUnconfirmed: true);
            await sender.ConnectAsync(CancellationToken.None);
            var o = await Bounded(sender, Msg("resent"));
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.Equal(2, o.Attempts);
            Assert.Contains("twice", o.Hint);
            Assert.Equal(new[] { "resent", "resent" }, DeliveredSubjects());
        }

        [Fact]
        public async Task AConnectionLostBeforeTheDataEndsIsRetriedAndDeliveredOnce()
        {
            int drops = 0;
            _server.Script = (v, arg, n) => v == "RCPT" && Interlocked.Increment(ref drops) == 1 ? FakeSmtpServer.Drop : null;
            using var sender = Sender();
            await sender.ConnectAsync(CancellationToken.None);
            var o = await Bounded(sender, Msg("dropped at rcpt"));
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.Equal(2, o.Attempts);
            Assert.Equal(new[] { "dropped at rcpt" }, DeliveredSubjects());
        }

        [Fact]
        public async Task ATransient421GreetingOnReconnectIsRetried()
        {
            int connects = 0, mails = 0;
            _server.Script = (v, arg, n) =>
                v == "CONNECT" ? (Interlocked.Increment(ref connects) == 2 ? "421 4.3.2 fake.test Service not available, try again later" : null)
                : v == "MAIL" && Interlocked.Increment(ref mails) == 2 ? "421 4.4.2 fake.test Error: timeout exceeded" : null;
            using var sender = Sender();
            await sender.ConnectAsync(CancellationToken.None);
            var a = await Bounded(sender, Msg("a"));
            var b = await Bounded(sender, Msg("b"));
            Assert.Equal(SmtpSendStatus.Sent, a.Status);
            Assert.Equal(SmtpSendStatus.Sent, b.Status);
            Assert.Equal(3, b.Attempts);
            Assert.Equal(3, _server.Connections);
            Assert.Equal(new[] { "a", "b" }, DeliveredSubjects());
        }

        [Fact]
        public async Task AnAbruptDisconnectGivesAShortErrorWithoutTheCapabilityList()
        {
            _server.Script = (v, arg, n) => v == "MAIL" ? FakeSmtpServer.Drop : null;
            using var sender = Sender(maxRetries: 0);
            await sender.ConnectAsync(CancellationToken.None);
            var o = await Bounded(sender, Msg("cut"));
            Assert.Equal(SmtpSendStatus.Failed, o.Status);
            Assert.Equal("The connection was lost during MAIL FROM 1 time(s): the server closed the connection.", o.Error.Message);
            Assert.DoesNotContain("ENHANCEDSTATUSCODES", o.ServerResponse);
            Assert.DoesNotContain("SIZE", o.Error.Message);
        }

        [Fact]
        public async Task NonAsciiAddressesUseSmtpUtf8WhenTheServerOffersIt()
        {
            _server.ExtraCapabilities = "SMTPUTF8";
            var o = await SendOne(new OutgoingMessage { From = "jörg@bücher.example", To = { "zoë@example.test" }, Subject = "utf8", Body = "x" });
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.Contains(_server.Commands, c => c.StartsWith("MAIL FROM:<jörg@bücher.example>") && c.Contains(" SMTPUTF8"));
            var delivered = Assert.Single(_server.Delivered);
            Assert.Equal(new[] { "zoë@example.test" }, delivered.Recipients);
            Assert.Contains("To: zoë@example.test", delivered.Data); // RFC 6532: UTF-8 in the header, not an encoded word
        }

        [Fact]
        public async Task ANonAsciiLocalPartFailsClearlyWhenTheServerHasNoSmtpUtf8()
        {
            using var sender = Sender();
            await sender.ConnectAsync(CancellationToken.None);
            var o = await Bounded(sender, new OutgoingMessage { From = "sender@example.test", To = { "zoë@example.test" }, Subject = "utf8", Body = "x" });
            FailedBeforeMailFrom(o, SmtpPhase.Sender, "SmtpUtf8NotSupported");
            Assert.Contains("SMTPUTF8", o.Hint);
            Assert.Equal(SmtpSendStatus.Sent, (await Bounded(sender, Msg("ascii"))).Status);
        }

        [Fact]
        public async Task ANonAsciiDomainAloneTravelsAsAnALabelWithoutSmtpUtf8()
        {
            var o = await SendOne(new OutgoingMessage { From = "sender@example.test", To = { "anna@bücher.example" }, Subject = "idn", Body = "x" });
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.Contains("RCPT TO:<anna@xn--bcher-kva.example>", _server.Commands);
            Assert.DoesNotContain(_server.Commands, c => c.Contains("SMTPUTF8"));
        }

        [Fact]
        public async Task AMessageFileWithAnOverlongAddressFailsBeforeMailFrom()
        {
            var dir = Directory.CreateTempSubdirectory("envelope-").FullName;
            try
            {
                var eml = Path.Combine(dir, "long.eml");
                File.WriteAllText(eml, $"From: sender@example.test\r\nTo: {new string('a', 65)}@example.test\r\nSubject: long\r\n\r\nbody\r\n");
                var error = FailedBeforeMailFrom(await SendOne(new OutgoingMessage { MessagePath = eml }), SmtpPhase.Message, "AddressInvalid");
                Assert.Contains("RFC 5321 allows 64", error.Message);
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public async Task LongBodyLinesReachTheServerWithinTheRfc5321LineLimit()
        {
            var o = await SendOne(new OutgoingMessage { From = "sender@example.test", To = { "a@example.test" }, Subject = "long line", Body = new string('x', 5000) });
            Assert.Equal(SmtpSendStatus.Sent, o.Status);
            Assert.All(Assert.Single(_server.Delivered).Data.Split("\r\n"), line => Assert.True(line.Length <= 998, $"{line.Length} characters"));
        }

        [Fact]
        public async Task AnAttachmentLargerThanTheServerSizeFailsBeforeItIsReadWhole()
        {
            var dir = Directory.CreateTempSubdirectory("cap-").FullName;
            try
            {
                // 200 MB that take no disk space: reading it whole (as before) would fill memory for a message the server refuses anyway.
                var sparse = Path.Combine(dir, "huge.bin");
                using (var f = File.Create(sparse)) f.SetLength(200_000_000);
                var m = Msg("huge");
                m.Attachments.Add(sparse);
                var error = FailedBeforeMailFrom(await SendOne(m), SmtpPhase.Size, "SmtpMessageTooLarge");
                Assert.Contains("200,000,000 bytes", error.Message);
                Assert.Contains("50,000", error.Message);
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public async Task AnEndlessAttachmentFailsFastInsteadOfFillingTheMemory()
        {
            if (!File.Exists("/dev/zero")) return; // a device that never ends; Windows has none to open as a file
            var m = Msg("endless");
            m.Attachments.Add("/dev/zero");
            var error = FailedBeforeMailFrom(await SendOne(m), SmtpPhase.Size, "SmtpMessageTooLarge");
            Assert.Contains("goes on past", error.Message);
        }
    }
}
