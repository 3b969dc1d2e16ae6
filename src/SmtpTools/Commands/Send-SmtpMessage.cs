using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Mail;
using System.Security;
using System.Text;
using SmtpTools.Core.Dns;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Smtp;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Sends e-mail through an SMTP server with MailKit: TLS verified by default, password or OAuth 2.0 token,
    /// one SMTP session for a whole pipeline of messages (a mail merge from Import-Csv), retries for transient
    /// failures, DKIM signing, and one result object per message.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "SmtpMessage", SupportsShouldProcess = true, DefaultParameterSetName = "Compose")]
    [OutputType(typeof(SmtpSendResult))]
    public sealed class SendSmtpMessageCommand : AsyncCmdlet
    {
        private const string Compose = "Compose";
        private const string File = "File";

        // ---- Where and how ----

        /// <summary>The SMTP server; $PSEmailServer when omitted.</summary>
        [Parameter(Position = 3)]
        [Alias("ComputerName")]
        [ValidateNotNullOrEmpty]
        public string SmtpServer { get; set; }

        /// <summary>TCP port (587 submission; 465 when -Security SslOnConnect and no -Port).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 587;

        [Parameter]
        public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

        /// <summary>Accept any server certificate. For test servers only.</summary>
        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>OAuth 2.0 access token (XOAUTH2/OAUTHBEARER); user name from -Credential or -From.</summary>
        [Parameter]
        public SecureString AccessToken { get; set; }

        /// <summary>Write .eml files into this folder instead of connecting to a server.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string PickupDirectory { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 100;

        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 3;

        /// <summary>Also resend a message whose final reply was lost after the whole message went out (recipients may get it twice).</summary>
        [Parameter]
        public SwitchParameter RetryUnconfirmed { get; set; }

        // ---- At scale ----

        /// <summary>Up to this many SMTP sessions for the pipeline; results stay in input order.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ConnectionCount { get; set; } = 1;

        /// <summary>Messages per second over all sessions (0.5 = 30 a minute); 0 for no limit.</summary>
        [Parameter]
        [ValidateRange(0.0, 100000.0)]
        public double RateLimit { get; set; }

        /// <summary>QUIT and open a new session after this many messages; 0 for no limit.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MaxMessagesPerConnection { get; set; }

        /// <summary>A previous run's -PassThru | Export-Csv log: rows it shows as sent are skipped (Status AlreadySent).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string SkipSentLog { get; set; }

        // ---- DKIM ----

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DkimKeyPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DkimSelector { get; set; }

        /// <summary>d= of the signature; the -From domain when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DkimDomain { get; set; }

        // ---- The message ----

        [Parameter(ParameterSetName = Compose, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("EmailAddress", "Recipient")]
        [AllowEmptyCollection]
        public string[] To { get; set; }

        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        public string[] Cc { get; set; }

        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        public string[] Bcc { get; set; }

        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        public string[] ReplyTo { get; set; }

        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        [Alias("Sender")]
        public string From { get; set; }

        [Parameter(ParameterSetName = Compose, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("sub")]
        [AllowEmptyString]
        public string Subject { get; set; }

        [Parameter(ParameterSetName = Compose, Position = 2, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Body { get; set; }

        [Parameter(ParameterSetName = Compose)]
        [Alias("BAH")]
        public SwitchParameter BodyAsHtml { get; set; }

        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string TextBody { get; set; }

        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string HtmlBody { get; set; }

        /// <summary>Files to attach; PowerShell paths (wildcards allowed). FileInfo objects bind by FullName.</summary>
        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        [Alias("Attachments", "FullName", "PSPath")]
        public string[] Attachment { get; set; }

        /// <summary>Content-ID → file, for cid: references in the HTML body.</summary>
        [Parameter(ParameterSetName = Compose)]
        public Hashtable InlineAttachment { get; set; }

        /// <summary>Extra headers: a hashtable, or 'Name: value' text (one per line) as a CSV column holds it.</summary>
        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        [Alias("Headers")]
        [HeaderTransformation]
        public Hashtable Header { get; set; }

        [Parameter(ParameterSetName = Compose)]
        public MailPriority Priority { get; set; } = MailPriority.Normal;

        [Parameter]
        [Alias("DNO")]
        public System.Net.Mail.DeliveryNotificationOptions DeliveryNotificationOption { get; set; } = System.Net.Mail.DeliveryNotificationOptions.None;

        /// <summary>Charset of the body and of encoded headers (utf8 by default).</summary>
        [Parameter(ParameterSetName = Compose)]
        [Alias("BE")]
        [EncodingTransformation]
        public Encoding Encoding { get; set; }

        /// <summary>The Message-ID, e.g. a row key from a CSV column; the key -SkipSentLog recognises a row by.</summary>
        [Parameter(ParameterSetName = Compose, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string MessageId { get; set; }

        /// <summary>An existing message file (.eml) sent as is.</summary>
        [Parameter(ParameterSetName = File, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string MessagePath { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private SmtpSessionPool _pool;
        private bool _connected;
        private int _sent, _partial, _unconfirmed, _failed, _skipped, _already, _count;
        private string _endpoint, _sentLogPath;
        private RowMessageIds _rowIds;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            var options = BuildOptions();
            _endpoint = options.Endpoint ?? options.PickupDirectory;
            options.Attachments = new AttachmentCache();
            _verdictGrace = options.VerdictGrace;
            if (SkipSentLog != null)
            {
                _sentLogPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SkipSentLog);
                try { options.SkipSent = SentLog.Read(_sentLogPath, RetryUnconfirmed); }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowTerminatingError(ErrorRecordFactory.FromException(ex, _sentLogPath));
                }
                _rowIds = new RowMessageIds();
                WriteVerbose($"{options.SkipSent.Count} message(s) in {_sentLogPath} were sent before ({options.SkipSent.Rows} row(s) read); they are skipped.");
            }
            var pool = new SmtpSessionPoolOptions { ConnectionCount = ConnectionCount, RateLimit = RateLimit, MaxMessagesPerConnection = MaxMessagesPerConnection };
            try { _pool = new SmtpSessionPool(options, pool, new CmdletOperationSink(this, ProgressActivityIds.SendSmtpMessageUpload)); }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.SmtpServerMissing, ErrorCategory.InvalidArgument, ex.Message, SmtpServer, ex));
            }
            ConcurrencyLimit = PickupDirectory != null ? 1 : ConnectionCount;
            // One message at a time: sent on the pipeline thread itself (the transaction is synchronous), not handed to a
            // worker and its result back, two thread wake-ups per message that cost more than binding overlapped with sending.
            StartWorkInline = ConcurrencyLimit == 1;
            ProgressActivity = "Send-SmtpMessage";
            ProgressUnit = "message(s) done";
            // Under -WhatIf nothing is sent, so nothing is connected either.
            _verbose = IsVerboseWanted();
            if (!IsWhatIf()) Connect();
        }

        private bool _verbose;
        private TimeSpan _verdictGrace;

        protected override string ProgressDetail =>
            _pool == null || PickupDirectory != null ? null
            : $"{_pool.Governor.InUse} of {_pool.Governor.AllowedSessions} session(s) in use" + (_pool.Governor.ThrottleReplies > 0 ? $", throttled {_pool.Governor.ThrottleReplies} time(s)" : "");

        protected override void ProcessRecord()
        {
            OutgoingMessage message;
            string target;
            try
            {
                message = BuildMessage();
                target = DescribeTarget(message);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                // Missing attachment and the like: this message fails, nothing is sent for it, the others go on.
                var failed = _pool.NotSent(new OutgoingMessage { From = From, Subject = Subject, To = Split(To), Cc = Split(Cc), Bcc = Split(Bcc) },
                    SmtpSendStatus.Failed, SmtpPhase.Message, ex);
                Queue(Task.FromResult(failed), null, inputError: ex);
                return;
            }

            string action = PickupDirectory != null ? "Write message to pickup directory " + PickupDirectory : "Send message '" + (Subject ?? "") + "' via " + _endpoint;
            if (!ShouldProcess(target, action))
            {
                Queue(Task.FromResult(_pool.NotSent(message, SmtpSendStatus.Skipped, SmtpPhase.None, null)), null);
                return;
            }

            if (!_connected) Connect();
            var pool = _pool;
            Queue(null, ct => pool.SendAsync(message, ct), target, message);
        }

        /// <summary>One record's result into the ordered output (a stop before it is written: see <see cref="KeepStoppedResults"/>).</summary>
        /// <param name="inputError">The cmdlet's own failure to make the message from the record (its error record as is).</param>
        /// <param name="message">The message being sent, which names the record should its outcome be unknown when the pipeline stops.</param>
        private void Queue(Task<SmtpSendResult> ready, Func<CancellationToken, Task<SmtpSendResult>> send, string target = null, OutgoingMessage message = null, Exception inputError = null)
        {
            Enqueue(ct => ready ?? send(ct), result =>
            {
                if (inputError != null) ReportInputError(result, inputError);
                else Report(result, target);
            }, error => WriteError(ErrorRecordFactory.FromException(error, target)), message);
        }

        private void ReportInputError(SmtpSendResult failed, Exception error)
        {
            _failed++;
            _count++;
            WriteError(ErrorRecordFactory.FromException(error, failed));
            if (PassThru) WriteObject(failed);
        }

        private void Report(SmtpSendResult result, string target)
        {
            _count++;
            switch (result.Status)
            {
                case SmtpSendStatus.Sent: _sent++; break;
                case SmtpSendStatus.PartiallySent: _partial++; break;
                case SmtpSendStatus.Unconfirmed: _unconfirmed++; break;
                case SmtpSendStatus.Skipped: _skipped++; _count--; break;
                case SmtpSendStatus.AlreadySent: _already++; _count--; break;
                default: _failed++; break;
            }
            target = target ?? result.RecipientList;
            if (result.Status == SmtpSendStatus.Sent)
            {
                if (_verbose) WriteVerbose($"{result.MessageId}: {result.ServerResponse ?? result.PickupPath} (attempts: {result.Attempts}{(result.Throttled ? $", throttled, waited {result.ThrottleWait.TotalSeconds:0.#} s" : "")}).");
                if (result.Hint != null) WriteWarning($"{result.MessageId} to {target}: {result.Hint}");
            }
            else if (result.Status == SmtpSendStatus.PartiallySent)
                WriteWarning($"{result.MessageId}: refused for {string.Join(", ", result.RejectedRecipients.Select(r => r.ToString()))}; sent to the other {result.AcceptedRecipients.Length}.");
            else if (result.Status == SmtpSendStatus.Unconfirmed)
            {
                // A warning, not an error: the error stream holds the messages that were not delivered, and a script that
                // resends its errors must not send these (they may have arrived). The result says Unconfirmed.
                WriteWarning($"{result.MessageId} to {target} is unconfirmed: {result.Error?.Message} {result.Hint}");
            }
            else if (result.Status == SmtpSendStatus.AlreadySent)
            {
                if (_verbose) WriteVerbose($"{result.MessageId} to {target}: already sent by an earlier run ({_sentLogPath}); not sent again.");
            }
            else if (result.Status == SmtpSendStatus.Failed)
            {
                var error = result.Error ?? new InvalidOperationException(result.ServerResponse ?? "The message was not sent.");
                var record = ErrorRecordFactory.FromException(error, result);
                var text = $"Message to {target} was not sent ({result.FailedPhase}, {result.Attempts} attempt(s)): {error.Message}";
                record.ErrorDetails = new ErrorDetails(text) { RecommendedAction = result.Hint };
                WriteError(record);
            }
            if (PassThru) WriteObject(result);
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            var pool = _pool;
            if (pool != null && _connected) Run(ct => pool.DisconnectAsync(ct));
            WriteProgress(new ProgressRecord(ProgressActivityIds.SendSmtpMessage, "Send-SmtpMessage", "Done") { RecordType = ProgressRecordType.Completed });
            var governor = pool?.Governor;
            string throttling = governor == null || governor.ThrottleReplies == 0 ? null
                : $"throttled: {governor.ThrottleReplies} throttling repl{(governor.ThrottleReplies == 1 ? "y" : "ies")}, down to {governor.LowestSessions} session(s)"
                  + (governor.LowestRate > 0 ? $" and {governor.LowestRate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} message(s)/s" : "");
            if (pool != null && PickupDirectory == null && _connected)
                WriteVerbose($"{_count} message(s) over {pool.ConnectionsOpened} SMTP session(s) to {_endpoint}"
                    + (pool.PeakSessions > 1 ? $" (up to {pool.PeakSessions} at once)" : "") + (throttling != null ? "; " + throttling : "") + ".");
            string summary = $"Send-SmtpMessage: {_sent} sent, {_partial} partially sent, "
                + (_unconfirmed > 0 ? $"{_unconfirmed} unconfirmed, " : "") + $"{_failed} failed" + (_skipped > 0 ? $", {_skipped} skipped" : "")
                + (_already > 0 ? $", {_already} already sent" : "") + (throttling != null ? "; " + throttling : "") + ".";
            // A warning only when something needs attention (unattended runs log warnings); a clean run says it in verbose output.
            if (_partial + _unconfirmed + _failed > 0) WriteWarning(summary);
            else if (_count + _skipped + _already > 0) WriteVerbose(summary);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                KeepStoppedResults();
                _pool?.Dispose();
            }
            base.Dispose(disposing);
        }

        /// <summary>
        /// When the pipeline ends before every result was written (Ctrl+C, a terminating error, Select-Object -First),
        /// the log lacks the messages that were in flight, waiting for an earlier one in the ordered output, or whose
        /// write the stop cut short. Those whose data had not gone out are abandoned (the server cannot have them); the
        /// others get a moment for their verdict. Every one that was, or may have been, delivered is appended to the log's
        /// stopped file, which the next -SkipSentLog run reads: resuming never sends a row twice. A message still without
        /// an outcome after the grace counts as Unconfirmed.
        /// </summary>
        private void KeepStoppedResults()
        {
            // Without a log to complete, the work still running is only cancelled (before the pool's sessions go).
            var unwritten = AbandonUnwritten(_sentLogPath == null ? TimeSpan.Zero : _verdictGrace + TimeSpan.FromSeconds(2));
            if (_sentLogPath == null) return;
            var kept = new List<SmtpSendResult>();
            var unknown = new List<string>();
            foreach (var record in unwritten)
            {
                var work = (Task<SmtpSendResult>)record.Work;
                // Faulted or cancelled: nothing reached the server (the sender turns every other outcome into a result).
                if (work.Status == TaskStatus.RanToCompletion)
                {
                    if (SentLog.CountsAsSent(work.Result.Status)) kept.Add(work.Result);
                }
                else if (!work.IsCompleted && record.Tag is OutgoingMessage message)
                {
                    if (message.MessageId != null) kept.Add(_pool.Unknown(message));
                    else unknown.Add(message.MessagePath ?? DescribeTarget(message));
                }
            }
            if (unknown.Count > 0)
                Host?.UI?.WriteWarningLine($"Send-SmtpMessage was stopped while these messages were on their way; whether the server has them is unknown: {string.Join(", ", unknown)}");
            if (kept.Count == 0) return;
            try { SentLog.AppendStopped(_sentLogPath, kept); }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                // The last resort: the host, so a person can see which rows went out.
                Host?.UI?.WriteWarningLine($"Send-SmtpMessage was stopped; these messages were (or may have been) sent but are not in {_sentLogPath}: {string.Join(", ", kept.Select(r => r.MessageId))} ({ex.Message})");
            }
        }

        private void Connect()
        {
            var pool = _pool;
            try
            {
                Run(ct => pool.ConnectAsync(ct));
                _connected = true;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                // Set-up failure: every message would fail the same way, so stop the pipeline.
                ThrowTerminatingError(ErrorRecordFactory.FromException(ex, _endpoint));
            }
        }

        private SmtpSenderOptions BuildOptions()
        {
            var server = SmtpServer;
            if (string.IsNullOrEmpty(server) && PickupDirectory == null)
                server = GetVariableValue("PSEmailServer") as string;
            if (Credential != null && AccessToken != null && Credential.Password != null && Credential.Password.Length > 0)
                WriteVerbose("-AccessToken given: -Credential supplies only the user name.");
            int port = Port;
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Port)) && Security == SmtpSecurity.SslOnConnect) port = 465;

            var options = new SmtpSenderOptions
            {
                Host = server,
                Port = port,
                Security = Security,
                SkipCertificateCheck = SkipCertificateCheck,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                MaxRetries = MaxRetries,
                RetryUnconfirmed = RetryUnconfirmed,
                ProtocolLog = IsDebugWanted(),
                PickupDirectory = PickupDirectory == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(PickupDirectory),
            };
            if (AccessToken != null)
            {
                var user = Credential?.UserName ?? From;
                if (string.IsNullOrEmpty(user))
                    ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.AccessTokenUserMissing, ErrorCategory.InvalidArgument,
                        "-AccessToken needs the mailbox it belongs to: pass -From (or -Credential with that user name).", null));
                options.AccessToken = new NetworkCredential(user, AccessToken);
            }
            else if (Credential != null)
            {
                options.Credential = new NetworkCredential(Credential.UserName, Credential.Password);
            }

            if (DkimKeyPath != null)
            {
                var domain = DkimDomain ?? DomainNames.OfAddress(From?.Trim().TrimEnd('>'));
                if (string.IsNullOrEmpty(DkimSelector) || string.IsNullOrEmpty(domain))
                    ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.DkimParametersMissing, ErrorCategory.InvalidArgument,
                        "-DkimKeyPath needs -DkimSelector and -DkimDomain (or a -From address whose domain is the signing domain).", DkimKeyPath));
                string path = null;
                try
                {
                    path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(DkimKeyPath);
                    options.DkimSigner = DkimMessageSigner.FromKeyFile(path, domain, DkimSelector);
                    WriteVerbose($"Signing with DKIM d={options.DkimSigner.Domain} s={options.DkimSigner.Selector} ({options.DkimSigner.KeyAlgorithm}).");
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowTerminatingError(ErrorRecordFactory.FromException(ex, path ?? DkimKeyPath));
                }
            }
            else if (DkimSelector != null || DkimDomain != null)
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.DkimKeyPathMissing, ErrorCategory.InvalidArgument,
                    "-DkimSelector/-DkimDomain sign messages only together with -DkimKeyPath.", null));
            }
            return options;
        }

        private OutgoingMessage BuildMessage()
        {
            var notify = MapNotify(DeliveryNotificationOption);
            if (ParameterSetName == File)
                return new OutgoingMessage { MessagePath = ResolveOne(MessagePath), DeliveryNotification = notify };
            var message = new OutgoingMessage
            {
                From = From,
                To = Split(To),
                Cc = Split(Cc),
                Bcc = Split(Bcc),
                ReplyTo = Split(ReplyTo),
                Subject = Subject,
                Body = Body,
                BodyAsHtml = BodyAsHtml,
                TextBody = TextBody,
                HtmlBody = HtmlBody,
                Priority = Priority == MailPriority.High ? OutgoingPriority.High : Priority == MailPriority.Low ? OutgoingPriority.Low : OutgoingPriority.Normal,
                DeliveryNotification = notify,
                Encoding = Encoding,
                MessageId = MessageId,
            };
            if (Attachment != null)
                foreach (var path in Attachment.Where(p => !string.IsNullOrWhiteSpace(p)))
                    foreach (var resolved in ResolveMany(path)) message.Attachments.Add(resolved);
            if (InlineAttachment != null)
                foreach (DictionaryEntry pair in InlineAttachment)
                    message.InlineAttachments[Convert.ToString(pair.Key, System.Globalization.CultureInfo.InvariantCulture)] = ResolveOne(Unwrap(pair.Value));
            if (Header != null)
                foreach (DictionaryEntry pair in Header)
                    message.Headers[Convert.ToString(pair.Key, System.Globalization.CultureInfo.InvariantCulture)] = Unwrap(pair.Value);
            // A resumable merge needs the same Message-ID for the same row in every run (see RowMessageIds).
            if (message.MessageId == null && _rowIds != null) message.MessageId = _rowIds.Next(message);
            return message;
        }

        private static Core.Smtp.DeliveryNotificationOptions MapNotify(System.Net.Mail.DeliveryNotificationOptions value)
        {
            // System.Net.Mail's Never is 0x08000000, not a neighbour of the other flags: map by name.
            var result = Core.Smtp.DeliveryNotificationOptions.None;
            if ((value & System.Net.Mail.DeliveryNotificationOptions.Never) != 0) return Core.Smtp.DeliveryNotificationOptions.Never;
            if ((value & System.Net.Mail.DeliveryNotificationOptions.OnSuccess) != 0) result |= Core.Smtp.DeliveryNotificationOptions.OnSuccess;
            if ((value & System.Net.Mail.DeliveryNotificationOptions.OnFailure) != 0) result |= Core.Smtp.DeliveryNotificationOptions.OnFailure;
            if ((value & System.Net.Mail.DeliveryNotificationOptions.Delay) != 0) result |= Core.Smtp.DeliveryNotificationOptions.Delay;
            return result;
        }

        private static string Unwrap(object value)
        {
            if (value is PSObject pso) value = pso.BaseObject;
            if (value is System.IO.FileSystemInfo info) return info.FullName;
            return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>A PowerShell path (relative to the current location, wildcards allowed) to file-system paths; an error when nothing matches.</summary>
        private IEnumerable<string> ResolveMany(string path)
        {
            System.Collections.ObjectModel.Collection<string> resolved;
            ProviderInfo provider;
            try { resolved = GetResolvedProviderPathFromPSPath(path, out provider); }
            catch (ItemNotFoundException ex)
            {
                // One stable ErrorId (FileNotFound) whether PowerShell or the file system notices first.
                throw new System.IO.FileNotFoundException($"The file '{path}' does not exist.", path, ex);
            }
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                throw new ArgumentException($"'{path}' is not a file-system path.");
            // A wildcard that matches nothing resolves to an empty list, not an error: the message would go out without
            // the attachment the sender meant.
            if (resolved.Count == 0)
                throw new System.IO.FileNotFoundException($"'{path}' matches no file.", path);
            return resolved;
        }

        private string ResolveOne(string path)
        {
            var all = ResolveMany(path).ToList();
            if (all.Count != 1) throw new ArgumentException($"'{path}' matches {all.Count} files; give exactly one.");
            return all[0];
        }

        private static List<string> Split(string[] values) =>
            values == null ? new List<string>() : values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList();

        private static string DescribeTarget(OutgoingMessage message)
        {
            if (message.MessagePath != null) return message.MessagePath;
            var all = message.AllRecipients.ToList();
            return all.Count <= 3 ? string.Join(", ", all) : string.Join(", ", all.Take(3)) + $" (+{all.Count - 3} more)";
        }

        private bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)) return LanguagePrimitives.IsTrue(bound);
            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }

        // Per-message verbose text is only formatted when someone reads it (a merge of 100,000 rows).
        private bool IsVerboseWanted()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var bound)) return LanguagePrimitives.IsTrue(bound);
            var pref = GetVariableValue("VerbosePreference");
            return pref is ActionPreference p && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;
        }

        private bool IsDebugWanted()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Debug", out var bound)) return LanguagePrimitives.IsTrue(bound);
            var pref = GetVariableValue("DebugPreference");
            return pref is ActionPreference p && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;
        }
    }
}
