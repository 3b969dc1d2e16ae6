using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Import;
using SmtpTools.Core.Reports;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Base for Import-DmarcReport and Import-SmtpTlsReport: one report importer for the whole pipeline (it remembers
    /// report ids to flag duplicates), fed one file at a time in input order, its results streamed to the pipeline
    /// thread as they are read. A 1 GB report is written row by row while it is parsed, in flat memory: the parser
    /// waits when the pipeline falls behind (<see cref="ReportStream"/>). A file that cannot be read (or only in part)
    /// is one error in its place, after anything read from it, and the next file follows.
    /// </summary>
    public abstract class ReportImportCmdlet : FileImportCmdlet
    {
        /// <summary>The most decompressed bytes one file's gzip and zip layers may expand to (default 100 MB).</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long MaxUncompressedSize { get; set; } = ReportImportOptions.DefaultMaxUncompressedSize;

        /// <summary>One object per report with its rows or policies nested, instead of one per row or policy.</summary>
        [Parameter]
        public SwitchParameter AsReport { get; set; }

        private ReportImporter _importer;
        private ReportStream _stream;
        private long _written;
        private int _filesRead;
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();

        /// <summary>True for Import-SmtpTlsReport (TLS reports), false for Import-DmarcReport (aggregate and failure reports).</summary>
        protected abstract bool ReadsTlsReports { get; }

        /// <summary>Leave out duplicate reports instead of flagging them.</summary>
        protected virtual bool SkipDuplicates => false;

        /// <summary>What a written result is called in the progress line, e.g. "row(s)".</summary>
        protected abstract string ResultUnit { get; }

        /// <summary>Writes one result the importer produced (a row, a report …); returns how many objects were written.</summary>
        protected abstract int WriteResult(object result);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // One file at a time, in order: rows stream in file order and the first copy of a report is the original.
            // Started on the pipeline thread so files take their turn in input order (the work itself hops to the pool).
            ConcurrencyLimit = 1;
            StartWorkInline = true;
            var sink = new CmdletOperationSink(this, ProgressActivityId);
            _importer = new ReportImporter(new ReportImportOptions
            {
                MaxUncompressedSize = MaxUncompressedSize,
                Kinds = ReadsTlsReports ? ReportKinds.SmtpTls : ReportKinds.Dmarc,
                CollectRows = AsReport,
                SkipDuplicates = SkipDuplicates,
            }, sink);
            _stream = new ReportStream(Consume, rows: !AsReport, names: CreateSourceNameResolver(sink) as SourceNameResolver);
        }

        /// <summary>A SourceNameResolver when source names are wanted, else null (typed object: no Core type in a member signature).</summary>
        private protected virtual object CreateSourceNameResolver(CmdletOperationSink sink) => null;

        protected override void ImportFile(string path)
        {
            var importer = _importer;
            EnqueueInOrder(path, (stream, token) => importer.ImportFileAsync(path, stream, token), isFile: true);
        }

        protected override void PathFailed(string path, Exception error) =>
            EnqueueInOrder(path, (stream, token) => Task.FromException(error), isFile: false);

        /// <summary>
        /// Reads (or fails) one input in its turn: what it yields and its error, if any, go through the one stream, so
        /// they come out in input order even while earlier rows still wait for their source names.
        /// </summary>
        private void EnqueueInOrder(string path, Func<ReportStream, CancellationToken, Task> read, bool isFile)
        {
            var stream = _stream;
            Enqueue(token => Task.Run(async () =>
            {
                try { await read(stream, token).ConfigureAwait(false); }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    await stream.FailAsync(path, ex, token).ConfigureAwait(false);
                }
                await stream.FlushAsync(token).ConfigureAwait(false);
                return true;
            }, token),
            _ => { if (isFile) _filesRead++; },
            ex => WriteFileError(path, ex));
        }

        protected override void EndProcessing()
        {
            Drain();
            // Rows still waiting for their source names, and the last file's partial batch.
            var stream = _stream;
            Run(token => stream.CompleteAsync(token));
            if (FileCount > 0)
                WriteProgress(new ProgressRecord(ProgressActivityId, Activity, Status()) { RecordType = ProgressRecordType.Completed });
        }

        /// <summary>Takes a batch from the stream (any thread) and writes it on the pipeline thread; completes once written.</summary>
        private Task Consume(IReadOnlyList<object> batch)
        {
            var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(() =>
            {
                try
                {
                    foreach (var item in batch)
                    {
                        if (item is ImportFailure failure) WriteFileError(failure.Path, failure.Error);
                        else _written += WriteResult(item);
                    }
                }
                finally
                {
                    // Also when a downstream command stops the pipeline (Select-Object -First): the parser must not wait.
                    written.TrySetResult(true);
                }
                ReportProgress();
            });
            return written.Task;
        }

        /// <summary>A running count, at most five updates a second (a 1 GB report is one file: rows are what moves).</summary>
        private void ReportProgress()
        {
            if (_sinceProgress.ElapsedMilliseconds < 200) return;
            _sinceProgress.Restart();
            WriteProgress(new ProgressRecord(ProgressActivityId, Activity, Status()) { PercentComplete = -1 });
        }

        // Not the base's ProgressActivity: that one counts finished inputs, and here a file is not the unit.
        private string Activity => MyInvocation.MyCommand.Name;

        private string Status() => $"{_filesRead} of {FileCount} file(s) read, {_written} {ResultUnit}";
    }
}
