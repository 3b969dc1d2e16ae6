using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Bounces;
using SmtpTools.Core.Reports;
using SmtpTools.Tests.Shared;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// report-import: Import-DmarcReport and Import-SmtpBounce, their Core engines in this process and the cmdlets in a
    /// real pwsh 7.6.10 (one process per run, report-import.ps1). (1) N generated aggregate report files (default 10,000)
    /// in a mix of xml, xml.gz, zip and e-mail with a zip attachment, with realistic sizes (most reports a few rows, some
    /// hundreds); (2) one large report (default 1 GB) streamed; (3) the bounce corpus read repeatedly. Inputs are
    /// generated into a temporary folder and deleted afterwards. Memory: the managed heap is sampled while rows arrive,
    /// and the process's peak working set is read after each run.
    /// </summary>
    internal sealed class ReportImportBenchmark : IBenchmark
    {
        public string Name => "report-import";
        public string Description => "report and bounce import throughput (--files 10000 --large-mb 1024 --bounce-rounds 20 --parts files,large,bounces --via engines,cmdlets --keep --inputs <kept folder> --compare <other build psd1>)";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int files = options.TryGetValue("files", out var f) ? int.Parse(f, CultureInfo.InvariantCulture) : 10_000;
            int largeMb = options.TryGetValue("large-mb", out var l) ? int.Parse(l, CultureInfo.InvariantCulture) : 1024;
            int rounds = options.TryGetValue("bounce-rounds", out var r) ? int.Parse(r, CultureInfo.InvariantCulture) : 20;
            var parts = (options.TryGetValue("parts", out var p) ? p : "files,large,bounces").Split(',');
            var via = (options.TryGetValue("via", out var v) ? v : "engines,cmdlets").Split(',');
            bool engines = via.Contains("engines");
            // --compare <psd1>: another build of the module (e.g. main's) measured right after this one, on the same inputs.
            string compare = options.TryGetValue("compare", out var c) ? c : null;
            if (compare != null && !File.Exists(compare)) throw new InvalidOperationException($"{compare} not found");
            var cmdlets = via.Contains("cmdlets") ? new CmdletRunner(compare) : null;
            // --inputs <folder>: the inputs of an earlier run kept with --keep, read again instead of generated.
            bool reuse = options.TryGetValue("inputs", out var kept);
            string folder = reuse ? kept : Path.Combine(Path.GetTempPath(), "smtptools-bench-reports-" + Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(folder);
            Console.WriteLine($"report-import: {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}, inputs in {folder}");
            var rows = new List<string[]>();
            try
            {
                if (parts.Contains("files")) rows.AddRange(ManyFiles(folder, files, engines, cmdlets));
                if (parts.Contains("large")) rows.AddRange(LargeReport(folder, largeMb, engines, cmdlets));
                if (parts.Contains("bounces")) rows.AddRange(Bounces(folder, rounds, engines, cmdlets));
            }
            finally
            {
                // --keep: the inputs stay for profiling a single run (dotnet-trace on report-import.ps1).
                if (options.ContainsKey("keep") || reuse) Console.WriteLine($"inputs kept in {folder}");
                else Directory.Delete(folder, recursive: true);
            }
            PrintTable(new[] { "run", "inputs", "rows / bounces", "seconds", "inputs/s", "rows/s", "CPU s", "inputs per CPU-s", "rows per CPU-s", "heap peak MB", "working set peak MB" }, rows);
            // The machine is shared: wall-clock rates fall when other work runs, rates per CPU-second much less.
            if (File.Exists("/proc/loadavg")) Console.WriteLine("load average (1, 5, 15 min): " + File.ReadAllText("/proc/loadavg").Trim());
            return 0;
        }

        private static IEnumerable<string[]> ManyFiles(string root, int count, bool engines, CmdletRunner cmdlets)
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, "files")).FullName;
            var random = new Random(2026);
            var paths = Directory.GetFiles(folder).OrderBy(p => p, StringComparer.Ordinal).ToList();
            long bytes = 0;
            var generate = Stopwatch.StartNew();
            if (paths.Count > 0) count = 0; // kept inputs
            for (int i = 0; i < count; i++)
            {
                // Sizes as mailboxes see them: mostly small reporters, some busy ones.
                int roll = random.Next(100);
                int records = roll < 70 ? 1 + random.Next(10) : roll < 95 ? 10 + random.Next(90) : 100 + random.Next(900);
                var packaging = (GeneratedReports.Packaging)(i % 4);
                string path = GeneratedReports.WriteFile(folder, i, packaging, records);
                bytes += new FileInfo(path).Length;
                paths.Add(path);
            }
            if (count == 0) count = paths.Count;
            else Console.WriteLine($"generated {count:N0} files ({bytes / 1048576.0:F0} MB on disk) in {generate.Elapsed.TotalSeconds:F1} s");
            if (engines)
            {
                Measure(paths.Take(200).ToList(), 1); // warm-up: JIT
                yield return Measure(paths, 1);
                yield return Measure(paths, Environment.ProcessorCount);
            }
            if (cmdlets != null)
            {
                string warmUp = Path.Combine(root, "files-warm-up");
                bool warmUpKept = Directory.Exists(warmUp);
                Directory.CreateDirectory(warmUp);
                for (int i = 0; i < (warmUpKept ? 0 : 200); i++) GeneratedReports.WriteFile(warmUp, count + i, (GeneratedReports.Packaging)(i % 4), 1 + random.Next(50));
                foreach (var measured in cmdlets.Run($"Import-DmarcReport, {count:N0} files | ForEach-Object", "Import-DmarcReport", folder, warmUp)) yield return measured;
                foreach (var measured in cmdlets.Run($"Import-DmarcReport, {count:N0} files | Export-Csv", "Import-DmarcReport", folder, warmUp, exportCsv: true)) yield return measured;
            }
        }

        private static string[] Measure(List<string> paths, int workers)
        {
            GC.Collect();
            var receiver = new CountingReceiver();
            var cpu = Cpu();
            var sw = Stopwatch.StartNew();
            int next = -1;
            var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                // One importer per worker, as one cmdlet invocation has one.
                var importer = new ReportImporter();
                int i;
                while ((i = Interlocked.Increment(ref next)) < paths.Count)
                    await importer.ImportFileAsync(paths[i], receiver, CancellationToken.None).ConfigureAwait(false);
            })).ToArray();
            Task.WaitAll(tasks);
            sw.Stop();
            return Row($"{paths.Count:N0} files (xml/gz/zip/eml), {workers} worker(s)", paths.Count, receiver.Rows, sw.Elapsed, Cpu() - cpu, receiver.HeapPeak);
        }

        private static IEnumerable<string[]> LargeReport(string folder, int megabytes, bool engines, CmdletRunner cmdlets)
        {
            string path = Path.Combine(folder, "large.xml");
            // About 823 bytes per generated record.
            int records = (int)(megabytes * 1048576L / 823);
            var generate = Stopwatch.StartNew();
            using (var file = File.Create(path)) GeneratedReports.WriteXml(file, records, 99);
            long size = new FileInfo(path).Length;
            Console.WriteLine($"generated one report of {size / 1048576.0:F0} MB ({records:N0} records) in {generate.Elapsed.TotalSeconds:F1} s");
            string warmUp = Path.Combine(folder, "warm-up.xml");
            using (var file = File.Create(warmUp)) GeneratedReports.WriteXml(file, 20_000, 98);
            if (engines)
            {
                new ReportImporter().ImportFileAsync(warmUp, new CountingReceiver(), CancellationToken.None).GetAwaiter().GetResult();
                GC.Collect();
                var receiver = new CountingReceiver();
                var cpu = Cpu();
                var sw = Stopwatch.StartNew();
                new ReportImporter().ImportFileAsync(path, receiver, CancellationToken.None).GetAwaiter().GetResult();
                sw.Stop();
                yield return Row($"one report of {size / 1048576.0:F0} MB", 1, receiver.Rows, sw.Elapsed, Cpu() - cpu, receiver.HeapPeak);
            }
            if (cmdlets != null)
                foreach (var measured in cmdlets.Run($"Import-DmarcReport, one report of {size / 1048576.0:F0} MB | ForEach-Object", "Import-DmarcReport", path, warmUp)) yield return measured;
        }

        private static IEnumerable<string[]> Bounces(string root, int rounds, bool engines, CmdletRunner cmdlets)
        {
            string corpus = Path.Combine(Repository.Root, "tests", "testdata", "bounces", "files");
            var mails = Directory.GetFiles(corpus, "*.eml");
            if (cmdlets != null)
            {
                // The corpus copied round by round into one folder: what a bounce mailbox of that size is.
                string folder = Path.Combine(root, "bounces");
                bool kept = Directory.Exists(folder);
                Directory.CreateDirectory(folder);
                for (int round = 0; round < (kept ? 0 : rounds); round++)
                    foreach (var mail in mails) File.Copy(mail, Path.Combine(folder, $"{round:D3}-{Path.GetFileName(mail)}"));
                // Kept inputs: the rounds they were made with.
                if (kept) rounds = Directory.GetFiles(folder).Length / mails.Length;
                foreach (var measured in cmdlets.Run($"Import-SmtpBounce, corpus ({mails.Length} real mails) x {rounds} | ForEach-Object", "Import-SmtpBounce", folder, corpus)) yield return measured;
            }
            if (!engines) yield break;
            var all = Enumerable.Range(0, rounds).SelectMany(_ => mails).ToList();
            var warmUp = new BounceImporter(new BounceImportOptions { IncludeNonBounce = true });
            foreach (var mail in mails) warmUp.ImportFileAsync(mail, CancellationToken.None).GetAwaiter().GetResult();
            foreach (int workers in new[] { 1, Environment.ProcessorCount })
            {
                GC.Collect();
                long found = 0;
                int next = -1;
                var cpu = Cpu();
                var sw = Stopwatch.StartNew();
                var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
                {
                    var importer = new BounceImporter(new BounceImportOptions { IncludeNonBounce = true });
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < all.Count)
                        Interlocked.Add(ref found, (await importer.ImportFileAsync(all[i], CancellationToken.None).ConfigureAwait(false)).Count);
                })).ToArray();
                Task.WaitAll(tasks);
                sw.Stop();
                yield return Row($"bounce corpus ({mails.Length} real mails) x {rounds}, {workers} worker(s)", all.Count, found, sw.Elapsed, Cpu() - cpu, GC.GetTotalMemory(false));
            }
        }

        /// <summary>Runs one cmdlet over a path in a new pwsh process (report-import.ps1) and makes a table row of its RESULT line.</summary>
        private sealed class CmdletRunner
        {
            private readonly string _pwsh = PwshProcess.Find(Repository.Root);
            private readonly string _module = Path.Combine(Repository.Root, "out", "SmtpTools", "SmtpTools.psd1");
            private readonly string _compare;

            public CmdletRunner(string compare) { _compare = compare; }

            /// <summary>This build's row, then the --compare build's.</summary>
            public IEnumerable<string[]> Run(string name, string command, string path, string warmUp, bool exportCsv = false)
            {
                if (!File.Exists(_module)) throw new InvalidOperationException($"build the module first: {_module} is missing");
                yield return Run(_module, name, command, path, warmUp, exportCsv);
                if (_compare != null) yield return Run(_compare, name + " (--compare)", command, path, warmUp, exportCsv);
            }

            private string[] Run(string module, string name, string command, string path, string warmUp, bool exportCsv)
            {
                string script = Path.Combine(AppContext.BaseDirectory, "report-import.ps1");
                var psi = new ProcessStartInfo(_pwsh, new[]
                {
                    "-NoLogo", "-NoProfile", "-NonInteractive", "-File", script, "-Module", module, "-Name", name, "-Command", command,
                    "-Path", path, "-WarmUp", warmUp,
                }) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                if (exportCsv) psi.ArgumentList.Add("-ExportCsv");
                psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
                psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
                using var p = Process.Start(psi);
                var error = p.StandardError.ReadToEndAsync();
                string result = null, line;
                while ((line = p.StandardOutput.ReadLine()) != null)
                    if (line.StartsWith("RESULT\t", StringComparison.Ordinal)) result = line;
                p.WaitForExit();
                if (p.ExitCode != 0 || result == null) throw new InvalidOperationException($"pwsh run '{name}' failed: {error.Result}");
                var f = result.Split('\t');
                double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
                long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
                if (L(8) > 0) Console.WriteLine($"{name}: {L(8)} file(s) gave an error");
                Console.WriteLine($"{name}: {L(3):N0} objects in {D(4):F1} s");
                return Row(f[1], L(2), L(3), TimeSpan.FromSeconds(D(4)), TimeSpan.FromSeconds(D(5)), L(6), L(7));
            }
        }

        private static TimeSpan Cpu()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }

        private static string[] Row(string name, long inputs, long rows, TimeSpan elapsed, TimeSpan cpu, long heapPeak, long workingSetPeak = -1)
        {
            double s = elapsed.TotalSeconds, c = cpu.TotalSeconds;
            return new[]
            {
                name, inputs.ToString("N0", CultureInfo.InvariantCulture), rows.ToString("N0", CultureInfo.InvariantCulture), s.ToString("F1", CultureInfo.InvariantCulture),
                (inputs / s).ToString("N0", CultureInfo.InvariantCulture), (rows / s).ToString("N0", CultureInfo.InvariantCulture),
                c.ToString("F1", CultureInfo.InvariantCulture), (inputs / c).ToString("N0", CultureInfo.InvariantCulture), (rows / c).ToString("N0", CultureInfo.InvariantCulture),
                (heapPeak / 1048576.0).ToString("F0", CultureInfo.InvariantCulture),
                ((workingSetPeak >= 0 ? workingSetPeak : Process.GetCurrentProcess().PeakWorkingSet64) / 1048576.0).ToString("F0", CultureInfo.InvariantCulture),
            };
        }

        private static void PrintTable(string[] header, List<string[]> rows)
        {
            Console.WriteLine();
            Console.WriteLine("| " + string.Join(" | ", header) + " |");
            Console.WriteLine("|" + string.Join("|", header.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
            foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
        }

        /// <summary>Counts rows (thread-safe) and samples the managed heap every 20,000 rows.</summary>
        private sealed class CountingReceiver : IReportReceiver
        {
            private long _rows;
            private long _heapPeak;
            public long Rows => Interlocked.Read(ref _rows);
            public long HeapPeak => Interlocked.Read(ref _heapPeak);

            public Task AggregateRowAsync(SmtpTools.DmarcReportRow row, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref _rows) % 20_000 == 0)
                {
                    long heap = GC.GetTotalMemory(false);
                    long seen;
                    while (heap > (seen = Interlocked.Read(ref _heapPeak)) && Interlocked.CompareExchange(ref _heapPeak, heap, seen) != seen) { }
                }
                return Task.CompletedTask;
            }

            public Task AggregateReportAsync(SmtpTools.DmarcAggregateReport report, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task FailureReportAsync(SmtpTools.DmarcFailureReport report, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task SmtpTlsReportAsync(SmtpTools.SmtpTlsReport report, CancellationToken cancellationToken) => Task.CompletedTask;
        }
    }
}
