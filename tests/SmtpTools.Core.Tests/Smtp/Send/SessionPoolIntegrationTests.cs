using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp.Send
{
    /// <summary>
    /// The session pool against Postfix with real anvil limits (tests/Integration/start-servers.sh): the throttling is
    /// the server's own, and what arrives in the Maildir (through Dovecot LMTP) is the proof.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class SessionPoolIntegrationTests
    {
        private static string Alice => IntegrationServers.Get("SMTPTOOLS_USER_ALICE");

        private static SmtpSenderOptions Options(string portKey, int maxRetries = 3) => new SmtpSenderOptions
        {
            Host = IntegrationServers.Get("SMTPTOOLS_SMTP_HOST"),
            Port = IntegrationServers.GetInt(portKey),
            Security = SmtpSecurity.None,
            MaxRetries = maxRetries,
        };

        private static OutgoingMessage Message(string run, int i) => new OutgoingMessage
        {
            From = "merge@example.test",
            To = { Alice },
            Subject = $"pool {run} {i}",
            Body = "Row " + i,
        };

        [Fact]
        public async Task Postfix_connection_limit_four_sessions_adapt_to_two_and_every_message_arrives_once()
        {
            int limit = IntegrationServers.GetInt("SMTPTOOLS_SMTP_CONNECTION_LIMIT");
            string run = Guid.NewGuid().ToString("N").Substring(0, 8);
            using var pool = new SmtpSessionPool(Options("SMTPTOOLS_SMTP_CONNECTION_LIMIT_PORT"), new SmtpSessionPoolOptions { ConnectionCount = 4 });
            await pool.ConnectAsync(CancellationToken.None);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => pool.SendAsync(Message(run, i), CancellationToken.None))));
            await pool.DisconnectAsync(CancellationToken.None);

            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.True(pool.Governor.ThrottleReplies >= 1, $"anvil should have refused the sessions above its limit; peak {pool.PeakSessions}, opened {pool.ConnectionsOpened}, allowed {pool.Governor.AllowedSessions}, attempts {string.Join(",", outcomes.Select(o => o.Attempts).Distinct())}");
            // After RecoverAfter messages without a refusal the pool tries one session more, which anvil refuses again: at
            // the end it is at the limit or one step above it, never back at four.
            Assert.True(pool.Governor.AllowedSessions <= limit + 1, $"allowed {pool.Governor.AllowedSessions}, limit {limit}");
            var ids = outcomes.Select(o => o.MessageId).ToList();
            var counts = Maildir.WaitForAll("alice", ids);
            Assert.All(ids, id => Assert.Equal(1, counts.TryGetValue(id, out var n) ? n : 0));
        }

        [Fact]
        public async Task Postfix_message_rate_limit_slows_the_pool_and_nothing_is_lost()
        {
            int perUnit = IntegrationServers.GetInt("SMTPTOOLS_SMTP_RATE_LIMIT");
            string run = Guid.NewGuid().ToString("N").Substring(0, 8);
            int count = perUnit * 2 + 5;
            using var pool = new SmtpSessionPool(Options("SMTPTOOLS_SMTP_RATE_LIMIT_PORT", maxRetries: 8), new SmtpSessionPoolOptions { ConnectionCount = 2 });
            await pool.ConnectAsync(CancellationToken.None);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => pool.SendAsync(Message(run, i), CancellationToken.None))));
            await pool.DisconnectAsync(CancellationToken.None);

            Assert.All(outcomes, o => Assert.Equal(SmtpSendStatus.Sent, o.Status));
            Assert.True(pool.Governor.ThrottleReplies >= 1, "anvil should have answered 450 4.7.1 too much mail");
            Assert.Equal(1, pool.Governor.LowestSessions); // sessions first …
            Assert.True(pool.Governor.LowestRate > 0);      // … then the rate
            Assert.Contains(outcomes, o => o.Throttled && o.ThrottleWait > TimeSpan.Zero);
            var ids = outcomes.Select(o => o.MessageId).ToList();
            var counts = Maildir.WaitForAll("alice", ids);
            Assert.All(ids, id => Assert.Equal(1, counts.TryGetValue(id, out var n) ? n : 0));
        }
    }
}
