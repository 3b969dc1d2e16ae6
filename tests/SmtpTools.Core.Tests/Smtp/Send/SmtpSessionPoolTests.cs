using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp.Send
{
    /// <summary>The session pool against the fault-injecting server: throttling replies, dropped sessions, lost replies.</summary>
    public sealed class SmtpSessionPoolTests
    {
        private static SmtpSenderOptions Options(FakeSmtpServer server, int maxRetries = 4) => new SmtpSenderOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            Security = SmtpSecurity.None,
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        };

        private static OutgoingMessage Message(int i) => new OutgoingMessage
        {
            From = "sender@example.test",
            To = { $"rcpt{i}@example.test" },
            Subject = "Pool " + i,
            Body = "Row " + i,
        };

        private static string MessageIdOf(string data) => Regex.Match(data, @"(?im)^Message-Id:\s*<([^>]+)>").Groups[1].Value;

        private static async Task<SmtpSendResult[]> SendAll(SmtpSessionPool pool, int count)
        {
            await pool.ConnectAsync(CancellationToken.None);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => pool.SendAsync(Message(i), CancellationToken.None))));
            await pool.DisconnectAsync(CancellationToken.None);
            return outcomes;
        }

        [Fact]
        public async Task Messages_spread_over_the_sessions_each_opened_once()
        {
            using var server = new FakeSmtpServer();
            // A little latency per message, so the sessions really overlap.
            server.Script = (verb, arg, n) => { if (verb == "MAIL") Thread.Sleep(5); return null; };
            using var pool = new SmtpSessionPool(Options(server), new SmtpSessionPoolOptions { ConnectionCount = 4 });
            var outcomes = await SendAll(pool, 120);
            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.Equal(120, server.Delivered.Select(d => MessageIdOf(d.Data)).Distinct().Count());
            Assert.Equal(4, pool.PeakSessions);
            Assert.Equal(4, server.Connections); // each session connected (and would have authenticated) once
            Assert.Equal(4, server.Delivered.Select(d => d.Connection).Distinct().Count());
            Assert.All(outcomes, o => Assert.False(o.Throttled));
        }

        [Fact]
        public async Task MaxMessagesPerConnection_quits_and_reconnects()
        {
            using var server = new FakeSmtpServer();
            using var pool = new SmtpSessionPool(Options(server), new SmtpSessionPoolOptions { ConnectionCount = 1, MaxMessagesPerConnection = 10 });
            var outcomes = await SendAll(pool, 35);
            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.Equal(4, server.Connections);
            Assert.All(server.Delivered.GroupBy(d => d.Connection), g => Assert.True(g.Count() <= 10));
            Assert.Equal(4, server.Commands.Count(c => c.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase)));
        }

        [Fact]
        public async Task A_sender_thread_limit_mid_run_costs_sessions_and_loses_nothing()
        {
            using var server = new FakeSmtpServer();
            int refusals = 0;
            // Exchange Online's reply when a mailbox has more than three sessions sending: twice, mid-run.
            server.Script = (verb, arg, n) =>
            {
                if (verb == "MAIL") Thread.Sleep(2);
                if (verb == "MAIL" && n >= 20 && Interlocked.Increment(ref refusals) <= 2) return "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded";
                return null;
            };
            using var pool = new SmtpSessionPool(Options(server), new SmtpSessionPoolOptions { ConnectionCount = 4 });
            var outcomes = await SendAll(pool, 80);
            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.Equal(80, server.Delivered.Select(d => MessageIdOf(d.Data)).Distinct().Count());
            Assert.Equal(80, server.Delivered.Count); // never twice
            Assert.Equal(2, pool.Governor.ThrottleReplies);
            Assert.True(pool.Governor.LowestSessions <= 3);
            // Each refusal cost its message one more attempt, and that message says it was throttled. Usually two messages
            // were refused once each; when the retry of the first meets the second refusal, one message took three attempts.
            Assert.Equal(2, outcomes.Sum(o => o.Attempts - 1));
            Assert.All(outcomes.Where(o => o.Attempts > 1), o => Assert.True(o.Throttled));
        }

        [Fact]
        public async Task A_421_burst_reply_slows_the_pool_with_a_pause_and_every_affected_result_says_so()
        {
            using var server = new FakeSmtpServer();
            int refusals = 0;
            // Gmail after a burst: "421 4.7.0 Try again later, closing connection."
            server.Script = (verb, arg, n) => verb == "MAIL" && n >= 10 && Interlocked.Increment(ref refusals) <= 1 ? "421 4.7.0 Try again later, closing connection." : null;
            using var pool = new SmtpSessionPool(Options(server), new SmtpSessionPoolOptions { ConnectionCount = 2 });
            pool.Governor.BackoffBase = TimeSpan.FromMilliseconds(300);
            var outcomes = await SendAll(pool, 40);
            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.Equal(40, server.Delivered.Count);
            Assert.Equal(1, pool.Governor.ThrottleReplies);
            Assert.Equal(1, pool.Governor.LowestSessions); // rate replies cost sessions first
            var throttled = outcomes.Where(o => o.Throttled).ToList();
            Assert.NotEmpty(throttled);
            Assert.Contains(throttled, o => o.ThrottleWait >= TimeSpan.FromMilliseconds(200)); // the one that met the reply waited out the pause
        }

        [Fact]
        public async Task A_session_limit_reply_means_fewer_messages_per_session()
        {
            using var server = new FakeSmtpServer();
            var perConnection = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
            int connection = 0;
            server.Script = (verb, arg, n) =>
            {
                if (verb == "CONNECT") Interlocked.Increment(ref connection);
                if (verb != "MAIL") return null;
                int c = Volatile.Read(ref connection);
                return perConnection.AddOrUpdate(c, 1, (_, v) => v + 1) > 5 ? "421 4.4.2 Too many messages for this session" : null;
            };
            using var pool = new SmtpSessionPool(Options(server), new SmtpSessionPoolOptions { ConnectionCount = 1 });
            var outcomes = await SendAll(pool, 30);
            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.Equal(30, server.Delivered.Count);
            Assert.Equal(5, pool.MessagesPerSession);
            Assert.Equal(1, pool.Governor.ThrottleReplies); // learned once, then the pool reconnects on its own
        }

        [Fact]
        public async Task Dropped_sessions_are_reopened_and_a_lost_verdict_is_never_sent_twice()
        {
            using var server = new FakeSmtpServer();
            int drops = 0, lost = 0;
            server.Script = (verb, arg, n) =>
            {
                if (verb == "MAIL" && n == 10 && Interlocked.Increment(ref drops) == 1) return FakeSmtpServer.Drop; // before the data: safe to resend
                if (verb == "DATA-END" && n == 25 && Interlocked.Increment(ref lost) == 1) return FakeSmtpServer.AcceptThenDrop; // kept, reply lost
                return null;
            };
            using var pool = new SmtpSessionPool(Options(server), new SmtpSessionPoolOptions { ConnectionCount = 3 });
            var outcomes = await SendAll(pool, 50);
            Assert.Equal(49, outcomes.Count(o => o.Status == SmtpSendStatus.Sent));
            var unconfirmed = Assert.Single(outcomes, o => o.Status == SmtpSendStatus.Unconfirmed);
            Assert.Equal(50, server.Delivered.Count); // the unconfirmed one arrived once, nothing twice
            Assert.Equal(50, server.Delivered.Select(d => MessageIdOf(d.Data)).Distinct().Count());
            Assert.Contains(server.Delivered, d => MessageIdOf(d.Data) == unconfirmed.MessageId);
            Assert.Equal(0, pool.Governor.ThrottleReplies);
        }

        [Fact]
        public async Task Cancelling_stops_waiting_messages_promptly()
        {
            using var server = new FakeSmtpServer();
            server.Script = (verb, arg, n) => verb == "MAIL" ? FakeSmtpServer.Stall : null;
            using var pool = new SmtpSessionPool(Options(server), new SmtpSessionPoolOptions { ConnectionCount = 2 });
            await pool.ConnectAsync(CancellationToken.None);
            using var cts = new CancellationTokenSource();
            var sends = Enumerable.Range(0, 6).Select(i => Task.Run(() => pool.SendAsync(Message(i), cts.Token))).ToArray();
            await Task.Delay(300);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            cts.Cancel();
            foreach (var send in sends) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
            Assert.Empty(server.Delivered);
        }
    }
}
