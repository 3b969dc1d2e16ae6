namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// How many bytes the files of one message (attachments, inline images, or a -MessagePath file) may add up to,
    /// and whether that number is the server's EHLO SIZE limit or SmtpTools' own cap.
    /// </summary>
    public readonly struct MessageSizeLimit
    {
        public MessageSizeLimit(long bytes, bool fromServer) { Bytes = bytes; FromServer = fromServer; }
        public long Bytes { get; }
        public bool FromServer { get; }

        /// <summary>The cap when the server announces no SIZE (and for a pickup directory): 100 MB, far above what mail servers take.</summary>
        public static MessageSizeLimit Default => new MessageSizeLimit(100L * 1024 * 1024, false);

        /// <summary>The server's SIZE when it announced one, else <see cref="Default"/>.</summary>
        public static MessageSizeLimit ForServer(long serverMaxSize) => serverMaxSize > 0 ? new MessageSizeLimit(serverMaxSize, true) : Default;
    }
}
