using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Import-DmarcReport on reports too large to hold: rows are written while the report is parsed, memory stays flat,
    /// and Ctrl+C stops the import promptly and lets go of the file. The report comes through a named pipe (FIFO) fed by
    /// a writer thread, so it can be endless without a byte on disk.
    /// </summary>
    public sealed class ImportStreamingTests : ImportTestBase, IClassFixture<PsSession>
    {
        private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(10);

        public ImportStreamingTests(PsSession session) : base(session, "import-stream-") { }

        [Fact]
        public async Task CtrlCStopsAnEndlessReportPromptlyAndLetsGoOfTheFile()
        {
            using var report = new ReportPipe(_dir, records: long.MaxValue);
            var (inTime, state, _) = _s.RunAndStop("Import-DmarcReport -LiteralPath $p | Out-Null",
                () => report.BytesWritten > 4 << 20, StopWithin, new Dictionary<string, object> { ["p"] = report.Path });
            Assert.True(inTime, "the pipeline did not stop within " + StopWithin);
            Assert.Equal(PSInvocationState.Stopped, state);
            // The import itself stopped, not just the pipeline: it closed the file, so the writer's next write fails.
            Assert.True(await Task.WhenAny(report.Finished, Task.Delay(StopWithin)) == report.Finished, "the importer still reads the report after the stop");
            Assert.IsAssignableFrom<IOException>(report.Finished.Exception?.InnerException);
            Assert.Equal("Reject", _s.Run("Test-DmarcPolicy -Record 'v=DMARC1; p=reject'").Single().Properties["Policy"].Value.ToString());
        }

        [Fact]
        public async Task ALargeReportStreamsInFlatMemory()
        {
            // About 150 MB of report: held as objects it would take well over 150 MB of heap.
            const int Records = 180_000;
            using var report = new ReportPipe(_dir, Records);
            var r = _s.Run(@"
                $before = [GC]::GetTotalMemory($true); $peak = $before; $n = 0
                Import-DmarcReport -LiteralPath $p | ForEach-Object {
                    $n++
                    if ($n % 30000 -eq 0) { $now = [GC]::GetTotalMemory($true); if ($now -gt $peak) { $peak = $now } }
                }
                [pscustomobject]@{ Rows = $n; Growth = $peak - $before }", new Dictionary<string, object> { ["p"] = report.Path }).ThrowOnError();
            Assert.True(await Task.WhenAny(report.Finished, Task.Delay(TimeSpan.FromSeconds(30))) == report.Finished);
            Assert.True(report.BytesWritten > 140_000_000, report.BytesWritten.ToString());
            var result = r.Single();
            Assert.Equal(Records, (int)result.Properties["Rows"].Value);
            long growth = (long)result.Properties["Growth"].Value;
            Assert.True(growth < 48L << 20, $"the heap grew by {growth / 1048576} MB while {report.BytesWritten / 1048576} MB of report went through");
        }

        /// <summary>
        /// A report written by a background thread into a FIFO (on Windows: into a file first): the report's head, then
        /// generated records until <c>records</c> are written or the reader goes away.
        /// </summary>
        private sealed class CountingStream : Stream
        {
            private readonly Stream _inner;
            private readonly Action<int> _count;
            public CountingStream(Stream inner, Action<int> count) { _inner = inner; _count = count; }
            public override void Write(byte[] buffer, int offset, int count) { _inner.Write(buffer, offset, count); _count(count); }
            public override void Flush() => _inner.Flush();
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }

        private sealed class ReportPipe : IDisposable
        {
            private long _written;
            private volatile bool _stop;

            public ReportPipe(string folder, long records)
            {
                Path = System.IO.Path.Combine(folder, "report-" + Guid.NewGuid().ToString("n") + ".xml");
                if (OperatingSystem.IsWindows())
                {
                    using (var file = File.Create(Path)) Write(file, Math.Min(records, 400_000));
                    Finished = Task.CompletedTask;
                    return;
                }
                using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", "-m 600 \"" + Path + "\"") { UseShellExecute = false }))
                {
                    mkfifo.WaitForExit();
                    if (mkfifo.ExitCode != 0) throw new InvalidOperationException("mkfifo failed");
                }
                Finished = Task.Factory.StartNew(() =>
                {
                    // Opening for writing waits for the reader.
                    using var pipe = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
                    Write(pipe, records);
                }, TaskCreationOptions.LongRunning);
            }

            public string Path { get; }
            public Task Finished { get; }
            public long BytesWritten => Interlocked.Read(ref _written);

            private void Write(Stream output, long records)
            {
                var counted = new CountingStream(output, n => Interlocked.Add(ref _written, n));
                using var w = new StreamWriter(counted, new UTF8Encoding(false), 65536, leaveOpen: true);
                w.Write("<?xml version=\"1.0\"?><feedback><report_metadata><org_name>big.example</org_name><email>r@big.example</email>" +
                    "<report_id>big-1</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata>" +
                    "<policy_published><domain>example.com</domain><p>quarantine</p></policy_published>\n");
                var random = new Random(9990);
                // Realistic records (about 820 bytes: two DKIM results, one SPF result), written in 64 KB blocks.
                for (long i = 0; i < records && !_stop; i++) GeneratedReports.WriteRecord(w, random);
                w.Write("</feedback>\n");
            }

            public void Dispose()
            {
                _stop = true;
                // A writer still waiting for a reader (the test failed before reading) is released by opening the FIFO once.
                if (!Finished.IsCompleted && !OperatingSystem.IsWindows())
                    try { using (new FileStream(Path, FileMode.Open, FileAccess.Read)) { } } catch (IOException) { }
                try { Finished.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
            }
        }
    }
}
