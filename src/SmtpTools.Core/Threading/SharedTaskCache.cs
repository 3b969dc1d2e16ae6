using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Threading
{
    /// <summary>
    /// Work shared by key for the lifetime of its owner (one pipeline): the first asker starts it, later askers join the
    /// same task. A cancelled or failed task is forgotten, so the next asker tries again. Past the capacity, work runs
    /// without being remembered: correctness never depends on the cache. Thread-safe.
    /// </summary>
    internal sealed class SharedTaskCache<T>
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<T>>> _entries;
        private readonly int _capacity;

        public SharedTaskCache(int capacity, StringComparer comparer)
        {
            _capacity = capacity;
            _entries = new ConcurrentDictionary<string, Lazy<Task<T>>>(comparer);
        }

        public Task<T> GetOrStart(string key, Func<Task<T>> start)
        {
            if (_capacity <= 0) return start();
            if (_entries.TryGetValue(key, out var entry)) return entry.Value;
            if (_entries.Count >= _capacity) return start();
            var mine = new Lazy<Task<T>>(start, LazyThreadSafetyMode.ExecutionAndPublication);
            entry = _entries.GetOrAdd(key, mine);
            if (entry == mine)
                _ = mine.Value.ContinueWith(t => { if (t.IsCanceled || t.IsFaulted) _entries.TryRemove(key, out _); }, TaskScheduler.Default);
            return entry.Value;
        }
    }
}
