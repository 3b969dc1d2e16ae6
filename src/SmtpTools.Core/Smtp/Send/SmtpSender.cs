using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// Sends messages one at a time over one <see cref="SmtpSession"/>: open (connect, TLS, AUTH) once, one MAIL/RCPT/DATA
    /// transaction per message, QUIT at the end. A dropped session (421, idle timeout, failed RSET, broken socket) is
    /// reopened transparently. Each message is attempt → classify → retry or finish: transient failures are retried with
    /// exponential backoff and jitter, permanent (5xx) ones are not. A message is sent again only when the server cannot
    /// have it: after a 4xx reply, or when the connection broke before the end of the data was sent — and only to the
    /// recipients that did not already get it. When the whole message went out but the final reply was lost, the result
    /// is Unconfirmed and the message is not sent again (unless <see cref="SmtpSenderOptions.RetryUnconfirmed"/>).
    /// Credentials and tokens are only ever sent over TLS unless the security mode is None. Every wait is bounded by the
    /// options' Timeout.
    /// One sender is one worker with one session; a pool of sessions is several senders over the same options.
    /// </summary>
    public sealed class SmtpSender : IDisposable
    {
        private readonly SmtpSenderOptions _options;
        private readonly IOperationSink _sink;
        private readonly SmtpConnector _connector;
        private readonly Random _jitter = new Random();
        private SmtpSession _session;
        private DateTime _lastUsedUtc;

        /// <exception cref="ArgumentNullException">options is null.</exception>
        /// <exception cref="ArgumentException">No host and no pickup directory, a negative MaxRetries, or an EHLO name that cannot be one.</exception>
        public SmtpSender(SmtpSenderOptions options, IOperationSink sink = null, SmtpConnector connector = null)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _sink = sink ?? NullOperationSink.Instance;
            // Its transactions block their thread anyway: a socket used only synchronously wakes no other thread per reply.
            // Only where sockets need it (see BlockingTcp): on Windows, and so in Windows PowerShell 5.1, nothing changes.
            _connector = connector ?? (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
                ? SmtpConnector.Tcp : SmtpConnector.BlockingTcp);
            if (options.PickupDirectory == null && string.IsNullOrWhiteSpace(options.Host))
                throw new ArgumentException("An SMTP server (or a pickup directory) is required.", nameof(options));
            if (options.MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxRetries cannot be negative.");
            var heloProblem = options.HeloName == null ? null : SmtpInputRules.HeloNameProblem(options.HeloName);
            if (heloProblem != null)
                throw new ArgumentException($"'{SmtpInputRules.Printable(options.HeloName)}' cannot be the EHLO name: {heloProblem}.", nameof(options));
        }

        private static readonly FormatOptions International = CreateInternationalFormat();

        private static FormatOptions CreateInternationalFormat()
        {
            var format = FormatOptions.Default.Clone();
            format.International = true;
            return format;
        }

        /// <summary>How many SMTP sessions were opened (1 for a healthy pipeline).</summary>
        public int ConnectionsOpened { get; private set; }
        /// <summary>The server's EHLO SIZE limit, 0 when unknown or unlimited.</summary>
        public long MaxMessageSize { get; private set; }
        /// <summary>e.g. Tls13 while connected over TLS, else null.</summary>
        public string TlsProtocol => _session?.TlsProtocol;
        public bool IsConnected => _session != null && _session.IsConnected;

        /// <summary>Opens the session (nothing for a pickup directory). Call once before the first message.</summary>
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
        /// Builds, signs and sends (or writes) one message. Failures of this message are in the result (its Status,
        /// FailedPhase and, for the error record, Error), not thrown. The SMTP transaction runs synchronously on the
        /// calling thread (faster in a merge); call it from a worker thread.
        /// </summary>
        /// <exception cref="OperationCanceledException">Cancelled (Ctrl+C).</exception>
        public async Task<SmtpSendResult> SendAsync(OutgoingMessage source, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            MimeMessage message;
            bool signed;
            try
            {
                // Files are read up to the server's SIZE (known once connected), so an oversized one fails before it fills the memory.
                var limit = _options.PickupDirectory != null ? MessageSizeLimit.Default : MessageSizeLimit.ForServer(MaxMessageSize);
                message = MessageBuilder.Build(source, limit, _options.Attachments);
                if (_options.SkipSent != null && _options.SkipSent.Contains(message.MessageId))
                {
                    // A resumed merge: an earlier run sent this row (its Message-ID is in the log). Never twice.
                    var already = SentBefore(source, message.MessageId);
                    already.Elapsed = watch.Elapsed;
                    message.Dispose();
                    return already;
                }
                _options.DkimSigner?.Sign(message);
                signed = _options.DkimSigner != null;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                bool tooLarge = ex is SmtpToolsException own && own.Kind == FailureKind.LimitsExceeded;
                var failed = NotSent(source, SmtpSendStatus.Failed, tooLarge ? SmtpPhase.Size : SmtpPhase.Message, ex);
                failed.Elapsed = watch.Elapsed;
                return failed;
            }
            using (message)
            {
                var result = _options.PickupDirectory != null
                    ? WriteToPickup(message)
                    : await SendAsync(message, source.DeliveryNotification, cancellationToken).ConfigureAwait(false);
                result.DkimSigned = signed;
                result.Elapsed = watch.Elapsed;
                return result;
            }
        }

        /// <summary>
        /// The result of a message that was not handed to the server: Failed before it could be built (a missing file,
        /// a bad address), or Skipped (-WhatIf, a declined -Confirm).
        /// </summary>
        public SmtpSendResult NotSent(OutgoingMessage source, SmtpSendStatus status, SmtpPhase failedPhase, Exception error)
        {
            var recipients = source.MessagePath != null ? Array.Empty<string>() : source.AllRecipients.Where(r => !string.IsNullOrWhiteSpace(r)).ToArray();
            return new SmtpSendResult
            {
                Status = status,
                From = source.From,
                Subject = source.Subject,
                Recipients = recipients,
                SmtpServer = _options.Endpoint,
                FailedPhase = failedPhase,
                Error = error,
                Hint = (error as SmtpToolsException)?.Hint,
            };
        }

        /// <summary>
        /// The result of a row a resumed merge does not send because the -SkipSentLog log has its Message-ID: AlreadySent;
        /// or Unconfirmed again when all the log knows is that the final reply was lost, so that the log still says so and
        /// a later run with -RetryUnconfirmed sends it.
        /// </summary>
        internal SmtpSendResult SentBefore(OutgoingMessage source, string messageId)
        {
            var id = Bounces.SendLogIndex.Normalize(messageId);
            if (!_options.SkipSent.IsUnconfirmed(id))
            {
                var already = NotSent(source, SmtpSendStatus.AlreadySent, SmtpPhase.None, null);
                already.MessageId = id;
                return already;
            }
            var unconfirmed = NotSent(source, SmtpSendStatus.Unconfirmed, SmtpPhase.Data, new SmtpToolsException(ErrorIds.SmtpDeliveryUnconfirmed, FailureKind.ResourceUnavailable,
                "An earlier run sent the whole message but never got the server's final reply; it is not sent again.")
            {
                Hint = "Check the recipient's mailbox or the server's log for this Message-ID; -RetryUnconfirmed sends it again (the recipients may then get it twice).",
            });
            unconfirmed.MessageId = id;
            return unconfirmed;
        }

        /// <summary>
        /// The result of a message that was on its way when the run was stopped (Ctrl+C) and got no outcome in time: it
        /// may have reached the server, so it is Unconfirmed, never sent again unless -RetryUnconfirmed.
        /// </summary>
        public SmtpSendResult Unknown(OutgoingMessage source)
        {
            var result = NotSent(source, SmtpSendStatus.Unconfirmed, SmtpPhase.Data, new SmtpToolsException(ErrorIds.SmtpDeliveryUnconfirmed, FailureKind.OperationStopped,
                "The run was stopped while the message was on its way; whether the server has it is unknown."));
            result.MessageId = Bounces.SendLogIndex.Normalize(source.MessageId);
            return result;
        }

        /// <summary>Sends a ready MimeMessage (already signed if it should be): attempt → classify → retry or finish.</summary>
        /// <param name="notify">The delivery status notifications to ask for, per recipient (needs the server's DSN extension).</param>
        /// <exception cref="OperationCanceledException">Cancelled (Ctrl+C).</exception>
        public async Task<SmtpSendResult> SendAsync(MimeMessage message, DeliveryNotificationOptions notify, CancellationToken cancellationToken)
        {
            var delivery = new Delivery(message, _options.Endpoint, _sink);

            // The last line of defence for every message, also one read from a file: nothing that could end the
            // MAIL FROM/RCPT TO line early (CR/LF) or break RFC 5321's limits goes on the wire.
            var envelopeError = EnvelopeError(delivery.Sender, delivery.Pending);
            if (envelopeError != null)
                return Finish(delivery, SmtpSendStatus.Failed, SmtpPhase.Message, 0, null, envelopeError.Message, envelopeError);

            while (true)
            {
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    delivery.Result.Attempts++;
                    var attempt = await AttemptAsync(delivery, message, notify, cancellationToken).ConfigureAwait(false);
                    var done = Classify(delivery, attempt);
                    if (done != null) return done;
                    await BackoffAsync(RetryOf(delivery, attempt), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (delivery.IsOut)
                {
                    // Stopped between attempts of a message that some recipients have (or may have): a result, so the
                    // log knows, not a cancellation that would let a resumed run send it to them again.
                    return Stopped(delivery);
                }
            }
        }

        private SmtpSendResult Stopped(Delivery delivery)
        {
            foreach (var a in delivery.Accepted) delivery.Refused.Remove(a);
            if (delivery.Accepted.Count == 0)
                return Finish(delivery, SmtpSendStatus.Unconfirmed, SmtpPhase.Data, 0, null, null, new SmtpToolsException(ErrorIds.SmtpDeliveryUnconfirmed, FailureKind.OperationStopped,
                    "The run was stopped before the message was sent again after an attempt whose final reply was lost: it may or may not have been accepted."));
            var first = delivery.Refused.Values.First();
            var partial = Finish(delivery, SmtpSendStatus.PartiallySent, SmtpPhase.Recipient, first.StatusCode, first.EnhancedStatusCode, first.Text, null);
            partial.Hint = "The run was stopped before the recipients the server refused for now were tried again.";
            return partial;
        }

        /// <summary>Says QUIT and closes the session (no-op when not connected).</summary>
        public async Task DisconnectAsync(CancellationToken cancellationToken)
        {
            var session = _session;
            _session = null;
            if (session == null) return;
            await session.QuitAsync(cancellationToken).ConfigureAwait(false);
            session.Dispose();
        }

        public void Dispose()
        {
            _session?.Dispose();
            _session = null;
        }

        /// <summary>One message on its way: its result so far, who still has to get it, who has it, who refused.</summary>
        private sealed class Delivery
        {
            public Delivery(MimeMessage message, string endpoint, IOperationSink sink)
            {
                Sender = MessageBuilder.EnvelopeSender(message);
                Pending = MessageBuilder.EnvelopeRecipients(message).ToList();
                Result = new SmtpSendResult
                {
                    MessageId = message.MessageId,
                    From = Sender?.Address,
                    Subject = message.Subject,
                    Recipients = Pending.Select(r => r.Address).ToArray(),
                    SmtpServer = endpoint,
                };
                Progress = new UploadProgress(sink, message.MessageId);
            }

            public readonly Stopwatch Watch = Stopwatch.StartNew();
            public MailboxAddress Sender { get; }
            public List<MailboxAddress> Pending { get; set; }
            public List<string> Accepted { get; } = new List<string>();
            public Dictionary<string, SmtpRejectedRecipient> Refused { get; } = new Dictionary<string, SmtpRejectedRecipient>(StringComparer.OrdinalIgnoreCase);
            public SmtpSendResult Result { get; }
            public UploadProgress Progress { get; }
            /// <summary>Measured once, when the server announced a SIZE limit.</summary>
            public long Size { get; set; }
            /// <summary>-RetryUnconfirmed sent it again after a lost final reply.</summary>
            public bool ResentUnconfirmed { get; set; }
            /// <summary>Some recipients have the message, or may have it: it must never be sent to them again from scratch.</summary>
            public bool IsOut => Accepted.Count > 0 || ResentUnconfirmed;
        }

        private enum AttemptKind
        {
            /// <summary>The server confirmed the data (for the recipients it accepted).</summary>
            Sent,
            /// <summary>Refused before sending: larger than the server's SIZE, or SMTPUTF8 needed and not offered.</summary>
            Refused,
            /// <summary>Every RCPT TO was refused.</summary>
            NoRecipient,
            /// <summary>A command was refused (MAIL FROM, DATA, the final reply).</summary>
            CommandRefused,
            /// <summary>The connection broke (or timed out) after it was set up.</summary>
            ConnectionLost,
            /// <summary>The session could not be (re)opened.</summary>
            OpenFailed,
            /// <summary>Anything else.</summary>
            Broke,
        }

        /// <summary>What one attempt gave.</summary>
        private sealed class Attempt
        {
            public AttemptKind Kind;
            public SmtpPhase Phase;
            public bool DataSent;
            public string Reply;
            public int Code;
            public string EnhancedCode;
            public IReadOnlyList<string> Accepted = Array.Empty<string>();
            public IReadOnlyList<SmtpRejectedRecipient> RefusedNow = Array.Empty<SmtpRejectedRecipient>();
            public Exception Error;
        }

        /// <summary>One try: (re)open the session if needed, then one transaction. Never throws but for cancellation.</summary>
        private async Task<Attempt> AttemptAsync(Delivery delivery, MimeMessage message, DeliveryNotificationOptions notify, CancellationToken cancellationToken)
        {
            var phase = SmtpPhase.Connect;
            try
            {
                await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
                var session = _session;
                delivery.Result.TlsProtocol = session.TlsProtocol;
                var refusal = Precheck(delivery, message, session);
                if (refusal != null) return refusal;

                // With SMTPUTF8, headers carry the addresses in UTF-8 as RFC 6532 wants (MailKit adds SMTPUTF8 to MAIL FROM).
                var format = session.SupportsSmtpUtf8 && (delivery.Sender.IsInternational || delivery.Pending.Any(r => r.IsInternational)) ? International : FormatOptions.Default;
                phase = SmtpPhase.Sender;
                string reply;
                try
                {
                    using (cancellationToken.Register(() => AbortOnCancel(session)))
                        reply = session.Send(format, message, delivery.Sender, delivery.Pending, notify, delivery.Progress);
                }
                catch (Exception ex) when (cancellationToken.IsCancellationRequested)
                {
                    // Cancelled after the data went out: the server may have it, so the result says Unconfirmed (never resent).
                    if (session.DataEnded)
                        return new Attempt { Kind = AttemptKind.ConnectionLost, Phase = SmtpPhase.Data, DataSent = true, Error = ex };
                    throw new OperationCanceledException("Sending was cancelled.", cancellationToken);
                }
                finally
                {
                    phase = session.Transaction.Phase;
                    _lastUsedUtc = DateTime.UtcNow;
                }
                var transaction = session.Transaction;
                return new Attempt { Kind = AttemptKind.Sent, Phase = phase, Reply = reply, Code = 250, Accepted = transaction.Accepted, RefusedNow = transaction.Refused, DataSent = true };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Drop();
                throw;
            }
            catch (SmtpCommandException) when (_session != null && _session.Transaction.NoneAccepted)
            {
                var refusedNow = _session.Transaction.Refused;
                await ResetOrDropAsync(cancellationToken).ConfigureAwait(false);
                return new Attempt { Kind = AttemptKind.NoRecipient, Phase = SmtpPhase.Recipient, RefusedNow = refusedNow };
            }
            catch (SmtpCommandException ex)
            {
                int code = (int)ex.StatusCode;
                var failedPhase = ex.ErrorCode == SmtpErrorCode.SenderNotAccepted ? SmtpPhase.Sender
                    : ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? SmtpPhase.Recipient
                    : ex.ErrorCode == SmtpErrorCode.MessageNotAccepted ? SmtpPhase.Data : phase;
                if (code == 421 || _session == null || !_session.IsConnected) Drop();
                else await ResetOrDropAsync(cancellationToken).ConfigureAwait(false);
                return new Attempt { Kind = AttemptKind.CommandRefused, Phase = failedPhase, Code = code, Reply = ex.Message, Error = ex };
            }
            catch (SmtpToolsException ex) when (phase == SmtpPhase.Connect)
            {
                return new Attempt { Kind = AttemptKind.OpenFailed, Phase = SmtpSession.PhaseOf(ex), Error = ex };
            }
            catch (Exception ex) when (IsConnectionLoss(ex) && phase != SmtpPhase.Connect)
            {
                bool dataSent = _session != null && _session.Transaction.DataEnded;
                Drop();
                return new Attempt { Kind = AttemptKind.ConnectionLost, Phase = phase, DataSent = dataSent, Error = ex };
            }
            catch (Exception ex)
            {
                Drop();
                return new Attempt { Kind = AttemptKind.Broke, Phase = phase, Error = ex };
            }
        }

        /// <summary>Checks that need the session but no command: SIZE and SMTPUTF8. Null when the message may go.</summary>
        private Attempt Precheck(Delivery delivery, MimeMessage message, SmtpSession session)
        {
            // Measured only when the server announced a limit (MailKit measures then too, for MAIL FROM SIZE=);
            // otherwise the byte count comes from the upload itself.
            if (MaxMessageSize > 0 && delivery.Size == 0) delivery.Size = delivery.Result.Size = MeasureSize(message);
            if (MaxMessageSize > 0 && delivery.Size > MaxMessageSize)
            {
                // Fail fast: uploading megabytes only to hear 552 wastes the session's time.
                var text = $"The message is {delivery.Size:N0} bytes; the server accepts at most {MaxMessageSize:N0} bytes (EHLO SIZE).";
                return new Attempt
                {
                    Kind = AttemptKind.Refused, Phase = SmtpPhase.Size, Code = 552, EnhancedCode = "5.3.4", Reply = text,
                    Error = new SmtpToolsException(ErrorIds.SmtpMessageTooLarge, FailureKind.LimitsExceeded, text),
                };
            }
            if (!session.SupportsSmtpUtf8 && (SmtpInputRules.NeedsSmtpUtf8(delivery.Sender.Address) || delivery.Pending.Any(r => SmtpInputRules.NeedsSmtpUtf8(r.Address))))
            {
                var text = $"{_options.Endpoint} does not support SMTPUTF8 (RFC 6531), which an address with non-ASCII characters before the @ needs. Nothing was sent.";
                return new Attempt
                {
                    Kind = AttemptKind.Refused, Phase = SmtpPhase.Sender, Reply = text,
                    Error = new SmtpToolsException(ErrorIds.SmtpUtf8NotSupported, FailureKind.InvalidArgument, text)
                    {
                        Hint = "Use an ASCII address for this recipient or sender, or a server that announces SMTPUTF8 in its EHLO reply.",
                    },
                };
            }
            return null;
        }

        /// <summary>What an attempt means for the message: its final result, or null to try again (after a backoff).</summary>
        private SmtpSendResult Classify(Delivery delivery, Attempt attempt)
        {
            bool mayRetry = delivery.Result.Attempts <= _options.MaxRetries;
            switch (attempt.Kind)
            {
                case AttemptKind.Sent:
                {
                    if (delivery.Progress.Bytes > 0) delivery.Result.Size = delivery.Progress.Bytes;
                    // The server confirmed the data: these recipients have it; never send to them again.
                    delivery.Accepted.AddRange(attempt.Accepted);
                    delivery.Pending = new List<MailboxAddress>();
                    foreach (var r in attempt.RefusedNow)
                    {
                        delivery.Refused[r.Address] = r;
                        if (IsTransient(r)) delivery.Pending.Add(MailboxAddress.Parse(r.Address));
                    }
                    if (delivery.Pending.Count > 0 && mayRetry)
                    {
                        _sink.Verbose($"{delivery.Pending.Count} recipient(s) refused temporarily; retrying them only.");
                        return null;
                    }
                    foreach (var a in delivery.Accepted) delivery.Refused.Remove(a);
                    var status = delivery.Refused.Count == 0 ? SmtpSendStatus.Sent : SmtpSendStatus.PartiallySent;
                    var done = Finish(delivery, status, SmtpPhase.None, 250, SmtpReplies.EnhancedCodeOf(attempt.Reply), attempt.Reply, null);
                    done.ServerResponse = SmtpReplies.Format(250, attempt.Reply);
                    if (status == SmtpSendStatus.PartiallySent)
                    {
                        var first = delivery.Refused.Values.First();
                        done.FailedPhase = SmtpPhase.Recipient;
                        done.Hint = SmtpReplies.HintFor(first.StatusCode, first.EnhancedStatusCode, first.Text, MaxMessageSize);
                    }
                    if (delivery.ResentUnconfirmed)
                        done.Hint = "Sent again (-RetryUnconfirmed) after an attempt whose final reply was lost: the recipients may have it twice.";
                    return done;
                }
                case AttemptKind.Refused:
                    return Finish(delivery, SmtpSendStatus.Failed, attempt.Phase, attempt.Code, attempt.EnhancedCode, attempt.Reply, attempt.Error);
                case AttemptKind.NoRecipient:
                {
                    foreach (var r in attempt.RefusedNow) delivery.Refused[r.Address] = r;
                    if (attempt.RefusedNow.Any(IsTransient) && mayRetry)
                    {
                        delivery.Pending = attempt.RefusedNow.Where(IsTransient).Select(r => MailboxAddress.Parse(r.Address)).ToList();
                        return null;
                    }
                    var first = delivery.Refused.Values.First();
                    var text = string.Join("; ", delivery.Refused.Values.Select(r => $"{r.Address}: {r.StatusCode} {r.Text}"));
                    return Finish(delivery, SmtpSendStatus.Failed, SmtpPhase.Recipient, first.StatusCode, first.EnhancedStatusCode, first.Text,
                        new SmtpToolsException(ErrorIds.SmtpRecipientsRefused, FailureKind.InvalidArgument, "The server accepted none of the recipients: " + text));
                }
                case AttemptKind.CommandRefused:
                {
                    bool transient = attempt.Code >= 400 && attempt.Code < 500;
                    if (transient && mayRetry)
                    {
                        _sink.Verbose($"Attempt {delivery.Result.Attempts}: {SmtpReplies.Format(attempt.Code, attempt.Reply)} (transient, retrying).");
                        return null;
                    }
                    return Finish(delivery, SmtpSendStatus.Failed, attempt.Phase, attempt.Code, SmtpReplies.EnhancedCodeOf(attempt.Reply), attempt.Reply,
                        new SmtpToolsException(transient ? ErrorIds.SmtpTransientFailure : ErrorIds.SmtpMessageRefused, transient ? FailureKind.ResourceUnavailable : FailureKind.ProtocolError,
                            $"The server refused the message at {SmtpReplies.Describe(attempt.Phase)}: {SmtpReplies.Format(attempt.Code, attempt.Reply)}", attempt.Error));
                }
                case AttemptKind.ConnectionLost:
                    return ConnectionLost(delivery, attempt, mayRetry);
                case AttemptKind.OpenFailed:
                {
                    // Reopening failed. Authentication/TLS problems will not fix themselves; a refused socket might.
                    var ex = (SmtpToolsException)attempt.Error;
                    bool retry = ex.Kind == FailureKind.ConnectionError || ex.Kind == FailureKind.OperationTimeout || ex.Kind == FailureKind.ResourceUnavailable;
                    if (retry && mayRetry) return null;
                    var reply = ex.InnerException as SmtpCommandException;
                    return Finish(delivery, SmtpSendStatus.Failed, attempt.Phase,
                        reply == null ? 0 : (int)reply.StatusCode, reply == null ? null : SmtpReplies.EnhancedCodeOf(reply.Message), ex.Message, ex);
                }
                default:
                    return Finish(delivery, SmtpSendStatus.Failed, attempt.Phase, 0, null, attempt.Error.Message, attempt.Error);
            }
        }

        /// <summary>
        /// A broken connection. Before the end of the data went out the server cannot have the message, so it is sent
        /// again; after it, only its verdict was lost and it may be queued already: Unconfirmed, not sent again unless
        /// -RetryUnconfirmed.
        /// </summary>
        private SmtpSendResult ConnectionLost(Delivery delivery, Attempt attempt, bool mayRetry)
        {
            var why = SmtpReplies.DescribeFailure(attempt.Error);
            bool timedOut = SmtpReplies.IsTimeout(attempt.Error);
            int attempts = delivery.Result.Attempts;
            if (attempt.DataSent)
            {
                if (_options.RetryUnconfirmed && mayRetry)
                {
                    _sink.Verbose($"Attempt {attempts}: no final reply after the data ({why}); sending again as -RetryUnconfirmed asks (the recipients may get it twice).");
                    delivery.ResentUnconfirmed = true;
                    return null;
                }
                var text = $"The whole message was sent but the server's final reply never came ({why}{(timedOut ? $" within {_options.Timeout.TotalSeconds:0.#} s" : "")}): it may or may not have been accepted.";
                var unconfirmed = Finish(delivery, SmtpSendStatus.Unconfirmed, SmtpPhase.Data, 0, null, null,
                    new SmtpToolsException(ErrorIds.SmtpDeliveryUnconfirmed, timedOut ? FailureKind.OperationTimeout : FailureKind.ConnectionError, text, attempt.Error));
                unconfirmed.Hint = "Check the recipient's mailbox or the server's log for this Message-ID before sending it again; -RetryUnconfirmed resends such messages automatically (the recipients may then get them twice).";
                return unconfirmed;
            }
            if (mayRetry)
            {
                _sink.Verbose($"Attempt {attempts}: connection lost during {SmtpReplies.Describe(attempt.Phase)} ({why}); reconnecting.");
                return null;
            }
            return Finish(delivery, SmtpSendStatus.Failed, attempt.Phase, 0, null, why,
                new SmtpToolsException(ErrorIds.SmtpConnectionLost, timedOut ? FailureKind.OperationTimeout : FailureKind.ConnectionError,
                    $"The connection was lost during {SmtpReplies.Describe(attempt.Phase)} {attempts} time(s): {why}.", attempt.Error));
        }

        private static bool IsTransient(SmtpRejectedRecipient r) => r.StatusCode >= 400 && r.StatusCode < 500;

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

        private SmtpSendResult Finish(Delivery delivery, SmtpSendStatus status, SmtpPhase failedPhase, int code, string enhanced, string text, Exception error)
        {
            var result = delivery.Result;
            result.Status = status;
            result.AcceptedRecipients = delivery.Accepted.ToArray();
            result.RejectedRecipients = delivery.Refused.Values.ToArray();
            result.FailedPhase = failedPhase;
            result.StatusCode = code;
            result.EnhancedStatusCode = enhanced;
            result.ServerResponse = code > 0 || text != null ? SmtpReplies.Format(code, text) : null;
            result.Error = error;
            result.Elapsed = delivery.Watch.Elapsed;
            if (status == SmtpSendStatus.Failed) result.Hint = (error as SmtpToolsException)?.Hint ?? SmtpReplies.HintFor(code, enhanced, text, MaxMessageSize);
            return result;
        }

        private SmtpSendResult WriteToPickup(MimeMessage message)
        {
            var delivery = new Delivery(message, null, _sink);
            var result = delivery.Result;
            var path = Path.Combine(_options.PickupDirectory, Guid.NewGuid().ToString("N") + ".eml");
            var temp = path + ".tmp";
            // Like IIS/System.Net.Mail pickup files: the envelope as X-Sender/X-Receiver lines, then the message
            // without Bcc. Written to a temporary name and renamed, so a pickup service never sees half a file.
            using (var stream = File.Create(temp))
            {
                var envelope = new StringBuilder();
                envelope.Append("X-Sender: ").Append(delivery.Sender.Address).Append("\r\n");
                foreach (var r in delivery.Pending) envelope.Append("X-Receiver: ").Append(r.Address).Append("\r\n");
                var bytes = Encoding.UTF8.GetBytes(envelope.ToString());
                stream.Write(bytes, 0, bytes.Length);
                var format = FormatOptions.Default.Clone();
                format.NewLineFormat = NewLineFormat.Dos;
                format.HiddenHeaders.Add(HeaderId.Bcc);
                message.WriteTo(format, stream);
            }
            File.Move(temp, path);
            result.Status = SmtpSendStatus.Sent;
            result.Attempts = 1;
            result.PickupPath = path;
            result.AcceptedRecipients = result.Recipients;
            result.Size = new FileInfo(path).Length;
            return result;
        }

        private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
        {
            if (_session != null && _session.IsConnected && DateTime.UtcNow - _lastUsedUtc > _options.IdleCheckAfter)
            {
                // Servers close idle sessions (Postfix after 300 s, Exchange Online sooner); find out now, not mid-message.
                try { await _session.NoOpAsync(cancellationToken).ConfigureAwait(false); _lastUsedUtc = DateTime.UtcNow; }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    _sink.Verbose("The idle SMTP session is gone (" + ex.Message + "); reconnecting.");
                    Drop();
                }
            }
            if (_session == null || !_session.IsConnected)
            {
                Drop();
                await OpenAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task OpenAsync(CancellationToken cancellationToken)
        {
            string endpoint = _options.Endpoint;
            _sink.Verbose($"Connecting to {endpoint} ({SmtpSecurityPolicy.EffectiveMode(_options.Security, _options.Port, _options.HasSecrets)}).");
            Action<string> debug = _options.ProtocolLog ? (Action<string>)(line => _sink.Debug(line)) : null;
            var session = await SmtpSession.OpenAsync(_options.Host, _options.Port, _options, _connector, debug, cancellationToken).ConfigureAwait(false);
            ConnectionsOpened++;
            MaxMessageSize = session.MaxMessageSize;
            _session = session;
            _lastUsedUtc = DateTime.UtcNow;
            _sink.Verbose($"Connected to {endpoint}{(session.TlsProtocol != null ? " over " + session.TlsProtocol : " without TLS")}{(session.IsAuthenticated ? ", authenticated" : "")}.");
        }

        private static bool IsConnectionLoss(Exception ex) =>
            ex is IOException || ex is SocketException || ex is SmtpProtocolException || ex is ServiceNotConnectedException || ex is TimeoutException
            || ex is ObjectDisposedException // a socket closed under a blocked call
            || ex is OperationCanceledException; // MailKit's own timeout surfaces as a cancellation when our token is not cancelled

        private async Task ResetOrDropAsync(CancellationToken cancellationToken)
        {
            // MailKit resets the transaction after a refused command; make sure the session is still usable.
            if (_session == null) return;
            try { await _session.NoOpAsync(cancellationToken).ConfigureAwait(false); }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                Drop();
            }
        }

        /// <summary>
        /// Ctrl+C during a transaction: before the end of the data, close the socket at once (the server cannot have the
        /// message); after it, give the server a moment to confirm, so the caller learns that the message was sent
        /// instead of leaving it unknown.
        /// </summary>
        private void AbortOnCancel(SmtpSession session)
        {
            if (!session.DataEnded)
            {
                session.Abort();
                return;
            }
            Task.Delay(_options.VerdictGrace).ContinueWith(_ => session.Abort(), TaskScheduler.Default);
        }

        /// <summary>Gives the session up without QUIT (it is broken, or Ctrl+C).</summary>
        private void Drop()
        {
            var session = _session;
            _session = null;
            session?.Dispose();
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

        /// <summary>The reply that made an attempt fail, for the retry decision.</summary>
        private static SmtpRetry RetryOf(Delivery delivery, Attempt attempt)
        {
            int code = attempt.Code;
            string text = attempt.Reply;
            if (attempt.Kind == AttemptKind.Sent || attempt.Kind == AttemptKind.NoRecipient)
            {
                var refused = attempt.RefusedNow.FirstOrDefault(IsTransient);
                code = refused?.StatusCode ?? 0;
                text = refused?.Text;
            }
            else if (attempt.Error?.InnerException is SmtpCommandException reply)
            {
                code = (int)reply.StatusCode;
                text = reply.Message;
            }
            return new SmtpRetry(delivery.Result.Attempts, attempt.Phase, code, text ?? SmtpReplies.DescribeFailure(attempt.Error), delivery.IsOut);
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
}
