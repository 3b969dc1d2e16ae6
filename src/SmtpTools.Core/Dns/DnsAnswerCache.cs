using System;
using System.Collections.Generic;

namespace SmtpTools.Core.Dns
{
    internal readonly struct DnsCacheKey : IEquatable<DnsCacheKey>
    {
        /// <param name="question">Which question about the name: the type, and the flags that change the answer (DO, CD).</param>
        public DnsCacheKey(string name, int question) { Name = name; Question = question; }
        public string Name { get; }
        public int Question { get; }
        public bool Equals(DnsCacheKey other) => Question == other.Question && string.Equals(Name, other.Name, StringComparison.Ordinal);
        public override bool Equals(object obj) => obj is DnsCacheKey other && Equals(other);
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name) * 31 + Question;
    }

    /// <summary>
    /// The resolver's answers (tasks, so identical questions in flight are joined), bounded: two generations of at most
    /// half the capacity each. New entries go to the young one; when it is full it becomes the old one and the previous
    /// old one is dropped. A hit in the old generation moves the entry back to the young one, so names used throughout
    /// a run (a provider's include) stay while one-off names age out. O(1), one lock, no per-entry bookkeeping.
    /// </summary>
    internal sealed class DnsAnswerCache
    {
        private readonly object _lock = new object();
        private readonly int _generationSize;
        private Dictionary<DnsCacheKey, object> _young;
        private Dictionary<DnsCacheKey, object> _old;

        public DnsAnswerCache(int capacity)
        {
            _generationSize = Math.Max(1, capacity / 2);
            _young = new Dictionary<DnsCacheKey, object>();
            _old = new Dictionary<DnsCacheKey, object>();
        }

        public int Count
        {
            get { lock (_lock) return _young.Count + _old.Count; }
        }

        /// <summary>The cached value for <paramref name="key"/>, or <paramref name="value"/> newly added.</summary>
        public object GetOrAdd(DnsCacheKey key, object value)
        {
            lock (_lock)
            {
                if (_young.TryGetValue(key, out var found)) return found;
                if (_old.TryGetValue(key, out found))
                {
                    _old.Remove(key);
                    AddLocked(key, found);
                    return found;
                }
                AddLocked(key, value);
                return value;
            }
        }

        public bool TryGet(DnsCacheKey key, out object value)
        {
            lock (_lock)
            {
                if (_young.TryGetValue(key, out value)) return true;
                if (!_old.TryGetValue(key, out value)) return false;
                _old.Remove(key);
                AddLocked(key, value);
                return true;
            }
        }

        /// <summary>Removes the entry only if it is still <paramref name="value"/> (a failure is forgotten, a newer answer kept).</summary>
        public void Remove(DnsCacheKey key, object value)
        {
            lock (_lock)
            {
                if (_young.TryGetValue(key, out var found) && found == value) _young.Remove(key);
                else if (_old.TryGetValue(key, out found) && found == value) _old.Remove(key);
            }
        }

        private void AddLocked(DnsCacheKey key, object value)
        {
            if (_young.Count >= _generationSize)
            {
                _old = _young;
                _young = new Dictionary<DnsCacheKey, object>();
            }
            _young[key] = value;
        }
    }
}
