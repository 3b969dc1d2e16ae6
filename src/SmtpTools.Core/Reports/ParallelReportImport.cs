using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Diagnostics;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// Imports many report files at once and hands what they hold to one <see cref="ReportStream"/> in input order, as
    /// if they had been read one after the other: a few readers (one per processor) each read the next file while one
    /// hand-over loop passes the head file's results on. What makes it the same as a sequential import:
    /// <list type="bullet">
    /// <item>Order: each file's results wait in the file's own slot until every file before it has been handed over.</item>
    /// <item>Errors: a file that cannot be read (or only in part) is one error in its place, after what was read from it.</item>
    /// <item>Duplicates (-Unique): decided at the hand-over, in input order, so the first copy in input order is the one
    /// kept whichever file a reader finished first; a reader reads a duplicate whole and the hand-over drops it.</item>
    /// <item>Memory: at most <see cref="ReadAhead"/> files are read ahead of the hand-over, and each slot holds at most
    /// <see cref="SlotCapacity"/> results before its reader waits (a 1 GB report streams through its slot).</item>
    /// <item>Ctrl+C: the token stops readers and the hand-over at their next step; results not yet handed over are dropped.</item>
    /// </list>
    /// </summary>
    public sealed class ParallelReportImport
    {
        /// <summary>Inputs added and not yet handed over, at most: beyond it <see cref="AddAsync"/> waits.</summary>
        public const int MaxWaitingInputs = 1000;

        /// <summary>Results one slot holds before its reader waits for the hand-over to take them.</summary>
        internal const int SlotCapacity = 1024;

        private readonly ReportImporter _importer;
        private readonly ReportImportOptions _options;
        private readonly IOperationSink _sink;
        private readonly ReportStream _output;
        private readonly SeenReports _seen = new SeenReports();
        private readonly int _readers;

        private readonly ConcurrentQueue<Slot> _toRead = new ConcurrentQueue<Slot>();
        private readonly SemaphoreSlim _toReadCount = new SemaphoreSlim(0);
        private readonly ConcurrentQueue<Slot> _toHandOver = new ConcurrentQueue<Slot>();
        private readonly SemaphoreSlim _toHandOverCount = new SemaphoreSlim(0);
        private readonly SemaphoreSlim _room = new SemaphoreSlim(MaxWaitingInputs);
        private readonly SemaphoreSlim _readAhead;
        private CancellationTokenSource _stop;
        private Task _completion;
        private int _filesRead;

        /// <param name="options">As for a <see cref="ReportImporter"/>; SkipDuplicates is applied at the hand-over.</param>
        /// <param name="sink">Told (Verbose) about each duplicate left out.</param>
        /// <param name="output">Takes every result in input order.</param>
        /// <param name="readers">Files read at once (at least 1).</param>
        public ParallelReportImport(ReportImportOptions options, IOperationSink sink, ReportStream output, int readers)
        {
            _options = options ?? new ReportImportOptions();
            _sink = sink ?? NullOperationSink.Instance;
            _output = output ?? throw new ArgumentNullException(nameof(output));
            _readers = Math.Max(1, readers);
            _importer = new ReportImporter(_options, _sink, seenReports: null);
            _readAhead = new SemaphoreSlim(ReadAhead);
        }

        /// <summary>One reader per processor, at most eight: what <see cref="ParallelReportImport"/> is usually given.</summary>
        public static int DefaultReaders => Math.Max(1, Math.Min(Environment.ProcessorCount, 8));

        /// <summary>Files read (or read ahead) but not yet handed over, at most: four per reader.</summary>
        public int ReadAhead => _readers * 4;

        /// <summary>Files handed over so far (read, or failed).</summary>
        public int FilesRead => Volatile.Read(ref _filesRead);

        /// <summary>Completes when every input added before <see cref="Complete"/> has been handed over and consumed.</summary>
        public Task Completion => _completion ?? throw new InvalidOperationException("not started");

        /// <summary>Starts the readers and the hand-over.</summary>
        public void Start(CancellationToken cancellationToken)
        {
            if (_completion != null) throw new InvalidOperationException("already started");
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var token = _stop.Token;
            var readers = new Task[_readers];
            for (int i = 0; i < readers.Length; i++) readers[i] = Task.Run(() => ReadLoopAsync(token));
            _completion = RunAsync(readers, cancellationToken);
        }

        /// <summary>
        /// Adds the next input, in order: a file to read, or a path that failed before reading (<paramref name="failure"/>,
        /// written in its place). The task completes at once unless <see cref="MaxWaitingInputs"/> inputs are waiting.
        /// </summary>
        public Task AddAsync(string path, Exception failure, CancellationToken cancellationToken)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (_room.Wait(0))
            {
                Add(path, failure);
                return Task.CompletedTask;
            }
            return AddWhenRoomAsync(path, failure, cancellationToken);
        }

        private async Task AddWhenRoomAsync(string path, Exception failure, CancellationToken cancellationToken)
        {
            await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
            Add(path, failure);
        }

        private void Add(string path, Exception failure)
        {
            var slot = new Slot(path, rows: !_options.CollectRows);
            // Both queues in the same order: readers take files in it, the hand-over passes them on in it.
            _toHandOver.Enqueue(slot);
            _toHandOverCount.Release();
            if (failure != null)
            {
                slot.Finish(failure);
                return;
            }
            _toRead.Enqueue(slot);
            _toReadCount.Release();
        }

        /// <summary>No more inputs: the readers end once the queue is read, <see cref="Completion"/> once all is handed over.</summary>
        public void Complete()
        {
            _toReadCount.Release(_readers);
            _toHandOverCount.Release();
        }

        private async Task ReadLoopAsync(CancellationToken token)
        {
            while (true)
            {
                // A place in the read-ahead window first, so a reader never runs further ahead of the hand-over than that.
                await _readAhead.WaitAsync(token).ConfigureAwait(false);
                await _toReadCount.WaitAsync(token).ConfigureAwait(false);
                if (!_toRead.TryDequeue(out var slot))
                {
                    _readAhead.Release();
                    return; // completed
                }
                slot.ByReader = true;
                Exception failure = null;
                try
                {
                    await _importer.ImportFileAsync(slot.Path, slot, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    failure = ex;
                }
                slot.Finish(failure);
            }
        }

        /// <summary>The hand-over: slot by slot in input order, with the duplicate decision; then the stream's rest.</summary>
        private async Task RunAsync(Task[] readers, CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    if (_toHandOverCount.CurrentCount == 0) await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await _toHandOverCount.WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (!_toHandOver.TryDequeue(out var slot)) break;
                    await HandOverAsync(slot, cancellationToken).ConfigureAwait(false);
                    if (slot.ByReader) _readAhead.Release();
                    _room.Release();
                    Interlocked.Increment(ref _filesRead);
                }
                await _output.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Readers waiting for room in a slot or for input end with the hand-over, however it ended.
                _stop.Cancel();
                try { await Task.WhenAll(readers).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
                _stop.Dispose();
            }
        }

        private async Task HandOverAsync(Slot slot, CancellationToken cancellationToken)
        {
            // The report whose results are being handed over: decided at its first result (a row, or the report itself).
            bool inReport = false, duplicate = false, skip = false;
            while (true)
            {
                var (items, done) = await slot.TakeAsync(() => _output.FlushAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
                foreach (var item in items)
                {
                    switch (item)
                    {
                        case DmarcReportRow row:
                            if (!inReport) Decide(slot.Path, row.OrgName, row.ReportEmail, row.PolicyDomain, row.ReportId, out inReport, out duplicate, out skip);
                            if (skip) break;
                            row.IsDuplicate = duplicate;
                            await _output.AggregateRowAsync(row, cancellationToken).ConfigureAwait(false);
                            break;
                        case DmarcAggregateReport report:
                            if (!inReport) Decide(slot.Path, report.OrgName, report.ReportEmail, report.PolicyDomain, report.ReportId, out _, out duplicate, out skip);
                            inReport = false; // the report's end: the next result starts another
                            if (skip) break;
                            report.IsDuplicate = duplicate;
                            foreach (var row in report.Rows) row.IsDuplicate = duplicate;
                            await _output.AggregateReportAsync(report, cancellationToken).ConfigureAwait(false);
                            break;
                        case DmarcFailureReport failure:
                            await _output.FailureReportAsync(failure, cancellationToken).ConfigureAwait(false);
                            break;
                        case SmtpTlsReport tls:
                            await _output.SmtpTlsReportAsync(tls, cancellationToken).ConfigureAwait(false);
                            break;
                    }
                }
                if (done) break;
            }
            if (slot.Failure != null) await _output.FailAsync(slot.Path, slot.Failure, cancellationToken).ConfigureAwait(false);
        }

        private void Decide(string file, string orgName, string reportEmail, string policyDomain, string reportId, out bool inReport, out bool duplicate, out bool skip)
        {
            inReport = true;
            duplicate = !_seen.FirstSighting(orgName, reportEmail, policyDomain, reportId, file, out string firstFile);
            skip = duplicate && _options.SkipDuplicates;
            if (skip) _sink.Verbose(SeenReports.LeftOut(file, orgName, reportEmail, policyDomain, reportId, firstFile));
        }

        /// <summary>
        /// One file's place in the order: what its reader has read and the hand-over has not yet taken, and how the file
        /// ended. The reader adds (and waits when <see cref="SlotCapacity"/> results are waiting); the hand-over takes.
        /// </summary>
        private sealed class Slot : IReportReceiver
        {
            private readonly object _gate = new object();
            private readonly bool _rows;
            private List<object> _items = new List<object>();
            private bool _done;
            private TaskCompletionSource<bool> _itemsAdded;
            private TaskCompletionSource<bool> _itemsTaken;

            public Slot(string path, bool rows)
            {
                Path = path;
                _rows = rows;
            }

            public string Path { get; }

            /// <summary>Why the file could not be read (or only in part); set before the slot is done.</summary>
            public Exception Failure { get; private set; }

            /// <summary>A reader took it (it holds a place in the read-ahead window), as opposed to a path that failed before reading.</summary>
            public bool ByReader { get; set; }

            // Rows arrive one by one and also, with -AsReport, inside their report; each is kept in one of the two forms.
            // In row mode the report still comes as the marker of its end (the duplicate decision needs report bounds).
            public Task AggregateRowAsync(DmarcReportRow row, CancellationToken cancellationToken) =>
                _rows ? AddAsync(row, cancellationToken) : Task.CompletedTask;

            public Task AggregateReportAsync(DmarcAggregateReport report, CancellationToken cancellationToken) => AddAsync(report, cancellationToken);

            public Task FailureReportAsync(DmarcFailureReport report, CancellationToken cancellationToken) => AddAsync(report, cancellationToken);

            public Task SmtpTlsReportAsync(SmtpTlsReport report, CancellationToken cancellationToken) => AddAsync(report, cancellationToken);

            private Task AddAsync(object item, CancellationToken cancellationToken)
            {
                TaskCompletionSource<bool> wake;
                Task full = null;
                lock (_gate)
                {
                    _items.Add(item);
                    wake = _itemsAdded;
                    _itemsAdded = null;
                    if (_items.Count >= SlotCapacity)
                        full = (_itemsTaken = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
                wake?.TrySetResult(true);
                return full == null ? Task.CompletedTask : ReportStream.WhenDone(full, cancellationToken);
            }

            public void Finish(Exception failure)
            {
                TaskCompletionSource<bool> wake;
                lock (_gate)
                {
                    Failure = failure;
                    _done = true;
                    wake = _itemsAdded;
                    _itemsAdded = null;
                }
                wake?.TrySetResult(true);
            }

            /// <summary>
            /// What has been added since the last take (at least one result, unless the file is done), and whether the
            /// file is done. Calls <paramref name="beforeWaiting"/> before it waits for the reader.
            /// </summary>
            public async Task<(List<object> Items, bool Done)> TakeAsync(Func<Task> beforeWaiting, CancellationToken cancellationToken)
            {
                while (true)
                {
                    Task added;
                    lock (_gate)
                    {
                        if (_items.Count > 0 || _done)
                        {
                            var items = _items;
                            _items = new List<object>();
                            var taken = _itemsTaken;
                            _itemsTaken = null;
                            bool done = _done;
                            taken?.TrySetResult(true); // runs asynchronously: the reader does not run under the lock
                            return (items, done);
                        }
                        added = (_itemsAdded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    }
                    await beforeWaiting().ConfigureAwait(false);
                    await ReportStream.WhenDone(added, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
