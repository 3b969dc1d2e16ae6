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
    /// Base for Import-DmarcReport and Import-SmtpTlsReport: one parallel import for the whole pipeline (it remembers
    /// report ids to flag duplicates), fed the files in input order; several files are read at once and their results
    /// streamed to the pipeline thread in input order as they are read (<see cref="ParallelReportImport"/>). A 1 GB report
    /// is written row by row while it is parsed, in flat memory: the parser waits when the pipeline falls behind
    /// (<see cref="ReportStream"/>). A file that cannot be read (or only in part) is one error in its place, after anything
    /// read from it, and the next file follows.
    /// </summary>
    /// <remarks>
    /// Why read ahead: a small report takes well under a millisecond to read, most of it parsing, while writing its rows
    /// costs the pipeline thread far less; one reader leaves a core idle. Results go over in batches that span files
    /// (one hand-over between threads per batch, not per file); a batch is handed over early only when the next file is
    /// not read yet, so a slow pipeline still sees each file's rows as soon as they are read.
    /// </remarks>
    public abstract class ReportImportCmdlet : FileImportCmdlet
    {
        /// <summary>The most decompressed bytes one file's gzip and zip layers may expand to (default 100 MB).</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long MaxUncompressedSize { get; set; } = ReportImportOptions.DefaultMaxUncompressedSize;

        /// <summary>One object per report with its rows or policies nested, instead of one per row or policy.</summary>
        [Parameter]
        public SwitchParameter AsReport { get; set; }

        private ParallelReportImport _import;
        private long _written;
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
            var sink = new CmdletOperationSink(this, ProgressActivityId);
            var options = new ReportImportOptions
            {
                MaxUncompressedSize = MaxUncompressedSize,
                Kinds = ReadsTlsReports ? ReportKinds.SmtpTls : ReportKinds.Dmarc,
                CollectRows = AsReport,
                SkipDuplicates = SkipDuplicates,
            };
            var stream = new ReportStream(Consume, rows: !AsReport, names: CreateSourceNameResolver(sink) as SourceNameResolver);
            _import = new ParallelReportImport(options, sink, stream, ParallelReportImport.DefaultReaders);
            _import.Start(CancellationToken);
        }

        /// <summary>A SourceNameResolver when source names are wanted, else null (typed object: no Core type in a member signature).</summary>
        private protected virtual object CreateSourceNameResolver(CmdletOperationSink sink) => null;

        protected override void ImportFile(string path) => Add(path, null);

        protected override void PathFailed(string path, Exception error) => Add(path, error);

        /// <summary>Queues one input (in input order) and writes what is ready meanwhile.</summary>
        private void Add(string path, Exception error)
        {
            var import = _import;
            var added = import.AddAsync(path, error, CancellationToken);
            if (!added.IsCompleted) Run(_ => added);
            RunPostedPipelineCalls();
        }

        protected override void EndProcessing()
        {
            var import = _import;
            import.Complete();
            Run(_ => import.Completion);
            base.EndProcessing();
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

        private string Status() => $"{_import.FilesRead} of {FileCount} file(s) read, {_written} {ResultUnit}";
    }
}
