using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Threading;

namespace SmtpTools.Core.Dane
{
    /// <summary>
    /// STARTTLS to one address of an MX host for <see cref="DaneChecker"/> (Test-SmtpDane): banner, EHLO, STARTTLS and a
    /// full TLS handshake, keeping the certificates the server sent. Every certificate is accepted here because DANE
    /// judges the presented chain by its own rules. Not MailKit: a TLS session resumed from another address of the same
    /// host (the client's session cache is keyed by the host name, and servers share session tickets across addresses)
    /// shows that address's certificate, not this one's; the certificate-selection callback below makes .NET skip
    /// resumption, so each address presents its own chain. One handshake per host, address and port for the owner's
    /// lifetime (one pipeline: many domains share a provider's MX hosts), and at most a few connections at once.
    /// </summary>
    public sealed class StartTlsHandshaker : IStartTlsHandshaker, IDisposable
    {
        /// <summary>Connections open at once unless told otherwise: MX hosts limit connections per client.</summary>
        public const int DefaultMaxConnections = 16;
        private const int MaxLineLength = 4096;
        private const int MaxReplyLines = 100;

        private readonly TimeSpan _timeout;
        private readonly string _heloName;
        private readonly SmtpConnector _connector;
        private readonly SemaphoreSlim _connections;
        private readonly SharedTaskCache<StartTlsHandshake> _done = new SharedTaskCache<StartTlsHandshake>(100_000, StringComparer.OrdinalIgnoreCase);

        /// <param name="timeout">How long one step (connect, a reply, the TLS handshake) may take.</param>
        /// <param name="maxConnections">Connections open at once.</param>
        /// <param name="heloName">The EHLO name (checked by <see cref="SmtpConnectionProber.NormalizeHeloName"/>); null: the local host name.</param>
        /// <exception cref="ArgumentOutOfRangeException">maxConnections is below 1 or timeout is not positive.</exception>
        /// <exception cref="ArgumentException">heloName cannot go into an EHLO command.</exception>
        public StartTlsHandshaker(TimeSpan timeout, int maxConnections = DefaultMaxConnections, string heloName = null)
            : this(timeout, maxConnections, heloName, SmtpConnector.Tcp) { }

        internal StartTlsHandshaker(TimeSpan timeout, int maxConnections, string heloName, SmtpConnector connector)
        {
            if (maxConnections < 1) throw new ArgumentOutOfRangeException(nameof(maxConnections), maxConnections, "At least one connection.");
            if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A positive time.");
            _timeout = timeout;
            _heloName = SmtpConnectionProber.NormalizeHeloName(heloName, nameof(heloName)) ?? LocalName();
            _connector = connector ?? throw new ArgumentNullException(nameof(connector));
            _connections = new SemaphoreSlim(maxConnections, maxConnections);
        }

        private static string LocalName()
        {
            try
            {
                var name = System.Net.Dns.GetHostName();
                return SmtpConnectionProber.NormalizeHeloName(name, "host name") ?? "localhost";
            }
            catch (Exception ex) when (ex is ArgumentException || ex is System.Net.Sockets.SocketException)
            {
                return "localhost";
            }
        }

        /// <inheritdoc/>
        public Task<StartTlsHandshake> HandshakeAsync(string hostName, IPAddress address, int port, CancellationToken cancellationToken)
        {
            if (hostName == null) throw new ArgumentNullException(nameof(hostName));
            if (address == null) throw new ArgumentNullException(nameof(address));
            return _done.GetOrStart($"{hostName}|{address}|{port}", () => HandshakeUncachedAsync(hostName, address, port, cancellationToken));
        }

        private async Task<StartTlsHandshake> HandshakeUncachedAsync(string hostName, IPAddress address, int port, CancellationToken cancellationToken)
        {
            await _connections.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunAsync(hostName, new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _connections.Release();
            }
        }

