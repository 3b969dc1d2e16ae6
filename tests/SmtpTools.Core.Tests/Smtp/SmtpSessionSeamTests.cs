using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>
    /// The sender and the prober open their sessions through the same <see cref="SmtpConnector"/> seam, so the replayed
    /// conversations that test the prober (<see cref="ScriptedSmtpStream"/>) drive the sender too, with no socket.
    /// </summary>
    public sealed class SmtpSessionSeamTests
    {
        private const string Ehlo = "EHLO";

        private static (SmtpSender Sender, List<EndPoint> Asked) SenderOver(params ScriptedSmtpStream[] servers)
        {
            var queue = new Queue<ScriptedSmtpStream>(servers);
            var asked = new List<EndPoint>();
            var connector = new SmtpConnector((endpoint, ct) =>
            {
                asked.Add(endpoint);
                return Task.FromResult<Stream>(queue.Dequeue());
            });
            var sender = new SmtpSender(new SmtpSenderOptions
            {
                Host = "mx.example.test", Port = 25, Security = SmtpSecurity.None, HeloName = "client.example.test",
                MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(1),
                Timeout = TimeSpan.FromSeconds(5),
            }, null, connector);
            return (sender, asked);
        }

        private static OutgoingMessage Message() => new OutgoingMessage
        {
            From = "sender@example.test",
            To = new List<string> { "rcpt@example.test" },
            Subject = "seam",
            Body = "hello\r\n.leading dot",
        };

        [Fact]
        public async Task AScriptedServerReceivesOneTransactionThroughTheSendersConnector()
        {
            var server = new ScriptedSmtpStream("220 mx.example.test ESMTP")
                .Then("EHLO client.example.test", "250-mx.example.test", "250 8BITMIME")
                .Then("MAIL FROM:<sender@example.test>", "250 2.1.0 Ok")
                .Then("RCPT TO:<rcpt@example.test>", "250 2.1.5 Ok")
                .Then("DATA", "354 End data with <CR><LF>.<CR><LF>")
                .Then(".", "250 2.0.0 Ok: queued as R1")
                .Then("QUIT", "221 2.0.0 Bye");
            var (sender, asked) = SenderOver(server);
            using (sender)
            {
                await sender.ConnectAsync(CancellationToken.None);
                var result = await sender.SendAsync(Message(), CancellationToken.None);
                await sender.DisconnectAsync(CancellationToken.None);

                Assert.Equal(SmtpSendStatus.Sent, result.Status);
                Assert.Equal("250 2.0.0 Ok: queued as R1", result.ServerResponse);
                Assert.Equal(new[] { "rcpt@example.test" }, result.AcceptedRecipients);
            }
            Assert.Empty(server.Unexpected);
            var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(asked));
            Assert.Equal(("mx.example.test", 25), (endpoint.Host, endpoint.Port));
            Assert.Contains("Subject: seam", server.DataLines);
            Assert.Contains("..leading dot", server.DataLines); // dot-stuffed on the wire (RFC 5321 4.5.2)
        }

        [Fact]
        public async Task ASessionThatEndsAfterTheDataIsUnconfirmedAndNotSentAgain()
        {
            // The script ends after the data: the final reply never comes. A retry is allowed (MaxRetries 1), yet the
            // second server must not be asked: the first may have the message.
            var first = new ScriptedSmtpStream("220 mx.example.test ESMTP")
                .Then(Ehlo, "250 mx.example.test")
                .Then("MAIL FROM:", "250 Ok")
                .Then("RCPT TO:", "250 Ok")
                .Then("DATA", "354 go ahead");
            var second = new ScriptedSmtpStream("220 mx.example.test ESMTP");
            var (sender, asked) = SenderOver(first, second);
            using (sender)
            {
                await sender.ConnectAsync(CancellationToken.None);
                var result = await sender.SendAsync(Message(), CancellationToken.None);

                Assert.Equal(SmtpSendStatus.Unconfirmed, result.Status);
                Assert.Equal(SmtpPhase.Data, result.FailedPhase);
                Assert.Equal(1, result.Attempts);
            }
            Assert.Single(asked);
            Assert.Equal(".", first.ClientLines.Last());
            Assert.Empty(second.ClientLines);
        }

        [Fact]
        public async Task AServerThatRefusesTheFirstRecipientTemporarilyGetsOnlyThatRecipientAgain()
        {
            var server = new ScriptedSmtpStream("220 mx.example.test ESMTP")
                .Then(Ehlo, "250 mx.example.test")
                .Then("MAIL FROM:", "250 Ok")
                .Then("RCPT TO:<a@example.test>", "250 Ok")
                .Then("RCPT TO:<b@example.test>", "450 4.2.0 b: mailbox busy")
                .Then("DATA", "354 go ahead")
                .Then(".", "250 2.0.0 Ok: queued as A1")
                .Then("MAIL FROM:", "250 Ok")
                .Then("RCPT TO:<b@example.test>", "250 Ok")
                .Then("DATA", "354 go ahead")
                .Then(".", "250 2.0.0 Ok: queued as B1");
            var (sender, _) = SenderOver(server);
            using (sender)
            {
                await sender.ConnectAsync(CancellationToken.None);
                var message = Message();
                message.To = new List<string> { "a@example.test", "b@example.test" };
                var result = await sender.SendAsync(message, CancellationToken.None);

                Assert.Equal(SmtpSendStatus.Sent, result.Status);
                Assert.Equal(2, result.Attempts);
                Assert.Equal(new[] { "a@example.test", "b@example.test" }, result.AcceptedRecipients);
            }
            Assert.Empty(server.Unexpected);
            Assert.Equal(1, server.ClientLines.Count(l => l == "RCPT TO:<a@example.test>"));
        }
    }
}
