using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Import;
using SmtpTools.Core.Reports;
using SmtpTools.Core.Tests.Support;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Reports
{
    /// <summary>
    /// Several files read at once give exactly what reading them one after the other gives: the same results in the same
    /// order, each error in its file's place, the first copy of a duplicated report in input order kept (even when a
    /// later copy is read first), and Ctrl+C ends the import promptly.
    /// </summary>
    [Collection(ReportSafetyTests.MemoryCollection)]
    public sealed class ParallelReportImportTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "smtptools-parallel-tests-" + Guid.NewGuid().ToString("n"));

        public ParallelReportImportTests() => Directory.CreateDirectory(_folder);
        public void Dispose() => Directory.Delete(_folder, recursive: true);

        /// <summary>Everything handed to the consumer, in order: rows as "file ip count dup", errors as "error file".</summary>
        private sealed class Consumer
        {
            private readonly int _delayEvery;
            private int _batches;
            public List<string> Items { get; } = new List<string>();
            public List<DmarcAggregateReport> Reports { get; } = new List<DmarcAggregateReport>();

            /// <param name="delayEvery">Every so many batches the consumer is slow (a pipeline that falls behind).</param>
            public Consumer(int delayEvery = 0) { _delayEvery = delayEvery; }

            // Recorded when handed over (the cmdlet writes batches in that order), then now and then slow to finish.
            public async Task Consume(IReadOnlyList<object> batch)
            {
                Record(batch);
                if (_delayEvery > 0 && ++_batches % _delayEvery == 0) await Task.Delay(20);
            }

            private void Record(IReadOnlyList<object> batch)
            {
                lock (Items)
                    foreach (var item in batch)
                    {
                        switch (item)
                        {
                            case DmarcReportRow row: Items.Add($"{Path.GetFileName(row.SourceFile)} {row.SourceIP} {row.Count} {row.IsDuplicate}"); break;
                            case DmarcAggregateReport report: Reports.Add(report); Items.Add($"{Path.GetFileName(report.SourceFile)} report {report.RowCount} {report.IsDuplicate}"); break;
                            case ImportFailure failure: Items.Add($"error {Path.GetFileName(failure.Path)}"); break;
                            default: Items.Add(item.GetType().Name); break;
                        }
                    }
            }
        }

        private static async Task<Consumer> ImportParallel(IEnumerable<(string Path, Exception Failure)> inputs, ReportImportOptions options, int readers,
            RecordingSink sink = null, int delayEvery = 0)
        {
            var consumer = new Consumer(delayEvery);
            var import = new ParallelReportImport(options, sink, new ReportStream(consumer.Consume, rows: !options.CollectRows), readers);
            import.Start(CancellationToken.None);
            foreach (var (path, failure) in inputs) await import.AddAsync(path, failure, CancellationToken.None);
            import.Complete();
            await import.Completion;
            return consumer;
        }

        /// <summary>The reference: one importer, one file after the other, into the same kind of stream.</summary>
        private static async Task<Consumer> ImportOneByOne(IEnumerable<(string Path, Exception Failure)> inputs, ReportImportOptions options)
        {
            var consumer = new Consumer();
            var stream = new ReportStream(consumer.Consume, rows: !options.CollectRows);
            var importer = new ReportImporter(options);
            foreach (var (path, failure) in inputs)
            {
                try
                {
                    if (failure != null) throw failure;
                    await importer.ImportFileAsync(path, stream, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    await stream.FailAsync(path, ex, CancellationToken.None);
                }
            }
            await stream.CompleteAsync(CancellationToken.None);
            return consumer;
        }

        private List<(string, Exception)> MixedInputs()
        {
            var inputs = new List<(string, Exception)>();
            var random = new Random(16);
            for (int i = 0; i < 60; i++)
            {
                // Sizes that make later files finish before earlier ones: now and then a large one.
                int records = i % 13 == 0 ? 3000 : 1 + random.Next(40);
                inputs.Add((GeneratedReports.WriteFile(_folder, i, (GeneratedReports.Packaging)(i % 4), records), null));
                if (i % 17 == 5)
                {
                    string broken = Path.Combine(_folder, $"broken-{i}.xml");
                    File.WriteAllText(broken, "<feedback><report_metadata>");
                    inputs.Add((broken, null));
                }
                if (i == 30) inputs.Add((Path.Combine(_folder, "missing.xml"), new FileNotFoundException("'missing.xml' matches no file.")));
            }
            return inputs;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task SeveralReadersGiveWhatOneGivesInTheSameOrder(bool asReport)
        {
            var inputs = MixedInputs();
            var options = new ReportImportOptions { CollectRows = asReport };
            var expected = await ImportOneByOne(inputs, options);
            var actual = await ImportParallel(inputs, new ReportImportOptions { CollectRows = asReport }, readers: 4, delayEvery: 7);
            int differs = Enumerable.Range(0, Math.Min(expected.Items.Count, actual.Items.Count)).FirstOrDefault(i => expected.Items[i] != actual.Items[i]);
            Assert.True(expected.Items.SequenceEqual(actual.Items),
                $"{expected.Items.Count} against {actual.Items.Count} items; first difference at {differs}: " +
                string.Join(" | ", expected.Items.Skip(Math.Max(0, differs - 2)).Take(5)) + " AGAINST " + string.Join(" | ", actual.Items.Skip(Math.Max(0, differs - 2)).Take(5)));
            Assert.Contains(actual.Items, i => i.StartsWith("error broken-", StringComparison.Ordinal));
            Assert.Contains("error missing.xml", actual.Items);
            if (asReport) Assert.Equal(expected.Reports.Select(r => r.Rows.Length), actual.Reports.Select(r => r.Rows.Length));
        }

        [Theory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(false, true)]
        [InlineData(true, true)]
        public async Task TheFirstCopyInInputOrderIsKeptEvenWhenALaterCopyIsReadFirst(bool unique, bool asReport)
        {
            // The first copy is large (slow to read), the second tiny: a second reader finishes the second long before.
            string first = Path.Combine(_folder, "a-first.xml"), again = Path.Combine(_folder, "b-again.xml"), other = Path.Combine(_folder, "c-other.xml");
            using (var f = File.Create(first)) GeneratedReports.WriteXml(f, 5000, 1, reportId: "same-id");
            using (var f = File.Create(again)) GeneratedReports.WriteXml(f, 1, 2, reportId: "same-id");
            using (var f = File.Create(other)) GeneratedReports.WriteXml(f, 2, 3, reportId: "other-id");
            var sink = new RecordingSink();
            var result = await ImportParallel(new[] { (first, (Exception)null), (again, null), (other, null) },
                new ReportImportOptions { SkipDuplicates = unique, CollectRows = asReport }, readers: 3, sink);

            var files = result.Items.Select(i => i.Split(' ')[0]).Distinct().ToList();
            Assert.Equal(unique ? new[] { "a-first.xml", "c-other.xml" } : new[] { "a-first.xml", "b-again.xml", "c-other.xml" }, files);
            Assert.All(result.Items.Where(i => i.StartsWith("a-first.xml", StringComparison.Ordinal) || i.StartsWith("c-other.xml", StringComparison.Ordinal)),
                i => Assert.EndsWith(" False", i));
            if (!unique) Assert.All(result.Items.Where(i => i.StartsWith("b-again.xml", StringComparison.Ordinal)), i => Assert.EndsWith(" True", i));
            if (asReport && !unique) Assert.All(result.Reports.Single(r => r.SourceFile == again).Rows, r => Assert.True(r.IsDuplicate));
            Assert.Equal(asReport ? 1 : 5000, result.Items.Count(i => i.StartsWith("a-first.xml", StringComparison.Ordinal)));
            if (unique) Assert.Contains(sink.VerboseLines, v => v.Contains("b-again.xml") && v.Contains("duplicate") && v.Contains("a-first.xml"));
            else Assert.Empty(sink.VerboseLines);
        }

        [Fact]
        public async Task CancellationEndsTheImportPromptlyWhileTheConsumerIsStuck()
        {
            string large = Path.Combine(_folder, "large.xml");
            using (var f = File.Create(large)) GeneratedReports.WriteXml(f, 20000, 4);
            var stuck = new TaskCompletionSource<bool>();
            int consumed = 0;
            using var cts = new CancellationTokenSource();
            var import = new ParallelReportImport(new ReportImportOptions(), null,
                new ReportStream(batch => { Interlocked.Increment(ref consumed); return stuck.Task; }, rows: true), readers: 2);
            import.Start(cts.Token);
            for (int i = 0; i < 20; i++) await import.AddAsync(large, null, cts.Token);
            import.Complete();
            // The consumer takes nothing: the readers fill their slots and the stream its batches, then everything waits.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Volatile.Read(ref consumed) < ReportStream.MaxPendingBatches && DateTime.UtcNow < deadline) await Task.Delay(10);
            Assert.Equal(ReportStream.MaxPendingBatches, Volatile.Read(ref consumed));
            Assert.False(import.Completion.IsCompleted);
            cts.Cancel();
            var ended = await Task.WhenAny(import.Completion, Task.Delay(TimeSpan.FromSeconds(5)));
            Assert.Same(import.Completion, ended);
            Assert.True(import.Completion.IsCanceled || import.Completion.IsFaulted);
            Assert.Equal(0, import.FilesRead);
        }
    }
}
