using System;
using System.Collections.Concurrent;
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
    /// report ids to flag duplicates), fed one file at a time in input order by one reader loop, its results streamed to
    /// the pipeline thread as they are read. A 1 GB report is written row by row while it is parsed, in flat memory: the
    /// parser waits when the pipeline falls behind (<see cref="ReportStream"/>). A file that cannot be read (or only in
    /// part) is one error in its place, after anything read from it, and the next file follows.
    /// </summary>
    /// <remarks>
    /// Why one loop rather than a task per file: a small report takes well under a millisecond to read, and each
    /// hand-over between threads costs a scheduler turn, which on a busy machine is several milliseconds. The loop reads
    /// queued files back to back and hands rows over in batches that span files; it hands over at the end of a file only
    /// when no further file is waiting, so a slow pipeline still sees each file's rows as soon as they are read.
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

        /// <summary>Paths waiting for the reader at most: beyond it ProcessRecord waits (a huge Get-ChildItem stays bounded).</summary>
        private const int MaxWaitingInputs = 1000;

        private ReportImporter _importer;
        private ReportStream _stream;
        private long _written;
        private int _filesRead;
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();

        // The reader loop's input: a file to read, or a path that failed before reading (its error goes in its place).
        private readonly ConcurrentQueue<KeyValuePair<string, Exception>> _inputs = new ConcurrentQueue<KeyValuePair<string, Exception>>();
        private readonly SemaphoreSlim _inputReady = new SemaphoreSlim(0);
        private readonly SemaphoreSlim _room = new SemaphoreSlim(MaxWaitingInputs);
        private Task _reader;

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
            _importer = new ReportImporter(new ReportImportOptions
            {
                MaxUncompressedSize = MaxUncompressedSize,
                Kinds = ReadsTlsReports ? ReportKinds.SmtpTls : ReportKinds.Dmarc,
                CollectRows = AsReport,
                SkipDuplicates = SkipDuplicates,
            }, sink);
            _stream = new ReportStream(Consume, rows: !AsReport, names: CreateSourceNameResolver(sink) as SourceNameResolver);
            var token = CancellationToken;
            _reader = Task.Run(() => ReadAllAsync(token));
        }

        /// <summary>A SourceNameResolver when source names are wanted, else null (typed object: no Core type in a member signature).</summary>
        private protected virtual object CreateSourceNameResolver(CmdletOperationSink sink) => null;

        protected override void ImportFile(string path) => Add(path, null);

        protected override void PathFailed(string path, Exception error) => Add(path, error);

        /// <summary>Queues one input for the reader (in input order) and writes what is ready meanwhile.</summary>
        private void Add(string path, Exception error)
        {
            if (!_room.Wait(0)) Run(token => _room.WaitAsync(token));
            _inputs.Enqueue(new KeyValuePair<string, Exception>(path, error));
            _inputReady.Release();
            RunPostedPipelineCalls();
        }

        /// <summary>
        /// The reader loop: each input in its turn, what it yields and its error, if any, through the one stream, so they
        /// come out in input order even while earlier rows still wait for their source names. Ends when released without
        /// an input (EndProcessing), after everything has been handed over and written.
        /// </summary>
        private async Task ReadAllAsync(CancellationToken token)
        {
            var stream = _stream;
            while (true)
            {
                await _inputReady.WaitAsync(token).ConfigureAwait(false);
                if (!_inputs.TryDequeue(out var input)) break;
                _room.Release();
                string path = input.Key;
                try
                {
                    if (input.Value != null) throw input.Value;
                    await _importer.ImportFileAsync(path, stream, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    await stream.FailAsync(path, ex, token).ConfigureAwait(false);
                }
                // A file that failed has been read too: progress counts files done with, against FileCount.
                if (input.Value == null) Interlocked.Increment(ref _filesRead);
                if (_inputs.IsEmpty) await stream.FlushAsync(token).ConfigureAwait(false);
            }
            // Rows still waiting for their source names, and the last partial batch.
            await stream.CompleteAsync(token).ConfigureAwait(false);
        }

        protected override void EndProcessing()
        {
            _inputReady.Release(); // no input with it: the reader finishes
            var reader = _reader;
            Run(_ => reader);
            base.EndProcessing();
            if (FileCount > 0)
                WriteProgress(new ProgressRecord(ProgressActivityId, Activity, Status()) { RecordType = ProgressRecordType.Completed });
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (!disposing) return;
            // After Ctrl+C the reader ends on its own (cancelled); the semaphores are not disposed under it.
            _reader?.ContinueWith(_ => { _inputReady.Dispose(); _room.Dispose(); }, TaskScheduler.Default);
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

        private string Status() => $"{Volatile.Read(ref _filesRead)} of {FileCount} file(s) read, {_written} {ResultUnit}";
    }
}
