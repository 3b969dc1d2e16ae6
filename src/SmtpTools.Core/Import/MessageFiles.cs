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
                var parser = new MimeParser(stream, MimeFormat.Mbox, persistent: stream is FileStream);
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
        /// keep it) is skipped. On a file stream the parts stay on disk (persistent parsing), so a large message is not
        /// copied into memory.
        /// </summary>
        /// <exception cref="SmtpToolsException">The content is not a readable message.</exception>
        public static async Task<MimeMessage> LoadAsync(Stream stream, CancellationToken cancellationToken)
        {
            try
            {
                var parser = new MimeParser(stream, MimeFormat.Entity, persistent: stream is FileStream);
                return await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                throw new SmtpToolsException(ImportErrorIds.MessageNotReadable, FailureKind.InvalidData, "not a readable e-mail message: " + e.Message, e);
            }
        }
    }
}
