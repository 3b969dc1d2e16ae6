using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;

namespace SmtpTools.Core.Bounces
{
    /// <summary>
    /// The send log (Send-SmtpMessage results, or the rows of their CSV export) by Message-ID, to find the entry that sent
    /// a bounced message. Message-IDs are compared without angle brackets and surrounding space, and without case (the
    /// same message's id is sometimes re-cased by gateways; distinct ids differing only in case do not occur in practice).
    /// </summary>
    public sealed class SendLogIndex
    {
        private readonly Dictionary<string, object> _entries = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Entries indexed (entries without a Message-ID are not).</summary>
        public int Count => _entries.Count;

        /// <summary>Adds an entry under its Message-ID; a later entry with the same id replaces the earlier (a resend).</summary>
        public void Add(string messageId, object entry)
        {
            string key = Normalize(messageId);
            if (key != null) _entries[key] = entry;
        }

        /// <summary>The column of a send-log CSV file that holds the Message-ID (Send-SmtpMessage's property name).</summary>
        public const string MessageIdColumn = "MessageId";

        /// <summary>
        /// Adds every row of a send-log CSV file (Send-SmtpMessage -PassThru | Export-Csv) under its MessageId column; the
        /// entry is what <paramref name="makeEntry"/> makes of the column names and the row's cells (the cmdlet makes the
        /// object Import-Csv would). Returns the rows read.
        /// </summary>
        /// <exception cref="SmtpToolsException">SendLogInvalid: the file has no MessageId column (or no header at all).</exception>
        /// <exception cref="IOException">The file cannot be read.</exception>
        public int AddCsv(string path, Func<string[], string[], object> makeEntry)
        {
            if (makeEntry == null) throw new ArgumentNullException(nameof(makeEntry));
            using (var csv = new CsvReader(new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true)))
            {
                var columns = csv.ReadHeader();
                int id = columns == null ? -1 : Array.FindIndex(columns, c => string.Equals(c.Trim(), MessageIdColumn, StringComparison.OrdinalIgnoreCase));
                if (id < 0)
                    throw new SmtpToolsException(ErrorIds.SendLogInvalid, FailureKind.InvalidData,
                        $"The send log '{path}' has no {MessageIdColumn} column{(columns == null ? " (the file is empty)" : ": its columns are " + string.Join(", ", columns))}.")
                    {
                        Hint = "Give the CSV file Export-Csv wrote from Send-SmtpMessage -PassThru results, or the results themselves.",
                    };
                int rows = 0;
                string[] cells;
                while ((cells = csv.ReadRecord()) != null)
                {
                    if (cells.Length < columns.Length) Array.Resize(ref cells, columns.Length);
                    Add(cells[id], makeEntry(columns, cells));
                    rows++;
                }
                return rows;
            }
        }

        /// <summary>The entry sent with <paramref name="messageId"/>; null when none was.</summary>
        public object Find(string messageId)
        {
            string key = Normalize(messageId);
            return key != null && _entries.TryGetValue(key, out var entry) ? entry : null;
        }

        /// <summary>Sets <see cref="SmtpBounce.SendLogEntry"/> of each bounce whose original Message-ID is in the log; returns how many matched.</summary>
        public int Attach(IEnumerable<SmtpBounce> bounces)
        {
            int matched = 0;
            foreach (var bounce in bounces)
            {
                bounce.SendLogEntry = Find(bounce.OriginalMessageId);
                if (bounce.SendLogEntry != null) matched++;
            }
            return matched;
        }

        /// <summary>"&lt;id@host&gt;" and " id@host " → "id@host"; null for an empty id.</summary>
        public static string Normalize(string messageId)
        {
            if (string.IsNullOrWhiteSpace(messageId)) return null;
            string id = messageId.Trim();
            if (id.Length >= 2 && id[0] == '<' && id[id.Length - 1] == '>') id = id.Substring(1, id.Length - 2).Trim();
            return id.Length == 0 ? null : id;
        }
    }
}
