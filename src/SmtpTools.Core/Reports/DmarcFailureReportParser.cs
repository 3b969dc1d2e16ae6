using System;
using System.Collections.Generic;
using System.Linq;
using MimeKit;
using MimeKit.Utils;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// Reads a DMARC failure report: an ARF message (RFC 5965) with the RFC 6591 authentication-failure fields, and the
    /// returned original message (message/rfc822 or text/rfc822-headers) for its From, To, Subject and Message-ID.
    /// </summary>
    internal static class DmarcFailureReportParser
    {
        /// <summary>The message/feedback-report part of <paramref name="message"/>; null when it is not an ARF report.</summary>
        public static MessageFeedbackReport FindFeedbackPart(MimeMessage message) =>
            message.BodyParts.OfType<MessageFeedbackReport>().FirstOrDefault();

        public static DmarcFailureReport Parse(MimeMessage message, MessageFeedbackReport feedback, string sourceFile)
        {
            var fields = feedback.Fields;
            string One(string name)
            {
                string value = fields[name];
                return value == null ? null : Unfold(value);
            }
            string[] All(string name) => fields.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase))
                .Select(h => Unfold(h.Value)).Where(v => v.Length > 0).ToArray();

            var report = new DmarcFailureReport
            {
                FeedbackType = One("Feedback-Type")?.ToLowerInvariant(),
                AuthFailure = One("Auth-Failure")?.ToLowerInvariant(),
                ReportedDomain = One("Reported-Domain"),
                SourceIP = One("Source-IP"),
                ArrivalDate = Date(One("Arrival-Date") ?? One("Received-Date")),
                OriginalMailFrom = Address(One("Original-Mail-From")),
                OriginalRcptTo = All("Original-Rcpt-To").Select(Address).Where(a => a != null).ToArray(),
                AuthenticationResults = All("Authentication-Results"),
                DeliveryResult = One("Delivery-Result")?.ToLowerInvariant(),
                DkimDomain = One("DKIM-Domain"),
                DkimSelector = One("DKIM-Selector"),
                IdentityAlignment = One("Identity-Alignment"),
                OriginalEnvelopeId = One("Original-Envelope-Id"),
                UserAgent = One("User-Agent"),
                Version = One("Version"),
                ReportEmail = message.From.Mailboxes.FirstOrDefault()?.Address,
                ReportDate = message.Headers[HeaderId.Date] != null ? message.Date.UtcDateTime : (DateTime?)null,
                ReportSubject = message.Subject,
                SourceFile = sourceFile,
            };

            var original = message.BodyParts.OfType<MessagePart>().Select(p => p.Message).FirstOrDefault(m => m != null);
            if (original != null)
            {
                report.OriginalFrom = original.From.Mailboxes.FirstOrDefault()?.Address;
                report.OriginalTo = original.To.Mailboxes.Select(m => m.Address).ToArray();
                report.OriginalSubject = original.Subject;
                report.OriginalMessageId = original.Headers[HeaderId.MessageId]?.Trim();
                report.OriginalDate = original.Headers[HeaderId.Date] != null ? original.Date.UtcDateTime : (DateTime?)null;
            }
            return report;
        }

        private static string Unfold(string value) => string.Join(" ", value.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim())).Trim();

        /// <summary>An address field value without angle brackets; null when empty ("&lt;&gt;" included).</summary>
        internal static string Address(string value)
        {
            if (value == null) return null;
            string v = value.Trim();
            if (v.StartsWith("<", StringComparison.Ordinal) && v.EndsWith(">", StringComparison.Ordinal)) v = v.Substring(1, v.Length - 2).Trim();
            return v.Length == 0 ? null : v;
        }

        internal static DateTime? Date(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            return DateUtils.TryParse(value, out DateTimeOffset date) ? date.UtcDateTime : (DateTime?)null;
        }
    }
}
