using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Import
{
    /// <summary>Loads e-mail messages (one, or all of an mbox file) from a file for the importers.</summary>
    internal static class MessageFiles
    {
        /// <summary>
        /// Messages up to this size are parsed in memory (faster for the usual few-kilobyte report or bounce); larger
        /// ones persistently, their parts left on disk, so memory does not grow with the file.
        /// </summary>
        private const long InMemoryLimit = 16L * 1024 * 1024;

        /// <summary>
        /// Every message in the file: an mbox file (it starts with a "From " line) may hold several, any other file one.
        /// </summary>
        /// <exception cref="SmtpToolsException">The content is not a readable message.</exception>
        public static async Task<IReadOnlyList<MimeMessage>> LoadAllAsync(Stream stream, CancellationToken cancellationToken)
        {
            stream = await InMemoryIfSmallAsync(stream, cancellationToken).ConfigureAwait(false);
            var head = new byte[5];
            long start = stream.Position;
            int n = await stream.ReadAsync(head, 0, 5, cancellationToken).ConfigureAwait(false);
            stream.Position = start;
            bool mbox = n == 5 && System.Text.Encoding.ASCII.GetString(head) == "From ";
            try
            {
                var parser = new MimeParser(stream, mbox ? MimeFormat.Mbox : MimeFormat.Entity, persistent: stream is FileStream);
                var messages = new List<MimeMessage>();
                do messages.Add(await ParseAsync(parser, stream, cancellationToken).ConfigureAwait(false));
                while (mbox && !parser.IsEndOfStream);
                return messages;
            }
            catch (FormatException e)
            {
                throw new SmtpToolsException(ErrorIds.MessageNotReadable, FailureKind.InvalidData, "not a readable e-mail message: " + e.Message, e);
            }
        }

        /// <summary>
        /// Parses the message on <paramref name="stream"/>. A leading mbox "From " line (messages saved from mbox folders
        /// keep it) is skipped. A large file's parts stay on disk (persistent parsing), so it is not copied into memory.
        /// </summary>
        /// <exception cref="SmtpToolsException">The content is not a readable message.</exception>
        public static async Task<MimeMessage> LoadAsync(Stream stream, CancellationToken cancellationToken)
        {
            stream = await InMemoryIfSmallAsync(stream, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ParseAsync(new MimeParser(stream, MimeFormat.Entity, persistent: stream is FileStream), stream, cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                throw new SmtpToolsException(ErrorIds.MessageNotReadable, FailureKind.InvalidData, "not a readable e-mail message: " + e.Message, e);
            }
        }

        /// <summary>
        /// A file up to <see cref="InMemoryLimit"/> is read into memory asynchronously, so parsing it is pure computation;
        /// a larger one stays a file stream, parsed persistently.
        /// </summary>
        private static async Task<Stream> InMemoryIfSmallAsync(Stream stream, CancellationToken cancellationToken)
        {
            if (!(stream is FileStream file) || file.Length - file.Position > InMemoryLimit) return stream;
            var buffer = new MemoryStream((int)(file.Length - file.Position));
            await file.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            return buffer;
        }

        // In memory, the synchronous parser does the same work without an await per buffer.
        private static Task<MimeMessage> ParseAsync(MimeParser parser, Stream stream, CancellationToken cancellationToken) =>
            stream is MemoryStream ? Task.FromResult(parser.ParseMessage(cancellationToken)) : parser.ParseMessageAsync(cancellationToken);
    }
}
