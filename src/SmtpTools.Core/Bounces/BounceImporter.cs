using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;

namespace SmtpTools.Core.Bounces
{
    /// <summary>
    /// Reads bounce messages: RFC 3464 delivery status notifications first, then the notification text of the MTAs that
    /// send something else, and returns one <see cref="SmtpBounce"/> per failed or delayed recipient. Auto-replies,
    /// feedback-loop reports, success notifications and ordinary mail are not bounces: skipped (with a Verbose line), or
    /// returned as Reason NotABounce when asked. Thread-safe; one instance can serve a whole pipeline.
    /// </summary>
    public sealed class BounceImporter
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;

        private static readonly Regex DaemonSender = new Regex(@"mailer-daemon|postmaster|post_master|mail ?delivery|mdaemon|\bdaemon\b|bounce|ndr\b|sysadmin|mail ?administrator|system administrator|-admin@", Options);
        private static readonly Regex BounceSubject = new Regex(
            @"undeliver|undelivered|returned mail|returning message|delivery (status|failure|failed|notification|has failed|problem)|failure notice|" +
            @"mail delivery|could not be delivered|non-?delivery|not delivered|delivery error|mail failure|delayed|loop alert|there was an error|" +
            @"rejected|bounce|delivery notification|failed delivery|warning:", Options);
        private static readonly Regex BounceText = new Regex(
            @"could not be delivered|undeliverable|delivery (has )?failed|permanent (fatal )?error|unable to deliver|not be delivered|did not reach|" +
            @"failed permanently|delivery status notification|returned mail|was not delivered|couldn'?t be delivered|not yet been delivered|" +
            @"delivery to the following|following address|following recipient|error delivering|wasn't able to deliver|were unable to deliver|" +
            @"送信に失敗|できませんでした|не может быть доставлено|duplicated message-id|has been delayed", Options);
        private static readonly Regex DelayText = new Regex(
            @"has been delayed|not yet been delivered|delayed for more than|will (continue to )?(be )?retr|warning message only|temporary failure report|" +
            @"delivery attempts will continue|still trying|will keep trying|delivery (status notification )?\(delay\)", Options);
        private static readonly Regex PermanentText = new Regex(@"permanent(ly)?|given up|gave up|fatal", Options);
        private static readonly Regex AutoReplySubject = new Regex(@"^\s*(auto(matic)?[ -]?(reply|response|answer)|out of (the )?office|vacation|abwesenheit|absence|autoreply|away from)", Options);
        private static readonly Regex RemoteHost = new Regex(@"(?:host|server|mta|remote host|from remote server for \w+ command, host:)\s+\[?([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})\]?", Options);

        private static readonly Regex EmbeddedDsn = new Regex(@"^\s*Final-Recipient\s*:", Options | RegexOptions.Multiline);

        private readonly BounceImportOptions _options;
        private readonly IOperationSink _sink;

        public BounceImporter(BounceImportOptions options = null, IOperationSink sink = null)
        {
            _options = options ?? new BounceImportOptions();
            _sink = sink ?? NullOperationSink.Instance;
        }

