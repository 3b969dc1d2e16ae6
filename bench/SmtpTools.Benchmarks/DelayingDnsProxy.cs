using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// A UDP DNS proxy on loopback that makes a server look far away: every reply from the upstream server is held back
    /// for <c>delay</c> before it goes to the client (a fixed round trip, as to a resolver across a WAN). Transaction ids
    /// are rewritten on the way up so clients cannot collide, and restored on the way down. One thread receives from
    /// clients, one from upstream, one releases delayed replies in order (the delay is the same for all, so a FIFO is
    /// a sorted queue). UDP only: the benchmark's answers are small. Dispose stops it.
    /// </summary>
    internal sealed class DelayingDnsProxy : IDisposable
    {
        private readonly Socket _front;
        private readonly Socket _upstream;
        private readonly IPEndPoint _server;
        private readonly long _delayTicks;
        private readonly ConcurrentDictionary<ushort, (EndPoint Client, ushort Id)> _inFlight = new ConcurrentDictionary<ushort, (EndPoint, ushort)>();
        private readonly BlockingCollection<(long Due, byte[] Reply, int Length, EndPoint Client)> _delayed = new BlockingCollection<(long, byte[], int, EndPoint)>();
        private readonly List<Thread> _threads = new List<Thread>();
        private volatile bool _stopping;
        private int _nextId;

        public DelayingDnsProxy(IPEndPoint listen, IPEndPoint server, TimeSpan delay)
        {
            _server = server;
            _delayTicks = (long)(delay.TotalSeconds * Stopwatch.Frequency);
            _front = new Socket(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20, SendBufferSize = 1 << 20 };
            _front.Bind(listen);
            _upstream = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20, SendBufferSize = 1 << 20 };
            _upstream.Connect(server);
            Start(FromClients, "proxy-in");
            Start(FromServer, "proxy-out");
            Start(Release, "proxy-delay");
        }

        public EndPoint EndPoint => _front.LocalEndPoint;
        public long Forwarded;

        private void Start(ThreadStart body, string name)
        {
            var thread = new Thread(body) { IsBackground = true, Name = name };
            _threads.Add(thread);
            thread.Start();
        }

        private void FromClients()
        {
            var buffer = new byte[4096];
            while (!_stopping)
            {
                EndPoint client = new IPEndPoint(IPAddress.Any, 0);
                int n;
                try { n = _front.ReceiveFrom(buffer, ref client); }
                catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException) { if (_stopping) return; continue; }
                if (n < 12) continue;
                ushort id = (ushort)Interlocked.Increment(ref _nextId);
                _inFlight[id] = (client, (ushort)(buffer[0] << 8 | buffer[1]));
                buffer[0] = (byte)(id >> 8);
                buffer[1] = (byte)id;
                try { _upstream.Send(buffer, 0, n, SocketFlags.None); }
                catch (SocketException) { }
                Interlocked.Increment(ref Forwarded);
            }
        }

        private void FromServer()
        {
            while (!_stopping)
            {
                var buffer = new byte[4096];
                int n;
                try { n = _upstream.Receive(buffer); }
                catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException) { if (_stopping) return; continue; }
                if (n < 12) continue;
                ushort id = (ushort)(buffer[0] << 8 | buffer[1]);
                if (!_inFlight.TryRemove(id, out var origin)) continue;
                buffer[0] = (byte)(origin.Id >> 8);
                buffer[1] = (byte)origin.Id;
                _delayed.Add((Stopwatch.GetTimestamp() + _delayTicks, buffer, n, origin.Client));
            }
        }

        private void Release()
        {
            try
            {
                foreach (var item in _delayed.GetConsumingEnumerable())
                {
                    long wait = item.Due - Stopwatch.GetTimestamp();
                    if (wait > 0) Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
                    try { _front.SendTo(item.Reply, 0, item.Length, SocketFlags.None, item.Client); }
                    catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException) { if (_stopping) return; }
                }
            }
            catch (ObjectDisposedException) { }
        }

        public void Dispose()
        {
            _stopping = true;
            _delayed.CompleteAdding();
            _front.Dispose();
            _upstream.Dispose();
            foreach (var thread in _threads) thread.Join(2000);
        }
    }
}
