using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;
using SmtpTools.Core.Reports;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Reports
{
    /// <summary>
    /// Hostile and broken input: bombs stop at the cap, DTDs and external entities are refused, an archive or message
    /// holding something else is one clear error, duplicates are flagged, and a large report streams in flat memory.
    /// Every input is generated here, at run time.
    /// </summary>
    [Collection(MemoryCollection)]
    public sealed class ReportSafetyTests : IDisposable
    {
        /// <summary>
        /// Tests that measure the managed heap, and those that import many files at once (whose pooled file buffers would
        /// count in the heap), never run at the same time.
        /// </summary>
        public const string MemoryCollection = "Report import memory";

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "smtptools-report-tests-" + Guid.NewGuid().ToString("n"));

        public ReportSafetyTests() => Directory.CreateDirectory(_folder);
        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private string Write(string name, byte[] content)
        {
            string path = Path.Combine(_folder, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        private string Write(string name, string content) => Write(name, Encoding.UTF8.GetBytes(content));

        private static async Task<SmtpToolsException> Fails(string path, ReportImportOptions options = null, CollectingReceiver receiver = null) =>
            await Assert.ThrowsAsync<SmtpToolsException>(() => new ReportImporter(options).ImportFileAsync(path, receiver ?? new CollectingReceiver(), CancellationToken.None));

        private static byte[] Gzip(byte[] content)
        {
            var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content, 0, content.Length);
            return buffer.ToArray();
        }

        private static byte[] Report(int records = 3)
        {
            var buffer = new MemoryStream();
            GeneratedReports.WriteXml(buffer, records, 7);
            return buffer.ToArray();
        }

        [Fact]
        public async Task A_gzip_bomb_stops_at_the_default_cap_of_100_MB()
        {
            // 120 MB of spaces inside an XML comment compress to about 120 KB.
            var bomb = new MemoryStream();
            using (var gzip = new GZipStream(bomb, CompressionLevel.Optimal, leaveOpen: true))
            {
                var head = Encoding.ASCII.GetBytes("<feedback><!-- ");
                gzip.Write(head, 0, head.Length);
                var spaces = Enumerable.Repeat((byte)' ', 1 << 20).ToArray();
                for (int i = 0; i < 120; i++) gzip.Write(spaces, 0, spaces.Length);
            }
            Assert.True(bomb.Length < 1_000_000);
            long before = GC.GetTotalMemory(true);
            var error = await Fails(Write("bomb.xml.gz", bomb.ToArray()));
            Assert.Equal(ErrorIds.InputTooLarge, error.ErrorId);
            Assert.Equal(FailureKind.LimitsExceeded, error.Kind);
            Assert.Contains("104,857,600", error.Message);
            Assert.Contains("MaxUncompressedSize", error.Message);
            // Streamed, not inflated into memory.
            Assert.True(GC.GetTotalMemory(true) - before < 20_000_000);
        }

        [Fact]
        public async Task A_zip_bomb_stops_at_the_cap_and_the_cap_is_configurable()
        {
            var zeros = new byte[8 << 20];
            var path = Write("bomb.zip", GeneratedReports.Zip("report.xml", zeros));
            var error = await Fails(path, new ReportImportOptions { MaxUncompressedSize = 1 << 20 });
            Assert.Equal(ErrorIds.InputTooLarge, error.ErrorId);
            // The same report within a larger cap is read (and then found not to be XML).
            var other = await Fails(path, new ReportImportOptions { MaxUncompressedSize = 16 << 20 });
            Assert.Equal(ErrorIds.UnexpectedContent, other.ErrorId);
        }

        [Fact]
        public async Task Nested_archives_count_against_one_budget()
        {
            // A gzip of a zip of a gzip: each layer small, all of it together over the cap.
            var inner = Gzip(Encoding.ASCII.GetBytes("<feedback>" + new string(' ', 3 << 20) + "</feedback>"));
            var path = Write("nested.gz", Gzip(GeneratedReports.Zip("inner.xml.gz", inner)));
            var error = await Fails(path, new ReportImportOptions { MaxUncompressedSize = 2 << 20 });
            Assert.Equal(ErrorIds.InputTooLarge, error.ErrorId);
        }

        [Fact]
        public async Task Containers_nested_too_deep_are_refused()
        {
            byte[] content = Report();
            for (int i = 0; i < 6; i++) content = Gzip(content);
            var error = await Fails(Write("deep.gz", content));
            Assert.Equal(ErrorIds.InputTooDeeplyNested, error.ErrorId);
        }

        [Fact]
        public async Task External_entities_and_DTDs_are_refused()
        {
            string secret = Write("secret.txt", "top secret");
            var xxe = Write("xxe.xml", $"<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY x SYSTEM \"file://{secret}\">]>\n<feedback><report_metadata><org_name>&x;</org_name></report_metadata></feedback>");
            var error = await Fails(xxe);
            Assert.Equal(ErrorIds.InputNotWellFormed, error.ErrorId);
            Assert.Contains("DTD", error.Message);
            Assert.DoesNotContain("top secret", error.Message);

            var laughs = Write("laughs.xml", "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><feedback>&lol2;</feedback>");
            Assert.Equal(ErrorIds.InputNotWellFormed, (await Fails(laughs)).ErrorId);
        }

        [Fact]
        public async Task An_archive_holding_something_else_is_one_clear_error()
        {
            var pdf = Write("report.zip", GeneratedReports.Zip("report.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 not a report")));
            var error = await Fails(pdf);
            Assert.Equal(ErrorIds.UnexpectedContent, error.ErrorId);
            Assert.Contains("report.pdf", error.Message);

            var otherXml = Write("other.xml.gz", Gzip(Encoding.UTF8.GetBytes("<html><body><p>hello</p></body></html>")));
            var notReport = await Fails(otherXml);
            Assert.Equal(ErrorIds.UnexpectedContent, notReport.ErrorId);
            Assert.Contains("<feedback>", notReport.Message);

            var broken = Write("broken.zip", new byte[] { (byte)'P', (byte)'K', 3, 4, 1, 2, 3 });
            Assert.Equal(ErrorIds.UnexpectedContent, (await Fails(broken)).ErrorId);
        }

        [Fact]
        public async Task A_report_mail_forwarded_as_an_attachment_is_read_inside()
        {
            var original = MimeKit.MimeMessage.Load(Path.Combine(ReportConformanceTests.Folder, "aggregate", "twilight.eml"));
            var forward = new MimeKit.MimeMessage();
            forward.From.Add(MimeKit.MailboxAddress.Parse("admin@example.com"));
            forward.To.Add(MimeKit.MailboxAddress.Parse("dmarc@example.com"));
            forward.Subject = "Fwd: " + original.Subject;
            forward.Body = new MimeKit.Multipart("mixed") { new MimeKit.TextPart("plain") { Text = "see attached" }, new MimeKit.MessagePart { Message = original } };
            string path = Path.Combine(_folder, "forwarded.eml");
            forward.WriteTo(path);
            var receiver = new CollectingReceiver();
            await new ReportImporter().ImportFileAsync(path, receiver, CancellationToken.None);
            Assert.Equal("1627703331531660819", Assert.Single(receiver.Aggregates).ReportId);
            Assert.Single(receiver.Rows);
        }

        [Fact]
        public async Task A_message_without_a_report_is_an_error_not_an_empty_result()
        {
            var mail = Write("hello.eml", "From: a@example.com\r\nTo: b@example.com\r\nSubject: hello\r\n\r\nJust a note.\r\n");
            var error = await Fails(mail);
            Assert.Equal(ErrorIds.NoReportFound, error.ErrorId);
        }

        [Fact]
        public async Task A_report_without_a_required_element_names_it()
        {
            string text = Encoding.UTF8.GetString(Report()).Replace("<report_id>00000007</report_id>", "");
            var error = await Fails(Write("no-id.xml", text));
            Assert.Equal(ErrorIds.ReportElementMissing, error.ErrorId);
            Assert.Contains("report_metadata/report_id", error.Message);

            string badCount = Encoding.UTF8.GetString(Report(1)).Replace("<count>", "<count>x");
            var invalid = await Fails(Write("bad-count.xml", badCount));
            Assert.Equal(ErrorIds.ReportValueInvalid, invalid.ErrorId);
        }

        [Fact]
        public async Task A_truncated_report_is_an_error_after_the_rows_read_so_far()
        {
            var full = Report(100);
            var receiver = new CollectingReceiver();
            var error = await Fails(Write("cut.xml", full.Take(full.Length / 2).ToArray()), receiver: receiver);
            Assert.Equal(ErrorIds.InputNotWellFormed, error.ErrorId);
            Assert.InRange(receiver.Rows.Count, 40, 50);
            Assert.Empty(receiver.Aggregates);
        }

        [Fact]
        public async Task The_same_report_twice_is_flagged_and_skipped_when_asked()
        {
            var first = Write("a.xml", Report());
            var second = Write("b.xml.gz", Gzip(Report()));
            var importer = new ReportImporter();
            var receiver = new CollectingReceiver();
            await importer.ImportFileAsync(first, receiver, CancellationToken.None);
            await importer.ImportFileAsync(second, receiver, CancellationToken.None);
            Assert.Equal(2, receiver.Aggregates.Count);
            Assert.False(receiver.Aggregates[0].IsDuplicate);
            Assert.True(receiver.Aggregates[1].IsDuplicate);
            Assert.All(receiver.Rows.Skip(3), r => Assert.True(r.IsDuplicate));

            var unique = new ReportImporter(new ReportImportOptions { SkipDuplicates = true });
            var onlyOnce = new CollectingReceiver();
            await unique.ImportFileAsync(first, onlyOnce, CancellationToken.None);
            await unique.ImportFileAsync(second, onlyOnce, CancellationToken.None);
            Assert.Single(onlyOnce.Aggregates);
            Assert.Equal(3, onlyOnce.Rows.Count);
        }

        [Fact]
        public async Task Collected_rows_are_kept_on_the_report_only_when_asked()
        {
            var path = Write("r.xml", Report(5));
            var streamed = new CollectingReceiver();
            await new ReportImporter().ImportFileAsync(path, streamed, CancellationToken.None);
            Assert.Empty(streamed.Aggregates[0].Rows);
            var whole = new CollectingReceiver();
            await new ReportImporter(new ReportImportOptions { CollectRows = true }).ImportFileAsync(path, whole, CancellationToken.None);
            Assert.Equal(whole.Rows, whole.Aggregates[0].Rows);
            Assert.Equal(5, whole.Aggregates[0].RowCount);
        }

        [Fact]
        public async Task Every_packaging_gives_the_same_rows()
        {
            var results = await Task.WhenAll(Enum.GetValues<GeneratedReports.Packaging>().Select(async p =>
            {
                var receiver = new CollectingReceiver();
                await new ReportImporter().ImportFileAsync(GeneratedReports.WriteFile(_folder, 42, p, 20), receiver, CancellationToken.None);
                return receiver.Rows.Select(r => $"{r.SourceIP} {r.Count} {r.Disposition} {r.DkimAuthResults} {r.SpfAuthResults} {r.OverrideReason}").ToList();
            }));
            Assert.Equal(20, results[0].Count);
            foreach (var other in results.Skip(1)) Assert.Equal(results[0], other);
        }

        /// <summary>A report of over 60 MB: rows are handed over as read, so the managed heap stays far below the file size.</summary>
        [Fact]
        public async Task A_large_report_streams_in_flat_memory()
        {
            string path = Path.Combine(_folder, "large.xml");
            using (var file = File.Create(path)) GeneratedReports.WriteXml(file, 100_000, 1);
            Assert.True(new FileInfo(path).Length > 60_000_000, new FileInfo(path).Length.ToString());
            long baseline = GC.GetTotalMemory(true), peak = 0;
            var receiver = new CountingReceiver(rows =>
            {
                if (rows % 10_000 == 0) peak = Math.Max(peak, GC.GetTotalMemory(true) - baseline);
            });
            await new ReportImporter().ImportFileAsync(path, receiver, CancellationToken.None);
            Assert.Equal(100_000, receiver.Rows);
            Assert.InRange(peak, 0, 16_000_000);
        }

        [Fact]
        public async Task Cancellation_stops_a_large_report_promptly()
        {
            string path = Path.Combine(_folder, "cancel.xml");
            using (var file = File.Create(path)) GeneratedReports.WriteXml(file, 50_000, 2);
            using var cts = new CancellationTokenSource();
            var receiver = new CountingReceiver(rows => { if (rows == 1000) cts.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ReportImporter().ImportFileAsync(path, receiver, cts.Token));
            Assert.InRange(receiver.Rows, 1000, 1001);
        }

        private sealed class CountingReceiver : IReportReceiver
        {
            private readonly Action<long> _onRow;
            public CountingReceiver(Action<long> onRow) { _onRow = onRow; }
            public long Rows { get; private set; }
            public Task AggregateRowAsync(DmarcReportRow row, CancellationToken cancellationToken) { _onRow(++Rows); return Task.CompletedTask; }
            public Task AggregateReportAsync(DmarcAggregateReport report, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task FailureReportAsync(DmarcFailureReport report, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task SmtpTlsReportAsync(SmtpTlsReport report, CancellationToken cancellationToken) => Task.CompletedTask;
        }
    }
}
