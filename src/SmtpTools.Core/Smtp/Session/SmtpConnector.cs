using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// Opens the byte stream an SMTP session runs on: a TCP connection to an address (the probe, which resolves and
    /// times that itself) or a host name (the sender), within a timeout, cancelled by Ctrl+C. The one connect seam of
    /// both engines: tests hand either of them a scripted server through <see cref="SmtpConnector(Func{EndPoint, CancellationToken, Task{Stream}})"/>.
    /// Closing the stream closes the socket, which is how a blocked synchronous send is interrupted.
    /// </summary>
    public sealed class SmtpConnector
    {
        private readonly Func<EndPoint, CancellationToken, Task<Stream>> _connect;

        /// <summary>Real TCP connections.</summary>
        public static SmtpConnector Tcp { get; } = new SmtpConnector(ConnectTcpAsync);

        /// <summary>
        /// Real TCP connections used only synchronously, for a sender whose transactions block their thread anyway: on
        /// Linux and macOS a socket that ever ran an asynchronous call is non-blocking for good, and every synchronous read
        /// on it then waits for the runtime's socket thread and a thread-pool thread to pass the data on (three thread
        /// wake-ups per SMTP reply, a third of a message's CPU in pwsh, issue 17). This one connects synchronously and
        /// runs every asynchronous call of its stream synchronously too, so the socket stays blocking and a read is one
        /// recv on the calling thread. Closing the stream still interrupts a blocked call (the runtime shuts the socket
        /// down first). On Windows both kinds of call are native already, so the sender uses <see cref="Tcp"/> there.
        /// </summary>
        public static SmtpConnector BlockingTcp { get; } = new SmtpConnector(ConnectBlockingAsync);

        /// <summary>A connector whose streams come from <paramref name="connect"/> (a scripted or faulty server in tests).</summary>
        internal SmtpConnector(Func<EndPoint, CancellationToken, Task<Stream>> connect)
        {
            _connect = connect ?? throw new ArgumentNullException(nameof(connect));
        }

        /// <summary>Connects to <paramref name="endpoint"/> (an IPEndPoint or a DnsEndPoint).</summary>
        /// <exception cref="TimeoutException">No connection within <paramref name="timeout"/>.</exception>
        /// <exception cref="SocketException">Refused, unreachable, or the name does not resolve.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public async Task<Stream> ConnectAsync(EndPoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(timeout);
                try
                {
                    return await _connect(endpoint, limit.Token).ConfigureAwait(false);
                }
                catch (Exception) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"No TCP connection to {Describe(endpoint)} within {timeout.TotalSeconds:0.#} s.");
                }
            }
        }

        private static string Describe(EndPoint endpoint) =>
            endpoint is DnsEndPoint dns ? dns.Host + ":" + dns.Port : endpoint?.ToString();

        private static async Task<Stream> ConnectBlockingAsync(EndPoint endpoint, CancellationToken cancellationToken)
        {
            IPAddress[] addresses;
            int port;
            if (endpoint is IPEndPoint ip)
            {
                addresses = new[] { ip.Address };
                port = ip.Port;
            }
            else
            {
                var dns = (DnsEndPoint)endpoint;
                port = dns.Port;
                addresses = IPAddress.TryParse(dns.Host.Trim('[', ']'), out var literal) ? new[] { literal }
                    : await System.Net.Dns.GetHostAddressesAsync(dns.Host).ConfigureAwait(false);
                if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
            }
            Exception last = null;
            // One socket per address: on Linux a socket whose connect failed cannot be used again.
            foreach (var address in addresses)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using (cancellationToken.Register(() => socket.Dispose()))
                        socket.Connect(address, port);
                    cancellationToken.ThrowIfCancellationRequested();
                    return new SynchronousStream(new NetworkStream(socket, ownsSocket: true));
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    socket.Dispose();
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException)
                {
                    socket.Dispose();
                    last = ex;
                }
            }
            throw last;
        }

        private static async Task<Stream> ConnectTcpAsync(EndPoint endpoint, CancellationToken cancellationToken)
        {
            var socket = endpoint is IPEndPoint ip
                ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.NoDelay = true;
            try
            {
                using (cancellationToken.Register(() => socket.Dispose()))
                    await socket.ConnectAsync(endpoint).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new OperationCanceledException(cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
