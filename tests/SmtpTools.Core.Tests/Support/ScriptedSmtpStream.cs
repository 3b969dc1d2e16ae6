using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Tests.Support
{
    /// <summary>
    /// A recorded SMTP server conversation replayed as a Stream for MailKit's SmtpClient.Connect(Stream …) (the way
    /// MailKit's own tests drive the client): the greeting is readable at once; each complete command line the client
    /// writes is checked against the next step (a prefix, or null for "any line") and releases that step's reply.
    /// After a 354 reply the lines up to the lone "." are message data (<see cref="DataLines"/>), not commands: the "."
    /// line is the next step. When the script runs out, reads return end of stream (the server hung up).
    /// </summary>
    public sealed class ScriptedSmtpStream : Stream
    {
        private readonly Queue<(string Prefix, string Reply)> _steps = new Queue<(string, string)>();
        private readonly MemoryStream _toClient = new MemoryStream();
        private readonly StringBuilder _fromClient = new StringBuilder();
        private long _readPosition;
        private bool _inData;

        public ScriptedSmtpStream(string greeting) { Enqueue(greeting); }

        /// <summary>Lines the client wrote, in order.</summary>
        public List<string> ClientLines { get; } = new List<string>();
        /// <summary>Message data lines the client wrote after a 354 reply (dot-stuffed, as on the wire).</summary>
        public List<string> DataLines { get; } = new List<string>();
        /// <summary>Client lines that did not match the script (should stay empty).</summary>
        public List<string> Unexpected { get; } = new List<string>();

        /// <summary>When the client sends a line starting with <paramref name="commandPrefix"/> (null: any), answer <paramref name="reply"/> (CRLFs added).</summary>
        public ScriptedSmtpStream Then(string commandPrefix, params string[] replyLines)
        {
            _steps.Enqueue((commandPrefix, string.Join("\r\n", replyLines) + "\r\n"));
            return this;
        }

        private void Enqueue(string text)
        {
            var bytes = Encoding.ASCII.GetBytes(text.EndsWith("\r\n", StringComparison.Ordinal) ? text : text + "\r\n");
            var position = _toClient.Position;
            _toClient.Seek(0, SeekOrigin.End);
            _toClient.Write(bytes, 0, bytes.Length);
            _toClient.Position = position;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            _toClient.Position = _readPosition;
            int n = _toClient.Read(buffer, offset, count);
            _readPosition = _toClient.Position;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override void Write(byte[] buffer, int offset, int count)
        {
            _fromClient.Append(Encoding.UTF8.GetString(buffer, offset, count));
            int newline;
            while ((newline = _fromClient.ToString().IndexOf("\r\n", StringComparison.Ordinal)) >= 0)
            {
                var line = _fromClient.ToString(0, newline);
                _fromClient.Remove(0, newline + 2);
                if (_inData && line != ".") { DataLines.Add(line); continue; }
                _inData = false;
                ClientLines.Add(line);
                if (_steps.Count == 0) { Unexpected.Add(line); continue; }
                var step = _steps.Dequeue();
                if (step.Prefix != null && !line.StartsWith(step.Prefix, StringComparison.OrdinalIgnoreCase)) Unexpected.Add(line);
                _inData = step.Reply.StartsWith("354", StringComparison.Ordinal);
                _toClient.Position = _toClient.Length;
                Enqueue(step.Reply);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
