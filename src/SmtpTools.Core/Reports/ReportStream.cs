using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Import;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// Passes what a <see cref="ReportImporter"/> reads on to a consumer — the cmdlet, which writes it to the pipeline on
    /// its own thread — in the order it was read: aggregate rows (or whole aggregate reports), failure reports, TLS
    /// reports and <see cref="ImportFailure"/>s. Items go in batches (one hand-over per batch, not per row), at most
    /// <see cref="MaxPendingBatches"/> of them handed over and not yet consumed: when the consumer is slower than the
    /// parser (a slow Export-Csv after a 1 GB report), the parser waits instead of filling memory.
    /// With a <see cref="SourceNameResolver"/>, each row's SourceName is looked up as the row is read, and a batch is
    /// handed over once its names are known; lookups of later batches go on meanwhile, so many are in flight while the
    /// order holds. Calls come from one import at a time (never concurrently), as <see cref="IReportReceiver"/> requires.
    /// </summary>
    public sealed class ReportStream : IReportReceiver
    {
        /// <summary>Items per hand-over: large enough that the hand-over costs nothing per row, small enough to show progress.</summary>
        public const int BatchSize = 256;

        /// <summary>Batches handed over and not consumed yet, at most: with BatchSize, about 2,000 rows in memory.</summary>
        public const int MaxPendingBatches = 8;

        private readonly Func<IReadOnlyList<object>, Task> _consume;
        private readonly bool _rows;
        private readonly SourceNameResolver _names;
        private readonly Queue<Task> _pending = new Queue<Task>();
        private List<object> _batch = new List<object>(BatchSize);
        private List<KeyValuePair<DmarcReportRow, Task<string>>> _lookups;
        private Task _lastHandedOver = Task.CompletedTask;

        /// <param name="consume">
        /// Takes one batch, in order; its task completes when the batch has been consumed (written), which frees its place.
        /// </param>
        /// <param name="rows">
        /// True: aggregate reports arrive row by row (the reports themselves are not passed on). False: whole aggregate
        /// reports (with their rows when the importer collects them), and no separate rows.
        /// </param>
        /// <param name="names">Looks up each row's SourceName; null: names are not looked up.</param>
        public ReportStream(Func<IReadOnlyList<object>, Task> consume, bool rows, SourceNameResolver names = null)
        {
            _consume = consume ?? throw new ArgumentNullException(nameof(consume));
            _rows = rows;
            _names = names;
        }

        public Task AggregateRowAsync(DmarcReportRow row, CancellationToken cancellationToken)
        {
            if (!_rows) return Task.CompletedTask;
            Lookup(row, cancellationToken);
            return AddAsync(row, cancellationToken);
        }

        public Task AggregateReportAsync(DmarcAggregateReport report, CancellationToken cancellationToken)
        {
            if (_rows) return Task.CompletedTask;
            foreach (var row in report.Rows) Lookup(row, cancellationToken);
            return AddAsync(report, cancellationToken);
        }

        public Task FailureReportAsync(DmarcFailureReport report, CancellationToken cancellationToken) => AddAsync(report, cancellationToken);

        public Task SmtpTlsReportAsync(SmtpTlsReport report, CancellationToken cancellationToken) => AddAsync(report, cancellationToken);

        /// <summary>A file that could not be read (or only in part), in its place after what was read from it.</summary>
        public Task FailAsync(string path, Exception error, CancellationToken cancellationToken) =>
            AddAsync(new ImportFailure(path, error), cancellationToken);

        /// <summary>
        /// Hands over what has been collected (at the end of each file, so a file's results do not wait for the next file).
        /// Waits while <see cref="MaxPendingBatches"/> batches are not consumed yet.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count == 0) return;
            while (_pending.Count >= MaxPendingBatches)
                await WhenDone(_pending.Dequeue(), cancellationToken).ConfigureAwait(false);
            var handedOver = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending.Enqueue(HandOverAsync(_lastHandedOver, _batch, _lookups, handedOver));
            _lastHandedOver = handedOver.Task;
            _batch = new List<object>(BatchSize);
            _lookups = null;
        }

        /// <summary>Hands over the rest and waits until everything has been consumed.</summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            while (_pending.Count > 0)
                await WhenDone(_pending.Dequeue(), cancellationToken).ConfigureAwait(false);
        }

        private void Lookup(DmarcReportRow row, CancellationToken cancellationToken)
        {
            if (_names == null) return;
            (_lookups ?? (_lookups = new List<KeyValuePair<DmarcReportRow, Task<string>>>()))
                .Add(new KeyValuePair<DmarcReportRow, Task<string>>(row, _names.ResolveAsync(row.SourceIP, cancellationToken)));
        }

        private Task AddAsync(object item, CancellationToken cancellationToken)
        {
            _batch.Add(item);
            return _batch.Count >= BatchSize ? FlushAsync(cancellationToken) : Task.CompletedTask;
        }

        /// <summary>After the batch before it was handed over and its names are known: hand it over, then wait until it is consumed.</summary>
        private async Task HandOverAsync(Task previous, List<object> batch, List<KeyValuePair<DmarcReportRow, Task<string>>> lookups, TaskCompletionSource<bool> handedOver)
        {
            try
            {
                await previous.ConfigureAwait(false);
                if (lookups != null)
                    foreach (var lookup in lookups) lookup.Key.SourceName = await lookup.Value.ConfigureAwait(false);
                var consumed = _consume(batch);
                handedOver.TrySetResult(true);
                await consumed.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                handedOver.TrySetCanceled();
                throw;
            }
            catch (Exception e)
            {
                handedOver.TrySetException(e);
                throw;
            }
        }

        /// <summary>Waits for <paramref name="task"/>, or until the token is cancelled (then throws; the task is left running).</summary>
        internal static async Task WhenDone(Task task, CancellationToken cancellationToken)
        {
            if (!task.IsCompleted)
            {
                var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (cancellationToken.Register(() => cancelled.TrySetCanceled()))
                    await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            await task.ConfigureAwait(false);
        }
    }
}
