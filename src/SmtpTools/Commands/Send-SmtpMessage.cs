using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Mail;
using System.Security;
using System.Text;
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

        /// <summary>An existing message file (.eml) sent as is.</summary>
        [Parameter(ParameterSetName = File, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string MessagePath { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private SmtpSender _sender;
        private bool _connected;
        private int _sent, _partial, _unconfirmed, _failed, _skipped, _count;
        private string _endpoint;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            var options = BuildOptions();
            _endpoint = options.Endpoint ?? options.PickupDirectory;
            try { _sender = new SmtpSender(options, new CmdletOperationSink(this, 2)); }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.SmtpServerMissing, ErrorCategory.InvalidArgument, ex.Message, SmtpServer, ex));
            }
            // Under -WhatIf nothing is sent, so nothing is connected either.
            if (!IsWhatIf()) Connect();
        }

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
                var failed = _sender.NotSent(new OutgoingMessage { From = From, Subject = Subject, To = Split(To), Cc = Split(Cc), Bcc = Split(Bcc) },
                    SmtpSendStatus.Failed, SmtpPhase.Message, ex);
                _failed++;
                _count++;
                WriteError(ErrorRecordFactory.FromException(ex, failed));
                if (PassThru) WriteObject(failed);
                return;
            }

            string action = PickupDirectory != null ? "Write message to pickup directory " + PickupDirectory : "Send message '" + (Subject ?? "") + "' via " + _endpoint;
            if (!ShouldProcess(target, action))
            {
                _skipped++;
                if (PassThru) WriteObject(_sender.NotSent(message, SmtpSendStatus.Skipped, SmtpPhase.None, null));
                return;
            }

            if (!_connected) Connect();
            _count++;
            WriteProgress(new ProgressRecord(1, "Send-SmtpMessage", $"Message {_count} to {target}")
            {
                StatusDescription = $"Message {_count}: {_sent + _partial} sent, {_failed} failed so far",
                CurrentOperation = target,
                PercentComplete = -1,
            });

            var sender = _sender;
            var result = Run(ct => sender.SendAsync(message, ct));
            switch (result.Status)
            {
                case SmtpSendStatus.Sent: _sent++; break;
                case SmtpSendStatus.PartiallySent: _partial++; break;
                case SmtpSendStatus.Unconfirmed: _unconfirmed++; break;
                default: _failed++; break;
            }
            if (result.Status == SmtpSendStatus.Sent)
            {
                WriteVerbose($"{result.MessageId}: {result.ServerResponse ?? result.PickupPath} (attempts: {result.Attempts}).");
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
            else
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
            var sender = _sender;
            if (sender != null && _connected) Run(ct => sender.DisconnectAsync(ct));
            WriteProgress(new ProgressRecord(1, "Send-SmtpMessage", "Done") { RecordType = ProgressRecordType.Completed });
            if (_sender != null && PickupDirectory == null && _connected)
                WriteVerbose($"{_count} message(s) over {_sender.ConnectionsOpened} SMTP session(s) to {_endpoint}.");
            string summary = $"Send-SmtpMessage: {_sent} sent, {_partial} partially sent, "
                + (_unconfirmed > 0 ? $"{_unconfirmed} unconfirmed, " : "") + $"{_failed} failed" + (_skipped > 0 ? $", {_skipped} skipped." : ".");
            // A warning only when something needs attention (unattended runs log warnings); a clean run says it in verbose output.
            if (_partial + _unconfirmed + _failed > 0) WriteWarning(summary);
            else if (_count + _skipped > 0) WriteVerbose(summary);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _sender?.Dispose();
            base.Dispose(disposing);
        }

        private void Connect()
        {
            var sender = _sender;
            try
            {
                Run(ct => sender.ConnectAsync(ct));
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
                var domain = DkimDomain ?? DomainOf(From);
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

        private static string DomainOf(string address)
        {
            if (string.IsNullOrEmpty(address)) return null;
            var at = address.LastIndexOf('@');
            return at < 0 ? null : address.Substring(at + 1).Trim().TrimEnd('>');
        }

        private bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)) return LanguagePrimitives.IsTrue(bound);
            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }

        private bool IsDebugWanted()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Debug", out var bound)) return LanguagePrimitives.IsTrue(bound);
            var pref = GetVariableValue("DebugPreference");
            return pref is ActionPreference p && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;
        }
    }
}
