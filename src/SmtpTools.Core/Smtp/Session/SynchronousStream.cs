using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// A stream whose asynchronous calls run synchronously on the calling thread (see <see cref="SmtpConnector.BlockingTcp"/>):
    /// MailKit's and SslStream's asynchronous set-up calls then never turn the socket non-blocking. A token cancelled during
    /// a call closes the stream under it, which is how every blocked call of a session is interrupted.
    /// </summary>
    internal sealed class SynchronousStream : Stream
    {
        private readonly Stream _inner;

        public SynchronousStream(Stream inner)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        }

        public override bool CanRead => _inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => _inner.CanWrite;
        public override bool CanTimeout => _inner.CanTimeout;
        public override int ReadTimeout { get => _inner.ReadTimeout; set => _inner.ReadTimeout = value; }
        public override int WriteTimeout { get => _inner.WriteTimeout; set => _inner.WriteTimeout = value; }
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
        public override void Flush() => _inner.Flush();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Synchronously(() => _inner.Read(buffer, offset, count), cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Write(buffer, offset, count, cancellationToken);

        private Task<int> Write(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Synchronously(() => { _inner.Write(buffer, offset, count); return 0; }, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            Synchronously(() => { _inner.Flush(); return 0; }, cancellationToken);

        // Stream's own Begin/End run the synchronous call on a pool thread: SslStream on .NET Framework uses them.
        public override IAsyncResult BeginRead(byte[] buffer, int offset, int count, AsyncCallback callback, object state) =>
            ToApm(ReadAsync(buffer, offset, count, CancellationToken.None), callback, state);

        public override int EndRead(IAsyncResult asyncResult) => ((Task<int>)asyncResult).GetAwaiter().GetResult();

        public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback callback, object state) =>
            ToApm(Write(buffer, offset, count, CancellationToken.None), callback, state);

        public override void EndWrite(IAsyncResult asyncResult) => ((Task)asyncResult).GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }

        private Task<T> Synchronously<T>(Func<T> call, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
            try
            {
                T result;
                using (cancellationToken.Register(() => _inner.Dispose()))
                    result = call();
                // Closing the socket under a blocked read may end it with 0 bytes (end of stream) instead of an exception:
                // after a cancellation that is not the server's end of stream, and the stream is gone either way.
                if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
                return Task.FromResult(result);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<T>(cancellationToken);
            }
            catch (Exception ex)
            {
                return Task.FromException<T>(ex);
            }
        }

        private static IAsyncResult ToApm<T>(Task<T> task, AsyncCallback callback, object state)
        {
            // The call has run already: hand back a task carrying the caller's state, and call back at once.
            var source = new TaskCompletionSource<T>(state);
            if (task.IsFaulted) source.SetException(task.Exception.InnerExceptions);
            else if (task.IsCanceled) source.SetCanceled();
            else source.SetResult(task.Result);
            callback?.Invoke(source.Task);
            return source.Task;
        }
    }
}
