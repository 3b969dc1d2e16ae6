using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Bounces;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// Turns an <see cref="OutgoingMessage"/> into a MimeKit message: the body structure (text, HTML,
    /// multipart/alternative, multipart/related for inline images, multipart/mixed for attachments), the
    /// charset, priority headers and extra headers. Attachments are read into memory here, so a missing or
    /// unreadable file fails this message before anything goes on the wire, and retries or DKIM signing
    /// read the same bytes again. Files are read only up to the message's size limit, so a huge or endless
    /// file (a device, a pipe) fails at once instead of filling the memory.
    /// </summary>
    public static class MessageBuilder
    {
        // Headers the cmdlet writes from its own parameters or that decide where a message goes and who signed it:
        // an extra -Header must not replace them (a CSV cell 'Bcc: someone' would add a hidden recipient).
        private static readonly Dictionary<string, string> OwnedHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["From"] = "-From", ["Sender"] = "-From", ["To"] = "-To", ["Cc"] = "-Cc", ["Bcc"] = "-Bcc", ["Reply-To"] = "-ReplyTo",
            ["Subject"] = "-Subject", ["Date"] = null, ["Message-ID"] = null, ["MIME-Version"] = null, ["Return-Path"] = null,
            ["Received"] = null, ["DKIM-Signature"] = "-DkimKeyPath", ["DomainKey-Signature"] = null,
        };
        private static readonly string[] OwnedPrefixes = { "Content-", "Resent-", "ARC-" };

        /// <exception cref="SmtpToolsException">MessageInvalid: no From, no recipients, or -Body together with -TextBody/-HtmlBody.
        /// AddressInvalid: an address that cannot be parsed, holds a line break or exceeds RFC 5321's limits.
        /// HeaderNotAllowed / HeaderInvalid: an extra header that would replace one the cmdlet owns, or a bad name or value.
        /// SmtpMessageTooLarge / MessageTooLarge: the files exceed the size limit (the server's SIZE, or <see cref="MessageSizeLimit.Default"/>).</exception>
        /// <exception cref="FileNotFoundException">An attachment or the message file does not exist.</exception>
        /// <exception cref="UnauthorizedAccessException">An attachment cannot be read.</exception>
        /// <exception cref="IOException">Reading a file failed.</exception>
        public static MimeMessage Build(OutgoingMessage source) => Build(source, MessageSizeLimit.Default);

        /// <inheritdoc cref="Build(OutgoingMessage)"/>
        public static MimeMessage Build(OutgoingMessage source, MessageSizeLimit limit) => Build(source, limit, null);

        /// <inheritdoc cref="Build(OutgoingMessage)"/>
        /// <param name="files">Attachment bytes already read in this run (a merge attaches the same file to every message), or null.</param>
        public static MimeMessage Build(OutgoingMessage source, MessageSizeLimit limit, AttachmentCache files)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            var budget = new FileBudget(limit, files);
            if (!string.IsNullOrEmpty(source.MessagePath)) return LoadExisting(source.MessagePath, budget);
            CheckHeaders(source.Headers);

            var encoding = source.Encoding ?? Encoding.UTF8;
            // The header-list constructor skips the default constructor's per-message host-name lookup for a
            // Message-Id we replace anyway (a quarter of a millisecond per message in a mail merge).
            var message = new MimeMessage((IEnumerable<Header>)Array.Empty<Header>());
            message.Headers.Add(HeaderId.MimeVersion, "1.0");
            if (string.IsNullOrWhiteSpace(source.From))
                throw new SmtpToolsException(ErrorIds.MessageInvalid, FailureKind.InvalidArgument, "A message needs a sender: -From.");
            var from = ParseMailbox(source.From, "From");
            message.From.Add(from);
            AddAll(message.To, source.To, "To");
            AddAll(message.Cc, source.Cc, "Cc");
            AddAll(message.Bcc, source.Bcc, "Bcc");
            AddAll(message.ReplyTo, source.ReplyTo, "ReplyTo");
            if (message.To.Count + message.Cc.Count + message.Bcc.Count == 0)
                throw new SmtpToolsException(ErrorIds.MessageInvalid, FailureKind.InvalidArgument, "A message needs at least one recipient: -To, -Cc or -Bcc.");

            if (source.Subject != null) message.Headers.Replace(HeaderId.Subject, encoding, source.Subject);
            message.Date = DateTimeOffset.Now;
            message.MessageId = source.MessageId == null ? MimeUtils.GenerateMessageId(DomainOf(from.Address)) : CheckedMessageId(source.MessageId);
            ApplyPriority(message, source.Priority);
            message.Body = BuildBody(source, encoding, budget);

            if (source.Headers != null)
            {
                foreach (var pair in source.Headers)
                {
                    if (string.IsNullOrWhiteSpace(pair.Key)) continue;
                    message.Headers.Replace(pair.Key.Trim(), encoding, pair.Value ?? "");
                }
            }
            return message;
        }

        /// <summary>The addresses the message goes to (To, Cc, Bcc and their Resent-* forms when present).</summary>
        public static IReadOnlyList<MailboxAddress> EnvelopeRecipients(MimeMessage message)
        {
            var resent = message.ResentTo.Mailboxes.Concat(message.ResentCc.Mailboxes).Concat(message.ResentBcc.Mailboxes).ToList();
            var list = resent.Count > 0 ? resent : message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).ToList();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            return list.Where(m => seen.Add(m.Address)).ToList();
        }

        /// <summary>The envelope sender (Resent-Sender/Resent-From, Sender or From).</summary>
        public static MailboxAddress EnvelopeSender(MimeMessage message) =>
            message.ResentSender ?? message.ResentFrom.Mailboxes.FirstOrDefault() ?? message.Sender ?? message.From.Mailboxes.FirstOrDefault();

        private static MimeMessage LoadExisting(string path, FileBudget budget)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"The message file '{path}' does not exist.", path);
            // Read into memory (within the size limit) and parse from there: nothing keeps the file open while we
            // send, so it can be moved meanwhile, and retries send the same bytes.
            MimeMessage detached;
            try { detached = MimeMessage.Load(new MemoryStream(budget.Read(path), false)); }
            catch (FormatException ex)
            {
                throw new SmtpToolsException(ErrorIds.MessageFileInvalid, FailureKind.InvalidData, $"'{path}' is not an RFC 5322 message: {ex.Message}", ex);
            }
            if (EnvelopeSender(detached) == null)
                throw new SmtpToolsException(ErrorIds.MessageInvalid, FailureKind.InvalidArgument, $"'{path}' has no From or Sender header.");
            if (EnvelopeRecipients(detached).Count == 0)
                throw new SmtpToolsException(ErrorIds.MessageInvalid, FailureKind.InvalidArgument, $"'{path}' has no To, Cc or Bcc recipient.");
            return detached;
        }

        /// <exception cref="SmtpToolsException">HeaderNotAllowed or HeaderInvalid.</exception>
        private static void CheckHeaders(IDictionary<string, string> headers)
        {
            if (headers == null) return;
            foreach (var pair in headers)
            {
                var name = pair.Key?.Trim();
                if (string.IsNullOrEmpty(name)) continue;
                // RFC 5322 2.2: a field name is printable US-ASCII except the colon.
                if (name.Any(c => c < 33 || c > 126 || c == ':'))
                    throw new SmtpToolsException(ErrorIds.HeaderInvalid, FailureKind.InvalidArgument, $"-Header: '{SmtpInputRules.Printable(name)}' is not a header name (printable ASCII without spaces or colons).");
                if (OwnedHeaders.TryGetValue(name, out var parameter) || OwnedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                    throw new SmtpToolsException(ErrorIds.HeaderNotAllowed, FailureKind.InvalidArgument,
                        $"-Header: {name} is written by Send-SmtpMessage itself" + (parameter != null ? $" (use {parameter})" : "")
                        + "; extra headers cannot replace the address, identity, structure or signature headers.");
                if (SmtpInputRules.HasControlCharacter(pair.Value))
                    throw new SmtpToolsException(ErrorIds.HeaderInvalid, FailureKind.InvalidArgument, $"-Header: the value of {name} contains a line break or another control character: '{SmtpInputRules.Printable(pair.Value)}'.");
            }
        }

        private static MimeEntity BuildBody(OutgoingMessage source, Encoding encoding, FileBudget budget)
        {
            bool hasSplit = source.TextBody != null || source.HtmlBody != null;
            if (hasSplit && source.Body != null)
                throw new SmtpToolsException(ErrorIds.MessageInvalid, FailureKind.InvalidArgument, "Use -Body (with -BodyAsHtml) or -TextBody/-HtmlBody, not both.");
            string text = hasSplit ? source.TextBody : source.BodyAsHtml ? null : source.Body;
            string html = hasSplit ? source.HtmlBody : source.BodyAsHtml ? source.Body : null;

            MimeEntity htmlEntity = null;
            if (html != null)
            {
                htmlEntity = TextPartOf(TextFormat.Html, html, encoding);
                var inline = source.InlineAttachments?.Where(p => !string.IsNullOrWhiteSpace(p.Key)).ToList();
                if (inline != null && inline.Count > 0)
                {
                    var related = new MultipartRelated { htmlEntity };
                    foreach (var pair in inline)
                    {
                        var part = FilePart(pair.Value, ContentDisposition.Inline, budget);
                        part.ContentId = pair.Key.Trim().Trim('<', '>');
                        related.Add(part);
                    }
                    htmlEntity = related;
                }
            }
            else if (source.InlineAttachments != null && source.InlineAttachments.Count > 0)
            {
                throw new SmtpToolsException(ErrorIds.MessageInvalid, FailureKind.InvalidArgument, "-InlineAttachment needs an HTML body (-HtmlBody, or -Body with -BodyAsHtml) that refers to cid:<id>.");
            }

            MimeEntity body;
            if (text != null && htmlEntity != null) body = new MultipartAlternative { TextPartOf(TextFormat.Plain, text, encoding), htmlEntity };
            else body = htmlEntity ?? TextPartOf(TextFormat.Plain, text ?? "", encoding);

            var attachments = source.Attachments?.Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
            if (attachments == null || attachments.Count == 0) return body;
            var mixed = new Multipart("mixed") { body };
            foreach (var path in attachments) mixed.Add(FilePart(path, ContentDisposition.Attachment, budget));
            return mixed;
        }

        private static TextPart TextPartOf(TextFormat format, string content, Encoding encoding)
        {
            var part = new TextPart(format);
            part.SetText(encoding, content);
            return part;
        }

        private static MimePart FilePart(string path, string disposition, FileBudget budget)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new SmtpToolsException(ErrorIds.AttachmentInvalid, FailureKind.InvalidArgument, "An attachment path is empty.");
            if (!File.Exists(path)) throw new FileNotFoundException($"The attachment '{path}' does not exist.", path);
            var bytes = budget.Read(path);
            var fileName = Path.GetFileName(path);
            var part = new MimePart(MimeTypes.GetMimeType(fileName))
            {
                Content = new MimeContent(new MemoryStream(bytes, false)),
                ContentDisposition = new ContentDisposition(disposition),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = fileName,
            };
            return part;
        }

        private static void ApplyPriority(MimeMessage message, OutgoingPriority priority)
        {
            // The three headers clients read: Priority (RFC 2156), Importance and X-Priority, with the values System.Net.Mail wrote.
            switch (priority)
            {
                case OutgoingPriority.High:
                    message.Priority = MessagePriority.Urgent;
                    message.Importance = MessageImportance.High;
                    message.XPriority = XMessagePriority.Highest;
                    break;
                case OutgoingPriority.Low:
                    message.Priority = MessagePriority.NonUrgent;
                    message.Importance = MessageImportance.Low;
                    message.XPriority = XMessagePriority.Lowest;
                    break;
            }
        }

        private static void AddAll(InternetAddressList list, IEnumerable<string> values, string field)
        {
            if (values == null) return;
            foreach (var value in values)
            {
                if (string.IsNullOrWhiteSpace(value)) continue;
                RejectControlCharacters(value, field);
                // A CSV cell often holds "a@x; b@x" (Outlook style) or "a@x, b@x": both are lists.
                foreach (var piece in value.Split(';'))
                {
                    if (string.IsNullOrWhiteSpace(piece)) continue;
                    if (!InternetAddressList.TryParse(piece, out var parsed) || !parsed.Mailboxes.Any() || parsed.Mailboxes.Any(m => !IsAddress(m.Address)))
                        throw new SmtpToolsException(ErrorIds.AddressInvalid, FailureKind.InvalidArgument, $"-{field}: '{value}' is not a valid e-mail address.");
                    foreach (var mailbox in parsed.Mailboxes) SmtpInputRules.CheckAddress(mailbox.Address, "-" + field);
                    list.AddRange(parsed.Mailboxes);
                }
            }
        }

        private static MailboxAddress ParseMailbox(string value, string field)
        {
            RejectControlCharacters(value, field);
            if (!MailboxAddress.TryParse(value, out var mailbox) || !IsAddress(mailbox.Address))
                throw new SmtpToolsException(ErrorIds.AddressInvalid, FailureKind.InvalidArgument, $"-{field}: '{value}' is not a valid e-mail address.");
            SmtpInputRules.CheckAddress(mailbox.Address, "-" + field);
            return mailbox;
        }

        // MimeKit reads a line break inside an address list as a separator: "a@x<CR><LF>b@y" would add a recipient.
        private static void RejectControlCharacters(string value, string field)
        {
            if (SmtpInputRules.HasControlCharacter(value))
                throw new SmtpToolsException(ErrorIds.AddressInvalid, FailureKind.InvalidArgument,
                    $"-{field}: '{SmtpInputRules.Printable(value)}' contains a line break or another control character; give one address per value (or separate them with ';' or ',').");
        }

        /// <summary>Reads files for one message within its size limit, without trusting a file's reported length (devices and pipes report 0).</summary>
        private sealed class FileBudget
        {
            private readonly MessageSizeLimit _limit;
            private readonly AttachmentCache _files;
            private long _used;

            public FileBudget(MessageSizeLimit limit, AttachmentCache files)
            {
                _limit = limit;
                _files = files;
            }

            public byte[] Read(string path)
            {
                if (_files == null) return ReadFile(path);
                var bytes = _files.Get(path, ReadFile);
                if (bytes.Length > _limit.Bytes - _used) throw TooLarge(path, bytes.Length);
                _used += bytes.Length;
                return bytes;
            }

            private byte[] ReadFile(string path)
            {
                long left = _limit.Bytes - _used;
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan))
                {
                    if (stream.CanSeek && stream.Length > left) throw TooLarge(path, stream.Length);
                    var buffer = new MemoryStream();
                    var chunk = new byte[81920];
                    int n;
                    while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        if (buffer.Length + n > left) throw TooLarge(path, -1);
                        buffer.Write(chunk, 0, n);
                    }
                    if (_files == null) _used += buffer.Length;
                    return buffer.ToArray();
                }
            }

            private SmtpToolsException TooLarge(string path, long length)
            {
                var size = length >= 0 ? $"'{path}' is {length:N0} bytes" : $"'{path}' goes on past {_limit.Bytes - _used:N0} bytes";
                var text = _limit.FromServer
                    ? $"{size}; with it the message would exceed the server's limit of {_limit.Bytes:N0} bytes (EHLO SIZE)."
                    : $"{size}; the files of one message may add up to {_limit.Bytes:N0} bytes.";
                return new SmtpToolsException(_limit.FromServer ? ErrorIds.SmtpMessageTooLarge : ErrorIds.MessageTooLarge, FailureKind.LimitsExceeded, text)
                {
                    Hint = "Send smaller attachments, or a link to the file instead.",
                };
            }
        }

        private static bool IsAddress(string address)
        {
            int at = address?.LastIndexOf('@') ?? -1;
            return at > 0 && at < address.Length - 1;
        }

        /// <summary>A caller's Message-ID (a CSV column): an addr-spec, angle brackets optional; MessageInvalid otherwise.</summary>
        private static string CheckedMessageId(string value)
        {
            var id = SendLogIndex.Normalize(value);
            if (id == null || SmtpInputRules.HasControlCharacter(id) || id.IndexOfAny(new[] { ' ', '<', '>', '\t' }) >= 0 || id.IndexOf('@') <= 0 || id.IndexOf('@') == id.Length - 1 || id.Length > 900)
                throw new SmtpToolsException(ErrorIds.MessageInvalid, FailureKind.InvalidArgument,
                    $"-MessageId: '{SmtpInputRules.Printable(value ?? "")}' is not a Message-ID: it needs the form left@right (RFC 5322 3.6.4), without spaces or line breaks.");
            return id;
        }

        internal static string DomainOf(string address)
        {
            int at = address.LastIndexOf('@');
            return at > 0 ? address.Substring(at + 1) : "localhost";
        }
    }
}
