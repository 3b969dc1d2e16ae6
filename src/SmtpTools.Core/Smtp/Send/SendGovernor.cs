using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// The pace of a pool of SMTP sessions: how many sessions may carry a message at once, how many messages a second
    /// the whole pool may start (-RateLimit), and how it adapts when the server throttles. A throttling reply first
    /// costs sessions (a relay that counts connections, such as Exchange Online with three, or Postfix's anvil, says so
    /// and is satisfied with fewer), then rate (halved each time, starting from the rate actually achieved), and every
    /// rate reply pauses the whole pool for an exponentially growing, jittered backoff. After
    /// <see cref="RecoverAfter"/> messages in a row without a throttling reply the pool recovers one step: first the
    /// rate, then one session at a time, up to what the caller asked for. Thread-safe; one per pipeline.
    /// </summary>
    public sealed class SendGovernor
    {
        private readonly object _lock = new object();
        private readonly Func<TimeSpan> _now;
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;
        private readonly Random _jitter;
        private readonly LinkedList<TaskCompletionSource<bool>> _waiting = new LinkedList<TaskCompletionSource<bool>>();
        private readonly Queue<TimeSpan> _recent = new Queue<TimeSpan>();
        private TimeSpan _nextSlot, _pausedUntil;
        private int _inUse, _backoffLevel, _quiet;
        private double _rate;

        /// <param name="maxSessions">Sessions the caller allows (-ConnectionCount).</param>
        /// <param name="rateLimit">Messages per second over the whole pool (-RateLimit); 0 for no limit.</param>
        public SendGovernor(int maxSessions, double rateLimit)
            : this(maxSessions, rateLimit, StopwatchClock(), (delay, ct) => Task.Delay(delay, ct), new Random()) { }

        internal SendGovernor(int maxSessions, double rateLimit, Func<TimeSpan> now, Func<TimeSpan, CancellationToken, Task> delay, Random jitter)
        {
            if (maxSessions < 1) throw new ArgumentOutOfRangeException(nameof(maxSessions), "At least one session is needed.");
            if (rateLimit < 0 || double.IsNaN(rateLimit) || double.IsInfinity(rateLimit)) throw new ArgumentOutOfRangeException(nameof(rateLimit), "The rate limit must be 0 (none) or a positive number of messages per second.");
            MaxSessions = AllowedSessions = LowestSessions = maxSessions;
            RateLimit = _rate = LowestRate = rateLimit;
            _now = now;
            _delay = delay;
            _jitter = jitter;
        }

        private static Func<TimeSpan> StopwatchClock()
        {
            var watch = Stopwatch.StartNew();
            return () => watch.Elapsed;
        }

        /// <summary>The first pool-wide pause after a rate reply; each further one in a row doubles (with jitter).</summary>
        public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>Messages in a row without a throttling reply before the pool recovers one step.</summary>
        public int RecoverAfter { get; set; } = 20;

        public int MaxSessions { get; }
        /// <summary>The caller's rate (messages/s), 0 for none.</summary>
        public double RateLimit { get; }
        /// <summary>Sessions that may carry a message now.</summary>
        public int AllowedSessions { get; private set; }
        /// <summary>The pool's rate now (messages/s), 0 for none.</summary>
        public double Rate { get { lock (_lock) return _rate; } }
        /// <summary>Throttling replies seen.</summary>
        public int ThrottleReplies { get; private set; }
        /// <summary>The fewest sessions and the lowest rate (0: never limited) the pool went down to.</summary>
        public int LowestSessions { get; private set; }
        public double LowestRate { get; private set; }
        /// <summary>Sessions carrying a message now.</summary>
        public int InUse { get { lock (_lock) return _inUse; } }

        private bool Adapted => AllowedSessions < MaxSessions || _rate > 0 && (RateLimit == 0 || _rate < RateLimit);

        /// <summary>Waits for a free session slot and the pool's pace; the turn must be given back with <see cref="Leave"/>.</summary>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<SendTurn> EnterAsync(CancellationToken cancellationToken)
        {
            var turn = new SendTurn();
            while (true)
            {
                TaskCompletionSource<bool> wait;
                LinkedListNode<TaskCompletionSource<bool>> node;
                TimeSpan since;
                lock (_lock)
                {
                    if (_inUse < AllowedSessions)
                    {
                        _inUse++;
                        break;
                    }
                    wait = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    node = _waiting.AddLast(wait);
                    since = _now();
                }
                using (cancellationToken.Register(() => wait.TrySetCanceled()))
                {
                    try { await wait.Task.ConfigureAwait(false); }
                    finally { lock (_lock) { if (node.List != null) _waiting.Remove(node); } }
                }
                // Waiting for a slot counts as throttling only when throttling took slots away.
                lock (_lock) if (AllowedSessions < MaxSessions) turn.AddWait(_now() - since);
            }
            try
            {
                await PaceAsync(turn, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Leave(turn);
                throw;
            }
            return turn;
        }

        /// <summary>
        /// Waits until the pool may start the next message (or the next attempt of one): the end of a backoff pause and
        /// the next slot of the rate. Time waited because of throttling is added to <paramref name="turn"/>.
        /// </summary>
        public async Task PaceAsync(SendTurn turn, CancellationToken cancellationToken)
        {
            TimeSpan wait;
            bool throttled;
            lock (_lock)
            {
                var now = _now();
                var slot = Max(now, Max(_nextSlot, _pausedUntil));
                throttled = _pausedUntil > now || Adapted;
                if (_rate > 0) _nextSlot = slot + TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / _rate));
                wait = slot - now;
            }
            if (wait <= TimeSpan.Zero) return;
            await _delay(wait, cancellationToken).ConfigureAwait(false);
            if (throttled) turn.AddWait(wait);
        }

        /// <summary>A message (or attempt) ended without a throttling reply.</summary>
        public void Succeeded()
        {
            lock (_lock)
            {
                var now = _now();
                _recent.Enqueue(now);
                while (_recent.Count > 32) _recent.Dequeue();
                if (++_quiet < RecoverAfter) return;
                _quiet = 0;
                if (_backoffLevel > 0) _backoffLevel--;
                if (_rate > 0 && (RateLimit == 0 || _rate < RateLimit))
                {
                    // Recover the rate first (the server complained about volume last); without a caller's limit, back to
                    // none once the pool is as fast as when it was first slowed down.
                    _rate *= 1.5;
                    if (RateLimit > 0 && _rate >= RateLimit) _rate = RateLimit;
                    else if (RateLimit == 0 && _rate >= _unlimitedRate) _rate = 0;
                }
                else if (AllowedSessions < MaxSessions)
                {
                    AllowedSessions++;
                    WakeWaiters();
                }
            }
        }

        private double _unlimitedRate;

        /// <summary>
        /// A throttling reply arrived: adapt the pool (fewer sessions, a lower rate, a pool-wide pause). The caller waits
        /// through <see cref="PaceAsync"/> before it tries the message again.
        /// </summary>
        public void Throttled(SendTurn turn, ThrottleSignal signal)
        {
            if (signal == ThrottleSignal.None) return;
            lock (_lock)
            {
                ThrottleReplies++;
                _quiet = 0;
                if (turn != null) turn.Throttled = true;
                var now = _now();
                switch (signal)
                {
                    case ThrottleSignal.Connections:
                        // The server counts sessions: fewer than are open now (including the one it just refused).
                        AllowedSessions = Math.Max(1, Math.Min(AllowedSessions, Math.Max(_inUse, 1)) - 1);
                        break;
                    case ThrottleSignal.SessionLimit:
                        return; // the session pool opens a new session and uses each for fewer messages
                    case ThrottleSignal.Rate:
                        if (AllowedSessions > 1) AllowedSessions = Math.Max(1, AllowedSessions / 2);
                        else
                        {
                            double basis = _rate > 0 ? _rate : ObservedRate(now);
                            if (_rate == 0) _unlimitedRate = basis;
                            _rate = Math.Max(0.01, basis / 2);
                            _nextSlot = Max(_nextSlot, now);
                        }
                        Pause(now);
                        break;
                    default:
                        return; // a quota: nothing to adapt, the caller gives up
                }
                if (AllowedSessions < LowestSessions) LowestSessions = AllowedSessions;
                if (_rate > 0 && (LowestRate == 0 || _rate < LowestRate)) LowestRate = _rate;
            }
        }

        /// <summary>
        /// While the pool opened its sessions, the server refused <paramref name="refused"/> of them because it had enough of
        /// ours ("too many connections") and accepted <paramref name="open"/>: use at most that many.
        /// </summary>
        public void SessionsRefused(int refused, int open)
        {
            if (refused <= 0) return;
            lock (_lock)
            {
                ThrottleReplies += refused;
                _quiet = 0;
                AllowedSessions = Math.Max(1, Math.Min(AllowedSessions, open));
                if (AllowedSessions < LowestSessions) LowestSessions = AllowedSessions;
            }
        }

        /// <summary>Gives a turn back; a session above the allowed number should then be closed by the caller (see <see cref="SessionSurplus"/>).</summary>
        public void Leave(SendTurn turn)
        {
            lock (_lock)
            {
                if (turn == null || turn.Left) return;
                turn.Left = true;
                _inUse--;
                WakeWaiters();
            }
        }

        /// <summary>How many of <paramref name="openSessions"/> are more than the pool may use now (close them when idle).</summary>
        public int SessionSurplus(int openSessions)
        {
            lock (_lock) return Math.Max(0, openSessions - AllowedSessions);
        }

        private void Pause(TimeSpan now)
        {
            double ms = BackoffBase.TotalMilliseconds * Math.Pow(2, _backoffLevel);
            ms = Math.Min(ms, BackoffMax.TotalMilliseconds) * (0.75 + _jitter.NextDouble() * 0.5);
            _backoffLevel = Math.Min(_backoffLevel + 1, 16);
            _pausedUntil = Max(_pausedUntil, now + TimeSpan.FromMilliseconds(ms));
        }

        private double ObservedRate(TimeSpan now)
        {
            if (_recent.Count < 2) return 1;
            var span = now - _recent.Peek();
            return span <= TimeSpan.Zero ? 1 : _recent.Count / span.TotalSeconds;
        }

        private void WakeWaiters()
        {
            int free = AllowedSessions - _inUse;
            while (free-- > 0 && _waiting.Count > 0)
            {
                var first = _waiting.First.Value;
                _waiting.RemoveFirst();
                first.TrySetResult(true);
            }
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }

    /// <summary>One message's turn in a <see cref="SendGovernor"/>: whether it met throttling and how long throttling made it wait.</summary>
    public sealed class SendTurn
    {
        private long _waitTicks;

        /// <summary>This message got a throttling reply itself, or waited because the pool was throttled.</summary>
        public bool Throttled { get; internal set; }
        public TimeSpan ThrottleWait => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));
        internal bool Left { get; set; }

        internal void AddWait(TimeSpan wait)
        {
            if (wait <= TimeSpan.Zero) return;
            Throttled = true;
            Interlocked.Add(ref _waitTicks, wait.Ticks);
        }
    }
}
