using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    /// <summary>
    /// The sender's connector (<see cref="SmtpConnector.BlockingTcp"/>, issue 17): its stream runs every asynchronous call
    /// synchronously on the calling thread (so the socket never becomes non-blocking and a reply is one recv), and Ctrl+C
    /// or a timeout still interrupts a call blocked on a silent server.
    /// </summary>
    public sealed class BlockingConnectorTests : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);

        public BlockingConnectorTests() => _listener.Start();

        public void Dispose() => _listener.Stop();

        private IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

        [Fact]
        public async Task AsynchronousCallsRunSynchronouslyOnTheCallersThread()
        {
            var accepted = _listener.AcceptTcpClientAsync();
            using var stream = await SmtpConnector.BlockingTcp.ConnectAsync(new DnsEndPoint("127.0.0.1", Endpoint.Port), TimeSpan.FromSeconds(10), CancellationToken.None);
            using var server = await accepted;
            var greeting = Encoding.ASCII.GetBytes("220 ready\r\n");
            // The greeting comes only after the read has begun waiting for it.
            var speak = Task.Run(async () =>
            {
                await Task.Delay(200);
                await server.GetStream().WriteAsync(greeting, 0, greeting.Length);
            });

            var buffer = new byte[64];
            var read = stream.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None);
            // Done when the call returned: the read waited on this thread, not through the runtime's socket thread.
            Assert.True(read.IsCompleted);
            await speak;
            int n = await read;
            Assert.Equal("220 ready\r\n", Encoding.ASCII.GetString(buffer, 0, n));

            var command = Encoding.ASCII.GetBytes("EHLO client.example.test\r\n");
            var write = stream.WriteAsync(command, 0, command.Length, CancellationToken.None);
            Assert.True(write.IsCompleted);
            await write;
            var got = new byte[command.Length];
            int total = 0;
            while (total < got.Length) total += await server.GetStream().ReadAsync(got, total, got.Length - total);
            Assert.Equal(command, got);
            Assert.True(stream.CanTimeout);
        }

        [Fact]
        public async Task ACancelledTokenInterruptsAReadBlockedOnASilentServer()
        {
            var accepted = _listener.AcceptTcpClientAsync();
            using var stream = await SmtpConnector.BlockingTcp.ConnectAsync(Endpoint, TimeSpan.FromSeconds(10), CancellationToken.None);
            using var server = await accepted;
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var watch = Stopwatch.StartNew();
            var read = stream.ReadAsync(new byte[16], 0, 16, stop.Token);
            watch.Stop();
            Assert.True(read.IsCanceled, read.Status.ToString());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
            // The stream is closed under the call: the session is given up, as with every cancelled SMTP call.
            Assert.ThrowsAny<Exception>(() => stream.Read(new byte[1], 0, 1));
        }

        [Fact]
        public async Task AReadTimeoutBoundsASynchronousRead()
        {
            var accepted = _listener.AcceptTcpClientAsync();
            using var stream = await SmtpConnector.BlockingTcp.ConnectAsync(Endpoint, TimeSpan.FromSeconds(10), CancellationToken.None);
            using var server = await accepted;
            stream.ReadTimeout = 300;
            var watch = Stopwatch.StartNew();
            Assert.ThrowsAny<IOException>(() => stream.Read(new byte[16], 0, 16));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        }

        [Fact]
        public async Task ARefusedConnectionIsASocketError()
        {
            int port = Endpoint.Port;
            _listener.Stop();
            var error = await Assert.ThrowsAsync<SocketException>(() => SmtpConnector.BlockingTcp.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(10), CancellationToken.None));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }
    }
}
