using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace SmtpTools.Core.Bounces
{
    /// <summary>
    /// The parts of a bounce that matter, found once: the human-readable notification text (up to where the returned
    /// message starts), the delivery-status part, a feedback report, and the returned original message's headers.
    /// </summary>
    internal sealed class BounceMessage
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;

        /// <summary>Lines after which a bounce quotes the returned message (its headers or all of it).</summary>
        private static readonly Regex ReturnedMarker = new Regex(
            @"^\s*(-{2,}|={2,}|\*{2,}|_{2,})?\s*(this is a copy of|below this line is a copy|original message|original mail|" +
            @"the header of the original message|included is a copy|returned message|message headers follow|below is a copy of the original|" +
            @"unsent message below|undelivered message|headers? of (the )?(original|returned) message|the original message (was|is) attached|" +
            @"original message headers|copy of the original message|a copy of the original message|content-type: message/rfc822|" +
            @"original message follows|-------original mail info)",
            Options);

        /// <summary>A header line that starts a quoted message when no marker announced it.</summary>
        private static readonly Regex QuotedHeader = new Regex(@"^(Return-Path|Received|DKIM-Signature|X-Received|ARC-Seal|Authentication-Results|X-Original-To|Delivered-To):", Options);

        public MimeMessage Message { get; private set; }
        public string Notification { get; private set; } = "";
        /// <summary>Text after the returned-message marker (quoted headers of the original), when no message part holds them.</summary>
        public string ReturnedText { get; private set; } = "";
        /// <summary>The raw content of the message/delivery-status (or global-delivery-status) part.</summary>
        public string DeliveryStatus { get; private set; }
        public MessageFeedbackReport Feedback { get; private set; }
        /// <summary>The returned original message (or its headers); null when the bounce carries none as a part.</summary>
        public MimeMessage Returned { get; private set; }

        public static BounceMessage From(MimeMessage message)
        {
            var bounce = new BounceMessage { Message = message };
            var text = new StringBuilder();
            bounce.Walk(message.Body, text);
            bounce.SplitReturned(text.ToString());
            return bounce;
        }

        private void Walk(MimeEntity entity, StringBuilder text)
        {
            switch (entity)
            {
                case null:
                    return;
                case MessageDeliveryStatus dsn:
                    DeliveryStatus ??= Decode(dsn);
                    return;
                case MessageFeedbackReport feedback:
                    Feedback ??= feedback;
                    return;
                case MessagePart part:
                    Returned ??= part.Message;
                    return;
                case MultipartAlternative alternative:
                    var plain = alternative.OfType<TextPart>().FirstOrDefault(t => t.IsPlain) ?? alternative.FirstOrDefault();
                    Walk(plain, text);
                    return;
                case Multipart multipart:
                    // A report whose boundary never appears (seen from old PMDF gateways): everything is preamble.
                    if (multipart.Count == 0 && !string.IsNullOrWhiteSpace(multipart.Preamble)) text.Append(multipart.Preamble).Append('\n');
                    foreach (var child in multipart)
                    {
                        // Text after the returned message is that message's body, not the notification.
                        if (Returned != null && child is TextPart) continue;
                        Walk(child, text);
                    }
                    return;
                case TextPart textPart:
                    if (textPart.ContentType.IsMimeType("message", "delivery-status") || textPart.ContentType.IsMimeType("message", "global-delivery-status"))
                    {
                        DeliveryStatus ??= textPart.Text;
                        return;
                    }
                    if (textPart.ContentType.IsMimeType("text", "rfc822-headers"))
                    {
                        Returned ??= ParseHeaders(textPart.Text);
                        return;
                    }
                    string body = textPart.IsHtml ? HtmlToText(textPart.Text) : textPart.Text;
                    text.Append(body ?? "").Append('\n');
                    return;
                case MimePart other:
                    var type = other.ContentType;
                    if (type.IsMimeType("message", "global-delivery-status") || type.IsMimeType("message", "delivery-status"))
                        DeliveryStatus ??= Decode(other);
                    else if (type.IsMimeType("message", "global-headers") || type.IsMimeType("text", "rfc822-headers"))
                        Returned ??= ParseHeaders(Decode(other));
                    return;
            }
        }

        private static string Decode(MimePart part)
        {
            if (part.Content == null) return "";
            using var stream = part.Content.Open();
            using var reader = new System.IO.StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }

        private static MimeMessage ParseHeaders(string headers)
        {
            if (string.IsNullOrWhiteSpace(headers)) return null;
            try
            {
                using var stream = new System.IO.MemoryStream(Encoding.UTF8.GetBytes(headers.TrimEnd() + "\n\n"));
                return MimeMessage.Load(stream);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private void SplitReturned(string text)
        {
            var lines = text.Replace("\r\n", "\n").Split('\n');
            int cut = lines.Length;
            bool seenContent = false;
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (ReturnedMarker.IsMatch(line) && seenContent) { cut = i; break; }
                if (QuotedHeader.IsMatch(line) && seenContent) { cut = i; break; }
                if (line.Trim().Length > 0) seenContent = true;
            }
            Notification = string.Join("\n", lines, 0, cut);
            ReturnedText = cut < lines.Length ? string.Join("\n", lines, cut, lines.Length - cut) : "";
            if (Returned == null && ReturnedText.Length > 0) Returned = ParseQuotedHeaders(lines, cut);
        }

        /// <summary>The quoted original's headers from the text after the marker (skipping the marker line itself).</summary>
        private static MimeMessage ParseQuotedHeaders(string[] lines, int cut)
        {
            int start = cut;
            while (start < lines.Length && !Regex.IsMatch(lines[start], @"^\s*[A-Za-z][A-Za-z0-9-]*:\s")) start++;
            var block = new StringBuilder();
            for (int i = start; i < lines.Length; i++)
            {
                string line = lines[i].TrimStart();
                if (line.Length == 0) break;
                // Quoted headers are sometimes indented: unindent field lines, keep continuation lines as continuations.
                if (Regex.IsMatch(line, @"^[A-Za-z][A-Za-z0-9-]*:")) block.Append(line).Append('\n');
                else block.Append(' ').Append(line).Append('\n');
            }
            return ParseHeaders(block.ToString());
        }

        private static readonly Regex Tags = new Regex(@"<(script|style)[^>]*>.*?</\1>|<[^>]+>", Options | RegexOptions.Singleline);
        private static readonly Regex Breaks = new Regex(@"<\s*(br|/p|/div|/tr|/li|/h\d|p|div|tr|li)\b[^>]*>", Options);

        internal static string HtmlToText(string html)
        {
            if (string.IsNullOrEmpty(html)) return "";
            string text = Breaks.Replace(html, "\n");
            text = Tags.Replace(text, " ");
            return WebUtility.HtmlDecode(text);
        }
    }
}
