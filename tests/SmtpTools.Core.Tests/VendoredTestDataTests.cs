using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Xunit;

namespace SmtpTools.Core.Tests
{
    /// <summary>
    /// tests/testdata is a byte-for-byte copy of third-party data (tests/testdata/VENDORED.md): an editor or a Git setting
    /// that turns the signed messages' CRLF into LF, or a hand edit of an expected value, would make the conformance
    /// tests test something else. SHA256SUMS (sha256sum format) pins every file.
    /// </summary>
    public class VendoredTestDataTests
    {
        private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "testdata");
        private static readonly string[] NotData = { "SHA256SUMS", "VENDORED.md" };

        [Fact]
        public void Every_vendored_file_is_listed_and_unchanged()
        {
            var listed = File.ReadAllLines(Path.Combine(Folder, "SHA256SUMS"))
                .Where(line => line.Length > 0)
                .Select(line => (Hash: line.Substring(0, 64), Path: line.Substring(66)))
                .ToList();
            Assert.True(listed.Count > 100, $"SHA256SUMS lists {listed.Count} files");

            var present = Directory.GetFiles(Folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/'))
                .Where(f => !NotData.Contains(f))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            Assert.Equal(listed.Select(l => l.Path).OrderBy(p => p, StringComparer.Ordinal), present);

            var changed = listed
                .Where(l => l.Hash != Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(Folder, l.Path)))).ToLowerInvariant())
                .Select(l => l.Path)
                .ToList();
            Assert.True(changed.Count == 0, "changed since vendoring: " + string.Join(", ", changed));
        }
    }
}
