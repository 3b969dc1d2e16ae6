using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace SmtpTools.Core.Dns
{
    /// <summary>
    /// How many questions may be on the wire at once, adapted like a congestion window: a timeout or SERVFAIL halves
    /// the window (at most once per <c>decreaseInterval</c>, so one burst of losses counts once), answers grow it back
    /// by one per window's worth of answers, never above the configured maximum nor below an eighth of it. A server
    /// that is slow or failing gets fewer questions at once; a healthy one soon gets the full window again.
    /// </summary>
    internal sealed class AdaptiveGate
    {
        private readonly object _lock = new object();
        private readonly Queue<TaskCompletionSource<bool>> _waiters = new Queue<TaskCompletionSource<bool>>();
        private readonly int _max;
        private readonly int _min;
        private readonly long _decreaseTicks;
        private double _window;
        private int _inFlight;
        private long _lastDecrease;

        public AdaptiveGate(int max, TimeSpan decreaseInterval)
        {
            _max = Math.Max(1, max);
            _min = Math.Max(1, Math.Min(_max, Math.Max(2, _max / 8)));
            _window = _max;
            _decreaseTicks = (long)(decreaseInterval.TotalSeconds * Stopwatch.Frequency);
            _lastDecrease = Stopwatch.GetTimestamp() - _decreaseTicks;
        }

        /// <summary>The current window (for tests and diagnostics).</summary>
        public int Window
        {
            get { lock (_lock) return (int)_window; }
        }

        private static readonly Task Done = Task.FromResult(true);

        public Task WaitAsync()
        {
            lock (_lock)
            {
                if (_inFlight < (int)_window && _waiters.Count == 0)
                {
                    _inFlight++;
                    return Done;
                }
                var waiter = new TaskCompletionSource<bool>();
                _waiters.Enqueue(waiter);
                return waiter.Task;
            }
        }

        /// <summary>A question had to be sent again (a datagram was lost): send less at once.</summary>
        public void Congested()
        {
            lock (_lock) Decrease();
        }

        private void Decrease()
        {
            long now = Stopwatch.GetTimestamp();
            if (now - _lastDecrease < _decreaseTicks) return;
            _window = Math.Max(_min, _window / 2);
            _lastDecrease = now;
        }

        /// <summary>Ends one question; <paramref name="congested"/> when it timed out or the server failed.</summary>
        public void Release(bool congested)
        {
            List<TaskCompletionSource<bool>> wake = null;
            lock (_lock)
            {
                _inFlight--;
                if (congested) Decrease();
                else if (_window < _max)
                {
                    _window = Math.Min(_max, _window + 4.0 / _window);
                }
                while (_inFlight < (int)_window && _waiters.Count > 0)
                {
                    _inFlight++;
                    (wake ?? (wake = new List<TaskCompletionSource<bool>>())).Add(_waiters.Dequeue());
                }
            }
            if (wake != null)
                foreach (var w in wake) w.TrySetResult(true);
        }
    }
}
