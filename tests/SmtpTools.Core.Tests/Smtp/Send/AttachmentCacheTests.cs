using System;
using System.IO;
using System.Linq;
using SmtpTools.Core.Smtp;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp.Send
{
    public sealed class AttachmentCacheTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("attcache-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private string File(string name, int size)
        {
            var path = Path.Combine(_dir, name);
            System.IO.File.WriteAllBytes(path, new byte[size]);
            return path;
        }

        [Fact]
        public void A_shared_file_is_read_once_for_many_messages()
        {
            var cache = new AttachmentCache();
            var path = File("terms.pdf", 4096);
            int reads = 0;
            for (int i = 0; i < 1000; i++)
                Assert.Equal(4096, cache.Get(path, p => { reads++; return System.IO.File.ReadAllBytes(p); }).Length);
            Assert.Equal(1, reads);
            Assert.Equal(999, cache.Hits);
        }

        [Fact]
        public async System.Threading.Tasks.Task Sessions_asking_for_a_file_at_once_read_it_once()
        {
            var cache = new AttachmentCache();
            var path = File("logo.png", 65536);
            int reads = 0;
            using var first = new System.Threading.ManualResetEventSlim();
            using var others = new System.Threading.CountdownEvent(3);
            byte[] Read(string p)
            {
                System.Threading.Interlocked.Increment(ref reads);
                first.Set();
                others.Wait(TimeSpan.FromSeconds(2)); // the other three ask while this read is still going on
                return System.IO.File.ReadAllBytes(p);
            }
            var reader = System.Threading.Tasks.Task.Run(() => cache.Get(path, Read));
            Assert.True(first.Wait(TimeSpan.FromSeconds(10)));
            var waiting = new System.Threading.Tasks.Task<byte[]>[3];
            for (int i = 0; i < waiting.Length; i++)
                waiting[i] = System.Threading.Tasks.Task.Run(() => { others.Signal(); return cache.Get(path, Read); });
            var all = await System.Threading.Tasks.Task.WhenAll(waiting.Append(reader)).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1, reads);
            Assert.Equal(3, cache.Hits);
            Assert.All(all, bytes => Assert.Equal(65536, bytes.Length));
        }

        [Fact]
        public void A_changed_file_is_read_again()
        {
            var cache = new AttachmentCache();
            var path = File("report.csv", 10);
            cache.Get(path, System.IO.File.ReadAllBytes);
            System.IO.File.WriteAllBytes(path, new byte[20]);
            Assert.Equal(20, cache.Get(path, System.IO.File.ReadAllBytes).Length);
            Assert.Equal(2, cache.Reads);
        }

        [Fact]
        public void Per_row_files_pass_through_within_the_byte_budget()
        {
            var cache = new AttachmentCache(capacityBytes: 10_000);
            var shared = File("shared.pdf", 2_000);
            for (int i = 0; i < 50; i++)
            {
                cache.Get(shared, System.IO.File.ReadAllBytes);
                cache.Get(File($"row{i}.pdf", 3_000), System.IO.File.ReadAllBytes);
            }
            // The shared file stayed (used every row); the 50 per-row files were each read once and mostly dropped.
            Assert.Equal(51, cache.Reads);
            Assert.Equal(49, cache.Hits);
            var big = File("big.bin", 20_000);
            cache.Get(big, System.IO.File.ReadAllBytes);
            cache.Get(big, System.IO.File.ReadAllBytes);
            Assert.Equal(53, cache.Reads); // larger than the whole cache: never kept
        }
    }
}
