using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// One SMTP connection from the greeting to QUIT, for Send-SmtpMessage and Test-SmtpConnection alike: the stream
    /// comes from a <see cref="SmtpConnector"/>, TLS follows <see cref="SmtpSecurityPolicy"/>, every wait is bounded by
    /// the options' timeout (the stream's read and write timeouts, as MailKit's blocking calls need), the server
    /// certificate is read into <see cref="Certificate"/> and judged by one rule, AUTH picks its mechanism by one rule
    /// and is masked in the transcript, and <see cref="Abort"/> closes the socket under a blocked call.
    /// A session is not thread-safe: one worker owns it at a time. Several workers (a pool of senders) each open their
    /// own; nothing is shared between sessions but the read-only options and the connector.
    /// </summary>
    public sealed class SmtpSession : IDisposable
    {
        private readonly SmtpSessionClient _client;
        private readonly SmtpSessionOptions _options;
        private Stream _stream;
        private string _endpoint = "The server";

        /// <param name="debug">Receives the conversation line by line, secrets masked (-Debug); null: none.</param>
        /// <param name="clock">The probe's clock: keep the transcript, the replies and the time per phase.</param>
        /// <param name="utcNow">The time certificates are judged against (tests pin it).</param>
        internal SmtpSession(SmtpSessionOptions options, Action<string> debug, Stopwatch clock = null, Func<DateTime> utcNow = null)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            Transcript = new SmtpTranscript(debug, clock);
            _client = new SmtpSessionClient(Transcript)
            {
                Timeout = TimeoutMilliseconds,
                CheckCertificateRevocation = options.CheckCertificateRevocation && !options.SkipCertificateCheck,
            };
            if (!string.IsNullOrWhiteSpace(options.HeloName)) _client.LocalDomain = options.HeloName.Trim();
            var now = utcNow ?? (() => DateTime.UtcNow);
            _client.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                Transcript.HandshakeSeen();
                if (certificate == null) return options.SkipCertificateCheck;
                Certificate = SmtpCertificateReader.Read(certificate, chain, errors, now());
                return SmtpSecurityPolicy.AcceptsCertificate(Certificate, options.SkipCertificateCheck);
            };
        }

        internal SmtpTranscript Transcript { get; }
        internal SmtpSessionClient Client => _client;

        private int TimeoutMilliseconds => (int)Math.Min(int.MaxValue, Math.Max(1, _options.Timeout.TotalMilliseconds));

        /// <summary>The server certificate of the TLS handshake; null before one (or without TLS).</summary>
        public SmtpCertificateInfo Certificate { get; private set; }
        public bool IsConnected => _client.IsConnected;
        public bool IsSecure => _client.IsConnected && _client.IsSecure;
        public bool IsAuthenticated => _client.IsAuthenticated;
        /// <summary>e.g. Tls13 while connected over TLS, else null.</summary>
        public string TlsProtocol => IsSecure ? _client.SslProtocol.ToString() : null;
        /// <summary>The server's EHLO SIZE limit, 0 when unknown or unlimited.</summary>
        public long MaxMessageSize => (_client.Capabilities & SmtpCapabilities.Size) != 0 ? _client.MaxSize : 0;
        public bool SupportsSmtpUtf8 => (_client.Capabilities & SmtpCapabilities.UTF8) != 0;
        /// <summary>AUTH mechanisms of the last EHLO reply (upper case).</summary>
        public HashSet<string> AuthenticationMechanisms => _client.AuthenticationMechanisms;
        /// <summary>The server has sent at least one byte (a silent port after the TCP connect has not).</summary>
        public bool ServerSpoke => Transcript.ServerBytes > 0;
        /// <summary>The SASL mechanism of the last AUTH command; null before any.</summary>
        public string AuthMechanism => Transcript.LastAuthMechanism;

        /// <summary>The cipher suite in use; SmtpClient.SslCipherSuite exists only in MailKit's .NET 5+ builds.</summary>
        public string CipherSuite
        {
            get
            {
                if (!IsSecure) return null;
                var suite = _client.GetType().GetProperty("SslCipherSuite")?.GetValue(_client)?.ToString();
                if (!string.IsNullOrEmpty(suite)) return suite;
                return $"{_client.SslCipherAlgorithm} {_client.SslCipherStrength}-bit, {_client.SslHashAlgorithm}, {_client.SslKeyExchangeAlgorithm}";
            }
        }

        /// <summary>
        /// Opens a sending session: TCP through <paramref name="connector"/>, greeting, EHLO, TLS as
        /// <see cref="SmtpSecurityPolicy.EffectiveMode"/> says, AUTH when credentials are given. Failures are the module's
        /// ErrorIds, each with a hint where one helps.
        /// </summary>
        /// <exception cref="SmtpToolsException">SmtpConnectFailed, SmtpServiceUnavailable, SmtpStartTlsNotOffered,
        /// TlsHandshakeFailed, SmtpAuthenticationFailed, SmtpAuthenticationNotOffered.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public static async Task<SmtpSession> OpenAsync(string host, int port, SmtpSessionOptions options, SmtpConnector connector, Action<string> debug, CancellationToken cancellationToken)
        {
            string endpoint = host + ":" + port;
            var mode = SmtpSecurityPolicy.EffectiveMode(options.Security, port, options.HasSecrets);
            var session = new SmtpSession(options, debug);
            bool tcpConnected = false;
            try
            {
                var stream = await connector.ConnectAsync(new DnsEndPoint(host, port), options.Timeout, cancellationToken).ConfigureAwait(false);
                tcpConnected = true;
                await session.BoundedAsync(ct => session.StartAsync(stream, host, port, mode, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException) when (mode == SmtpSecurity.StartTls && !cancellationToken.IsCancellationRequested)
            {
                // MailKit read the EHLO reply, found no STARTTLS and stopped: no AUTH, no message has been sent.
                session.Dispose();
                throw StartTlsNotOffered(endpoint, options);
            }
            catch (Exception ex)
            {
                bool silent = tcpConnected && !session.ServerSpoke;
                session.Dispose();
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
                var wrapped = Wrap(ex, endpoint, "connect to");
                if (silent && SmtpReplies.IsTimeout(ex) && mode != SmtpSecurity.SslOnConnect)
                    wrapped.Hint = $"The server accepted the connection but sent no greeting within {options.Timeout.TotalSeconds:0.#} s. A port that expects TLS first (implicit TLS, as port 465 does) stays silent like this: try -Security SslOnConnect.";
                throw wrapped;
            }
            try
            {
                if (options.HasSecrets) await session.BoundedAsync(session.AuthenticateAsync, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                    await session.QuitAsync(CancellationToken.None).ConfigureAwait(false);
                session.Dispose();
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
                throw ex is SmtpToolsException ? ex : Wrap(ex, endpoint, "authenticate at");
            }
            return session;
        }

        /// <summary>Greeting, EHLO and, as <paramref name="mode"/> says, TLS, on an open stream (which the session then owns).</summary>
        /// <exception cref="NotSupportedException">StartTls was required and the server does not offer it.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        /// <remarks>Other failures are MailKit's, socket or TLS exceptions: what they mean depends on the caller.</remarks>
        public async Task StartAsync(Stream stream, string host, int port, SmtpSecurity mode, CancellationToken cancellationToken)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            _endpoint = host + ":" + port;
            // MailKit's synchronous Send is bounded by these (see SmtpSender); async calls by their tokens.
            if (stream.CanTimeout)
            {
                stream.ReadTimeout = TimeoutMilliseconds;
                stream.WriteTimeout = TimeoutMilliseconds;
            }
            // MailKit adds the brackets of an IPv6 literal itself when it builds its URI: give it the bare address.
            await _client.ConnectAsync(stream, host.Trim('[', ']'), port, mode.ToSecureSocketOptions(), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// AUTH with the options' token (XOAUTH2/OAUTHBEARER) or credentials, only over TLS unless -Security None was
        /// chosen; everything the client writes meanwhile is masked in the transcript.
        /// </summary>
        /// <exception cref="SmtpToolsException">SmtpAuthenticationNotOffered (no AUTH on this connection), SmtpStartTlsNotOffered
        /// (the connection is not encrypted).</exception>
        /// <exception cref="MailKit.Security.AuthenticationException">The server did not accept the credentials.</exception>
        public async Task AuthenticateAsync(CancellationToken cancellationToken)
        {
            if (_client.AuthenticationMechanisms.Count == 0 || (_client.Capabilities & SmtpCapabilities.Authentication) == 0)
            {
                throw new SmtpToolsException(ErrorIds.SmtpAuthenticationNotOffered, FailureKind.AuthenticationError,
                    $"{_endpoint} offers no AUTH mechanism on this connection, but credentials were given."
                    + (IsSecure ? "" : " Many servers offer AUTH only after STARTTLS: use -Security StartTls."));
            }
            if (!SmtpSecurityPolicy.MaySendCredentials(IsSecure, _options.Security))
            {
                throw new SmtpToolsException(ErrorIds.SmtpStartTlsNotOffered, FailureKind.SecurityError,
                    "Refusing to send credentials over an unencrypted connection (the server offers no STARTTLS here); -Security None allows it.");
            }
            Transcript.MaskClient = true;
            try
            {
                if (_options.AccessToken != null)
                    await _client.AuthenticateAsync(SmtpSecurityPolicy.OAuthMechanism(_client.AuthenticationMechanisms, _options.AccessToken), cancellationToken).ConfigureAwait(false);
                else
                    await _client.AuthenticateAsync(_options.Credential, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Transcript.MaskClient = false;
            }
        }

        /// <summary>One command line (MAIL, RCPT, RSET); a refusal is a reply, not an exception.</summary>
        public Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken) => _client.CommandAsync(command, cancellationToken);

        /// <summary>
        /// One mail transaction, synchronously on the calling thread (in a merge about twice as fast as SendAsync on a busy
        /// machine: no thread-pool hop per command). It takes no cancellation token on purpose: with one, MailKit's blocking
        /// reads poll the token and ignore the socket timeout, so a server that stops answering would hang the send.
        /// Without one every read and write is bounded by the timeout, and <see cref="Abort"/> ends a blocked call.
        /// Afterwards (also after an exception) <see cref="Transaction"/> says how far it got.
        /// </summary>
        /// <returns>The server's final reply text.</returns>
        public string Send(FormatOptions format, MimeMessage message, MailboxAddress sender, IList<MailboxAddress> recipients,
            DeliveryNotificationOptions notify, ITransferProgress progress)
        {
            _client.BeginTransaction(recipients.Count, notify);
            Transcript.BeginTransaction();
            return _client.Send(format, message, sender, recipients, CancellationToken.None, progress);
        }

        /// <summary>Whether the current transaction wrote the end of its data (safe to read from another thread, e.g. on Ctrl+C).</summary>
        public bool DataEnded => Transcript.DataEnded;

        /// <summary>How far the last transaction got: the recipients accepted and refused, the phase, whether the end of the data went out.</summary>
        public SmtpTransaction Transaction => new SmtpTransaction(_client.Accepted.ToArray(), _client.Refused.ToArray(), _client.Phase, Transcript.DataEnded, _client.NoneAccepted);

        /// <summary>NOOP: is the session still there?</summary>
        /// <exception cref="TimeoutException">No reply within the options' timeout (the session is closed).</exception>
        public Task NoOpAsync(CancellationToken cancellationToken) => BoundedAsync(_client.NoOpAsync, cancellationToken);

        /// <summary>QUIT and close; a failure to say QUIT is ignored (the server's log, not our result, suffers).</summary>
        public async Task QuitAsync(CancellationToken cancellationToken)
        {
            try
            {
                if (_client.IsConnected) await BoundedAsync(ct => _client.DisconnectAsync(true, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        /// <summary>
        /// Runs an asynchronous MailKit call within the options' timeout, restarted by every byte either way (a long reply
        /// may take as long as the server keeps talking). MailKit bounds its own calls only on streams it opened itself;
        /// the session's stream comes from the connector. When the time is up the socket is closed under the call.
        /// </summary>
        /// <exception cref="TimeoutException">The server fell silent for longer than the timeout.</exception>
        private async Task BoundedAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
        {
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                Action touch = () =>
                {
                    try { idle.CancelAfter(_options.Timeout); } catch (ObjectDisposedException) { }
                };
                Transcript.Activity += touch;
                try
                {
                    touch();
                    using (idle.Token.Register(Abort))
                        await operation(idle.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"No answer from the server within {_options.Timeout.TotalSeconds:0.#} s.", ex);
                }
                finally
                {
                    Transcript.Activity -= touch;
                }
            }
        }

        /// <summary>Closes the socket under a blocked call (Ctrl+C, or a session given up); the session is unusable afterwards.</summary>
        public void Abort()
        {
            try { _stream?.Dispose(); } catch (Exception) { }
        }

        public void Dispose()
        {
            Abort();
            _client.Dispose();
        }

        /// <summary>Which step of opening a session an error belongs to.</summary>
        public static SmtpPhase PhaseOf(SmtpToolsException ex) =>
            ex.ErrorId == ErrorIds.SmtpAuthenticationFailed || ex.ErrorId == ErrorIds.SmtpAuthenticationNotOffered ? SmtpPhase.Authenticate
            : ex.ErrorId == ErrorIds.SmtpStartTlsNotOffered || ex.ErrorId == ErrorIds.TlsHandshakeFailed ? SmtpPhase.StartTls
            : SmtpPhase.Connect;

        private static SmtpToolsException StartTlsNotOffered(string endpoint, SmtpSessionOptions options)
        {
            bool forSecrets = options.HasSecrets && options.Security != SmtpSecurity.StartTls;
            var text = forSecrets
                ? $"{endpoint} does not offer STARTTLS, so the connection cannot be encrypted, and credentials or tokens are only sent over TLS. Nothing was sent."
                : $"{endpoint} does not offer STARTTLS, which -Security StartTls requires. Nothing was sent.";
            return new SmtpToolsException(ErrorIds.SmtpStartTlsNotOffered, FailureKind.SecurityError, text)
            {
                Hint = "Use the server's submission port with STARTTLS (587) or implicit TLS (465, -Security SslOnConnect)."
                    + (options.HasSecrets ? " Only on a network you trust, -Security None sends the credentials without encryption." : ""),
            };
        }

        private static SmtpToolsException Wrap(Exception ex, string endpoint, string what)
        {
            var c = ErrorClassifier.Classify(ex);
            string message = SmtpReplies.DescribeFailure(ex);
            if (ex is AuthenticationException) message = "The server did not accept the credentials: " + message;
            else if (ex is SslHandshakeException)
                message = "TLS negotiation failed, usually because the server certificate is not trusted or does not match the host name (use -SkipCertificateCheck only for test servers): " + message;
            if (ex is SmtpCommandException command && (int)command.StatusCode >= 400 && (int)command.StatusCode < 500)
            {
                // 421 greeting (busy, or closing for maintenance) or a 454 at AUTH: a temporary refusal, worth a retry.
                return new SmtpToolsException(ErrorIds.SmtpServiceUnavailable, FailureKind.ResourceUnavailable,
                    $"Could not {what} {endpoint}: the server is temporarily unavailable: {SmtpReplies.Format((int)command.StatusCode, command.Message)}", ex);
            }
            var id = c.ErrorId == ErrorIds.ConnectionFailed || c.ErrorId == ErrorIds.OperationTimedOut || c.ErrorId == ErrorIds.SmtpProtocolError || c.ErrorId == ErrorIds.IOError ? ErrorIds.SmtpConnectFailed : c.ErrorId;
            var kind = id == ErrorIds.SmtpConnectFailed && c.Kind != FailureKind.OperationTimeout ? FailureKind.ConnectionError : c.Kind;
            if (id == ErrorIds.SmtpConnectFailed && SmtpReplies.IsTimeout(ex)) kind = FailureKind.OperationTimeout;
            return new SmtpToolsException(id, kind, $"Could not {what} {endpoint}: {message}", ex);
        }
    }
}
