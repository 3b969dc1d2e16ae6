using System;
using System.Globalization;
using System.IO;
using System.Text;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.IO
{
    /// <summary>How large one kind of input file may be, and what to tell the user when it is larger.</summary>
    public sealed class FileSizeLimit
    {
        /// <param name="description">What the file is, for the message ("The DKIM key file").</param>
        /// <param name="maxBytes">The most bytes that are read.</param>
        /// <param name="hint">Why that is enough and what to check, e.g. "a DKIM private key is a few kilobytes".</param>
        /// <param name="maxHeaderBytes">See <see cref="MaxHeaderBytes"/>.</param>
        public FileSizeLimit(string description, long maxBytes, string hint, long? maxHeaderBytes = null)
        {
            if (maxBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxBytes));
            if (maxHeaderBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxHeaderBytes));
            Description = description ?? throw new ArgumentNullException(nameof(description));
            MaxBytes = maxBytes;
            Hint = hint;
            MaxHeaderBytes = maxHeaderBytes;
        }

        public string Description { get; }
        public long MaxBytes { get; }
        public string Hint { get; }

        /// <summary>
        /// For RFC 5322 message files: the most bytes before the empty line that ends the header section (null: no
        /// limit). Header fields are what makes a message slow and large to parse, and servers refuse far smaller ones.
        /// </summary>
        public long? MaxHeaderBytes { get; }

        /// <summary>The error for a header section past <see cref="MaxHeaderBytes"/>: ErrorId MessageHeaderTooLarge.</summary>
        public SmtpToolsException HeaderTooLarge(string path) =>
            new SmtpToolsException(ErrorIds.MessageHeaderTooLarge, FailureKind.LimitsExceeded,
                $"{Description} '{path}' has no end of its header section (an empty line) within the first {Size(MaxHeaderBytes ?? 0)}: " +
                "it is not a message file, or its header fields are far larger than mail servers accept (Postfix: 100 KB).");

        /// <summary>The error for <paramref name="path"/>: ErrorId FileTooLarge, FailureKind.LimitsExceeded.</summary>
        public SmtpToolsException TooLarge(string path, long? actualBytes = null) =>
            new SmtpToolsException(ErrorIds.FileTooLarge, FailureKind.LimitsExceeded,
                (actualBytes.HasValue
                    ? $"{Description} '{path}' is {Size(actualBytes.Value)}; at most {Size(MaxBytes)} is read"
                    : $"{Description} '{path}' goes on past {Size(MaxBytes)}, the most that is read (a device or an endless stream?)")
                + (Hint == null ? "." : "; " + Hint + "."));

        internal static string Size(long bytes)
        {
            // Exact byte counts below a mebibyte (so "1,025 bytes" says why 1 KiB was too much), units above.
            if (bytes < 1024 || (bytes < 1 << 20 && bytes % 1024 != 0)) return bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
            string[] units = { "bytes", "KiB", "MiB", "GiB", "TiB" };
            double value = bytes;
            int unit = 0;
            while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
            return value.ToString("0.#", CultureInfo.InvariantCulture) + " " + units[unit];
        }
    }

    /// <summary>
    /// Reads input files (keys, message files, lists) with a size cap, so a wrong path, a huge file or an endless
    /// device such as /dev/zero fails at once with a clear error instead of filling memory for minutes. Attachments
    /// are not read through here: they are the message's content, with their own rules.
    /// </summary>
    public static class BoundedFile
    {
        /// <summary>Opens <paramref name="path"/> for reading; reading past the limit throws FileTooLarge.</summary>
        /// <remarks>A regular file already larger than the limit fails here, before anything is read.</remarks>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
        /// <exception cref="IOException">Opening failed.</exception>
        /// <exception cref="SmtpToolsException">FileTooLarge.</exception>
        public static Stream OpenRead(string path, FileSizeLimit limit)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (limit == null) throw new ArgumentNullException(nameof(limit));
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
            try
            {
                // Devices and pipes report no length (or throw): only the counting stream can stop those.
                long length = stream.CanSeek ? stream.Length : 0;
                if (length > limit.MaxBytes) throw limit.TooLarge(path, length);
                return new LimitedStream(stream, path, limit);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>The whole file as bytes, at most <see cref="FileSizeLimit.MaxBytes"/> of them.</summary>
        /// <exception cref="SmtpToolsException">FileTooLarge.</exception>
        public static byte[] ReadAllBytes(string path, FileSizeLimit limit)
        {
            using (var stream = OpenRead(path, limit))
            using (var buffer = new MemoryStream())
            {
                stream.CopyTo(buffer);
                return buffer.ToArray();
            }
        }

        /// <summary>The whole file as text (UTF-8 unless a byte-order mark says otherwise).</summary>
        /// <exception cref="SmtpToolsException">FileTooLarge.</exception>
        public static string ReadAllText(string path, FileSizeLimit limit)
        {
            using (var stream = OpenRead(path, limit))
            using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
                return reader.ReadToEnd();
        }

        /// <summary>Passes reads through and throws once more than the limit (or a header section past its limit) has been read.</summary>
        private sealed class LimitedStream : Stream
        {
            private readonly Stream _inner;
            private readonly string _path;
            private readonly FileSizeLimit _limit;
            private long _read;
            // Header scan: done once the empty line is seen; atLineStart/sawCr track "\n\n" and "\n\r\n".
            private bool _headerDone;
            private bool _atLineStart = true;
            private bool _sawCr;

            public LimitedStream(Stream inner, string path, FileSizeLimit limit)
            {
                _inner = inner;
                _path = path;
                _limit = limit;
                _headerDone = limit.MaxHeaderBytes == null;
            }

            public override int Read(byte[] buffer, int offset, int count) =>
                Counted(buffer, offset, _inner.Read(buffer, offset, Room(count)));

            public override async System.Threading.Tasks.Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
                Counted(buffer, offset, await _inner.ReadAsync(buffer, offset, Room(count), cancellationToken).ConfigureAwait(false));

            // One byte more than is allowed is asked for, so a file of exactly the limit passes and one byte more fails.
            private int Room(int count) => (int)Math.Min(count, _limit.MaxBytes - _read + 1);

            private int Counted(byte[] buffer, int offset, int n)
            {
                long before = _read;
                _read += n;
                if (_read > _limit.MaxBytes) throw _limit.TooLarge(_path);
                if (!_headerDone) ScanHeader(buffer, offset, n, before);
                return n;
            }

            private void ScanHeader(byte[] buffer, int offset, int n, long position)
            {
                long max = _limit.MaxHeaderBytes.Value;
                for (int i = 0; i < n; i++)
                {
                    byte b = buffer[offset + i];
                    if (b == (byte)'\n')
                    {
                        if (_atLineStart) { _headerDone = true; return; }
                        _atLineStart = true;
                        _sawCr = false;
                    }
                    else if (b == (byte)'\r' && _atLineStart && !_sawCr) _sawCr = true;
                    else
                    {
                        _atLineStart = false;
                        _sawCr = false;
                    }
                    if (position + i + 1 > max) throw _limit.HeaderTooLarge(_path);
                }
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => _read; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing) _inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