        private async Task<StartTlsHandshake> RunAsync(string hostName, IPEndPoint endpoint, CancellationToken cancellationToken)
        {
            Stream stream;
            try
            {
                stream = await _connector.ConnectAsync(endpoint, _timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is IOException || ex is TimeoutException || ex is System.Net.Sockets.SocketException))
            {
                return StartTlsHandshake.Failed(StartTlsOutcome.ConnectFailed, ex.Message);
            }
            using (stream)
            using (var step = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (step.Token.Register(stream.Dispose))
            {
                var phase = StartTlsOutcome.ConnectFailed;
                try
                {
                    var reader = new ReplyReader(stream);
                    step.CancelAfter(_timeout);
                    var banner = await reader.ReadAsync().ConfigureAwait(false);
                    if (banner.Code != 220) return StartTlsHandshake.Failed(StartTlsOutcome.ConnectFailed, "greeting: " + banner.Text);
                    step.CancelAfter(_timeout);
                    var ehlo = await CommandAsync(stream, reader, "EHLO " + _heloName).ConfigureAwait(false);
                    phase = StartTlsOutcome.StartTlsNotOffered;
                    if (ehlo.Code != 250) return StartTlsHandshake.Failed(phase, "EHLO refused: " + ehlo.Text);
                    if (!OffersStartTls(ehlo)) return StartTlsHandshake.Failed(phase, "EHLO did not list STARTTLS");
                    step.CancelAfter(_timeout);
                    var go = await CommandAsync(stream, reader, "STARTTLS").ConfigureAwait(false);
                    if (go.Code != 220) return StartTlsHandshake.Failed(phase, "STARTTLS refused: " + go.Text);
                    phase = StartTlsOutcome.TlsFailed;
                    byte[][] presented = null;
                    using (var ssl = new SslStream(stream, true,
                        (sender, certificate, chain, errors) =>
                        {
                            if (certificate != null)
                                using (var leaf = new X509Certificate2(certificate))
                                    presented = SmtpCertificateReader.PresentedChainOf(leaf, chain);
                            return true;
                        },
                        // Present no client certificate. Its presence is also what makes .NET do a full handshake instead
                        // of resuming a session of another address of this host (see the class summary).
                        (sender, targetHost, localCertificates, remoteCertificate, acceptableIssuers) => null))
                    {
                        step.CancelAfter(_timeout);
                        await ssl.AuthenticateAsClientAsync(hostName, null, SslProtocols.None, false).ConfigureAwait(false);
                        if (presented == null || presented.Length == 0) return StartTlsHandshake.Failed(phase, "the server sent no certificate");
                        await TryQuitAsync(ssl).ConfigureAwait(false);
                        return StartTlsHandshake.Completed(presented);
                    }
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    // Cancelling disposes the stream: what surfaces is an IOException or ObjectDisposedException.
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (Exception ex)
                {
                    string why = step.IsCancellationRequested ? $"no answer within {_timeout.TotalSeconds:0.#} s" : Describe(ex);
                    return StartTlsHandshake.Failed(phase, why);
                }
            }
        }

        private static string Describe(Exception ex) =>
            ex is AuthenticationException && ex.InnerException != null ? ex.Message + " " + ex.InnerException.Message : ex.Message;

        private static bool OffersStartTls(SmtpReply ehlo)
        {
            for (int i = 1; i < ehlo.Lines.Count; i++)
                if (string.Equals(ehlo.Lines[i].Trim(), "STARTTLS", StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }

        private static async Task<SmtpReply> CommandAsync(Stream stream, ReplyReader reader, string command)
        {
            var bytes = Encoding.ASCII.GetBytes(command + "\r\n");
            await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            return await reader.ReadAsync().ConfigureAwait(false);
        }

        /// <summary>QUIT over TLS, as a courtesy (the result is already complete): a short wait, any failure ignored.</summary>
        private static async Task TryQuitAsync(SslStream ssl)
        {
            try
            {
                var bytes = Encoding.ASCII.GetBytes("QUIT\r\n");
                var write = ssl.WriteAsync(bytes, 0, bytes.Length);
                await Task.WhenAny(write, Task.Delay(1000)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is NotSupportedException)
            {
            }
        }

        /// <summary>
        /// Reads SMTP replies (RFC 5321 4.2) byte by byte, so that nothing after the STARTTLS reply is taken from the
        /// stream the TLS handshake reads next.
        /// </summary>
        private sealed class ReplyReader
        {
            private readonly Stream _stream;
            private readonly byte[] _one = new byte[1];

            public ReplyReader(Stream stream) { _stream = stream; }

            public async Task<SmtpReply> ReadAsync()
            {
                var lines = new List<string>();
                int code = 0;
                while (true)
                {
                    var line = await ReadLineAsync().ConfigureAwait(false);
                    if (line.Length < 3 || !int.TryParse(line.Substring(0, 3), out int lineCode) || (line.Length > 3 && line[3] != ' ' && line[3] != '-'))
                        throw new IOException($"not an SMTP reply: '{Printable(line)}'");
                    code = lineCode;
                    lines.Add(line.Length > 4 ? line.Substring(4) : "");
                    if (line.Length == 3 || line[3] == ' ') return new SmtpReply(null, code, lines);
                    if (lines.Count >= MaxReplyLines) throw new IOException($"a reply of more than {MaxReplyLines} lines");
                }
            }

            private async Task<string> ReadLineAsync()
            {
                var text = new StringBuilder();
                while (true)
                {
                    int n = await _stream.ReadAsync(_one, 0, 1).ConfigureAwait(false);
                    if (n == 0) throw new IOException("the server closed the connection");
                    if (_one[0] == '\n') return text.ToString().TrimEnd('\r');
                    if (text.Length >= MaxLineLength) throw new IOException($"a reply line longer than {MaxLineLength} characters");
                    text.Append((char)_one[0]);
                }
            }

            private static string Printable(string line) => line.Length > 80 ? line.Substring(0, 80) + "…" : line;
        }

        public void Dispose() => _connections.Dispose();
    }
}
