using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SmtpTools.Core.Bounces;
using SmtpTools.Core.Errors;
using SmtpTools.Core.IO;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// The Message-IDs a previous run already sent, read from its log (Send-SmtpMessage -PassThru | Export-Csv), so a
    /// re-run of an interrupted mail merge (-SkipSentLog) sends each row once. A row counts as sent when any entry for
    /// its Message-ID says Sent, PartiallySent (its accepted recipients have it) or AlreadySent (an earlier re-run
    /// skipped it); Unconfirmed too, unless <c>retryUnconfirmed</c> (the server may have it: never twice unless asked).
    /// A row whose entries all say Unconfirmed stays unconfirmed (<see cref="IsUnconfirmed"/>): a re-run reports it
    /// Unconfirmed again, not AlreadySent, so that a later run with -RetryUnconfirmed still knows to send it.
    /// Message-IDs are compared as <see cref="SendLogIndex"/> compares them for bounces.
    /// </summary>
    public sealed class SentLog
    {
        private static readonly object Confirmed = "Confirmed", OnlyUnconfirmed = "Unconfirmed";
        private readonly SendLogIndex _sent = new SendLogIndex();

        /// <summary>Message-IDs that count as sent.</summary>
        public int Count => _sent.Count;
        /// <summary>Rows read from the log.</summary>
        public int Rows { get; private set; }

        public bool Contains(string messageId) => _sent.Find(messageId) != null;

        /// <summary>Whether the log knows of <paramref name="messageId"/> only that its final reply was lost (every entry Unconfirmed).</summary>
        public bool IsUnconfirmed(string messageId) => _sent.Find(messageId) == OnlyUnconfirmed;

        /// <summary>Whether a result with this status means the server has (or may have) the message, so a resumed run must not send it again.</summary>
        public static bool CountsAsSent(SmtpSendStatus status) =>
            status == SmtpSendStatus.Sent || status == SmtpSendStatus.PartiallySent || status == SmtpSendStatus.Unconfirmed || status == SmtpSendStatus.AlreadySent;

        /// <summary>Where the results that could not reach the log before a stop (Ctrl+C) are kept: the log's path + ".stopped.csv".</summary>
        public static string StoppedPath(string path) => path + ".stopped.csv";

        /// <summary>
        /// Appends results that were sent (or may have been) but could not be written to the pipeline any more, because the
        /// run was stopped while they were in flight, to <see cref="StoppedPath"/>; the next <see cref="Read"/> reads them.
        /// </summary>
        public static void AppendStopped(string path, IEnumerable<SmtpSendResult> results)
        {
            var stopped = StoppedPath(path);
            bool header = !File.Exists(stopped) || new FileInfo(stopped).Length == 0;
            using (var writer = new StreamWriter(new FileStream(stopped, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)))
            {
                if (header) writer.Write("\"Status\",\"MessageId\",\"Subject\",\"RecipientList\",\"ServerResponse\"\r\n");
                foreach (var r in results)
                    writer.Write(string.Join(",", new[] { r.Status.ToString(), r.MessageId, r.Subject, r.RecipientList, r.ServerResponse }.Select(Quote)) + "\r\n");
            }
        }

        private static string Quote(string value) => "\"" + (value ?? "").Replace("\"", "\"\"") + "\"";

        /// <summary>Reads a send log (and what a stopped run left in <see cref="StoppedPath"/>); a file that does not exist yet is an empty log (the first run of a resumable merge).</summary>
        /// <exception cref="SmtpToolsException">SendLogInvalid: the file has no MessageId or Status column. IO errors as thrown by the file system.</exception>
        public static SentLog Read(string path, bool retryUnconfirmed)
        {
            var log = new SentLog();
            log.ReadFile(path, retryUnconfirmed);
            log.ReadFile(StoppedPath(path), retryUnconfirmed);
            return log;
        }

        private void ReadFile(string path, bool retryUnconfirmed)
        {
            if (!File.Exists(path)) return;
            using (var csv = CsvRecords.Open(path))
            {
                if (csv.Header.Count == 0) return;
                int id = csv.ColumnOf("MessageId"), status = csv.ColumnOf("Status");
                if (id < 0 || status < 0)
                    throw new SmtpToolsException(ErrorIds.SendLogInvalid, FailureKind.InvalidData,
                        $"'{path}' is not a send log: it has no {(id < 0 ? "MessageId" : "Status")} column.")
                    {
                        Hint = "Write the log with Send-SmtpMessage ... -PassThru | Export-Csv <path>, and give that file to -SkipSentLog.",
                    };
                for (var row = csv.Next(); row != null; row = csv.Next())
                {
                    Rows++;
                    switch ((row[status] ?? "").Trim())
                    {
                        case "Sent":
                        case "PartiallySent":
                        case "AlreadySent":
                            _sent.Add(row[id], Confirmed);
                            break;
                        case "Unconfirmed":
                            if (!retryUnconfirmed && _sent.Find(row[id]) == null) _sent.Add(row[id], OnlyUnconfirmed);
                            break;
                    }
                }
            }
        }
    }
}
