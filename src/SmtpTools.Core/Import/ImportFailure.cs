using System;

namespace SmtpTools.Core.Import
{
    /// <summary>
    /// A file an import could not read (or read only in part): where, and why — a <see cref="Errors.SmtpToolsException"/>
    /// with its ErrorId for bad content, an IO exception for a file that cannot be opened. Handed on in its place among
    /// the results, so the caller reports it and goes on with the next file.
    /// </summary>
    public sealed class ImportFailure
    {
        public ImportFailure(string path, Exception error)
        {
            Path = path;
            Error = error ?? throw new ArgumentNullException(nameof(error));
        }

        public string Path { get; }
        public Exception Error { get; }

        public override string ToString() => $"{Path}: {Error.Message}";
    }
}
