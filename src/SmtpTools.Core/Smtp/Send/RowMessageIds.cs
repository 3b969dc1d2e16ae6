using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// The Message-ID a mail-merge row gets when it gives none and the run is resumable (-SkipSentLog): the same row gets
    /// the same id in every run, so a re-run recognises what an interrupted run sent. The id is
    /// <c>&lt;</c> + the first 32 hex digits of SHA-256 over From, To, Cc, Bcc, Subject, Body, TextBody, HtmlBody, the
    /// attachment paths and the message file path (each value followed by a NUL character, lists joined with NUL) and
    /// the row's occurrence number among identical rows in this run (1 for the first) + <c>.merge@</c> + the From domain
    /// + <c>&gt;</c>. A row whose content changes (a corrected address) therefore counts as a new row; two identical
    /// rows are two messages. Remembers one small entry per distinct row to count occurrences. Not thread-safe: call it
    /// on the pipeline thread, in input order.
    /// </summary>
    public sealed class RowMessageIds
    {
        private readonly Dictionary<string, int> _seen = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>The id (without angle brackets) for <paramref name="row"/>.</summary>
        public string Next(OutgoingMessage row)
        {
            if (row == null) throw new ArgumentNullException(nameof(row));
            var text = new StringBuilder();
            void Add(string value) => text.Append(value ?? "").Append('\0');
            void AddAll(IEnumerable<string> values)
            {
                if (values != null) foreach (var v in values) text.Append(v ?? "").Append('\u0001');
                text.Append('\0');
            }
            Add(row.From);
            AddAll(row.To);
            AddAll(row.Cc);
            AddAll(row.Bcc);
            Add(row.Subject);
            Add(row.Body);
            Add(row.TextBody);
            Add(row.HtmlBody);
            AddAll(row.Attachments);
            Add(row.MessagePath);
            string content = Hex(text.ToString());
            int occurrence = _seen.TryGetValue(content, out var n) ? n + 1 : 1;
            _seen[content] = occurrence;
            string key = occurrence == 1 ? content : Hex(content + "#" + occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return key + ".merge@" + DomainOf(row.From);
        }

        private static string Hex(string text)
        {
            byte[] hash;
            using (var sha = SHA256.Create()) hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            var hex = new StringBuilder(32);
            for (int i = 0; i < 16; i++) hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return hex.ToString();
        }

        private static string DomainOf(string from)
        {
            // From may carry a display name ("Sales <sales@example.com>"); an unusable one fails later, when the message is built.
            return MimeKit.MailboxAddress.TryParse(from ?? "", out var mailbox) ? MessageBuilder.DomainOf(mailbox.Address) : "localhost";
        }
    }
}
