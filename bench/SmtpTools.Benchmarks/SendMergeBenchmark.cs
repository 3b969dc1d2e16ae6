using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// send-merge (issue 17, "large merges stay small"): one resumable mail merge of 100,000 rows through Send-SmtpMessage
    /// in a real pwsh 7.6.10 (rows streamed, the same attachment on every message, -ConnectionCount 4, -SkipSentLog with
    /// the log written by Export-Csv) into Postfix's smtp-sink. At 10,000, 50,000 and 100,000 rows: the process's working
    /// set, the managed heap after a full collection, and the bytes the process has read (the attachment once, or once per
    /// message?).
    /// dotnet run -c Release --project bench/SmtpTools.Benchmarks -- send-merge [--server 127.0.0.1:2527] [--rows 100000] [--sessions 4] [--attachment-kb 64]
    /// </summary>
    internal sealed class SendMergeBenchmark : IBenchmark
    {
        public string Name => "send-merge";
        public string Description => "a 100,000-row resumable merge through Send-SmtpMessage in pwsh: memory and bytes read at 10k/50k/100k rows (--rows 100000 --sessions 4 --attachment-kb 64)";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            int rows = Int("rows", 100000), sessions = Int("sessions", 4), attachmentKb = Int("attachment-kb", 64);
            string server = options.TryGetValue("server", out var s) ? s : "127.0.0.1:2527";
            string root = Repository.Root;
            string module = PwshProcess.Module(root, options);
            string pwsh = PwshProcess.Find(root);
            var checkpoints = new[] { rows / 10, rows / 2, rows }.Distinct().Where(c => c > 0).ToArray();
            string work = Directory.CreateTempSubdirectory("send-merge-").FullName;
            Console.WriteLine($"send-merge: {rows} rows, {attachmentKb} KiB attachment each, -ConnectionCount {sessions}, into {server}, {Environment.ProcessorCount} cores, load {SendPwshBenchmark.LoadAverage()}");
            try
            {
                var lines = PwshProcess.RunScript(pwsh, "send-merge.ps1",
                    $"-Module '{module}' -Server '{server}' -Work '{work}' -Rows {rows} -ConnectionCount {sessions} -AttachmentKB {attachmentKb} -Checkpoints {string.Join(",", checkpoints)}",
                    "POINT", "DONE");
                Console.WriteLine($"{"rows",8} {"seconds",8} {"msg/s",7} {"CPU ms/msg",11} {"working set MB",15} {"heap MB",8} {"MB read",8}");
                foreach (var l in lines.Where(l => l[0] == "POINT"))
                {
                    int done = int.Parse(l[1], CultureInfo.InvariantCulture);
                    double D(int i) => SendPwshBenchmark.D(l[i]);
                    double seconds = D(2), cpu = D(3), ws = D(4), heap = D(5), read = D(6) / (1024 * 1024);
                    Console.WriteLine($"{done,8} {seconds,8:0.0} {done / seconds,7:0} {cpu * 1000 / done,11:0.00} {ws,15:0} {heap,8:0.0} {read,8:0.0}");
                }
                var end = lines.Single(l => l[0] == "DONE");
                Console.WriteLine($"log rows: {end[2]} of {end[1]}; attachment bytes if read per message: {(double)rows * attachmentKb / 1024:0} MB; load {SendPwshBenchmark.LoadAverage()}");
            }
            finally { Directory.Delete(work, true); }
            return 0;
        }
    }
}
