using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Dns
{
    internal enum ExchangeStatus
    {
        /// <summary>A reply with our id and our question arrived (its content is not checked yet).</summary>
        Reply,
        /// <summary>Nothing that answers the question arrived in time.</summary>
        Timeout,
        /// <summary>The socket reported an error (port unreachable, network down …).</summary>
        NetworkError,
    }

    internal readonly struct ExchangeResult
    {
        public ExchangeResult(ExchangeStatus status, byte[] reply, int length, string error, int ignored)
        {
            Status = status;
            Reply = reply;
            Length = length;
            Error = error;
            Ignored = ignored;
        }

        public ExchangeStatus Status { get; }
        public byte[] Reply { get; }
        public int Length { get; }
        public string Error { get; }
        /// <summary>Replies with this question's id that did not answer it (another question, not a response): ignored.</summary>
        public int Ignored { get; }
    }

    /// <summary>
    /// UDP questions to one server over a few shared sockets instead of a socket per question. Each socket is
    /// connected to the server (the kernel drops datagrams from anyone else) and has one receive loop that hands a reply
    /// to the question with its transaction id, and only when the reply repeats that question; anything else is
    /// ignored and the question keeps waiting, so a forged or stray datagram can neither answer nor fail it.
    /// A socket takes a bounded number of questions before a fresh one (a new random source port) takes over, and
    /// sockets close after a short idle time, so a resolver nobody disposes leaves nothing open.
    ///
    /// A datagram lost on the way (a server's receive queue overflows under a burst, even on loopback) would cost the
    /// whole timeout. So a question unanswered after the retransmission timeout is sent again within its try, as TCP
    /// and recursive resolvers do: RTO = smoothed RTT + 4 x its deviation (RFC 6298, Karn's rule), at least 250 ms,
    /// doubling per resend, at most three resends; each resend tells the caller (<c>onLoss</c>) so it sends less at once.
    /// </summary>
    internal sealed class UdpChannel : IDisposable
    {
        /// <summary>Questions per socket before the next one: keeps source ports changing as a stub's per-query sockets would.</summary>
        private const int QuestionsPerSocket = 256;
        private static readonly long IdleCloseTicks = Stopwatch.Frequency * 2;

        private readonly IPEndPoint _server;
        private readonly long _timeoutTicks;
        private readonly int _sweepMilliseconds;
        private readonly Action _onLoss;
        private static readonly long MinRtoTicks = Stopwatch.Frequency / 4;
        private const int MaxResends = 3;
        private long _srtt;   // ticks; 0 until the first sample
        private long _rttvar;
        private readonly object _lock = new object();
        private readonly List<Link> _links = new List<Link>();
        private readonly Timer _sweep;
        private readonly RandomNumberGenerator _random = RandomNumberGenerator.Create();
        private readonly byte[] _randomBytes = new byte[256];
        private int _randomUsed = 256;
        private Link _current;
        private bool _sweeping;
        private long _idleSince;
        private bool _disposed;

        public UdpChannel(IPEndPoint server, TimeSpan timeout, Action onLoss = null)
        {
            _server = server;
            _onLoss = onLoss;
            _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            _sweepMilliseconds = (int)Math.Max(10, Math.Min(50, timeout.TotalMilliseconds / 10));
            _sweep = new Timer(_ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);
        }

        public IPEndPoint Server => _server;

        private sealed class Link
        {
            public Link(Socket socket) { Socket = socket; }
            public readonly Socket Socket;
            public readonly Dictionary<ushort, Pending> Pending = new Dictionary<ushort, Pending>();
            public readonly byte[] Buffer = new byte[4096];
            public int Sent;
            public bool Retired;
            public bool Closed;
        }

        // Continuations run inline where the reply is handed over (always outside the lock): the resolver and the
        // engines above it are asynchronous all the way, and every thread hop per question costs more CPU than the
        // work it would move (measured: about a third of Test-SpfRecord's CPU per domain).
        private sealed class Pending : TaskCompletionSource<ExchangeResult>
        {
            public Pending(byte[] question) { Question = question; }
            public readonly byte[] Question;
            public ushort Id;
            public long Deadline;
            public long SentAt;
            public long NextResend;
            public int Resends;
            public byte[] Query;
            public Link Link;
            public int Ignored;
        }

        /// <summary>Sends <paramref name="query"/> (its id is overwritten) and waits for the reply to <paramref name="question"/>.</summary>
        public Task<ExchangeResult> ExchangeAsync(byte[] query, byte[] question)
        {
            var pending = new Pending(question);
            Link link;
            lock (_lock)
            {
                if (_disposed) return Task.FromResult(new ExchangeResult(ExchangeStatus.NetworkError, null, 0, "the resolver was closed", 0));
                try { link = CurrentLink(); }
                catch (SocketException ex) { return Task.FromResult(new ExchangeResult(ExchangeStatus.NetworkError, null, 0, Describe(ex), 0)); }
                ushort id;
                do id = NextId(); while (link.Pending.ContainsKey(id));
                pending.Id = id;
                pending.Link = link;
                pending.SentAt = Stopwatch.GetTimestamp();
                pending.Deadline = pending.SentAt + _timeoutTicks;
                pending.NextResend = pending.SentAt + Rto();
                pending.Query = query;
                link.Pending.Add(id, pending);
                if (++link.Sent >= QuestionsPerSocket)
                {
                    link.Retired = true;
                    _current = null;
                }
                if (!_sweeping)
                {
                    _sweeping = true;
                    _sweep.Change(_sweepMilliseconds, _sweepMilliseconds);
                }
                _idleSince = 0;
                DnsWire.SetId(query, id);
            }
            try
            {
                link.Socket.Send(query, 0, query.Length, SocketFlags.None);
            }
            catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
            {
                if (Take(link, pending.Id, pending))
                    pending.TrySetResult(new ExchangeResult(ExchangeStatus.NetworkError, null, 0, ex is SocketException se ? Describe(se) : "the socket was closed", 0));
            }
            return pending.Task;
        }

        private Link CurrentLink()
        {
            if (_current != null) return _current;
            var socket = new Socket(_server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try { socket.Connect(_server); }
            catch
            {
                socket.Dispose();
                throw;
            }
            var link = new Link(socket);
            _links.Add(link);
            _current = link;
            _ = ReceiveLoop(link);
            return link;
        }

        private ushort NextId()
        {
            if (_randomUsed >= _randomBytes.Length)
            {
                _random.GetBytes(_randomBytes);
                _randomUsed = 0;
            }
            ushort id = (ushort)(_randomBytes[_randomUsed] << 8 | _randomBytes[_randomUsed + 1]);
            _randomUsed += 2;
            return id;
        }

        private async Task ReceiveLoop(Link link)
        {
            var buffer = new ArraySegment<byte>(link.Buffer);
            while (true)
            {
                int length;
                try
                {
                    length = await link.Socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                }
                catch (SocketException ex) when (!link.Closed && (ex.SocketErrorCode == SocketError.ConnectionRefused || ex.SocketErrorCode == SocketError.ConnectionReset))
                {
                    // ICMP port unreachable for something we sent: nobody listens there (every datagram goes to that server).
                    FailAll(link, $"nothing answers DNS at {_server} (port unreachable)");
                    continue;
                }
                catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
                {
                    FailAll(link, link.Closed ? "the resolver was closed" : ex is SocketException se ? Describe(se) : "the socket was closed");
                    Close(link);
                    return;
                }
                if (length < DnsWire.HeaderLength) continue;
                ushort id = DnsWire.IdOf(link.Buffer);
                Pending pending;
                lock (_lock)
                {
                    if (!link.Pending.TryGetValue(id, out pending)) continue; // a stray or forged id: not ours
                    if (!DnsWire.IsReplyTo(link.Buffer, length, pending.Question))
                    {
                        pending.Ignored++;
                        continue;
                    }
                    Remove(link, id);
                    if (pending.Resends == 0) Sample(Stopwatch.GetTimestamp() - pending.SentAt);
                }
                var reply = new byte[length];
                System.Buffer.BlockCopy(link.Buffer, 0, reply, 0, length);
                pending.TrySetResult(new ExchangeResult(ExchangeStatus.Reply, reply, length, null, pending.Ignored));
            }
        }

        private bool Take(Link link, ushort id, Pending expected)
        {
            lock (_lock)
            {
                if (!link.Pending.TryGetValue(id, out var found) || found != expected) return false;
                Remove(link, id);
                return true;
            }
        }

        /// <summary>Under the lock: forget a question; a retired socket closes when its last question is done.</summary>
        private void Remove(Link link, ushort id)
        {
            link.Pending.Remove(id);
            if (link.Retired && link.Pending.Count == 0) CloseLocked(link);
        }

        private void FailAll(Link link, string error)
        {
            List<Pending> failed;
            lock (_lock)
            {
                if (link.Pending.Count == 0) return;
                failed = new List<Pending>(link.Pending.Values);
                link.Pending.Clear();
            }
            foreach (var p in failed) p.TrySetResult(new ExchangeResult(ExchangeStatus.NetworkError, null, 0, error, p.Ignored));
        }

        private void Close(Link link)
        {
            lock (_lock) CloseLocked(link);
        }

        private void CloseLocked(Link link)
        {
            if (link.Closed) return;
            link.Closed = true;
            _links.Remove(link);
            if (_current == link) _current = null;
            link.Socket.Dispose(); // ends its receive loop
        }

        /// <summary>RFC 6298 smoothing of an unambiguous round-trip sample (under the lock).</summary>
        private void Sample(long rtt)
        {
            if (_srtt == 0)
            {
                _srtt = rtt;
                _rttvar = rtt / 2;
                return;
            }
            _rttvar += (Math.Abs(_srtt - rtt) - _rttvar) / 4;
            _srtt += (rtt - _srtt) / 8;
        }

        private long Rto()
        {
            long rto = _srtt == 0 ? MinRtoTicks * 8 / 5 : _srtt + 4 * _rttvar;
            return Math.Max(MinRtoTicks, Math.Min(rto, _timeoutTicks / 2));
        }

        /// <summary>Resends questions past their RTO, times out those past their deadline, closes the sockets when idle.</summary>
        private void Sweep()
        {
            List<Pending> expired = null;
            List<(Socket Socket, byte[] Query)> resend = null;
            lock (_lock)
            {
                long now = Stopwatch.GetTimestamp();
                bool any = false;
                foreach (var link in _links.ToArray())
                {
                    foreach (var p in link.Pending.Values)
                    {
                        if (p.Deadline <= now) (expired ?? (expired = new List<Pending>())).Add(p);
                        else if (p.NextResend <= now && p.Resends < MaxResends)
                        {
                            p.Resends++;
                            p.NextResend = now + (Rto() << p.Resends);
                            (resend ?? (resend = new List<(Socket, byte[])>())).Add((link.Socket, p.Query));
                        }
                    }
                    if (expired != null)
                        foreach (var p in expired)
                            if (p.Link == link) Remove(link, p.Id);
                    any |= link.Pending.Count > 0;
                }
                if (!any)
                {
                    if (_idleSince == 0) _idleSince = now;
                    else if (now - _idleSince > IdleCloseTicks || _disposed)
                    {
                        foreach (var link in _links.ToArray()) CloseLocked(link);
                        _sweeping = false;
                        _sweep.Change(Timeout.Infinite, Timeout.Infinite);
                    }
                }
            }
            if (resend != null)
            {
                foreach (var (socket, query) in resend)
                {
                    try { socket.Send(query, 0, query.Length, SocketFlags.None); }
                    catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException) { }
                }
                _onLoss?.Invoke();
            }
            if (expired != null)
                foreach (var p in expired) p.TrySetResult(new ExchangeResult(ExchangeStatus.Timeout, null, 0, null, p.Ignored));
        }

        internal static string Describe(SocketException ex) => ex.SocketErrorCode.ToString();

        public void Dispose()
        {
            List<Link> links;
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
                links = new List<Link>(_links);
            }
            foreach (var link in links)
            {
                FailAll(link, "the resolver was closed");
                Close(link);
            }
            _sweep.Dispose();
            _random.Dispose();
        }
    }

    /// <summary>One question over TCP (RFC 7766), for replies that did not fit in UDP. Rare, so a connection per question.</summary>
    internal static class TcpExchange
    {
        public static async Task<ExchangeResult> ExchangeAsync(IPEndPoint server, byte[] query, byte[] question, TimeSpan timeout)
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using (var deadline = new CancellationTokenSource(timeout))
            using (deadline.Token.Register(() => socket.Dispose()))
            {
                try
                {
                    await socket.ConnectAsync(server).ConfigureAwait(false);
                    var framed = new byte[query.Length + 2];
                    framed[0] = (byte)(query.Length >> 8);
                    framed[1] = (byte)query.Length;
                    Buffer.BlockCopy(query, 0, framed, 2, query.Length);
                    int sent = 0;
                    while (sent < framed.Length)
                        sent += await socket.SendAsync(new ArraySegment<byte>(framed, sent, framed.Length - sent), SocketFlags.None).ConfigureAwait(false);
                    var prefix = new byte[2];
                    if (!await ReadExactly(socket, prefix).ConfigureAwait(false)) return Closed();
                    var reply = new byte[prefix[0] << 8 | prefix[1]];
                    if (!await ReadExactly(socket, reply).ConfigureAwait(false)) return Closed();
                    if (reply.Length < DnsWire.HeaderLength || DnsWire.IdOf(reply) != DnsWire.IdOf(query) || !DnsWire.IsReplyTo(reply, reply.Length, question))
                        return new ExchangeResult(ExchangeStatus.NetworkError, null, 0, "the TCP reply did not answer the question", 0);
                    return new ExchangeResult(ExchangeStatus.Reply, reply, reply.Length, null, 0);
                }
                catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
                {
                    if (deadline.IsCancellationRequested) return new ExchangeResult(ExchangeStatus.Timeout, null, 0, null, 0);
                    return new ExchangeResult(ExchangeStatus.NetworkError, null, 0, "TCP: " + (ex is SocketException se ? UdpChannel.Describe(se) : "closed"), 0);
                }
                finally
                {
                    socket.Dispose();
                }
            }
        }

        private static ExchangeResult Closed() => new ExchangeResult(ExchangeStatus.NetworkError, null, 0, "the server closed the TCP connection before replying", 0);

        private static async Task<bool> ReadExactly(Socket socket, byte[] buffer)
        {
            int read = 0;
            while (read < buffer.Length)
            {
                int n = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, read, buffer.Length - read), SocketFlags.None).ConfigureAwait(false);
                if (n == 0) return false;
                read += n;
            }
            return true;
        }
    }
}
