using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SmtpTools.Core.Import
{
    /// <summary>The files an importer reads for one given path: the file itself, or every file of a folder or Maildir.</summary>
    public static class InputFiles
    {
        /// <summary>
        /// A file is itself. A folder gives its files, not its subfolders; a Maildir (a folder with cur/ and new/) gives
        /// the files of cur/ and then of new/ (tmp/ holds messages still being written, and the Maildir's own files —
        /// dovecot-uidlist, maildirfolder … — are not mail). Hidden files (a leading dot, or the Hidden attribute on
        /// Windows) are left out of a folder: they are index and desktop files, not reports. Each folder's files come in
        /// ordinal name order, so an import (and which copy of a report counts as the duplicate) does not depend on the
        /// file system's order.
        /// </summary>
        /// <exception cref="FileNotFoundException">Neither a file nor a folder exists at <paramref name="path"/>.</exception>
        /// <exception cref="UnauthorizedAccessException">A folder cannot be listed.</exception>
        public static IReadOnlyList<string> Expand(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (File.Exists(path)) return new[] { path };
            if (!Directory.Exists(path)) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            string cur = Path.Combine(path, "cur"), fresh = Path.Combine(path, "new");
            if (Directory.Exists(cur) && Directory.Exists(fresh))
                return FilesOf(cur).Concat(FilesOf(fresh)).ToList();
            return FilesOf(path).ToList();
        }

        /// <summary>Files up to this size are read whole into memory by <see cref="OpenRead"/>.</summary>
        internal const int WholeFileLimit = 1024 * 1024;

        /// <summary>
        /// Opens an input file for an importer. A file up to <see cref="WholeFileLimit"/> (nearly every report and bounce)
        /// is read whole, synchronously, in one go, and parsed from memory: on Linux every asynchronous file read is a
        /// hand-over to another thread-pool thread, which for a few-kilobyte file costs more than reading it. A larger
        /// file (or a named pipe) is returned as a file stream and read as it is parsed, so memory does not grow with it.
        /// </summary>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        /// <exception cref="UnauthorizedAccessException">No permission to read it.</exception>
        internal static Stream OpenRead(string path)
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
            try
            {
                // A named pipe (or a device) has no length: read as it comes.
                if (!file.CanSeek) return file;
                long length = file.Length;
                if (length > WholeFileLimit) return file;
                // A pooled buffer: a fresh one per file would be zeroed, and from 85 KB on land on the large-object heap.
                var bytes = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
                int read = 0, n;
                while (read < length && (n = file.Read(bytes, read, (int)length - read)) > 0) read += n;
                file.Dispose();
                // A file that shrank while read is what it is now; one that grew is read up to its length when opened.
                return new PooledMemoryStream(bytes, read);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>True when <paramref name="path"/> is a folder (or Maildir) rather than a file.</summary>
        public static bool IsFolder(string path) => !File.Exists(path) && Directory.Exists(path);

        private static IEnumerable<string> FilesOf(string folder) =>
            new DirectoryInfo(folder).EnumerateFiles()
                .Where(f => !f.Name.StartsWith(".", StringComparison.Ordinal) && (f.Attributes & FileAttributes.Hidden) == 0)
                .Select(f => f.FullName)
                .OrderBy(f => f, StringComparer.Ordinal);
    }

    /// <summary>A read-only memory stream over a rented buffer, given back when the stream is disposed.</summary>
    internal sealed class PooledMemoryStream : MemoryStream
    {
        private byte[] _rented;

        // Not publicly visible: nobody may keep the buffer past Dispose, when it goes back to the pool.
        public PooledMemoryStream(byte[] rented, int length) : base(rented, 0, length, writable: false, publiclyVisible: false)
        {
            _rented = rented;
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            var rented = System.Threading.Interlocked.Exchange(ref _rented, null);
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
