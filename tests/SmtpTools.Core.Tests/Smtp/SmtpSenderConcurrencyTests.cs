using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>
    /// The shape a pool of sessions (issue 17) builds on: several senders over one options object, one per worker, each
    /// reusing its session for many messages, running at once; a fault in one worker's session touches only its message.
    /// </summary>
    public sealed class SmtpSenderConcurrencyTests : IDisposable
    {
        private const int Workers = 4;
        private const int PerWorker = 25;
        private readonly FakeSmtpServer _server = new FakeSmtpServer();

        public void Dispose() => _server.Dispose();

        [Fact]
        public async Task SendersOverOneOptionsObjectRunConcurrentlyAndKeepTheNeverTwiceRulePerMessage()
        {
            // Worker 2 loses the final reply of its sixth message (the server kept it); worker 1's eighth message meets a
            // 451 once. Neither may disturb the other workers, and nothing may arrive twice.
            int transient = 0;
            _server.Script = (verb, arg, n) =>
                verb != "DATA-END" ? null
                : arg.Contains("Subject: w2-m5\r\n") ? FakeSmtpServer.AcceptThenDrop
                : arg.Contains("Subject: w1-m7\r\n") && Interlocked.Increment(ref transient) == 1 ? "451 4.3.0 Try again later"
                : null;
            var options = new SmtpSenderOptions
            {
                Host = "127.0.0.1", Port = _server.Port, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(20),
                RetryBaseDelay = TimeSpan.FromMilliseconds(5), RetryMaxDelay = TimeSpan.FromMilliseconds(20),
            };

            var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
            {
                using var sender = new SmtpSender(options);
                await sender.ConnectAsync(CancellationToken.None);
                var results = new List<SmtpSendResult>();
                for (int i = 0; i < PerWorker; i++)
                {
                    results.Add(await sender.SendAsync(new OutgoingMessage
                    {
                        From = "sender@example.test",
                        To = new List<string> { $"w{w}-r{i}@example.test" },
                        Subject = $"w{w}-m{i}",
                        Body = "pool",
                    }, CancellationToken.None));
                }
                await sender.DisconnectAsync(CancellationToken.None);
                return (Worker: w, Sessions: sender.ConnectionsOpened, Results: results);
            })).ToArray();
            var done = await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));

            foreach (var (worker, sessions, results) in done)
            {
                Assert.Equal(PerWorker, results.Count);
                Assert.Equal(worker == 2 ? 2 : 1, sessions);
                for (int i = 0; i < PerWorker; i++)
                {
                    var expected = worker == 2 && i == 5 ? SmtpSendStatus.Unconfirmed : SmtpSendStatus.Sent;
                    Assert.True(expected == results[i].Status, $"w{worker}-m{i}: {results[i].Status} {results[i].ServerResponse}");
                    Assert.Equal(worker == 1 && i == 7 ? 2 : 1, results[i].Attempts);
                }
            }
            var subjects = _server.Delivered.Select(d => Regex.Match(d.Data, @"^Subject: (.*)\r$", RegexOptions.Multiline).Groups[1].Value).ToList();
            Assert.Equal(Workers * PerWorker, subjects.Count);
            Assert.Equal(Workers * PerWorker, subjects.Distinct().Count());
            Assert.Equal(Workers + 1, _server.Connections);
        }
    }
}