        /// <summary>Reads the message in <paramref name="path"/>.</summary>
        /// <returns>One entry per failed or delayed recipient (and per NotABounce entry when IncludeNonBounce is set); empty for a skipped message.</returns>
        /// <exception cref="SmtpToolsException">The file is empty or not a readable message.</exception>
        /// <exception cref="IOException">The file cannot be read.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<IReadOnlyList<SmtpBounce>> ImportFileAsync(string path, CancellationToken cancellationToken)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            using (var file = InputFiles.OpenRead(path))
            {
                if (file.Length == 0)
                    throw new SmtpToolsException(ErrorIds.InputEmpty, FailureKind.InvalidData, "the file is empty.");
                var messages = await MessageFiles.LoadAllAsync(file, cancellationToken).ConfigureAwait(false);
                if (messages.Count == 1) return Read(messages[0], path);
                // An mbox file: the bounces of every message in it.
                return messages.SelectMany(m => Read(m, path)).ToList();
            }
        }

        /// <summary>The bounces in an already parsed message (filtered by IncludeNonBounce).</summary>
        public IReadOnlyList<SmtpBounce> Read(MimeMessage message, string sourceFile)
        {
            var all = Analyse(message, sourceFile);
            if (_options.IncludeNonBounce) return all;
            var bounces = all.Where(b => b.Reason != SmtpBounceReason.NotABounce).ToList();
            if (bounces.Count == 0)
                _sink.Verbose($"{sourceFile}: skipped, not a bounce ({all.FirstOrDefault()?.Source ?? "no failed recipient found"}).");
            return bounces;
        }

        private static List<SmtpBounce> Analyse(MimeMessage message, string sourceFile, int depth = 0)
        {
            var bounce = BounceMessage.From(message);
            var common = new Common(message, bounce, sourceFile);

            if (bounce.Feedback != null) return common.NotABounce("FeedbackReport", FeedbackRecipients(bounce.Feedback));

            // The readers in order of trust; the first that finds recipients decides.
            var readers = new Func<List<SmtpBounce>>[]
            {
                () => bounce.DeliveryStatus == null ? null : FromDsn(common, DsnFields.Parse(bounce.DeliveryStatus, embedded: false), "Rfc3464"),
                () => EmbeddedDsn.IsMatch(bounce.Notification) ? FromDsn(common, DsnFields.Parse(bounce.Notification, embedded: true), "EmbeddedDsn") : null,
                () => AmazonSesNotification.TryRead(bounce.Notification, common, out var ses) ? ses : null,
                // A bounce forwarded (or bounced again) as an attachment: the inner one.
                () => depth == 0 && bounce.Returned?.Body != null && LooksLikeBounceMessage(bounce.Returned)
                    ? Analyse(bounce.Returned, sourceFile, depth + 1).Where(b => b.Reason != SmtpBounceReason.NotABounce).ToList() : null,
                () => common.LooksLikeBounce ? FromText(common) : null,
            };
            var found = readers.Select(read => read()).FirstOrDefault(list => list != null && list.Count > 0);
            if (found != null)
            {
                if (found.All(b => b.Action == SmtpBounceAction.Delivered || b.Action == SmtpBounceAction.Relayed || b.Action == SmtpBounceAction.Expanded))
                    foreach (var b in found) { b.Reason = SmtpBounceReason.NotABounce; b.IsHardBounce = false; b.IsPermanent = false; }
                return found;
            }
            if (IsAutoReply(message)) return common.NotABounce("AutoReply", new[] { message.From.Mailboxes.FirstOrDefault()?.Address });
            return common.NotABounce("NotABounce", new[] { message.From.Mailboxes.FirstOrDefault()?.Address });
        }

        private static bool LooksLikeBounceMessage(MimeMessage message) =>
            message.Body is MultipartReport || DaemonSender.IsMatch(message.From.ToString()) || message.Headers["X-Failed-Recipients"] != null;

        private static IEnumerable<string> FeedbackRecipients(MessageFeedbackReport feedback)
        {
            var recipients = feedback.Fields.Where(h => h.Field.Equals("Original-Rcpt-To", StringComparison.OrdinalIgnoreCase)
                                                     || h.Field.Equals("Removal-Recipient", StringComparison.OrdinalIgnoreCase))
                .Select(h => DsnFields.Address(h.Value)).Where(a => a != null).ToList();
            return recipients.Count > 0 ? recipients : new string[] { null };
        }

        private static bool IsAutoReply(MimeMessage message)
        {
            string auto = message.Headers["Auto-Submitted"];
            return (auto != null && auto.Trim().StartsWith("auto-replied", StringComparison.OrdinalIgnoreCase))
                || message.Headers["X-Autoreply"] != null || message.Headers["X-Autorespond"] != null
                || string.Equals(message.Headers["Precedence"]?.Trim(), "auto_reply", StringComparison.OrdinalIgnoreCase)
                || AutoReplySubject.IsMatch(message.Subject ?? "");
        }

        private static List<SmtpBounce> FromDsn(Common common, List<Dictionary<string, string>> groups, string source)
        {
            var perMessage = groups.FirstOrDefault(g => !g.ContainsKey("Final-Recipient") && !g.ContainsKey("Original-Recipient"));
            string reportingMta = DsnFields.Mta(perMessage != null && perMessage.TryGetValue("Reporting-MTA", out var r) ? r : null);
            var result = new List<SmtpBounce>();
            var recipientGroups = groups.Where(g => g.ContainsKey("Final-Recipient") || g.ContainsKey("Original-Recipient")).ToList();
            foreach (var g in recipientGroups)
            {
                string final = AddressIn(Get(g, "Final-Recipient"));
                string original = AddressIn(Get(g, "Original-Recipient"));
                // A Final-Recipient that is no mail address (a source route, a local name "user@server") is the
                // gateway's internal form; the Original-Recipient is the address the sender used.
                string recipient = final ?? original ?? DsnFields.Address(Get(g, "Final-Recipient"));
                if (recipient == null) continue;
                var action = ActionOf(Get(g, "Action"));
                string statusField = Get(g, "Status");
                string diagnostic = DsnFields.Diagnostic(Get(g, "Diagnostic-Code"));
                // What the human-readable part says about this recipient, for a DSN whose fields are terse.
                var text = TextBounceReader.Read(common.Lines, new[] { recipient }, common.NotRecipients).FirstOrDefault();
                string statusComment = statusField != null ? Regex.Replace(statusField, @"^\s*\d\.\d{1,3}\.\d{1,3}\s*", "") : "";
                string primary = string.Join("\n", new[] { diagnostic, statusComment }.Where(s => !string.IsNullOrWhiteSpace(s)));
                if (primary.Length == 0) primary = text?.Primary ?? "";

                string status = StatusCodes.FromStatusField(statusField);
                // The remote server's own code (in its reply, or in the text about this recipient) is better evidence
                // than the field: Sendmail writes 4.4.7 (queue expired) over the last attempt's 4.7.1, others write 5.0.0.
                string inReply = StatusCodes.FindEnhanced(diagnostic) ?? (status == null || status.EndsWith(".0.0", StringComparison.Ordinal) ? StatusCodes.FindEnhanced(text?.Primary) : null);
                if (inReply != null && (status == null || inReply[0] == status[0])) status = inReply;
                int? reply = StatusCodes.FindReply(diagnostic) ?? StatusCodes.FindReply(text?.Primary);
                string command = TextBounceReader.CommandOf(diagnostic) ?? TextBounceReader.CommandOf(text?.Primary);
                var b = common.Create(recipient, source, action, status, reply, command, primary, text?.Primary ?? common.Bounce.Notification);
                b.OriginalRecipient = original;
                b.DiagnosticCode = diagnostic ?? Compact(text?.Primary);
                b.RemoteMta = DsnFields.Mta(Get(g, "Remote-MTA")) ?? b.RemoteMta;
                b.ReportingMta = reportingMta;
                b.LastAttemptDate = Reports.DmarcFailureReportParser.Date(Get(g, "Last-Attempt-Date")) ?? b.LastAttemptDate;
                result.Add(b);
            }
            return result;
        }

        private static List<SmtpBounce> FromText(Common common)
        {
            var header = common.Message.Headers["X-Failed-Recipients"];
            var declared = header?.Split(',').Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
            string notification = common.Bounce.Notification;
            string format = TextBounceReader.FormatOf(notification, common.Message);
            bool delayed = DelayText.IsMatch(notification) || DelayText.IsMatch(common.Message.Subject ?? "");
            var result = new List<SmtpBounce>();
            var recipients = TextBounceReader.Read(common.Lines, declared, common.NotRecipients);
            // The failed address may equal the sender's (a message to oneself, or anonymised samples): then only the
            // bounce's own From is ruled out.
            if (recipients.Count == 0) recipients = TextBounceReader.Read(common.Lines, declared, common.BounceSenders);
            // Nothing in the text: the bounce names the recipient only in the returned message's To (some gateways).
            if (recipients.Count == 0 && common.Bounce.Returned != null)
                recipients = TextBounceReader.Read(common.Lines, common.Bounce.Returned.To.Mailboxes.Select(m => m.Address).ToList(), common.BounceSenders);
            foreach (var r in recipients)
            {
                bool single = recipients.Count == 1;
                string status = StatusCodes.FindEnhanced(r.Primary) ?? (single ? StatusCodes.FindEnhanced(notification) : null);
                int? reply = StatusCodes.FindReply(r.Primary) ?? (single ? StatusCodes.FindReply(notification) : null);
                var action = delayed ? SmtpBounceAction.Delayed : SmtpBounceAction.Failed;
                var b = common.Create(r.Recipient, format, action, status, reply, r.Command, r.Primary, notification);
                b.DiagnosticCode = Compact(r.Primary);
                result.Add(b);
            }
            return result;
        }

        private static string AddressIn(string field)
        {
            string value = DsnFields.Address(field);
            if (value == null) return null;
            var m = TextBounceReader.AddressPattern.Match(value);
            // "@relay:user@example.com" (a source route) is no address of its own.
            return m.Success && !(m.Index > 0 && value[m.Index - 1] == ':') ? m.Value : null;
        }

        private static string Get(Dictionary<string, string> group, string name) => group.TryGetValue(name, out var v) ? v : null;

        private static SmtpBounceAction ActionOf(string value)
        {
            switch (value?.Trim().ToLowerInvariant())
            {
                case "delayed": return SmtpBounceAction.Delayed;
                case "delivered": return SmtpBounceAction.Delivered;
                case "relayed": return SmtpBounceAction.Relayed;
                case "expanded": return SmtpBounceAction.Expanded;
                default: return SmtpBounceAction.Failed; // "failed", and non-standard values such as "expired"
            }
        }

        private static string Compact(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var s = Regex.Replace(text, @"\s+", " ").Trim();
            return s.Length > 1000 ? s.Substring(0, 1000) : s;
        }

        /// <summary>What every bounce of one message shares: the bounce's own headers and the returned message.</summary>
        internal sealed class Common
        {
            public Common(MimeMessage message, BounceMessage bounce, string sourceFile)
            {
                Message = message;
                Bounce = bounce;
                SourceFile = sourceFile;
                var original = bounce.Returned;
                OriginalMessageId = original?.Headers[HeaderId.MessageId]?.Trim() ?? message.Headers[HeaderId.InReplyTo]?.Trim();
                OriginalSubject = original?.Subject;
                OriginalFrom = original?.From.Mailboxes.FirstOrDefault()?.Address;
                // The bounce goes back to the sender, so its To/From and the original's From are never failed recipients.
                NotRecipients = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                BounceSenders = new HashSet<string>(message.From.Mailboxes.Select(m => m.Address), StringComparer.OrdinalIgnoreCase);
                foreach (var list in new[] { message.From, message.To, message.Cc, message.ReplyTo })
                    foreach (var m in list.Mailboxes) NotRecipients.Add(m.Address);
                if (original != null)
                    foreach (var list in new[] { original.From, original.Sender == null ? new InternetAddressList() : new InternetAddressList { original.Sender }, original.ReplyTo })
                        foreach (var m in list.Mailboxes) NotRecipients.Add(m.Address);
                foreach (var header in new[] { message.Headers[HeaderId.ReturnPath], original?.Headers[HeaderId.ReturnPath] })
                {
                    var address = header == null ? null : TextBounceReader.AddressPattern.Match(header);
                    if (address != null && address.Success) NotRecipients.Add(address.Value);
                }
                LooksLikeBounce = DaemonSender.IsMatch(message.From.ToString()) || BounceSubject.IsMatch(message.Subject ?? "")
                    || message.Headers["X-Failed-Recipients"] != null || message.Body is MultipartReport || BounceText.IsMatch(bounce.Notification);
            }

            public MimeMessage Message { get; }
            public BounceMessage Bounce { get; }
            public string SourceFile { get; }
            public string OriginalMessageId { get; }
            public string OriginalSubject { get; }
            public string OriginalFrom { get; }
            public HashSet<string> NotRecipients { get; }
            public HashSet<string> BounceSenders { get; }
            /// <summary>The notification's lines and addresses, indexed once for all recipients.</summary>
            public TextBounceReader.Index Lines => _lines ??= new TextBounceReader.Index(Bounce.Notification);
            private TextBounceReader.Index _lines;
            /// <summary>What the notification says for every recipient, classified once.</summary>
            public BounceClassifier.Context NotificationFacts => _facts ??= new BounceClassifier.Context(Bounce.Notification);
            private BounceClassifier.Context _facts;
            public bool LooksLikeBounce { get; }

            public SmtpBounce Create(string recipient, string source, SmtpBounceAction action, string status, int? reply, string command,
                string primary, string context)
            {
                int statusClass = StatusCodes.ClassOf(status);
                if (statusClass == 0 && reply != null) statusClass = reply.Value / 100;
                if (statusClass == 0) statusClass = action == SmtpBounceAction.Delayed ? 4 : 5;
                if (action == SmtpBounceAction.Delayed && statusClass == 5 && status == null) statusClass = 4;
                var facts = ReferenceEquals(context, Bounce.Notification) ? NotificationFacts : new BounceClassifier.Context(context);
                var reason = BounceClassifier.Classify(status, reply, command, primary, facts, action);
                var bounce = New(recipient, source, action, reason);
                bounce.Status = status ?? BounceClassifier.DeriveStatus(statusClass, reason);
                bounce.StatusFromMessage = status != null;
                bounce.ReplyCode = reply;
                bounce.IsPermanent = statusClass == 5 && action != SmtpBounceAction.Delayed;
                bounce.IsHardBounce = bounce.IsPermanent && (reason == SmtpBounceReason.UserUnknown || reason == SmtpBounceReason.HostUnknown);
                bounce.RemoteMta = RemoteHost.Match(primary ?? "") is var m && m.Success ? m.Groups[1].Value : null;
                bounce.LastAttemptDate = bounce.BounceDate;
                return bounce;
            }

            /// <summary>An entry with what every entry of this message shares.</summary>
            private SmtpBounce New(string recipient, string source, SmtpBounceAction action, SmtpBounceReason reason) => new SmtpBounce
            {
                Recipient = recipient,
                Action = action,
                Reason = reason,
                Source = source,
                OriginalMessageId = OriginalMessageId,
                OriginalSubject = OriginalSubject,
                OriginalFrom = OriginalFrom,
                BounceFrom = Message.From.Mailboxes.FirstOrDefault()?.Address,
                BounceSubject = Message.Subject,
                BounceDate = Message.Headers[HeaderId.Date] != null ? Message.Date.UtcDateTime : (DateTime?)null,
                SourceFile = SourceFile,
            };

            public List<SmtpBounce> NotABounce(string source, IEnumerable<string> recipients) =>
                recipients.Select(r => New(r, source, SmtpBounceAction.Delivered, SmtpBounceReason.NotABounce)).ToList();
        }
    }
}
