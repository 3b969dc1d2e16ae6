using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Smtp
{
    /// <summary>How a <see cref="SmtpSessionPool"/> shares the work.</summary>
    public sealed class SmtpSessionPoolOptions
    {
        /// <summary>The most SMTP sessions open at once (-ConnectionCount).</summary>
        public int ConnectionCount { get; set; } = 1;
        /// <summary>Messages per second over the whole pool (-RateLimit); 0 for no limit.</summary>
        public double RateLimit { get; set; }
        /// <summary>QUIT and open a new session after this many messages (-MaxMessagesPerConnection); 0 for no limit.</summary>
        public int MaxMessagesPerConnection { get; set; }
    }

    /// <summary>Why and where a message is about to be tried again (see <see cref="SmtpSender.RetryPacer"/>).</summary>
    internal sealed class SmtpRetry
    {
        public SmtpRetry(int attempt, SmtpPhase phase, int statusCode, string text, bool messageOut = false)
        {
            Attempt = attempt;
            Phase = phase;
            StatusCode = statusCode;
            Text = text;
            MessageOut = messageOut;
        }

        public int Attempt { get; }
        /// <summary>Some recipients have (or may have) the message already: only this sender, which knows whom, may go on with it.</summary>
        public bool MessageOut { get; }
        public SmtpPhase Phase { get; }
        public int StatusCode { get; }
        public string Text { get; }
    }

    /// <summary>A session could not be opened because the server has enough of ours: the message goes back to the pool.</summary>
    internal sealed class SessionRefusedException : Exception
    {
        public SessionRefusedException(string reply) : base(reply) { }
    }

    /// <summary>
    /// Up to <see cref="SmtpSessionPoolOptions.ConnectionCount"/> SMTP sessions for one pipeline: each connects and
    /// authenticates once and then carries one message at a time; a message goes to whichever session is free. The
    /// <see cref="SendGovernor"/> paces the pool (-RateLimit) and adapts to throttling replies: a session the server
    /// refuses because we have too many is closed and its message handed to another session (nothing was sent);
    /// rate replies slow the whole pool down. Each message keeps the never-twice rule of <see cref="SmtpSender"/>
    /// (a broken session is reopened; a message whose data went out without a verdict is Unconfirmed, not resent).
    /// Thread-safe. Like <see cref="SmtpSender"/>, a send runs its SMTP transaction synchronously on the calling thread, so
    /// call it from one worker thread per message in flight (the cmdlet's Enqueue does).
    /// </summary>
    public sealed class SmtpSessionPool : IDisposable
    {
        private readonly object _lock = new object();
        private readonly SmtpSenderOptions _options;
        private readonly SmtpSessionPoolOptions _pool;
        private readonly IOperationSink _sink;
        private readonly Func<SmtpSender> _newSender;
        private readonly Stack<Session> _idle = new Stack<Session>();
        private readonly List<Session> _all = new List<Session>();
        private int _perSession;
        private bool _disposed;

        public SmtpSessionPool(SmtpSenderOptions options, SmtpSessionPoolOptions pool, IOperationSink sink = null)
            : this(options, pool, sink, null) { }

        internal SmtpSessionPool(SmtpSenderOptions options, SmtpSessionPoolOptions pool, IOperationSink sink, Func<SmtpSender> newSender)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _pool = pool ?? new SmtpSessionPoolOptions();
            if (_pool.ConnectionCount < 1) throw new ArgumentOutOfRangeException(nameof(pool), "ConnectionCount must be at least 1.");
            if (_pool.MaxMessagesPerConnection < 0) throw new ArgumentOutOfRangeException(nameof(pool), "MaxMessagesPerConnection cannot be negative.");
            _sink = sink ?? NullOperationSink.Instance;
            _newSender = newSender ?? (() => new SmtpSender(_options, _sink));
            _perSession = _pool.MaxMessagesPerConnection;
            // Each session's transaction runs synchronously on a pool thread (see SmtpSender.SendAsync); without enough
            // threads ready, the runtime adds them only every half second or so, and a short merge would never use more
            // sessions than there are cores. Raising the minimum only lets the pool start threads without that delay.
            ThreadPool.GetMinThreads(out int workers, out int io);
            int wanted = _pool.ConnectionCount + Environment.ProcessorCount;
            if (workers < wanted) ThreadPool.SetMinThreads(wanted, io);
            // A pickup directory has no sessions to share: one writer, as many at once as asked.
            Governor = new SendGovernor(options.PickupDirectory != null ? 1 : _pool.ConnectionCount, _pool.RateLimit);
            // Fails on bad options at once (no server, a bad EHLO name), as a single sender does.
            var first = new Session(_newSender());
            _all.Add(first);
            _idle.Push(first);
            Hook(first);
        }

        public SendGovernor Governor { get; }

        /// <summary>The result of a message that never reaches a session (see <see cref="SmtpSender.NotSent"/>).</summary>
        public SmtpSendResult NotSent(OutgoingMessage source, SmtpSendStatus status, SmtpPhase failedPhase, Exception error)
        {
            lock (_lock) return AnySender().NotSent(source, status, failedPhase, error);
        }

        /// <summary>The result of a message that was on its way when the run was stopped and has no outcome (see <see cref="SmtpSender.Unknown"/>).</summary>
        public SmtpSendResult Unknown(OutgoingMessage source)
        {
            lock (_lock) return AnySender().Unknown(source);
        }

        /// <summary>A sender for results that need no session (call under the lock).</summary>
        private SmtpSender AnySender() => _all.Count > 0 ? _all[0].Sender : _newSender();

        /// <summary>SMTP sessions opened over the pool's life (reconnects included).</summary>
        public int ConnectionsOpened
        {
            get
            {
                lock (_lock)
                {
                    int sum = 0;
                    foreach (var s in _all) sum += s.Sender.ConnectionsOpened;
                    return sum + _closedConnections;
                }
            }
        }

        private int _closedConnections;

        /// <summary>The most sessions that were open at once.</summary>
        public int PeakSessions { get; private set; }

        /// <summary>Sessions open now.</summary>
        public int OpenSessions { get { lock (_lock) return _all.Count; } }

        /// <summary>Messages per session before it is replaced; lowered when a server says a session carried too many. 0: no limit.</summary>
        public int MessagesPerSession { get { lock (_lock) return _perSession; } }

        /// <summary>
        /// Opens and authenticates the first session, so a set-up failure (credentials, TLS) shows before any message; then
        /// the others, side by side. A server that refuses some of them because it has enough of ours (anvil's "too many
        /// connections") costs the pool those sessions, nothing more; any other failure of an extra session leaves it to
        /// be opened when a message needs it.
        /// </summary>
        /// <exception cref="SmtpToolsException">As <see cref="SmtpSender.ConnectAsync"/>, for the first session.</exception>
        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            Session first;
            lock (_lock) first = _all[0];
            await first.Sender.ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (_options.PickupDirectory != null || Governor.MaxSessions == 1) return;
            int refused = 0;
            var extra = new List<Session>();
            for (int i = 1; i < Governor.MaxSessions; i++) extra.Add(new Session(_newSender()));
            var opening = extra.Select(async session =>
            {
                try
                {
                    // On a thread each: a sender's session is set up synchronously (see SmtpConnector.BlockingTcp).
                    await Task.Run(() => session.Sender.ConnectAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
                    return session;
                }
                catch (SmtpToolsException ex) when (ThrottleReplies.Classify(ReplyCode(ex), null, ex.Message) == ThrottleSignal.Connections)
                {
                    Interlocked.Increment(ref refused);
                    _sink.Verbose($"Session refused ({ex.Message}).");
                }
                catch (SmtpToolsException ex)
                {
                    _sink.Verbose($"An extra session could not be opened now ({ex.Message}); it is tried again when a message needs it.");
                }
                session.Sender.Dispose();
                return null;
            }).ToList();
            var opened = await Task.WhenAll(opening).ConfigureAwait(false);
            if (refused > 0)
            {
                // The server takes as many of our sessions as opened: that many from now on (it may grow back later).
                Governor.SessionsRefused(refused, 1 + opened.Count(o => o != null));
                _sink.Verbose($"{Governor.AllowedSessions} session(s) from now on.");
            }
            foreach (var session in opened)
            {
                if (session == null) continue;
                Hook(session);
                lock (_lock)
                {
                    _all.Add(session);
                    _idle.Push(session);
                    if (_all.Count > PeakSessions) PeakSessions = _all.Count;
                }
            }
        }

        private static int ReplyCode(SmtpToolsException ex) => ex.InnerException is MailKit.Net.Smtp.SmtpCommandException reply ? (int)reply.StatusCode : 0;

        /// <summary>Sends one message on a free session, waiting for one (and for the pool's pace) when none is.</summary>
        /// <exception cref="OperationCanceledException">Cancelled (Ctrl+C).</exception>
        public async Task<SmtpSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            // A row a resumed merge already sent costs no session and no share of the rate (the sender checks again after
            // building, for message files whose Message-ID is inside them).
            if (message.MessageId != null && _options.SkipSent != null && _options.SkipSent.Contains(message.MessageId))
            {
                lock (_lock) return AnySender().SentBefore(message, message.MessageId);
            }
            var turn = await Governor.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    var session = Rent();
                    session.Turn = turn;
                    SmtpSendResult outcome;
                    try
                    {
                        outcome = await session.Sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
                    }
                    catch (SessionRefusedException refused)
                    {
                        // The server has as many of our sessions as it takes: close this one, wait for a turn on another.
                        _sink.Verbose($"Session refused ({refused.Message}); {Governor.AllowedSessions} session(s) from now on.");
                        await CloseAsync(session).ConfigureAwait(false);
                        Governor.Leave(turn);
                        var again = await Governor.EnterAsync(cancellationToken).ConfigureAwait(false);
                        turn = Carry(turn, again);
                        continue;
                    }
                    catch (OperationCanceledException)
                    {
                        await CloseAsync(session).ConfigureAwait(false);
                        throw;
                    }
                    var signal = ThrottleReplies.Classify(outcome.StatusCode, outcome.EnhancedStatusCode, outcome.ServerResponse);
                    if (signal == ThrottleSignal.None && outcome.Status != SmtpSendStatus.Failed) Governor.Succeeded();
                    else if (signal != ThrottleSignal.None) turn.Throttled = true;
                    session.Messages++;
                    outcome.Throttled = turn.Throttled;
                    outcome.ThrottleWait = turn.ThrottleWait;
                    await ReturnAsync(session).ConfigureAwait(false);
                    return outcome;
                }
            }
            finally
            {
                Governor.Leave(turn);
            }
        }

        /// <summary>QUIT on every session.</summary>
        public async Task DisconnectAsync(CancellationToken cancellationToken)
        {
            List<Session> all;
            lock (_lock) all = new List<Session>(_all);
            foreach (var session in all) await session.Sender.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
                foreach (var session in _all) session.Sender.Dispose();
            }
        }

        private static SendTurn Carry(SendTurn from, SendTurn to)
        {
            to.Throttled |= from.Throttled;
            to.AddWait(from.ThrottleWait);
            return to;
        }

        private Session Rent()
        {
            lock (_lock)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(SmtpSessionPool));
                // A connected session first (no new greeting, TLS handshake and AUTH), else a new one.
                if (_idle.Count > 0) return _idle.Pop();
                var session = new Session(_newSender());
                Hook(session);
                _all.Add(session);
                if (_all.Count > PeakSessions) PeakSessions = _all.Count;
                return session;
            }
        }

        private async Task ReturnAsync(Session session)
        {
            bool close;
            lock (_lock)
            {
                if (_all.Count > PeakSessions) PeakSessions = _all.Count;
                // Too many sessions for the pool's allowance now, or this one has carried its share.
                close = Governor.SessionSurplus(_all.Count) > 0 || _perSession > 0 && session.Messages >= _perSession;
                if (!close) _idle.Push(session);
            }
            if (close) await CloseAsync(session, quit: true).ConfigureAwait(false);
        }

        private async Task CloseAsync(Session session, bool quit = false)
        {
            if (quit)
            {
                try { await session.Sender.DisconnectAsync(CancellationToken.None).ConfigureAwait(false); }
                catch (Exception ex) when (!(ex is OutOfMemoryException)) { _sink.Verbose("QUIT failed (ignored): " + ex.Message); }
            }
            lock (_lock)
            {
                _all.Remove(session);
                _closedConnections += session.Sender.ConnectionsOpened;
            }
            session.Sender.Dispose();
        }

        /// <summary>Routes the sender's retries through the governor: throttling replies slow the pool, not just this message.</summary>
        private void Hook(Session session)
        {
            session.Sender.RetryPacer = async (retry, ct) =>
            {
                var turn = session.Turn;
                var signal = ThrottleReplies.Classify(retry.StatusCode, null, retry.Text);
                if (signal == ThrottleSignal.Connections && retry.Phase == SmtpPhase.Connect)
                {
                    Governor.Throttled(turn, signal);
                    // Give the message to a session that is already open, unless this is the only one we have, or part
                    // of the message went out already (another sender would start it afresh, to every recipient).
                    bool others;
                    lock (_lock) others = _all.Count > 1;
                    if (others && !retry.MessageOut) throw new SessionRefusedException(SmtpReplies.Format(retry.StatusCode, retry.Text));
                }
                else if (signal == ThrottleSignal.SessionLimit)
                {
                    lock (_lock)
                    {
                        // The server counts messages per session: stay below what this one carried.
                        int carried = Math.Max(1, session.Messages);
                        if (_perSession == 0 || carried < _perSession) _perSession = carried;
                    }
                    Governor.Throttled(turn, signal);
                    _sink.Verbose($"{SmtpReplies.Format(retry.StatusCode, retry.Text)}: a new session every {MessagesPerSession} message(s) from now on.");
                    return; // the sender reconnects at once
                }
                else if (ThrottleReplies.IsAdaptive(signal))
                {
                    Governor.Throttled(turn, signal);
                    _sink.Verbose($"Throttled ({SmtpReplies.Format(retry.StatusCode, retry.Text)}): {Governor.AllowedSessions} session(s), {(Governor.Rate > 0 ? Governor.Rate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " message(s)/s" : "no rate limit")}.");
                    await Governor.PaceAsync(turn, ct).ConfigureAwait(false);
                    return;
                }
                var delay = session.Sender.BackoffDelay(retry.Attempt);
                _sink.Verbose($"Waiting {delay.TotalSeconds:0.###} s before attempt {retry.Attempt + 1}.");
                await Task.Delay(delay, ct).ConfigureAwait(false);
                await Governor.PaceAsync(turn, ct).ConfigureAwait(false);
            };
        }

        private sealed class Session
        {
            public Session(SmtpSender sender) { Sender = sender; }
            public SmtpSender Sender { get; }
            public int Messages { get; set; }
            /// <summary>The turn of the message this session carries now.</summary>
            public SendTurn Turn { get; set; }
        }
    }
}
