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
        // The first 16 bytes of each distinct row's hash (about 40 bytes an entry, not the hex string's 110): a merge of
        // 100,000 distinct rows keeps 4 MB here, the only memory of a run that grows with its rows.
        private readonly Dictionary<RowKey, int> _seen = new Dictionary<RowKey, int>();
        private readonly SHA256 _sha = SHA256.Create();

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
            var hash = Hash(text.ToString());
            var row16 = new RowKey(BitConverter.ToUInt64(hash, 0), BitConverter.ToUInt64(hash, 8));
            int occurrence = _seen.TryGetValue(row16, out var n) ? n + 1 : 1;
            _seen[row16] = occurrence;
            string content = Hex(hash);
            string key = occurrence == 1 ? content : Hex(Hash(content + "#" + occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return key + ".merge@" + DomainOf(row.From);
        }

        private byte[] Hash(string text) => _sha.ComputeHash(Encoding.UTF8.GetBytes(text));

        private static string Hex(byte[] hash)
        {
            var hex = new StringBuilder(32);
            for (int i = 0; i < 16; i++) hex.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return hex.ToString();
        }

        private readonly struct RowKey : IEquatable<RowKey>
        {
            private readonly ulong _high, _low;

            public RowKey(ulong high, ulong low)
            {
                _high = high;
                _low = low;
            }

            public bool Equals(RowKey other) => _high == other._high && _low == other._low;
            public override bool Equals(object obj) => obj is RowKey other && Equals(other);
            public override int GetHashCode() => (int)_high ^ (int)(_high >> 32) ^ (int)_low;
        }

        private static string DomainOf(string from)
        {
            // From may carry a display name ("Sales <sales@example.com>"); an unusable one fails later, when the message is built.
            return MimeKit.MailboxAddress.TryParse(from ?? "", out var mailbox) ? MessageBuilder.DomainOf(mailbox.Address) : "localhost";
        }
    }
}
