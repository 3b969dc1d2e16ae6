using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Errors;
using SmtpTools.Core.IO;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.IO
{
    /// <summary>Issue 11 item 8: input files are read with a cap and fail fast, never by filling memory.</summary>
    public sealed class BoundedFileTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("bounded-file-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private string File(string name, byte[] content)
        {
            var path = Path.Combine(_dir, name);
            System.IO.File.WriteAllBytes(path, content);
            return path;
        }

        // A file of the given length that occupies no disk (sparse): as large as a user's wrong file, instantly.
        private string Sparse(string name, long length)
        {
            var path = Path.Combine(_dir, name);
            using (var f = System.IO.File.Create(path)) f.SetLength(length);
            return path;
        }

        private static readonly FileSizeLimit Limit = new FileSizeLimit("The test file", 1024, "test files are small");

        [Fact]
        public void A_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused_before_reading()
        {
            Assert.Equal(1024, BoundedFile.ReadAllBytes(File("exact", new byte[1024]), Limit).Length);
            var path = File("over", new byte[1025]);
            var ex = Assert.Throws<SmtpToolsException>(() => BoundedFile.ReadAllBytes(path, Limit));
            Assert.Equal("FileTooLarge", ex.ErrorId);
            Assert.Equal(FailureKind.LimitsExceeded, ex.Kind);
            Assert.Equal($"The test file '{path}' is 1,025 bytes; at most 1 KiB is read; test files are small.", ex.Message);
        }

        [Fact]
        public void An_endless_device_fails_after_the_limit_not_after_memory_runs_out()
        {
            if (OperatingSystem.IsWindows()) return; // no /dev/zero there
            var watch = Stopwatch.StartNew();
            var ex = Assert.Throws<SmtpToolsException>(() => BoundedFile.ReadAllText("/dev/zero", Limit));
            Assert.Equal("FileTooLarge", ex.ErrorId);
            Assert.Contains("goes on past 1 KiB", ex.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
        }

        [Fact]
        public async Task The_limit_holds_for_asynchronous_reads_too()
        {
            if (OperatingSystem.IsWindows()) return; // no /dev/zero there
            using var stream = BoundedFile.OpenRead("/dev/zero", Limit);
            var buffer = new byte[8192];
            int total = 0;
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(async () =>
            {
                int n;
                while ((n = await stream.ReadAsync(buffer, 0, buffer.Length)) > 0) total += n;
            });
            Assert.Equal("FileTooLarge", ex.ErrorId);
            Assert.True(total <= 1024);
        }

        [Fact]
        public void A_missing_file_is_still_FileNotFound() =>
            Assert.Throws<FileNotFoundException>(() => BoundedFile.ReadAllBytes(Path.Combine(_dir, "absent"), Limit));

        [Fact]
        public void A_DKIM_key_file_is_capped()
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519);
            Assert.Equal(key.PublicKeyFingerprint, DkimPrivateKey.Load(File("ok.key", Encoding.ASCII.GetBytes(key.ToPkcs8Pem()))).PublicKeyFingerprint);

            var watch = Stopwatch.StartNew();
            var ex = Assert.Throws<SmtpToolsException>(() => DkimPrivateKey.Load(Sparse("disk.img", 2L << 30)));
            Assert.Equal("FileTooLarge", ex.ErrorId);
            Assert.Contains("The DKIM key file", ex.Message);
            Assert.Contains("is 2 GiB; at most 1 MiB is read", ex.Message);
            if (!OperatingSystem.IsWindows())
                Assert.Equal("FileTooLarge", Assert.Throws<SmtpToolsException>(() => DkimPrivateKey.Load("/dev/zero")).ErrorId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
        }

        [Fact]
        public void A_Public_Suffix_List_file_is_capped()
        {
            Assert.Equal(2, PublicSuffixList.Load(File("psl.dat", Encoding.UTF8.GetBytes("com\nco.uk\n"))).RuleCount);
            var watch = Stopwatch.StartNew();
            Assert.Equal("FileTooLarge", Assert.Throws<SmtpToolsException>(() => PublicSuffixList.Load(Sparse("huge.dat", 100L << 20))).ErrorId);
            if (!OperatingSystem.IsWindows())
                Assert.Equal("FileTooLarge", Assert.Throws<SmtpToolsException>(() => PublicSuffixList.Load("/dev/zero")).ErrorId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
        }

        private static DmarcMessageEvaluator Evaluator() => new DmarcMessageEvaluator(new DmarcPolicyChecker(new InMemoryDnsResolver()));
        private static readonly DmarcMessageContext Context = new DmarcMessageContext { ClientIPAddress = IPAddress.Parse("192.0.2.1") };

        [Fact]
        public async Task A_message_file_larger_than_any_server_accepts_is_refused_before_reading()
        {
            var watch = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => Evaluator().EvaluateFileAsync(Sparse("mbox", 1L << 30), Context, CancellationToken.None));
            Assert.Equal("FileTooLarge", ex.ErrorId);
            Assert.Contains("The message file", ex.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
        }

        [Fact]
        public async Task A_message_whose_header_section_never_ends_is_refused_after_a_mebibyte()
        {
            // 4 MiB of header fields without the empty line: a log file, or an endless stream of header lines.
            var sb = new StringBuilder("From: a@example.com\r\n");
            while (sb.Length < 4 << 20) sb.Append("X-Filler: ").Append('a', 60).Append("\r\n");
            var path = File("headers.eml", Encoding.ASCII.GetBytes(sb.ToString()));
            var watch = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => Evaluator().EvaluateFileAsync(path, Context, CancellationToken.None));
            Assert.Equal("MessageHeaderTooLarge", ex.ErrorId);
            Assert.Equal(FailureKind.LimitsExceeded, ex.Kind);
            Assert.Contains("within the first 1 MiB", ex.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
        }

        [Fact]
        public async Task A_message_with_a_large_body_after_a_normal_header_section_is_read()
        {
            // The header limit stops at the empty line: 3 MiB of body is fine (LF-only line ends as well).
            var sb = new StringBuilder("From: a@example.com\nTo: b@example.org\nSubject: big\n\n");
            while (sb.Length < 3 << 20) sb.Append('b', 76).Append('\n');
            var result = await Evaluator().EvaluateFileAsync(File("body.eml", Encoding.ASCII.GetBytes(sb.ToString())), Context, CancellationToken.None);
            Assert.Equal("example.com", Assert.Single(result.Request.FromDomains));
        }
    }
}
