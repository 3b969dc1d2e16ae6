using MailKit;
using SmtpTools.Core.Diagnostics;

namespace SmtpTools.Core.Smtp
{
    /// <summary>Counts the uploaded bytes; reports progress for messages over 1 MB (large attachments).</summary>
    internal sealed class UploadProgress : ITransferProgress
    {
        private const long Large = 1024 * 1024;
        private readonly IOperationSink _sink;
        private readonly string _what;
        private int _lastPercent = -1;

        public UploadProgress(IOperationSink sink, string messageId)
        {
            _sink = sink;
            _what = "Uploading message " + messageId;
        }

        public long Bytes { get; private set; }

        public void Report(long bytesTransferred, long totalSize)
        {
            Bytes = bytesTransferred;
            if (totalSize < Large) return;
            int percent = (int)(bytesTransferred * 100 / totalSize);
            if (percent == _lastPercent) return;
            _lastPercent = percent;
            _sink.Progress(_what, $"{bytesTransferred / 1024:N0} of {totalSize / 1024:N0} KB", percent);
        }

        public void Report(long bytesTransferred)
        {
            Bytes = bytesTransferred;
            if (bytesTransferred >= Large && bytesTransferred / Large != (bytesTransferred - 65536) / Large)
                _sink.Progress(_what, $"{bytesTransferred / 1024:N0} KB", -1);
        }
    }
}
