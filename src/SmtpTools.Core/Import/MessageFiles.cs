using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Import
{
    /// <summary>Loads one e-mail message from a file stream for the importers.</summary>
    internal static class MessageFiles
    {
        /// <summary>
        /// Messages up to this size are parsed in memory (faster for the usual few-kilobyte report or bounce); larger
        /// ones persistently, their parts left on disk, so memory does not grow with the file.
        /// </summary>
        private const long InMemoryLimit = 16L * 1024 * 1024;

        private static bool Persistent(Stream stream) => stream is FileStream file && file.Length > InMemoryLimit;

        /// <summary>
        /// Every message in the file: an mbox file (it starts with a "From " line) may hold several, any other file one.
        /// </summary>
        /// <exception cref="SmtpToolsException">The content is not a readable message.</exception>
        public static async Task<IReadOnlyList<MimeMessage>> LoadAllAsync(Stream stream, CancellationToken cancellationToken)
        {
            var head = new byte[5];
            long start = stream.Position;
            int n = await stream.ReadAsync(head, 0, 5, cancellationToken).ConfigureAwait(false);
            stream.Position = start;
            if (n < 5 || System.Text.Encoding.ASCII.GetString(head) != "From ") return new[] { await LoadAsync(stream, cancellationToken).ConfigureAwait(false) };
            try
            {
                var parser = new MimeParser(stream, MimeFormat.Mbox, Persistent(stream));
                var messages = new List<MimeMessage>();
                while (!parser.IsEndOfStream)
                    messages.Add(await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false));
                return messages;
            }
            catch (FormatException e)
            {
                throw new SmtpToolsException(ImportErrorIds.MessageNotReadable, FailureKind.InvalidData, "not a readable mbox file: " + e.Message, e);
            }
        }

        /// <summary>
        /// Parses the message on <paramref name="stream"/>. A leading mbox "From " line (messages saved from mbox folders
        /// keep it) is skipped. A large file's parts stay on disk (persistent parsing), so it is not copied into memory.
        /// </summary>
        /// <exception cref="SmtpToolsException">The content is not a readable message.</exception>
        public static async Task<MimeMessage> LoadAsync(Stream stream, CancellationToken cancellationToken)
        {
            try
            {
                var parser = new MimeParser(stream, MimeFormat.Entity, Persistent(stream));
                return await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                throw new SmtpToolsException(ImportErrorIds.MessageNotReadable, FailureKind.InvalidData, "not a readable e-mail message: " + e.Message, e);
            }
        }
    }
}
