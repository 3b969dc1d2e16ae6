using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Tests.Support
{
    /// <summary>
    /// A server answer replayed as a Stream: reads return the given bytes at most <c>pieceSize</c> at a time (so framing
    /// that spans reads is exercised), then end of stream; what the client writes is kept in <see cref="Written"/>.
    /// </summary>
    public sealed class ScriptedHttpStream : Stream
    {
        private readonly byte[] _answer;
        private readonly int _pieceSize;
        private int _position;
        private readonly MemoryStream _written = new MemoryStream();

        public ScriptedHttpStream(string answer, int pieceSize = int.MaxValue) : this(Encoding.Latin1.GetBytes(answer), pieceSize) { }
        public ScriptedHttpStream(byte[] answer, int pieceSize = int.MaxValue) { _answer = answer; _pieceSize = pieceSize; }

        public string Written => Encoding.ASCII.GetString(_written.ToArray());
        /// <summary>How many answer bytes the client read (a limit must stop reading early).</summary>
        public int BytesRead => _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, _pieceSize), _answer.Length - _position);
            Buffer.BlockCopy(_answer, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);
        public override void Flush() { }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
