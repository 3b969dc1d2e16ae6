using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Base for every SmtpTools cmdlet. Core's async work runs on thread-pool threads; everything that touches
    /// the pipeline (Write*, ShouldProcess) is queued and executed on the pipeline thread by a pump that runs
    /// while the cmdlet waits. Ctrl+C (StopProcessing) cancels <see cref="CancellationToken"/> and wakes the pump.
    /// The pump sleeps on an event that does not spin and is only signalled while the pump sleeps: on two cores a
    /// spinning wait (BlockingCollection's) for every record cost more CPU than sending the record (issue 17).
    ///
    /// Two ways to run work:
    /// <list type="bullet">
    /// <item><see cref="Run{T}"/>: one operation, waited for now (e.g. connect in BeginProcessing).</item>
    /// <item><see cref="Enqueue{T}"/>: many records resolved concurrently (bounded by a throttle) whose results are
    /// written strictly in input order, as soon as the head of the queue is done; <see cref="Drain"/> in EndProcessing.</item>
    /// </list>
    /// Deliberately no Core types in any member signature here: the cmdlet assembly lives in the default load
    /// context and must not make PowerShell resolve SmtpTools.Core while it reflects over cmdlet classes.
    /// </summary>
    public abstract class AsyncCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ConcurrentQueue<Action> _pipelineCalls = new ConcurrentQueue<Action>();
        // Spin count 0: the pipeline thread blocks at once instead of spinning (sched_yield) on a core the worker needs.
        private readonly ManualResetEventSlim _wakeUp = new ManualResetEventSlim(false, 0);
        // 1 while the pump sleeps (or is about to) on _wakeUp: only then is there anyone to signal.
        private int _sleeping;
        // Set while enqueued work runs on the pipeline thread (StartWorkInline): what it posts waits for the pump.
        private bool _inWork;
        private volatile bool _closed;
        private readonly Queue<IPending> _pending = new Queue<IPending>();
        private SemaphoreSlim _throttle;
        private int _pipelineThreadId = -1;

        /// <summary>Cancelled by Ctrl+C / Stop-Pipeline.</summary>
        protected CancellationToken CancellationToken => _stop.Token;

        /// <summary>How many enqueued records may run at once. Set before the first <see cref="Enqueue{T}"/>.</summary>
        protected int ConcurrencyLimit { get; set; } = 16;

        /// <summary>
        /// Start enqueued work on the pipeline thread (it runs there until its first real wait) instead of on a pool thread.
        /// For work that never blocks a thread (DNS lookups), and for work that runs one record at a time anyway (one SMTP
        /// session): a thread hop there and back per record costs more than the overlap it buys. Ctrl+C still cancels the
        /// work through <see cref="CancellationToken"/>; what the work writes (verbose, progress) is written once it yields.
        /// </summary>
        protected bool StartWorkInline { get; set; }

        // The record the pump is blocked on: only its completion wakes the pump (the others are written when it wakes).
        private IPending _awaitedHead;

        /// <summary>
        /// Progress for enqueued records: the activity shown by Write-Progress (null: none) and what a finished record is
        /// called ("domain(s) audited"). Pipeline input has no known total, so progress is a running count.
        /// </summary>
        protected string ProgressActivity { get; set; }
        protected string ProgressUnit { get; set; } = "input(s) done";
        protected int ProgressActivityId { get; set; } = ProgressActivityIds.Default;

        /// <summary>Enqueued records whose results have been written.</summary>
        protected int CompletedCount => _completed;

        /// <summary>More for the progress line (e.g. the sessions in use), read on the pipeline thread; null for nothing.</summary>
        protected virtual string ProgressDetail => null;

        private int _enqueued;
        private int _completed;
        private readonly System.Diagnostics.Stopwatch _sinceProgress = System.Diagnostics.Stopwatch.StartNew();

        protected override void BeginProcessing()
        {
            _pipelineThreadId = Environment.CurrentManagedThreadId;
            _stop.Token.Register(Wake);
            ApplyDebugSwitch();
        }

        /// <summary>
        /// -Debug on a compiled cmdlet makes PowerShell ask "Continue with this operation?" before every verbose message
        /// (7.x) or debug message (5.1), so in a runbook, a scheduled task or pwsh -NonInteractive the cmdlet fails with
        /// "Read and Prompt functionality is not available". Here -Debug means what $DebugPreference = 'Continue' means:
        /// debug messages are written, verbose ones follow $VerbosePreference (or -Verbose). The command runtime keeps
        /// these switches internal, hence reflection; should a PowerShell version rename them, -Debug keeps its own meaning.
        /// </summary>
        private void ApplyDebugSwitch()
        {
            if (!MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) || !LanguagePrimitives.IsTrue(debug)) return;
            var runtime = CommandRuntime;
            const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
            try
            {
                runtime.GetType().GetProperty("DebugPreference", flags)?.SetValue(runtime, ActionPreference.Continue);
                if (!MyInvocation.BoundParameters.ContainsKey("Verbose"))
                {
                    bool verbose = LanguagePrimitives.TryConvertTo(GetVariableValue("VerbosePreference"), out ActionPreference preference) && preference == ActionPreference.Continue;
                    runtime.GetType().GetProperty("Verbose", flags)?.SetValue(runtime, verbose);
                }
            }
            catch (Exception ex) when (ex is TargetInvocationException || ex is ArgumentException || ex is MemberAccessException)
            {
                // Left as PowerShell set it.
            }
        }

        protected override void StopProcessing() => _stop.Cancel();

        /// <summary>Runs <paramref name="action"/> on the pipeline thread: now if this is it, else at the next pump.</summary>
        protected void Post(Action action)
        {
            // Not in the middle of inline work either: a Write* that throws (the pipeline is stopping) must not break the work.
            if (IsPipelineThread && !_inWork) action();
            else if (!_closed)
            {
                _pipelineCalls.Enqueue(action);
                Wake();
            }
        }

        protected internal void VerboseFromAnyThread(string message) => Post(() => WriteVerbose(message));
        protected internal void DebugFromAnyThread(string message) => Post(() => WriteDebug(message));
        protected internal void WarningFromAnyThread(string message) => Post(() => WriteWarning(message));
        protected internal void ProgressFromAnyThread(ProgressRecord record) => Post(() => WriteProgress(record));

        /// <summary>
        /// Runs what worker threads have posted so far (results, messages) without waiting for more: for a cmdlet whose
        /// work runs on its own loop, to write what is ready between input records.
        /// </summary>
        protected void RunPostedPipelineCalls()
        {
            RunPostedCalls();
            ThrowIfStopping();
        }

        /// <summary>Runs one async operation to completion while pumping pipeline calls. Exceptions propagate.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> operation)
        {
            Task<T> task = Task.Run(() => operation(_stop.Token));
            task.ContinueWith(_ => Wake(), TaskScheduler.Default);
            PumpUntil(() => task.IsCompleted);
            return task.GetAwaiter().GetResult();
        }

        protected void Run(Func<CancellationToken, Task> operation) =>
            Run<bool>(async token => { await operation(token).ConfigureAwait(false); return true; });

        /// <summary>
        /// Starts <paramref name="work"/> now (at most <see cref="ConcurrencyLimit"/> at once) and arranges for
        /// <paramref name="onSuccess"/> or <paramref name="onFailure"/> to run on the pipeline thread, in the order the
        /// records were enqueued. Completed heads are written before this returns; when too much is outstanding
        /// this waits (back-pressure), so memory stays bounded for endless pipelines.
        /// </summary>
        protected void Enqueue<T>(Func<CancellationToken, Task<T>> work, Action<T> onSuccess, Action<Exception> onFailure) =>
            Enqueue(work, onSuccess, onFailure, null);

        /// <summary>As <see cref="Enqueue{T}(Func{CancellationToken, Task{T}}, Action{T}, Action{Exception})"/>, with a tag that names the record to <see cref="AbandonUnwritten"/>.</summary>
        protected void Enqueue<T>(Func<CancellationToken, Task<T>> work, Action<T> onSuccess, Action<Exception> onFailure, object tag)
        {
            if (_throttle == null) _throttle = new SemaphoreSlim(Math.Max(1, ConcurrencyLimit));
            var throttle = _throttle;
            var token = _stop.Token;
            Task<T> task;
            if (StartWorkInline)
            {
                // Throttled is async: whatever the work throws (a stop included) ends up in the task, so the record is
                // queued below however the work ends and AbandonUnwritten still sees it.
                _inWork = true;
                try { task = Throttled(work, throttle, token); }
                finally { _inWork = false; }
            }
            else task = Task.Run(() => Throttled(work, throttle, token));
            var pending = new Pending<T>(task, onSuccess, onFailure, tag);
            task.ContinueWith((_, state) => ((AsyncCmdlet)state).WakeIfAwaited(pending), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _enqueued++;
            _pending.Enqueue(pending);
            WriteCompletedHeads();
            int window = Math.Max(1, ConcurrencyLimit) * 4;
            while (_pending.Count > window)
            {
                PumpUntilHeadCompleted();
                WriteCompletedHeads();
            }
        }

        private static async Task<T> Throttled<T>(Func<CancellationToken, Task<T>> work, SemaphoreSlim throttle, CancellationToken token)
        {
            await throttle.WaitAsync(token).ConfigureAwait(false);
            try { return await work(token).ConfigureAwait(false); }
            finally { throttle.Release(); }
        }

        private void PumpUntilHeadCompleted()
        {
            var head = _pending.Peek();
            // A full fence before the check in PumpUntil; the completing side reads _awaitedHead after the task's own
            // interlocked completion, so one of the two always sees the other (no lost wake-up).
            Interlocked.Exchange(ref _awaitedHead, head);
            try { PumpUntil(() => head.IsCompleted); }
            finally { Volatile.Write(ref _awaitedHead, null); }
        }

        private void WakeIfAwaited(IPending completed)
        {
            if (Volatile.Read(ref _awaitedHead) == completed) Wake();
        }

        /// <summary>Waits for every enqueued record and writes the rest of the results, in order.</summary>
        protected void Drain()
        {
            while (_pending.Count > 0)
            {
                PumpUntilHeadCompleted();
                WriteCompletedHeads();
            }
            RunPostedCalls();
            if (ProgressActivity != null && _completed > 0)
                WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, $"{_completed} {ProgressUnit}") { RecordType = ProgressRecordType.Completed });
        }

        protected override void EndProcessing() => Drain();

        private void WriteCompletedHeads()
        {
            RunPostedCalls();
            while (_pending.Count > 0 && _pending.Peek().IsCompleted)
            {
                ThrowIfStopping();
                // Dequeued only once written: a write cut short by a stop (Write* throws once the pipeline is stopping)
                // leaves the record unwritten, for AbandonUnwritten.
                _pending.Peek().Complete();
                _pending.Dequeue();
                _completed++;
                ReportProgress();
                RunPostedCalls();
            }
        }

        /// <summary>
        /// For work with effects outside the process (a message sent): when the pipeline ended before every result was
        /// written (Ctrl+C, a terminating error, Select-Object -First), cancels the work still running, waits up to
        /// <paramref name="grace"/> for it to end, and returns the records whose results were not written, in input order:
        /// each with the tag given to <see cref="Enqueue{T}(Func{CancellationToken, Task{T}}, Action{T}, Action{Exception}, object)"/>
        /// and its work, which has ended (with a result, an error, or cancelled before it began) or, past the grace, not.
        /// Every record enqueued is in the queue from before its work starts until its result is written, so none is missed.
        /// Call it from Dispose, before disposing what the work uses.
        /// </summary>
        protected IReadOnlyList<UnwrittenRecord> AbandonUnwritten(TimeSpan grace)
        {
            if (_pending.Count == 0) return Array.Empty<UnwrittenRecord>();
            _stop.Cancel();
            var records = new List<UnwrittenRecord>();
            foreach (var pending in _pending) records.Add(new UnwrittenRecord(pending.Tag, pending.Work));
            _pending.Clear();
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            foreach (var record in records)
            {
                var left = grace - deadline.Elapsed;
                // Wait, not observe: the work's own outcome (a fault, a cancellation) is the caller's to read.
                if (left > TimeSpan.Zero) ((IAsyncResult)record.Work).AsyncWaitHandle.WaitOne(left);
            }
            return records;
        }

        /// <summary>An enqueued record whose result was not written (see <see cref="AbandonUnwritten"/>).</summary>
        protected sealed class UnwrittenRecord
        {
            public UnwrittenRecord(object tag, Task work)
            {
                Tag = tag;
                Work = work;
            }

            public object Tag { get; }
            public Task Work { get; }
        }

        /// <summary>At most five updates a second (and every hundredth record), so huge pipelines are not slowed by the host.</summary>
        private void ReportProgress()
        {
            if (ProgressActivity == null) return;
            if (_sinceProgress.ElapsedMilliseconds < 200 && _completed % 100 != 0) return;
            _sinceProgress.Restart();
            var detail = ProgressDetail;
            WriteProgress(new ProgressRecord(ProgressActivityId, ProgressActivity, $"{_completed} {ProgressUnit}, {_enqueued - _completed} in progress" + (detail != null ? ", " + detail : "")) { PercentComplete = -1 });
        }

        private void PumpUntil(Func<bool> done)
        {
            while (true)
            {
                RunPostedCalls();
                ThrowIfStopping();
                if (done()) return;
                _wakeUp.Reset();
                // A full fence, then the checks again: a post, completion or stop after this sees _sleeping and signals;
                // one before it is seen by the checks (each side writes, fences, then reads the other's: no lost wake-up).
                Interlocked.Exchange(ref _sleeping, 1);
                if (_pipelineCalls.IsEmpty && !_stop.IsCancellationRequested && !done()) _wakeUp.Wait();
                Volatile.Write(ref _sleeping, 0);
            }
        }

        private void RunPostedCalls()
        {
            while (_pipelineCalls.TryDequeue(out var call)) call();
        }

        private void ThrowIfStopping()
        {
            if (_stop.IsCancellationRequested) throw new PipelineStoppedException();
        }

        private void Wake()
        {
            // The full fence orders what the caller published (a posted call: ConcurrentQueue publishes its item with a
            // release store only) before the read of _sleeping; without it the read may pass that store (store-load
            // reordering, x86 included), the pump may find the queue empty and sleep while this sees it awake: a lost wake-up.
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _sleeping) == 1) _wakeUp.Set();
        }

        private bool IsPipelineThread => _pipelineThreadId == -1 || _pipelineThreadId == Environment.CurrentManagedThreadId;

        private interface IPending
        {
            bool IsCompleted { get; }
            Task Work { get; }
            object Tag { get; }
            void Complete();
        }

        private sealed class Pending<T> : IPending
        {
            private readonly Task<T> _task;
            private readonly Action<T> _onSuccess;
            private readonly Action<Exception> _onFailure;

            public Pending(Task<T> task, Action<T> onSuccess, Action<Exception> onFailure, object tag)
            {
                _task = task;
                _onSuccess = onSuccess;
                _onFailure = onFailure;
                Tag = tag;
            }

            public bool IsCompleted => _task.IsCompleted;
            public Task Work => _task;
            public object Tag { get; }

            public void Complete()
            {
                if (_task.Status == TaskStatus.RanToCompletion) _onSuccess(_task.Result);
                else
                {
                    Exception error = _task.IsCanceled ? new OperationCanceledException() : _task.Exception?.InnerException ?? _task.Exception;
                    _onFailure(error);
                }
            }
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (!disposing) return;
            _stop.Cancel();
            _closed = true;
            // _wakeUp is not disposed: a late worker may still signal it (it holds no handle unless one is asked for).
            _stop.Dispose();
            _throttle?.Dispose();
        }
    }
}
