using System;
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
