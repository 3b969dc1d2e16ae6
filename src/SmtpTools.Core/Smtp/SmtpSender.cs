using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Smtp
{
    /// <summary>Where and how <see cref="SmtpSender"/> sends.</summary>
    public sealed class SmtpSenderOptions
    {
        public string Host { get; set; }
        public int Port { get; set; } = 587;
        public SmtpSecurityMode Security { get; set; } = SmtpSecurityMode.Auto;
        /// <summary>Accept any server certificate (test servers only).</summary>
        public bool SkipCertificateCheck { get; set; }
        /// <summary>User name and password for AUTH, or null.</summary>
        public NetworkCredential Credential { get; set; }
        /// <summary>User name and OAuth 2.0 access token (in the password slot) for XOAUTH2/OAUTHBEARER, or null.</summary>
        public NetworkCredential AccessToken { get; set; }
        /// <summary>Per network operation (connect, each command, each block of data).</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
        /// <summary>Retries after the first attempt for transient failures (4xx, connection lost before the whole message was sent).</summary>
        public int MaxRetries { get; set; } = 3;
        /// <summary>
        /// Also retry a message whose data reached the server but whose final reply was lost (status Unconfirmed otherwise).
        /// The server may already have it, so its recipients may get it twice.
        /// </summary>
        public bool RetryUnconfirmed { get; set; }
        /// <summary>The first retry waits about this long; each further one twice as long (with jitter).</summary>
        public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>A connection idle for longer is checked with NOOP before the next message (servers drop idle sessions).</summary>
        public TimeSpan IdleCheckAfter { get; set; } = TimeSpan.FromSeconds(20);
        /// <summary>EHLO name; MailKit's default (the local host name or address literal) when null.</summary>
        public string LocalDomain { get; set; }
        /// <summary>Write the SMTP transcript (secrets masked) to the sink's Debug stream.</summary>
        public bool ProtocolLog { get; set; }
        /// <summary>Sign every message with this signer before it is sent or written.</summary>
        public DkimMessageSigner DkimSigner { get; set; }
        /// <summary>Write .eml files here instead of talking SMTP.</summary>
        public string PickupDirectory { get; set; }

        public string Endpoint => PickupDirectory != null ? null : (Host ?? "") + ":" + Port;
    }

    /// <summary>
    /// Sends many messages over one SMTP session: connect and authenticate once, one MAIL/RCPT/DATA transaction per
    /// message, QUIT at the end. A dropped session (421, idle timeout, failed RSET, broken socket) is reopened
    /// transparently. Transient failures are retried with exponential backoff and jitter; permanent (5xx) ones are
    /// not. A message is sent again only when the server cannot have it: after a 4xx reply, or when the connection
    /// broke before the end of the data was sent — and only to the recipients that did not already get it. When the
    /// whole message went out but the final reply was lost, the outcome is Unconfirmed and the message is not sent
    /// again (unless <see cref="SmtpSenderOptions.RetryUnconfirmed"/>). Credentials and tokens are only ever sent
    /// over TLS unless the security mode is None. Every wait is bounded by <see cref="SmtpSenderOptions.Timeout"/>.
    /// Not thread-safe: one message at a time.
    /// </summary>
    public sealed class SmtpSender : IDisposable
    {
        private readonly SmtpSenderOptions _options;
        private readonly IOperationSink _sink;
        private readonly Random _jitter = new Random();
        private readonly Func<IProtocolLogger, RecordingSmtpClient> _clientFactory;
        private RecordingSmtpClient _client;
        private DateTime _lastUsedUtc;

        public SmtpSender(SmtpSenderOptions options, IOperationSink sink = null)
            : this(options, sink, logger => new RecordingSmtpClient(logger)) { }

        internal SmtpSender(SmtpSenderOptions options, IOperationSink sink, Func<IProtocolLogger, RecordingSmtpClient> clientFactory)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _sink = sink ?? NullOperationSink.Instance;
            _clientFactory = clientFactory;
            if (options.PickupDirectory == null && string.IsNullOrWhiteSpace(options.Host))
                throw new ArgumentException("An SMTP server (or a pickup directory) is required.", nameof(options));
            if (options.MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxRetries cannot be negative.");
            var heloProblem = options.LocalDomain == null ? null : SmtpInputRules.HeloNameProblem(options.LocalDomain);
            if (heloProblem != null)
                throw new ArgumentException($"'{SmtpInputRules.Printable(options.LocalDomain)}' cannot be the EHLO name: {heloProblem}.", nameof(options));
        }

        private static readonly FormatOptions International = CreateInternationalFormat();

        private static FormatOptions CreateInternationalFormat()
        {
            var format = FormatOptions.Default.Clone();
            format.International = true;
            return format;
        }

        private bool HasSecrets => _options.Credential != null || _options.AccessToken != null;

        /// <summary>How many SMTP sessions were opened (1 for a healthy pipeline).</summary>
        public int ConnectionsOpened { get; private set; }
        /// <summary>The server's EHLO SIZE limit, 0 when unknown or unlimited.</summary>
        public long MaxMessageSize { get; private set; }
        /// <summary>e.g. Tls13 while connected over TLS, else null.</summary>
        public string TlsProtocol { get; private set; }
        public bool IsConnected => _client != null && _client.IsConnected;

        /// <summary>Connects and authenticates (nothing for a pickup directory). Call once before the first message.</summary>
        /// <exception cref="SmtpToolsException">SmtpConnectFailed / SmtpAuthenticationFailed / TlsHandshakeFailed …: the session cannot be set up.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            if (_options.PickupDirectory != null)
            {
                Directory.CreateDirectory(_options.PickupDirectory);
                return;
            }
            await OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Builds, signs and sends one message. Failures of this message are returned, not thrown. The SMTP
        /// transaction runs synchronously on the calling thread (faster in a merge); call it from a worker thread.
        /// </summary>
        /// <exception cref="OperationCanceledException">Cancelled (Ctrl+C).</exception>
        public async Task<SmtpSendOutcome> SendAsync(OutgoingMessage source, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            MimeMessage message;
            try
            {
                // Files are read up to the server's SIZE (known once connected), so an oversized one fails before it fills the memory.
                var limit = _options.PickupDirectory != null ? MessageSizeLimit.Default : MessageSizeLimit.ForServer(MaxMessageSize);
                message = MessageBuilder.Build(source, limit);
                _options.DkimSigner?.Sign(message);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                bool tooLarge = ex is SmtpToolsException own && own.Kind == FailureKind.LimitsExceeded;
                return new SmtpSendOutcome
                {
                    Status = SmtpSendStatus.Failed,
                    From = source.From,
                    Subject = source.Subject,
                    Recipients = source.AllRecipients.Where(r => !string.IsNullOrWhiteSpace(r)).ToList(),
                    SmtpServer = _options.Endpoint,
                    FailedPhase = tooLarge ? "Size" : "Message",
                    Error = ex,
                    Hint = (ex as SmtpToolsException)?.Hint,
                    Elapsed = watch.Elapsed,
                };
            }
            using (message)
            {
                var outcome = _options.PickupDirectory != null
                    ? WriteToPickup(message)
                    : await SendAsync(message, source.DeliveryNotification, cancellationToken).ConfigureAwait(false);
                outcome.Elapsed = watch.Elapsed;
                return outcome;
            }
        }

        /// <summary>Sends a ready MimeMessage (already signed if it should be).</summary>
        /// <param name="notify">The delivery status notifications to ask for, per recipient (needs the server's DSN extension).</param>
        /// <exception cref="OperationCanceledException">Cancelled (Ctrl+C).</exception>
        public async Task<SmtpSendOutcome> SendAsync(MimeMessage message, DeliveryNotificationOptions notify, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var sender = MessageBuilder.EnvelopeSender(message);
            var recipients = MessageBuilder.EnvelopeRecipients(message);
            var outcome = NewOutcome(message, sender, recipients);
            var pending = recipients.ToList();
            var accepted = new List<string>();
            var refused = new Dictionary<string, SmtpRecipientRefusal>(StringComparer.OrdinalIgnoreCase);
            bool resentUnconfirmed = false;

            // The last line of defence for every message, also one read from a file: nothing that could end the
            // MAIL FROM/RCPT TO line early (CR/LF) or break RFC 5321's limits goes on the wire.
            var envelopeError = EnvelopeError(sender, recipients);
            if (envelopeError != null)
                return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, "Message", 0, null, envelopeError.Message, envelopeError);

            // Measured only when the server announced a limit (MailKit measures then too, for MAIL FROM SIZE=);
            // otherwise the byte count comes from the upload itself.
            long size = 0;
            outcome.Size = size;
            var upload = new UploadProgress(_sink, message.MessageId);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                outcome.Attempts++;
                string phase = "Connect";
                bool dataSent = false;
                try
                {
                    await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
                    outcome.TlsProtocol = TlsProtocol;
                    if (MaxMessageSize > 0 && size == 0) size = outcome.Size = MeasureSize(message);
                    if (MaxMessageSize > 0 && size > MaxMessageSize)
                    {
                        // Fail fast: uploading megabytes only to hear 552 wastes the session's time.
                        var text = $"The message is {size:N0} bytes; the server accepts at most {MaxMessageSize:N0} bytes (EHLO SIZE).";
                        return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, "Size", 552, "5.3.4", text,
                            new SmtpToolsException(ErrorIds.SmtpMessageTooLarge, FailureKind.LimitsExceeded, text));
                    }

                    var client = _client;
                    bool utf8 = (client.Capabilities & SmtpCapabilities.UTF8) != 0;
                    if (!utf8 && (SmtpInputRules.NeedsSmtpUtf8(sender.Address) || pending.Any(r => SmtpInputRules.NeedsSmtpUtf8(r.Address))))
                    {
                        var text = $"{_options.Endpoint} does not support SMTPUTF8 (RFC 6531), which an address with non-ASCII characters before the @ needs. Nothing was sent.";
                        return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, "MailFrom", 0, null, text,
                            new SmtpToolsException(ErrorIds.SmtpUtf8NotSupported, FailureKind.InvalidArgument, text)
                            {
                                Hint = "Use an ASCII address for this recipient or sender, or a server that announces SMTPUTF8 in its EHLO reply.",
                            });
                    }
                    // With SMTPUTF8, headers carry the addresses in UTF-8 as RFC 6532 wants (MailKit adds SMTPUTF8 to MAIL FROM).
                    var format = utf8 && (sender.IsInternational || pending.Any(r => r.IsInternational)) ? International : FormatOptions.Default;
                    client.BeginTransaction(pending.Count, notify);
                    phase = "MailFrom";
                    string reply;
                    try
                    {
                        // MailKit's synchronous Send on this worker thread: in a merge it is about twice as fast as
                        // SendAsync on a busy machine (no thread-pool hop per command; see README, Benchmarks). It gets
                        // no cancellation token on purpose: with one, MailKit's blocking reads poll the token and ignore
                        // the socket timeout, so a server that stops answering would hang the send. Without one, every
                        // read and write is bounded by Timeout, and Ctrl+C closes the socket under the blocked call.
                        using (cancellationToken.Register(client.Abort))
                            reply = client.Send(format, message, sender, pending, CancellationToken.None, upload);
                    }
                    catch (Exception) when (cancellationToken.IsCancellationRequested)
                    {
                        throw new OperationCanceledException("Sending was cancelled.", cancellationToken);
                    }
                    finally
                    {
                        phase = client.Phase;
                        dataSent = client.DataEnded;
                        _lastUsedUtc = DateTime.UtcNow;
                    }

                    if (upload.Bytes > 0) outcome.Size = upload.Bytes;
                    // The server confirmed the data: these recipients have it; never send to them again.
                    accepted.AddRange(client.Accepted);
                    pending.Clear();
                    foreach (var r in client.Refused)
                    {
                        refused[r.Address] = r;
                        if (r.IsTransient) pending.Add(MailboxAddress.Parse(r.Address));
                    }
                    if (pending.Count > 0 && outcome.Attempts <= _options.MaxRetries)
                    {
                        _sink.Verbose($"{pending.Count} recipient(s) refused temporarily; retrying them only.");
                        await BackoffAsync(new SmtpRetry(outcome.Attempts, "RcptTo", client.Refused.FirstOrDefault(r => r.IsTransient)), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    foreach (var a in accepted) refused.Remove(a);
                    var status = refused.Count == 0 ? SmtpSendStatus.Sent : SmtpSendStatus.PartiallySent;
                    var final = refused.Values.FirstOrDefault();
                    var done = Finish(outcome, accepted, refused, watch, status, null, 250, SmtpReplies.EnhancedCodeOf(reply), reply, null);
                    done.ServerResponse = SmtpReplies.Format(250, reply);
                    if (status == SmtpSendStatus.PartiallySent)
                    {
                        done.FailedPhase = "RcptTo";
                        done.Hint = SmtpReplies.HintFor(final.StatusCode, final.EnhancedStatusCode, final.Text, MaxMessageSize);
                    }
                    if (resentUnconfirmed)
                        done.Hint = "Sent again (-RetryUnconfirmed) after an attempt whose final reply was lost: the recipients may have it twice.";
                    return done;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await DropAsync().ConfigureAwait(false);
                    throw;
                }
                catch (SmtpCommandException) when (_client != null && _client.NoneAccepted)
                {
                    var refusedNow = _client.Refused.ToList();
                    foreach (var r in refusedNow) refused[r.Address] = r;
                    await ResetOrDropAsync(cancellationToken).ConfigureAwait(false);
                    bool transient = refusedNow.Any(r => r.IsTransient);
                    if (transient && outcome.Attempts <= _options.MaxRetries)
                    {
                        pending = refusedNow.Where(r => r.IsTransient).Select(r => MailboxAddress.Parse(r.Address)).ToList();
                        await BackoffAsync(new SmtpRetry(outcome.Attempts, "RcptTo", refusedNow.FirstOrDefault(r => r.IsTransient)), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    var first = refused.Values.First();
                    var text = string.Join("; ", refused.Values.Select(r => r.ToString()));
                    return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, "RcptTo", first.StatusCode, first.EnhancedStatusCode, first.Text,
                        new SmtpToolsException(ErrorIds.SmtpRecipientsRefused, FailureKind.InvalidArgument, "The server accepted none of the recipients: " + text));
                }
                catch (SmtpCommandException ex)
                {
                    int code = (int)ex.StatusCode;
                    var failedPhase = ex.ErrorCode == SmtpErrorCode.SenderNotAccepted ? "MailFrom"
                        : ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? "RcptTo"
                        : ex.ErrorCode == SmtpErrorCode.MessageNotAccepted ? "Data" : phase;
                    if (code == 421 || _client == null || !_client.IsConnected) await DropAsync().ConfigureAwait(false);
                    else await ResetOrDropAsync(cancellationToken).ConfigureAwait(false);
                    bool transient = code >= 400 && code < 500;
                    if (transient && outcome.Attempts <= _options.MaxRetries)
                    {
                        _sink.Verbose($"Attempt {outcome.Attempts}: {SmtpReplies.Format(code, ex.Message)} (transient, retrying).");
                        await BackoffAsync(new SmtpRetry(outcome.Attempts, failedPhase, code, ex.Message), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, failedPhase, code, SmtpReplies.EnhancedCodeOf(ex.Message), ex.Message,
                        new SmtpToolsException(transient ? ErrorIds.SmtpTransientFailure : ErrorIds.SmtpMessageRefused, transient ? FailureKind.ResourceUnavailable : FailureKind.ProtocolError,
                            $"The server refused the message at {failedPhase}: {SmtpReplies.Format(code, ex.Message)}", ex));
                }
                catch (Exception ex) when (IsConnectionLoss(ex) && phase != "Connect")
                {
                    await DropAsync().ConfigureAwait(false);
                    var why = SmtpReplies.DescribeFailure(ex);
                    bool timedOut = SmtpReplies.IsTimeout(ex);
                    if (dataSent)
                    {
                        // The whole message reached the server and only its verdict was lost: it may be queued already.
                        // Sending again could deliver it twice, so by default the outcome is left open.
                        if (_options.RetryUnconfirmed && outcome.Attempts <= _options.MaxRetries)
                        {
                            _sink.Verbose($"Attempt {outcome.Attempts}: no final reply after the data ({why}); sending again as -RetryUnconfirmed asks (the recipients may get it twice).");
                            resentUnconfirmed = true;
                            await BackoffAsync(new SmtpRetry(outcome.Attempts, "Data", 0, why), cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                        var text = $"The whole message was sent but the server's final reply never came ({why}{(timedOut ? $" within {_options.Timeout.TotalSeconds:0.#} s" : "")}): it may or may not have been accepted.";
                        var unconfirmed = Finish(outcome, accepted, refused, watch, SmtpSendStatus.Unconfirmed, "Data", 0, null, null,
                            new SmtpToolsException(ErrorIds.SmtpDeliveryUnconfirmed, timedOut ? FailureKind.OperationTimeout : FailureKind.ConnectionError, text, ex));
                        unconfirmed.Hint = "Check the recipient's mailbox or the server's log for this Message-ID before sending it again; -RetryUnconfirmed resends such messages automatically (the recipients may then get them twice).";
                        return unconfirmed;
                    }
                    // Lost before the end of the data went out: the server cannot have the message, so sending again cannot duplicate.
                    if (outcome.Attempts <= _options.MaxRetries)
                    {
                        _sink.Verbose($"Attempt {outcome.Attempts}: connection lost during {phase} ({why}); reconnecting.");
                        await BackoffAsync(new SmtpRetry(outcome.Attempts, phase, 0, why), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, phase, 0, null, why,
                        new SmtpToolsException(ErrorIds.SmtpConnectionLost, timedOut ? FailureKind.OperationTimeout : FailureKind.ConnectionError,
                            $"The connection was lost during {phase} {outcome.Attempts} time(s): {why}.", ex));
                }
                catch (SmtpToolsException ex) when (phase == "Connect")
                {
                    // Reconnecting failed. Authentication/TLS problems will not fix themselves; a refused socket might.
                    bool retry = ex.Kind == FailureKind.ConnectionError || ex.Kind == FailureKind.OperationTimeout || ex.Kind == FailureKind.ResourceUnavailable;
                    var reply = ex.InnerException as SmtpCommandException;
                    if (retry && outcome.Attempts <= _options.MaxRetries)
                    {
                        await BackoffAsync(new SmtpRetry(outcome.Attempts, "Connect", reply == null ? 0 : (int)reply.StatusCode, reply?.Message ?? ex.Message), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, ConnectPhaseOf(ex),
                        reply == null ? 0 : (int)reply.StatusCode, reply == null ? null : SmtpReplies.EnhancedCodeOf(reply.Message), ex.Message, ex);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    await DropAsync().ConfigureAwait(false);
                    return Finish(outcome, accepted, refused, watch, SmtpSendStatus.Failed, phase, 0, null, ex.Message, ex);
                }
            }
        }

        /// <summary>Says QUIT and closes the session (no-op when not connected).</summary>
        public async Task DisconnectAsync(CancellationToken cancellationToken)
        {
            if (_client == null) return;
            try
            {
                if (_client.IsConnected) await _client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                _sink.Verbose("QUIT failed (ignored): " + ex.Message);
            }
            finally
            {
                Discard(_client);
                _client = null;
            }
        }

        public void Dispose()
        {
            if (_client != null) Discard(_client);
            _client = null;
        }

        private SmtpSendOutcome NewOutcome(MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients) => new SmtpSendOutcome
        {
            MessageId = message.MessageId,
            From = sender?.Address,
            Subject = message.Subject,
            Recipients = recipients.Select(r => r.Address).ToList(),
            SmtpServer = _options.Endpoint,
        };

        /// <summary>Which step of setting up a session an error belongs to.</summary>
        private static string ConnectPhaseOf(SmtpToolsException ex) =>
            ex.ErrorId == ErrorIds.SmtpAuthenticationFailed || ex.ErrorId == ErrorIds.SmtpAuthenticationNotOffered ? "Authenticate"
            : ex.ErrorId == ErrorIds.SmtpStartTlsNotOffered || ex.ErrorId == ErrorIds.TlsHandshakeFailed ? "StartTls"
            : "Connect";

        /// <summary>AddressInvalid for the first envelope address that cannot go into MAIL FROM / RCPT TO; null when all can.</summary>
        private static SmtpToolsException EnvelopeError(MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients)
        {
            var problem = sender == null ? null : SmtpInputRules.AddressProblem(sender.Address);
            if (problem != null)
                return new SmtpToolsException(ErrorIds.AddressInvalid, FailureKind.InvalidArgument, $"MAIL FROM: '{SmtpInputRules.Printable(sender.Address)}' cannot be used: {problem}.");
            foreach (var r in recipients)
            {
                problem = SmtpInputRules.AddressProblem(r.Address);
                if (problem != null)
                    return new SmtpToolsException(ErrorIds.AddressInvalid, FailureKind.InvalidArgument, $"RCPT TO: '{SmtpInputRules.Printable(r.Address)}' cannot be used: {problem}.");
            }
            return null;
        }

        private SmtpSendOutcome Finish(SmtpSendOutcome outcome, List<string> accepted, Dictionary<string, SmtpRecipientRefusal> refused, Stopwatch watch,
            SmtpSendStatus status, string failedPhase, int code, string enhanced, string text, Exception error)
        {
            outcome.Status = status;
            outcome.AcceptedRecipients = accepted.ToList();
            outcome.RejectedRecipients = refused.Values.ToList();
            outcome.FailedPhase = failedPhase;
            outcome.StatusCode = code;
            outcome.EnhancedStatusCode = enhanced;
            outcome.ServerResponse = code > 0 || text != null ? SmtpReplies.Format(code, text) : null;
            outcome.Error = error;
            outcome.Elapsed = watch.Elapsed;
            if (status == SmtpSendStatus.Failed) outcome.Hint = (error as SmtpToolsException)?.Hint ?? SmtpReplies.HintFor(code, enhanced, text, MaxMessageSize);
            return outcome;
        }

        private SmtpSendOutcome WriteToPickup(MimeMessage message)
        {
            var sender = MessageBuilder.EnvelopeSender(message);
            var recipients = MessageBuilder.EnvelopeRecipients(message);
            var outcome = NewOutcome(message, sender, recipients);
            var path = Path.Combine(_options.PickupDirectory, Guid.NewGuid().ToString("N") + ".eml");
            var temp = path + ".tmp";
            // Like IIS/System.Net.Mail pickup files: the envelope as X-Sender/X-Receiver lines, then the message
            // without Bcc. Written to a temporary name and renamed, so a pickup service never sees half a file.
            using (var stream = File.Create(temp))
            {
                var envelope = new StringBuilder();
                envelope.Append("X-Sender: ").Append(sender.Address).Append("\r\n");
                foreach (var r in recipients) envelope.Append("X-Receiver: ").Append(r.Address).Append("\r\n");
                var bytes = Encoding.UTF8.GetBytes(envelope.ToString());
                stream.Write(bytes, 0, bytes.Length);
                var format = FormatOptions.Default.Clone();
                format.NewLineFormat = NewLineFormat.Dos;
                format.HiddenHeaders.Add(HeaderId.Bcc);
                message.WriteTo(format, stream);
            }
            File.Move(temp, path);
            outcome.Status = SmtpSendStatus.Sent;
            outcome.Attempts = 1;
            outcome.PickupPath = path;
            outcome.AcceptedRecipients = outcome.Recipients;
            outcome.Size = new FileInfo(path).Length;
            return outcome;
        }

        private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
        {
            if (_client != null && _client.IsConnected && DateTime.UtcNow - _lastUsedUtc > _options.IdleCheckAfter)
            {
                // Servers close idle sessions (Postfix after 300 s, Exchange Online sooner); find out now, not mid-message.
                try { await _client.NoOpAsync(cancellationToken).ConfigureAwait(false); _lastUsedUtc = DateTime.UtcNow; }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    _sink.Verbose("The idle SMTP session is gone (" + ex.Message + "); reconnecting.");
                    await DropAsync().ConfigureAwait(false);
                }
            }
            if (_client == null || !_client.IsConnected)
            {
                await DropAsync().ConfigureAwait(false);
                await OpenAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task OpenAsync(CancellationToken cancellationToken)
        {
            var logger = _options.ProtocolLog ? (IProtocolLogger)new SinkProtocolLogger(_sink) : new NullProtocolLogger();
            var client = _clientFactory(logger);
            client.Timeout = (int)Math.Min(int.MaxValue, Math.Max(1, _options.Timeout.TotalMilliseconds));
            if (_options.LocalDomain != null) client.LocalDomain = _options.LocalDomain;
            if (_options.SkipCertificateCheck) client.ServerCertificateValidationCallback = (s, c, h, e) => true;
            client.CheckCertificateRevocation = false; // private CAs rarely publish CRLs; the chain and name are still checked
            var security = EffectiveSecurity();
            string endpoint = _options.Endpoint;
            bool tcpConnected = false;
            try
            {
                _sink.Verbose($"Connecting to {endpoint} ({security}).");
                // Our own socket, so that Ctrl+C can close it under a blocked synchronous send (see SendAsync).
                client.Socket = await ConnectSocketAsync(cancellationToken).ConfigureAwait(false);
                tcpConnected = true;
                await client.ConnectAsync(client.Socket, _options.Host, _options.Port, security.ToSecureSocketOptions(), cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException) when (security == SmtpSecurityMode.StartTls && !cancellationToken.IsCancellationRequested)
            {
                // MailKit read the EHLO reply, found no STARTTLS and stopped: no AUTH, no message has been sent.
                Discard(client);
                throw StartTlsNotOffered(endpoint);
            }
            catch (Exception ex)
            {
                bool silent = tcpConnected && client.ServerBytes == 0;
                Discard(client);
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
                var wrapped = Wrap(ex, endpoint, "connect to");
                if (silent && SmtpReplies.IsTimeout(ex) && security != SmtpSecurityMode.SslOnConnect)
                    wrapped.Hint = $"The server accepted the connection but sent no greeting within {_options.Timeout.TotalSeconds:0.#} s. A port that expects TLS first (implicit TLS, as port 465 does) stays silent like this: try -Security SslOnConnect.";
                throw wrapped;
            }
            ConnectionsOpened++;
            TlsProtocol = client.IsSecure ? client.SslProtocol.ToString() : null;
            MaxMessageSize = (client.Capabilities & SmtpCapabilities.Size) != 0 ? client.MaxSize : 0;
            try
            {
                await AuthenticateAsync(client, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    Discard(client);
                    throw;
                }
                try { await client.DisconnectAsync(true, CancellationToken.None).ConfigureAwait(false); } catch (Exception) { }
                Discard(client);
                throw ex is SmtpToolsException ? ex : Wrap(ex, endpoint, "authenticate at");
            }
            _client = client;
            _lastUsedUtc = DateTime.UtcNow;
            _sink.Verbose($"Connected to {endpoint}{(TlsProtocol != null ? " over " + TlsProtocol : " without TLS")}{(client.IsAuthenticated ? ", authenticated" : "")}.");
        }

        /// <summary>
        /// The security mode to connect with. Credentials and tokens only ever travel encrypted unless the caller chose
        /// None: where TLS would otherwise be optional (Auto, StartTlsWhenAvailable), a session that will authenticate
        /// requires STARTTLS.
        /// </summary>
        private SmtpSecurityMode EffectiveSecurity()
        {
            var mode = _options.Security == SmtpSecurityMode.Auto && _options.Port == 465 ? SmtpSecurityMode.SslOnConnect : _options.Security;
            if (HasSecrets && (mode == SmtpSecurityMode.Auto || mode == SmtpSecurityMode.StartTlsWhenAvailable)) mode = SmtpSecurityMode.StartTls;
            return mode;
        }

        private SmtpToolsException StartTlsNotOffered(string endpoint)
        {
            bool forSecrets = HasSecrets && _options.Security != SmtpSecurityMode.StartTls;
            var text = forSecrets
                ? $"{endpoint} does not offer STARTTLS, so the connection cannot be encrypted, and credentials or tokens are only sent over TLS. Nothing was sent."
                : $"{endpoint} does not offer STARTTLS, which -Security StartTls requires. Nothing was sent.";
            return new SmtpToolsException(ErrorIds.SmtpStartTlsNotOffered, FailureKind.SecurityError, text)
            {
                Hint = "Use the server's submission port with STARTTLS (587) or implicit TLS (465, -Security SslOnConnect)."
                    + (HasSecrets ? " Only on a network you trust, -Security None sends the credentials without encryption." : ""),
            };
        }

        private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_options.Timeout);
                try
                {
                    var connect = socket.ConnectAsync(new DnsEndPoint(_options.Host, _options.Port));
                    var finished = await Task.WhenAny(connect, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
                    if (finished != connect)
                    {
                        socket.Dispose();
                        cancellationToken.ThrowIfCancellationRequested();
                        throw new TimeoutException($"No TCP connection within {_options.Timeout.TotalSeconds:0} s.");
                    }
                    await connect.ConfigureAwait(false);
                    return socket;
                }
                catch (Exception)
                {
                    socket.Dispose();
                    throw;
                }
            }
        }

        private async Task AuthenticateAsync(SmtpClient client, CancellationToken cancellationToken)
        {
            if (_options.AccessToken != null)
            {
                RequireAuthCapability(client);
                var user = _options.AccessToken.UserName;
                var token = _options.AccessToken.Password;
                // Microsoft 365 offers XOAUTH2 only; OAUTHBEARER (RFC 7628) is the standard one, used when it is all there is.
                SaslMechanism mechanism = !client.AuthenticationMechanisms.Contains("XOAUTH2") && client.AuthenticationMechanisms.Contains("OAUTHBEARER")
                    ? new SaslMechanismOAuthBearer(user, token)
                    : (SaslMechanism)new SaslMechanismOAuth2(user, token);
                await client.AuthenticateAsync(mechanism, cancellationToken).ConfigureAwait(false);
            }
            else if (_options.Credential != null)
            {
                RequireAuthCapability(client);
                await client.AuthenticateAsync(_options.Credential, cancellationToken).ConfigureAwait(false);
            }
        }

        private void RequireAuthCapability(SmtpClient client)
        {
            if ((client.Capabilities & SmtpCapabilities.Authentication) != 0) return;
            var why = client.IsSecure ? "" : " Many servers offer AUTH only after STARTTLS: use -Security StartTls.";
            throw new SmtpToolsException(ErrorIds.SmtpAuthenticationNotOffered, FailureKind.AuthenticationError,
                $"{_options.Endpoint} does not offer authentication (no AUTH in its EHLO reply), but credentials were given.{why}");
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

        private static bool IsConnectionLoss(Exception ex) =>
            ex is IOException || ex is SocketException || ex is SmtpProtocolException || ex is ServiceNotConnectedException || ex is TimeoutException
            || ex is ObjectDisposedException // a socket closed under a blocked call
            || ex is OperationCanceledException; // MailKit's own timeout surfaces as a cancellation when our token is not cancelled

        private async Task ResetOrDropAsync(CancellationToken cancellationToken)
        {
            // MailKit resets the transaction after a refused command; make sure the session is still usable.
            if (_client == null) return;
            try { await _client.NoOpAsync(cancellationToken).ConfigureAwait(false); }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                await DropAsync().ConfigureAwait(false);
            }
        }

        private Task DropAsync()
        {
            var client = _client;
            _client = null;
            TlsProtocol = null;
            if (client != null)
            {
                try { client.Disconnect(false); } catch (Exception) { }
                Discard(client);
            }
            return Task.CompletedTask;
        }

        /// <summary>Disposes the client and closes our socket under it (MailKit may not own a socket it was handed).</summary>
        private static void Discard(RecordingSmtpClient client)
        {
            client.Abort();
            client.Dispose();
        }

        internal TimeSpan BackoffDelay(int attempt)
        {
            double baseMs = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
            double capped = Math.Min(baseMs, _options.RetryMaxDelay.TotalMilliseconds);
            double factor;
            lock (_jitter) factor = 0.5 + _jitter.NextDouble() * 0.5;
            return TimeSpan.FromMilliseconds(capped * factor);
        }

        /// <summary>
        /// Set by a session pool: decides how long to wait before a retry (a throttling reply slows the whole pool), or
        /// throws <see cref="SessionRefusedException"/> to give the message back to the pool.
        /// </summary>
        internal Func<SmtpRetry, CancellationToken, Task> RetryPacer { get; set; }

        private Task BackoffAsync(SmtpRetry retry, CancellationToken cancellationToken)
        {
            if (RetryPacer != null) return RetryPacer(retry, cancellationToken);
            var delay = BackoffDelay(retry.Attempt);
            _sink.Verbose($"Waiting {delay.TotalSeconds:0.###} s before attempt {retry.Attempt + 1}.");
            return Task.Delay(delay, cancellationToken);
        }

        private static long MeasureSize(MimeMessage message)
        {
            using (var counter = new MimeKit.IO.MeasuringStream())
            {
                var format = FormatOptions.Default.Clone();
                format.NewLineFormat = NewLineFormat.Dos;
                message.WriteTo(format, counter);
                return counter.Length;
            }
        }
    }

    /// <summary>Counts the uploaded bytes; reports progress for messages over 1 MB (large attachments).</summary>
    internal sealed class UploadProgress : ITransferProgress
    {
        private const long Large = 1024 * 1024;
        private readonly IOperationSink _sink;
        private readonly string _what;
        private int _lastPercent = -1;

        public UploadProgress(IOperationSink sink, string messageId)
        {
            _sink = sink;
            _what = "Uploading message " + messageId;
        }

        public long Bytes { get; private set; }

        public void Report(long bytesTransferred, long totalSize)
        {
            Bytes = bytesTransferred;
            if (totalSize < Large) return;
            int percent = (int)(bytesTransferred * 100 / totalSize);
            if (percent == _lastPercent) return;
            _lastPercent = percent;
            _sink.Progress(_what, $"{bytesTransferred / 1024:N0} of {totalSize / 1024:N0} KB", percent);
        }

        public void Report(long bytesTransferred)
        {
            Bytes = bytesTransferred;
            if (bytesTransferred >= Large && bytesTransferred / Large != (bytesTransferred - 65536) / Large)
                _sink.Progress(_what, $"{bytesTransferred / 1024:N0} KB", -1);
        }
    }

    /// <summary>
    /// MailKit's SmtpClient, but a refused recipient is recorded instead of aborting the message (so the others
    /// still get it), and the per-recipient DSN request comes from the message being sent.
    /// </summary>
    internal class RecordingSmtpClient : SmtpClient
    {
        private readonly DataEndWatch _watch;
        private int _expected;

        public RecordingSmtpClient(IProtocolLogger logger) : this(new DataEndWatch(logger)) { }

        private RecordingSmtpClient(DataEndWatch watch) : base(watch) { _watch = watch; }

        /// <summary>
        /// True once the current transaction wrote the end of its data (the final "." line, or a BDAT command): from then
        /// on the server may have the message, whatever happens to its reply.
        /// </summary>
        public bool DataEnded => _watch.DataEnded;

        /// <summary>How many bytes the server has sent on this connection (0: not even a greeting).</summary>
        public long ServerBytes => _watch.ServerBytes;

        public List<string> Accepted { get; } = new List<string>();
        public List<SmtpRecipientRefusal> Refused { get; } = new List<SmtpRecipientRefusal>();
        /// <summary>MailFrom, RcptTo or Data: how far the current transaction got.</summary>
        public string Phase { get; private set; } = "MailFrom";
        public DeliveryNotificationOptions Notify { get; set; }

        public void BeginTransaction(int recipients, DeliveryNotificationOptions notify)
        {
            Notify = notify;
            NoneAccepted = false;
            Accepted.Clear();
            Refused.Clear();
            _expected = recipients;
            Phase = "MailFrom";
            _watch.BeginTransaction();
        }

        protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) => Phase = "RcptTo";

        protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            Accepted.Add(mailbox.Address);
            Advance();
        }

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            Refused.Add(new SmtpRecipientRefusal
            {
                Address = mailbox.Address,
                StatusCode = (int)response.StatusCode,
                EnhancedStatusCode = SmtpReplies.EnhancedCodeOf(response.Response),
                Text = response.Response,
            });
            Advance();
        }

        /// <summary>Closes the socket under a blocked synchronous call (cancellation); the client is unusable afterwards.</summary>
        public void Abort()
        {
            try { Socket?.Dispose(); } catch (Exception) { }
        }

        /// <summary>The connected socket the client runs on (ours, so it can be closed from another thread).</summary>
        public Socket Socket { get; set; }

        /// <summary>True after a transaction in which every RCPT TO was refused.</summary>
        public bool NoneAccepted { get; private set; }

        // MailKit's own exception type, so MailKit resets the transaction (RSET) and keeps the session.
        protected override void OnNoRecipientsAccepted(MimeMessage message)
        {
            NoneAccepted = true;
            var last = Refused.LastOrDefault();
            throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, last == null ? SmtpStatusCode.MailboxUnavailable : (SmtpStatusCode)last.StatusCode,
                "The server accepted none of the recipients.");
        }

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) => ToMailKit(Notify);

        internal static DeliveryStatusNotification? ToMailKit(DeliveryNotificationOptions options)
        {
            if (options == DeliveryNotificationOptions.None) return null;
            if ((options & DeliveryNotificationOptions.Never) != 0) return DeliveryStatusNotification.Never;
            DeliveryStatusNotification value = 0;
            if ((options & DeliveryNotificationOptions.OnSuccess) != 0) value |= DeliveryStatusNotification.Success;
            if ((options & DeliveryNotificationOptions.OnFailure) != 0) value |= DeliveryStatusNotification.Failure;
            if ((options & DeliveryNotificationOptions.Delay) != 0) value |= DeliveryStatusNotification.Delay;
            return value;
        }

        private void Advance()
        {
            if (Accepted.Count + Refused.Count >= _expected) Phase = "Data";
        }
    }

    /// <summary>
    /// Sits between MailKit and the real protocol logger and watches the bytes MailKit has handed to the socket: did
    /// this transaction write the end of its data? Dot-stuffing (RFC 5321 4.5.2) guarantees CRLF "." CRLF occurs only
    /// at the end of DATA, so the last five bytes written tell. BDAT (CHUNKING) has no terminator, so a BDAT command
    /// counts at once — the safe side: an unconfirmed outcome rather than a possible duplicate.
    /// </summary>
    internal sealed class DataEndWatch : IProtocolLogger
    {
        private static readonly byte[] End = { (byte)'\r', (byte)'\n', (byte)'.', (byte)'\r', (byte)'\n' };
        private readonly IProtocolLogger _inner;
        private readonly byte[] _tail = new byte[5];
        private int _tailLength;

        public DataEndWatch(IProtocolLogger inner) { _inner = inner ?? new NullProtocolLogger(); }

        public bool DataEnded { get; private set; }
        public long ServerBytes { get; private set; }

        public IAuthenticationSecretDetector AuthenticationSecretDetector
        {
            get => _inner.AuthenticationSecretDetector;
            set => _inner.AuthenticationSecretDetector = value;
        }

        public void BeginTransaction()
        {
            DataEnded = false;
            _tailLength = 0;
        }

        public void LogConnect(Uri uri) => _inner.LogConnect(uri);

        public void LogClient(byte[] buffer, int offset, int count)
        {
            if (count >= 5 && buffer[offset] == 'B' && buffer[offset + 1] == 'D' && buffer[offset + 2] == 'A' && buffer[offset + 3] == 'T' && buffer[offset + 4] == ' ')
                DataEnded = true;
            for (int i = Math.Max(offset, offset + count - _tail.Length); i < offset + count; i++)
            {
                if (_tailLength == _tail.Length) Buffer.BlockCopy(_tail, 1, _tail, 0, _tail.Length - 1);
                else _tailLength++;
                _tail[_tailLength - 1] = buffer[i];
            }
            if (_tailLength == _tail.Length && _tail.SequenceEqual(End)) DataEnded = true;
            _inner.LogClient(buffer, offset, count);
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            ServerBytes += count;
            _inner.LogServer(buffer, offset, count);
        }

        public void Dispose() => _inner.Dispose();
    }

    /// <summary>The SMTP transcript as Debug lines, with AUTH secrets masked (<see cref="SecretRedactor"/>).</summary>
    internal sealed class SinkProtocolLogger : IProtocolLogger
    {
        private const int MaxChunk = 400;
        private readonly IOperationSink _sink;

        public SinkProtocolLogger(IOperationSink sink) { _sink = sink; }

        public IAuthenticationSecretDetector AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri) => _sink.Debug("SMTP connect " + uri);

        public void LogClient(byte[] buffer, int offset, int count) => Log("C: ", buffer, offset, count, true);

        public void LogServer(byte[] buffer, int offset, int count) => Log("S: ", buffer, offset, count, false);

        private void Log(string prefix, byte[] buffer, int offset, int count, bool client)
        {
            int shown = Math.Min(count, MaxChunk);
            var text = SecretRedactor.Redact(client ? AuthenticationSecretDetector : null, buffer, offset, count, MaxChunk).TrimEnd('\r', '\n');
            if (count > shown) text += $" … (+{count - shown} bytes)";
            foreach (var line in text.Split('\n'))
                _sink.Debug(prefix + line.TrimEnd('\r'));
        }

        public void Dispose() { }
    }
}
