using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp.Send
{
    public sealed class SendGovernorTests
    {
        /// <summary>A clock that only moves when the governor waits: every test runs in no real time and the same way each time.</summary>
        private sealed class FakeClock
        {
            public TimeSpan Now { get; private set; }
            public List<TimeSpan> Waits { get; } = new List<TimeSpan>();

            public Task Delay(TimeSpan delay, CancellationToken ct)
            {
                ct.ThrowIfCancellationRequested();
                lock (Waits)
                {
                    Waits.Add(delay);
                    Now += delay;
                }
                return Task.CompletedTask;
            }

            public void Advance(TimeSpan by) => Now += by;
        }

        private static SendGovernor Governor(FakeClock clock, int sessions, double rate = 0) =>
            new SendGovernor(sessions, rate, () => clock.Now, clock.Delay, new Random(1)) { RecoverAfter = 5 };

        /// <summary>Ten messages, 0.1 s apart: the pool achieves 10 messages/s before any throttling.</summary>
        private static async Task TenMessagesAtTenPerSecond(SendGovernor governor, FakeClock clock)
        {
            for (int i = 0; i < 10; i++)
            {
                var t = await governor.EnterAsync(CancellationToken.None);
                clock.Advance(TimeSpan.FromMilliseconds(100));
                governor.Succeeded();
                governor.Leave(t);
            }
        }

        [Fact]
        public async Task RateLimit_spaces_the_messages_of_the_whole_pool()
        {
            var clock = new FakeClock();
            var governor = Governor(clock, 4, rate: 0.5); // 30 a minute
            for (int i = 0; i < 5; i++)
            {
                var turn = await governor.EnterAsync(CancellationToken.None);
                governor.Succeeded();
                governor.Leave(turn);
                Assert.False(turn.Throttled); // the caller's own limit is not throttling
            }
            // The first goes at once, each further one two seconds after the one before.
            Assert.Equal(TimeSpan.FromSeconds(8), clock.Now);
        }

        [Fact]
        public async Task No_more_turns_at_once_than_sessions()
        {
            var clock = new FakeClock();
            var governor = Governor(clock, 2);
            var a = await governor.EnterAsync(CancellationToken.None);
            var b = await governor.EnterAsync(CancellationToken.None);
            var third = governor.EnterAsync(CancellationToken.None);
            await Task.Delay(50);
            Assert.False(third.IsCompleted);
            governor.Leave(a);
            var c = await third.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(2, governor.InUse);
            governor.Leave(b);
            governor.Leave(c);
            Assert.Equal(0, governor.InUse);
        }

        [Fact]
        public async Task A_waiting_turn_is_cancelled_promptly()
        {
            var governor = Governor(new FakeClock(), 1);
            var held = await governor.EnterAsync(CancellationToken.None);
            using (var cts = new CancellationTokenSource())
            {
                var waiting = governor.EnterAsync(cts.Token);
                cts.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
            }
            governor.Leave(held);
            var next = await governor.EnterAsync(CancellationToken.None); // the cancelled waiter took no slot
            Assert.Equal(1, governor.InUse);
            governor.Leave(next);
        }

        [Fact]
        public async Task Connection_replies_cost_sessions_down_to_below_what_was_open()
        {
            var clock = new FakeClock();
            var governor = Governor(clock, 4);
            var turns = new List<SendTurn>();
            for (int i = 0; i < 4; i++) turns.Add(await governor.EnterAsync(CancellationToken.None));
            // Postfix with smtpd_client_connection_count_limit = 2: sessions 3 and 4 hear "421 4.7.0 too many connections".
            governor.Throttled(turns[2], ThrottleSignal.Connections);
            Assert.Equal(3, governor.AllowedSessions);
            governor.Leave(turns[2]);
            governor.Throttled(turns[3], ThrottleSignal.Connections);
            Assert.Equal(2, governor.AllowedSessions);
            governor.Leave(turns[3]);
            Assert.True(turns[2].Throttled);
            Assert.Equal(2, governor.LowestSessions);
            Assert.Equal(0, governor.SessionSurplus(2));
            Assert.Equal(2, governor.SessionSurplus(4)); // the pool closes the two refused sessions
        }

        [Fact]
        public async Task Sessions_refused_while_opening_leave_as_many_as_were_accepted()
        {
            var governor = Governor(new FakeClock(), 4);
            governor.SessionsRefused(refused: 2, open: 2);
            Assert.Equal(2, governor.AllowedSessions);
            Assert.Equal(2, governor.ThrottleReplies);
            var a = await governor.EnterAsync(CancellationToken.None);
            var b = await governor.EnterAsync(CancellationToken.None);
            Assert.False(governor.EnterAsync(CancellationToken.None).IsCompleted);
            governor.Leave(a);
            governor.Leave(b);
        }

        [Fact]
        public async Task Rate_replies_cost_sessions_first_then_rate_with_a_growing_pause()
        {
            var clock = new FakeClock();
            var governor = Governor(clock, 4);
            await TenMessagesAtTenPerSecond(governor, clock);
            var turn = await governor.EnterAsync(CancellationToken.None);
            governor.Throttled(turn, ThrottleSignal.Rate);
            Assert.Equal(2, governor.AllowedSessions);
            Assert.Equal(0, governor.Rate);
            governor.Throttled(turn, ThrottleSignal.Rate);
            Assert.Equal(1, governor.AllowedSessions);
            Assert.Equal(0, governor.Rate);
            governor.Throttled(turn, ThrottleSignal.Rate);
            Assert.Equal(1, governor.AllowedSessions);
            Assert.InRange(governor.Rate, 4, 6); // half of what the pool achieved
            governor.Throttled(turn, ThrottleSignal.Rate);
            Assert.InRange(governor.Rate, 2, 3);

            // The retry waits for the pause: about 1, 2, 4, 8 s (with jitter) — the latest one decides.
            var before = clock.Now;
            await governor.PaceAsync(turn, CancellationToken.None);
            Assert.InRange((clock.Now - before).TotalSeconds, 5.5, 10.5);
            Assert.True(turn.Throttled);
            Assert.Equal(clock.Now - before, turn.ThrottleWait);
            governor.Leave(turn);
            Assert.Equal(4, governor.ThrottleReplies);
        }

        [Fact]
        public async Task Recovers_rate_first_then_sessions_when_the_replies_stop()
        {
            var clock = new FakeClock();
            var governor = Governor(clock, 2, rate: 10);
            var turn = await governor.EnterAsync(CancellationToken.None);
            governor.Throttled(turn, ThrottleSignal.Rate); // 2 → 1 session
            governor.Throttled(turn, ThrottleSignal.Rate); // 10 → 5 /s
            governor.Leave(turn);
            Assert.Equal(1, governor.AllowedSessions);
            Assert.Equal(5, governor.Rate);

            var rates = new List<double>();
            var sessions = new List<int>();
            for (int i = 0; i < 30; i++)
            {
                var t = await governor.EnterAsync(CancellationToken.None);
                governor.Succeeded();
                governor.Leave(t);
                rates.Add(governor.Rate);
                sessions.Add(governor.AllowedSessions);
            }
            Assert.Equal(10, governor.Rate); // back to the caller's limit, never above
            Assert.Equal(2, governor.AllowedSessions);
            // The rate came back before the session did.
            Assert.True(rates.IndexOf(10) < sessions.IndexOf(2));
        }

        [Fact]
        public async Task Without_a_limit_the_adaptive_rate_is_lifted_again()
        {
            var clock = new FakeClock();
            var governor = Governor(clock, 1);
            await TenMessagesAtTenPerSecond(governor, clock);
            var turn = await governor.EnterAsync(CancellationToken.None);
            governor.Throttled(turn, ThrottleSignal.Rate);
            governor.Leave(turn);
            Assert.True(governor.Rate > 0);
            Assert.True(governor.LowestRate > 0);
            for (int i = 0; i < 40 && governor.Rate > 0; i++)
            {
                var t = await governor.EnterAsync(CancellationToken.None);
                governor.Succeeded();
                governor.Leave(t);
            }
            Assert.Equal(0, governor.Rate);
        }

        [Theory]
        [InlineData(ThrottleSignal.Quota)]
        [InlineData(ThrottleSignal.SessionLimit)] // the pool opens a new session instead
        public async Task Quota_and_session_limit_replies_leave_sessions_and_rate_alone(ThrottleSignal signal)
        {
            var clock = new FakeClock();
            var governor = Governor(clock, 3);
            var turn = await governor.EnterAsync(CancellationToken.None);
            governor.Throttled(turn, signal);
            Assert.Equal(3, governor.AllowedSessions);
            Assert.Equal(0, governor.Rate);
            await governor.PaceAsync(turn, CancellationToken.None);
            Assert.Equal(TimeSpan.Zero, clock.Now); // no pause
        }

        [Fact]
        public void Rejects_impossible_settings()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new SendGovernor(0, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new SendGovernor(1, -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new SendGovernor(1, double.NaN));
        }
    }
}
