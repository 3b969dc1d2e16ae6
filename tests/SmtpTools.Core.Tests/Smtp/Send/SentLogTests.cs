using System;
using System.IO;
using System.Text;
using SmtpTools.Core.Errors;
using SmtpTools.Core.IO;
using SmtpTools.Core.Smtp;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp.Send
{
    public sealed class SentLogTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("sentlog-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private string Write(string text, Encoding encoding = null)
        {
            var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".csv");
            File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
            return path;
        }

        [Fact]
        public void Reads_a_PowerShell_7_log_and_counts_only_delivered_rows()
        {
            var path = Write(
                "\"Status\",\"MessageId\",\"Subject\",\"RecipientList\"\r\n" +
                "\"Sent\",\"<a@x.test>\",\"Hello, \"\"world\"\"\",\"a@x.test\"\r\n" +
                "\"Failed\",\"b@x.test\",\"line one\r\nline two\",\"b@x.test\"\r\n" +
                "\"PartiallySent\",\"c@x.test\",\"\",\"c@x.test; d@x.test\"\r\n" +
                "\"Unconfirmed\",\"d@x.test\",\"\",\"\"\r\n" +
                "\"AlreadySent\",\"e@x.test\",\"\",\"\"\r\n" +
                "\"Skipped\",\"f@x.test\",\"\",\"\"\r\n");
            var log = SentLog.Read(path, retryUnconfirmed: false);
            Assert.Equal(6, log.Rows);
            Assert.True(log.Contains("a@x.test")); // angle brackets as SendLogIndex compares them
            Assert.True(log.Contains("<C@X.test>"));
            Assert.True(log.Contains("d@x.test")); // never twice: the server may have it
            Assert.True(log.Contains("e@x.test"));
            Assert.False(log.Contains("b@x.test"));
            Assert.False(log.Contains("f@x.test"));
            Assert.False(SentLog.Read(path, retryUnconfirmed: true).Contains("d@x.test"));
        }

        [Fact]
        public void A_later_failure_does_not_undo_an_earlier_send()
        {
            // Export-Csv -Append after a re-run: the same id twice.
            var path = Write("\"MessageId\",\"Status\"\n\"a@x.test\",\"Sent\"\n\"a@x.test\",\"Failed\"\n");
            Assert.True(SentLog.Read(path, false).Contains("a@x.test"));
        }

        [Fact]
        public void Reads_a_Windows_PowerShell_log_with_type_line_culture_delimiter_and_bom()
        {
            var path = Write("#TYPE SmtpTools.SmtpSendResult\r\n\"Status\";\"MessageId\"\r\n\"Sent\";\"a@x.test\"\r\nSent;b@x.test\r\n", new UTF8Encoding(true));
            var log = SentLog.Read(path, false);
            Assert.Equal(2, log.Count);
            Assert.True(log.Contains("b@x.test"));
        }

        [Fact]
        public void A_missing_file_is_an_empty_log_and_a_foreign_file_is_refused()
        {
            Assert.Equal(0, SentLog.Read(Path.Combine(_dir, "none.csv"), false).Count);
            var ex = Assert.Throws<SmtpToolsException>(() => SentLog.Read(Write("\"Name\",\"Address\"\n\"a\",\"b\"\n"), false));
            Assert.Equal(ErrorIds.SendLogInvalid, ex.ErrorId);
            Assert.Contains("MessageId", ex.Message);
            Assert.NotNull(ex.Hint);
        }

        [Fact]
        public void Csv_records_keep_quotes_delimiters_and_line_breaks_inside_fields()
        {
            using (var csv = new CsvRecords(new StringReader("A,B,C\n\"x,y\",\"say \"\"hi\"\"\",\"1\n2\"\nplain,,\n")))
            {
                Assert.Equal(new[] { "A", "B", "C" }, csv.Header);
                Assert.Equal(new[] { "x,y", "say \"hi\"", "1\n2" }, csv.Next());
                Assert.Equal(new[] { "plain", "", "" }, csv.Next());
                Assert.Null(csv.Next());
            }
        }
    }
}
