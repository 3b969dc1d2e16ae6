using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Import
{
    /// <summary>
    /// How many decompressed bytes one input file may still produce. Shared by every gzip/zip layer of the file, so a
    /// bomb nested in archives stops as soon as the total passes the cap, before it is written anywhere.
    /// </summary>
    internal sealed class DecompressionBudget
    {
        private readonly long _limit;
        private long _used;

        public DecompressionBudget(long limit) { _limit = limit; }

        public long Limit => _limit;

        public void Spend(long bytes, string what)
        {
            _used += bytes;
            if (_used > _limit)
                throw new SmtpToolsException(ErrorIds.InputTooLarge, FailureKind.LimitsExceeded,
                    $"{what} expands to more than {_limit:N0} bytes (MaxUncompressedSize); a compression bomb or a report larger than allowed. Raise -MaxUncompressedSize if the report is genuine.");
        }
    }

    /// <summary>What the importers' forward-only, read-only stream wrappers share.</summary>
    internal abstract class ForwardOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A read-only view of a decompressing stream that charges every byte read to a <see cref="DecompressionBudget"/>.</summary>
    internal sealed class BudgetedStream : ForwardOnlyStream
    {
        private readonly Stream _inner;
        private readonly DecompressionBudget _budget;
        private readonly string _what;

        public BudgetedStream(Stream inner, DecompressionBudget budget, string what)
        {
            _inner = inner;
            _budget = budget;
            _what = what;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = _inner.Read(buffer, offset, count);
            _budget.Spend(n, _what);
            return n;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int n = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            _budget.Spend(n, _what);
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }

    }

    /// <summary>
    /// A stream whose first bytes were already read to sniff the content: replays them, then continues with the rest, so
    /// sniffing works on streams that cannot seek (decompressed data, decoded attachments).
    /// </summary>
    internal sealed class ReplayStream : ForwardOnlyStream
    {
        private readonly byte[] _head;
        private readonly int _headLength;
        private int _headPosition;
        private readonly Stream _rest;

        public ReplayStream(byte[] head, int headLength, Stream rest)
        {
            _head = head;
            _headLength = headLength;
            _rest = rest;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_headPosition < _headLength) return FromHead(buffer, offset, count);
            return _rest.Read(buffer, offset, count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (_headPosition < _headLength) return Task.FromResult(FromHead(buffer, offset, count));
            return _rest.ReadAsync(buffer, offset, count, cancellationToken);
        }

        private int FromHead(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, _headLength - _headPosition);
            Buffer.BlockCopy(_head, _headPosition, buffer, offset, n);
            _headPosition += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _rest.Dispose();
            base.Dispose(disposing);
        }

    }
}
