using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using SmtpTools.Core.Import;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Base for the cmdlets that read files (Import-DmarcReport, Import-SmtpTlsReport, Import-SmtpBounce): -Path with
    /// wildcards and -LiteralPath (FileInfo objects from Get-ChildItem bind to it by PSPath or FullName), a folder or a
    /// Maildir read file by file, and one non-terminating error per path or file that cannot be read.
    /// </summary>
    public abstract class FileImportCmdlet : AsyncCmdlet
    {
        protected const string PathSet = "Path";
        protected const string LiteralPathSet = "LiteralPath";

        /// <summary>Files or folders; wildcards allowed.</summary>
        [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        /// <summary>Files or folders, taken as written (no wildcards).</summary>
        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>Files handed to <see cref="ImportFile"/> so far.</summary>
        protected int FileCount { get; private set; }

        /// <summary>Starts reading one file (called on the pipeline thread, in input order).</summary>
        protected abstract void ImportFile(string path);

        /// <summary>
        /// A path that matches no file or a folder that cannot be listed: its error is written in its place among the
        /// results of the files before and after it (they may still be being read).
        /// </summary>
        protected virtual void PathFailed(string path, Exception error) =>
            Enqueue(_ => Task.FromException<bool>(error), _ => { }, ex => WriteFileError(path, ex));

        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (var given in (literal ? LiteralPath : Path) ?? Array.Empty<string>())
                foreach (var resolved in Resolve(given, literal))
                {
                    IReadOnlyList<string> files;
                    try { files = InputFiles.Expand(resolved); }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
                    {
                        PathFailed(resolved, ex);
                        continue;
                    }
                    if (InputFiles.IsFolder(resolved))
                    {
                        if (files.Count == 0) WriteWarning($"'{resolved}' holds no files to read (subfolders are not read: pipe Get-ChildItem -Recurse -File instead).");
                        else WriteVerbose($"{resolved}: {files.Count} file(s).");
                    }
                    foreach (var file in files)
                    {
                        FileCount++;
                        ImportFile(file);
                    }
                }
        }

        /// <summary>File-system paths for one -Path/-LiteralPath value; an error record (and nothing) when it matches nothing.</summary>
        private IEnumerable<string> Resolve(string given, bool literal)
        {
            ProviderInfo provider;
            try
            {
                if (literal)
                {
                    string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out provider, out _);
                    if (IsFileSystem(provider, given)) return new[] { path };
                    return Array.Empty<string>();
                }
                var paths = GetResolvedProviderPathFromPSPath(given, out provider);
                if (!IsFileSystem(provider, given)) return Array.Empty<string>();
                if (paths.Count == 0) PathFailed(given, new FileNotFoundException($"'{given}' matches no file.", given));
                return paths;
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException)
            {
                // One stable ErrorId (FileNotFound) whether PowerShell or the file system notices first.
                PathFailed(given, new FileNotFoundException($"The file '{given}' does not exist.", given, ex));
                return Array.Empty<string>();
            }
        }

        private bool IsFileSystem(ProviderInfo provider, string given)
        {
            if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) return true;
            PathFailed(given, new ArgumentException($"'{given}' is a {provider.Name} path, not a file-system path."));
            return false;
        }

        /// <summary>
        /// The error for one file: its ErrorId and category from the one mapper, the path as target and at the start of
        /// the message (a run over a folder otherwise says "the file is not well-formed XML" without saying which).
        /// </summary>
        protected void WriteFileError(string path, Exception error)
        {
            var record = ErrorRecordFactory.FromException(error, path);
            string message = error.Message.Contains(path) ? error.Message : $"{path}: {error.Message}";
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = record.ErrorDetails?.RecommendedAction };
            WriteError(record);
        }
    }
}
