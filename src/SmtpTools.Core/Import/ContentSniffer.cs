using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Import
{
    /// <summary>What a file or part holds, told from its first bytes (file names and content types lie too often).</summary>
    internal enum ContentKind
    {
        Empty,
        Unknown,
        Gzip,
        Zip,
        Xml,
        Json,
        /// <summary>An e-mail message (RFC 5322 header fields, possibly after an mbox "From " line).</summary>
        Mime,
    }

    internal static class ContentSniffer
    {
        private const int HeadSize = 512;

        /// <summary>
        /// Reads the head of <paramref name="stream"/> and returns its kind and a stream that starts at the beginning again
        /// (the same stream, rewound, when it can seek).
        /// </summary>
        public static async Task<(ContentKind Kind, Stream Stream)> SniffAsync(Stream stream, CancellationToken cancellationToken)
        {
            var head = new byte[HeadSize];
            long start = stream.CanSeek ? stream.Position : 0;
            int n = 0;
            while (n < head.Length)
            {
                int read = await stream.ReadAsync(head, n, head.Length - n, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                n += read;
            }
            var kind = Classify(head, n);
            if (stream.CanSeek)
            {
                stream.Position = start;
                return (kind, stream);
            }
            return (kind, new ReplayStream(head, n, stream));
        }

        internal static ContentKind Classify(byte[] head, int length)
        {
            if (length == 0) return ContentKind.Empty;
            if (length >= 2 && head[0] == 0x1F && head[1] == 0x8B) return ContentKind.Gzip;
            if (length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6))
                return ContentKind.Zip;
            int i = 0;
            if (length >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) i = 3;
            else if (length >= 2 && (head[0] == 0xFE && head[1] == 0xFF || head[0] == 0xFF && head[1] == 0xFE))
                return ContentKind.Xml; // UTF-16 is an XML thing here; the XML reader decodes it (or fails clearly)
            while (i < length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
            if (i == length) return ContentKind.Empty;
            if (head[i] == '<') return ContentKind.Xml;
            if (head[i] == '{' || head[i] == '[') return ContentKind.Json;
            return LooksLikeHeader(head, i, length) ? ContentKind.Mime : ContentKind.Unknown;
        }

        // "From " (mbox separator) or a field name (printable ASCII except ':' and space) followed by ':'.
        private static bool LooksLikeHeader(byte[] head, int i, int length)
        {
            if (length - i >= 5 && head[i] == 'F' && head[i + 1] == 'r' && head[i + 2] == 'o' && head[i + 3] == 'm' && head[i + 4] == ' ')
                return true;
            int start = i;
            while (i < length && head[i] > 32 && head[i] < 127 && head[i] != ':') i++;
            return i > start && i < length && head[i] == ':';
        }
    }
}
