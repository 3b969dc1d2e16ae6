using System;
using System.Collections.Generic;
using System.IO;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// The bytes of attachment files for one run (one pipeline), so a merge that attaches the same file to 100,000
    /// messages reads it once instead of 100,000 times. Bounded by bytes, least recently used first out, so a merge with
    /// a different file per row stays flat in memory: those files pass through, the shared one stays. A file that
    /// changed since it was read (length or last-write time) is read again. Thread-safe (one per session pool).
    /// </summary>
    public sealed class AttachmentCache
    {
        private readonly object _lock = new object();
        private readonly object[] _readLocks = { new object(), new object(), new object(), new object(), new object(), new object(), new object(), new object() };
        private readonly long _capacity;
        private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new Dictionary<string, LinkedListNode<Entry>>(PathComparer);
        private readonly LinkedList<Entry> _order = new LinkedList<Entry>();
        private long _bytes;

        private static StringComparer PathComparer =>
            Path.DirectorySeparatorChar == '\\' ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

        /// <param name="capacityBytes">The most bytes kept; a larger file is read each time and never kept.</param>
        public AttachmentCache(long capacityBytes = 64L * 1024 * 1024)
        {
            if (capacityBytes < 0) throw new ArgumentOutOfRangeException(nameof(capacityBytes));
            _capacity = capacityBytes;
        }

        /// <summary>Files read from disk (a cache hit reads nothing).</summary>
        public int Reads { get; private set; }
        public int Hits { get; private set; }

        /// <summary>The file's bytes, from the cache when it has not changed, else from <paramref name="read"/> (which enforces size limits).</summary>
        public byte[] Get(string path, Func<string, byte[]> read)
        {
            var info = new FileInfo(path);
            long length = info.Exists ? info.Length : -1;
            var written = info.Exists ? info.LastWriteTimeUtc : DateTime.MinValue;
            if (TryHit(path, length, written, out var cached)) return cached;
            // Sessions of a pool asking for the same file at once would each miss and read it: a miss reads under its
            // path's stripe lock, so the others wait for it and then hit. (A failed read keeps nothing: the next caller
            // reads within its own limits.)
            lock (_readLocks[(PathComparer.GetHashCode(path) & int.MaxValue) % _readLocks.Length])
            {
                if (TryHit(path, length, written, out cached)) return cached;
                var bytes = read(path);
                lock (_lock)
                {
                    Reads++;
                    if (_entries.TryGetValue(path, out var stale)) Remove(stale);
                    // Devices and pipes report a length of 0 but give bytes: never keep what cannot be checked for change.
                    if (bytes.Length > _capacity || length != bytes.Length) return bytes;
                    while (_bytes + bytes.Length > _capacity && _order.Last != null) Remove(_order.Last);
                    var added = _order.AddFirst(new Entry(path, length, written, bytes));
                    _entries[path] = added;
                    _bytes += bytes.Length;
                }
                return bytes;
            }
        }

        private bool TryHit(string path, long length, DateTime written, out byte[] bytes)
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(path, out var node) && node.Value.Length == length && node.Value.Written == written)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    Hits++;
                    bytes = node.Value.Bytes;
                    return true;
                }
            }
            bytes = null;
            return false;
        }

        private void Remove(LinkedListNode<Entry> node)
        {
            _order.Remove(node);
            _entries.Remove(node.Value.Path);
            _bytes -= node.Value.Bytes.Length;
        }

        private sealed class Entry
        {
            public Entry(string path, long length, DateTime written, byte[] bytes)
            {
                Path = path;
                Length = length;
                Written = written;
                Bytes = bytes;
            }

            public string Path { get; }
            public long Length { get; }
            public DateTime Written { get; }
            public byte[] Bytes { get; }
        }
    }
}
