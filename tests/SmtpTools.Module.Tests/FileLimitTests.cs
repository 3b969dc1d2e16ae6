using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Issue 11 item 8: key files, message files and suffix lists are read with a cap, so a wrong path (a disk image,
    /// an mbox, /dev/zero) fails at once with FileTooLarge instead of after a minute of memory growth.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class FileLimitTests : IClassFixture<PsSession>, IDisposable
    {
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("file-limit-").FullName;

        public FileLimitTests(PsSession session) { _s = session; }

        public void Dispose() => Directory.Delete(_dir, true);

        private (PsResult Result, TimeSpan Elapsed) Timed(string script, Dictionary<string, object> variables = null)
        {
            var vars = variables ?? new Dictionary<string, object>();
            vars["dir"] = _dir;
            vars["dns"] = SpfTestZone.Dns;
            var watch = Stopwatch.StartNew();
            var r = _s.Run(script, vars);
            return (r, watch.Elapsed);
        }

        private string Sparse(string name, long length)
        {
            var path = Path.Combine(_dir, name);
            using (var f = File.Create(path)) f.SetLength(length);
            return path;
        }

        // The wrong files a user may point at: a huge regular file (sparse, so it costs no disk) and an endless device.
        private IEnumerable<string> WrongFiles(string name)
        {
            yield return Sparse(name, 1L << 30);
            if (!OperatingSystem.IsWindows()) yield return "/dev/zero";
        }

        private static void AssertFileTooLarge(PsResult r, TimeSpan elapsed)
        {
            Assert.Empty(r.Output);
            var error = Assert.Single(r.Errors);
            Assert.Contains("FileTooLarge", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
            // The error itself proves the cap (/dev/zero never ends); the bound only catches a read of the whole
            // gigabyte, with room for a loaded CI machine (1 s failed at a load average of 20).
            Assert.True(elapsed < TimeSpan.FromSeconds(15), $"took {elapsed}");
        }

        [Fact]
        public void Test_DkimRecord_KeyPath_fails_fast_on_a_file_that_is_not_a_key()
        {
            Timed("$null = Test-DkimRecord dkim.test -Selector good -Server $dns"); // warm up
            foreach (var path in WrongFiles("disk.img"))
            {
                var (r, elapsed) = Timed("Test-DkimRecord dkim.test -Selector good -KeyPath $p -Server $dns", new Dictionary<string, object> { ["p"] = path });
                AssertFileTooLarge(r, elapsed);
                Assert.Contains("a DKIM private key file is a few kilobytes", r.Errors[0].Exception.Message);
            }
        }

        [Fact]
        public void Send_SmtpMessage_DkimKeyPath_fails_fast_and_writes_nothing()
        {
            var pickup = Directory.CreateDirectory(Path.Combine(_dir, "pickup")).FullName;
            Timed("Send-SmtpMessage -From a@example.test -To b@example.test -Subject s -Body x -PickupDirectory ([IO.Path]::Combine($dir, 'warm'))"); // warm up
            foreach (var path in WrongFiles("key.img"))
            {
                var (r, elapsed) = Timed("Send-SmtpMessage -From a@example.test -To b@example.test -Subject s -Body x -PickupDirectory ([IO.Path]::Combine($dir, 'pickup')) -DkimKeyPath $p -DkimSelector s1",
                    new Dictionary<string, object> { ["p"] = path });
                AssertFileTooLarge(r, elapsed);
                Assert.Empty(Directory.GetFileSystemEntries(pickup));
            }
        }

        [Fact]
        public void Test_DmarcPolicy_MessagePath_fails_fast_per_file_and_the_pipeline_goes_on()
        {
            var good = Path.Combine(_dir, "good.eml");
            File.WriteAllText(good, "From: a@good.dmarc.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nHello.\r\n");
            var headers = new StringBuilder("From: a@good.dmarc.test\r\n");
            while (headers.Length < 2 << 20) headers.Append("Received: from relay.example.test by mx.example.test; Mon, 1 Jan 2024 00:00:00 +0000\r\n");
            var log = Path.Combine(_dir, "mail.log");
            File.WriteAllText(log, headers.ToString());
            var mbox = Sparse("big.mbox", 1L << 30);

            var (r, elapsed) = Timed(@"$files | ForEach-Object { [pscustomobject]@{ FullName = $_ } } | Test-DmarcPolicy -ClientIPAddress 192.0.2.1 -Server $dns 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId.Split(',')[0] + ':' + $_.CategoryInfo.Category } else { [IO.Path]::GetFileName($_.MessagePath) } }",
                new Dictionary<string, object> { ["files"] = new[] { good, mbox, log, good } });
            Assert.Null(r.Terminating);
            Assert.Equal(new[] { "good.eml", "FileTooLarge:LimitsExceeded", "MessageHeaderTooLarge:LimitsExceeded", "good.eml" }, r.Output.Select(o => o.ToString()));
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"took {elapsed}");
        }

        [Fact]
        public void Test_DmarcPolicy_PublicSuffixListPath_fails_fast()
        {
            Timed("$null = Test-DmarcPolicy good.dmarc.test -Specification Rfc7489 -Server $dns"); // warm up
            foreach (var path in WrongFiles("psl.img"))
            {
                var (r, elapsed) = Timed("Test-DmarcPolicy good.dmarc.test -Specification Rfc7489 -PublicSuffixListPath $p -Server $dns", new Dictionary<string, object> { ["p"] = path });
                AssertFileTooLarge(r, elapsed);
            }
        }
    }
}
