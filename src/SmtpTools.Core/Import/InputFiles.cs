using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SmtpTools.Core.Import
{
    /// <summary>The files an importer reads for one given path: the file itself, or every file of a folder or Maildir.</summary>
    public static class InputFiles
    {
        /// <summary>
        /// A file is itself. A folder gives its files, not its subfolders; a Maildir (a folder with cur/ and new/) gives
        /// the files of cur/ and then of new/ (tmp/ holds messages still being written, and the Maildir's own files —
        /// dovecot-uidlist, maildirfolder … — are not mail). Hidden files (a leading dot, or the Hidden attribute on
        /// Windows) are left out of a folder: they are index and desktop files, not reports. Each folder's files come in
        /// ordinal name order, so an import (and which copy of a report counts as the duplicate) does not depend on the
        /// file system's order.
        /// </summary>
        /// <exception cref="FileNotFoundException">Neither a file nor a folder exists at <paramref name="path"/>.</exception>
        /// <exception cref="UnauthorizedAccessException">A folder cannot be listed.</exception>
        public static IReadOnlyList<string> Expand(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (File.Exists(path)) return new[] { path };
            if (!Directory.Exists(path)) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            string cur = Path.Combine(path, "cur"), fresh = Path.Combine(path, "new");
            if (Directory.Exists(cur) && Directory.Exists(fresh))
                return FilesOf(cur).Concat(FilesOf(fresh)).ToList();
            return FilesOf(path).ToList();
        }

        /// <summary>True when <paramref name="path"/> is a folder (or Maildir) rather than a file.</summary>
        public static bool IsFolder(string path) => !File.Exists(path) && Directory.Exists(path);

        private static IEnumerable<string> FilesOf(string folder) =>
            new DirectoryInfo(folder).EnumerateFiles()
                .Where(f => !f.Name.StartsWith(".", StringComparison.Ordinal) && (f.Attributes & FileAttributes.Hidden) == 0)
                .Select(f => f.FullName)
                .OrderBy(f => f, StringComparer.Ordinal);
    }
}
