using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// send-pwsh (issue 17): Send-SmtpMessage in a real pwsh 7.6.10 pipeline (rows → cmdlet → -PassThru results) into
    /// Postfix's smtp-sink, side by side in the same rounds with Postfix's smtp-source (C) with one session and with 20,
    /// messages of the same size. Messages/s, CPU per message, and the two ratios the issue sets targets for:
    /// one session vs smtp-source -s 1, and -ConnectionCount 8 vs smtp-source -s 20.
    /// dotnet run -c Release --project bench/SmtpTools.Benchmarks -- send-pwsh [--server 127.0.0.1:2527] [--messages 2000] [--size 2048] [--rounds 3]
    ///   [--warm-up-seconds 40] [--module out/SmtpTools/SmtpTools.psd1] [--compare other/SmtpTools.psd1]
    /// With --warm-up-seconds, each pwsh's first runs are reported apart ("(first run)") and the measured runs follow once
    /// the JIT has had that long to optimise; --compare runs another build in its own pwsh in the same rounds ("[before]").
    /// </summary>
    internal sealed class SendPwshBenchmark : IBenchmark
    {
        public string Name => "send-pwsh";
        public string Description => "Send-SmtpMessage in pwsh (1 and 8 sessions) vs smtp-source -s 1 and -s 20 into smtp-sink (--messages 2000 --size 2048 --rounds 3)";

        private sealed class Sample
        {
            public double Seconds, Cpu;
            public int Messages;
            public double Rate => Messages / Seconds;
            public double CpuMs => Cpu * 1000 / Messages;
        }

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            int messages = Int("messages", 2000), size = Int("size", 2048), rounds = Int("rounds", 3), warmUp = Int("warm-up-seconds", 0);
            string server = options.TryGetValue("server", out var s) ? s : "127.0.0.1:2527";
            string root = Repository.Root;
            string module = PwshProcess.Module(root, options);
            string pwsh = PwshProcess.Find(root);
            string compare = options.TryGetValue("compare", out var c) ? c : null;
            Console.WriteLine($"send-pwsh: {messages} messages of {size} bytes into {server}, {Environment.ProcessorCount} cores, {rounds} interleaved rounds (medians), warm-up {warmUp} s, load {LoadAverage()}");

            var samples = new Dictionary<string, List<Sample>>();
            var order = new List<string>();
            void Add(string name, Sample sample)
            {
                if (!samples.ContainsKey(name)) { samples[name] = new List<Sample>(); order.Add(name); }
                samples[name].Add(sample);
            }
            var ratios = new Dictionary<string, List<double>>();
            var ratioOrder = new List<string>();
            void Ratio(string name, double value)
            {
                if (!ratios.ContainsKey(name)) { ratios[name] = new List<double>(); ratioOrder.Add(name); }
                ratios[name].Add(value);
            }
            for (int round = 1; round <= rounds; round++)
            {
                string Arguments(string build, string label) => $"-Module '{build}' -Server '{server}' -Messages {messages} -Size {size} -WarmUpSeconds {warmUp} -Label '{label}'";
                var lines = PwshProcess.RunScript(pwsh, "send.ps1", Arguments(module, ""), "RESULT", "NOTE");
                if (compare != null) lines.AddRange(PwshProcess.RunScript(pwsh, "send.ps1", Arguments(compare, " [before]"), "RESULT", "NOTE"));
                Console.WriteLine($"round {round}: load {LoadAverage()}");
                foreach (var note in lines.Where(l => l[0] == "NOTE")) Console.WriteLine(note[1]);
                var cmdlet = new Dictionary<string, Sample>();
                foreach (var l in lines.Where(l => l[0] == "RESULT"))
                {
                    var sample = new Sample { Messages = int.Parse(l[2], CultureInfo.InvariantCulture), Seconds = D(l[3]), Cpu = D(l[4]) };
                    int sent = int.Parse(l[5], CultureInfo.InvariantCulture);
                    if (sent != sample.Messages) throw new InvalidOperationException($"{l[1]}: {sent} of {sample.Messages} sent");
                    cmdlet[l[1]] = sample;
                    Add(l[1], sample);
                }
                var one = SmtpSource(server, 1, messages, size);
                var twenty = SmtpSource(server, 20, messages, size);
                Add("smtp-source -s 1", one);
                Add("smtp-source -s 20", twenty);
                foreach (var pair in cmdlet)
                {
                    // -ConnectionCount 1 against one C session, the pool against smtp-source's 20 sessions.
                    bool single = pair.Key.StartsWith("Send-SmtpMessage -ConnectionCount 1 ", StringComparison.Ordinal) || pair.Key == "Send-SmtpMessage -ConnectionCount 1";
                    Ratio(pair.Key + (single ? " / smtp-source -s 1" : " / smtp-source -s 20"), pair.Value.Rate / (single ? one : twenty).Rate);
                }
                Console.WriteLine($"round {round}: " + string.Join(", ", cmdlet.Select(p => $"{p.Key} {p.Value.Rate:0} msg/s").Concat(new[] { $"smtp-source -s 1 {one.Rate:0} msg/s", $"-s 20 {twenty.Rate:0} msg/s" })));
            }

            Console.WriteLine();
            Console.WriteLine($"{"sender (median of rounds)",-40} {"msg/s",8} {"CPU ms/msg",11} {"range msg/s",14}");
            foreach (var name in order)
            {
                var list = samples[name];
                Console.WriteLine($"{name,-40} {Median(list.Select(x => x.Rate)),8:0} {Median(list.Select(x => x.CpuMs)),11:0.000} {list.Min(x => x.Rate),6:0}–{list.Max(x => x.Rate),-6:0}");
            }
            Console.WriteLine();
            Console.WriteLine("ratios (median of per-round ratios, min–max; target ≥ 1.0):");
            foreach (var name in ratioOrder)
                Console.WriteLine($"  {name,-75} {Median(ratios[name]):0.00} ({ratios[name].Min():0.00}–{ratios[name].Max():0.00})");
            Console.WriteLine($"load at the end: {LoadAverage()}");
            return 0;
        }

        /// <summary>Postfix's load generator: <paramref name="sessions"/> parallel sessions, <paramref name="messages"/> in all; CPU from /usr/bin/time.</summary>
        private static Sample SmtpSource(string server, int sessions, int messages, int size)
        {
            var psi = new ProcessStartInfo("/usr/bin/time", new[]
            {
                "-f", "TIME %e %U %S", "smtp-source", "-s", sessions.ToString(CultureInfo.InvariantCulture), "-m", messages.ToString(CultureInfo.InvariantCulture),
                "-l", size.ToString(CultureInfo.InvariantCulture), "-f", "bench@example.test", "-t", "sink@example.test", server,
            }) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(psi);
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            var time = error.Split('\n').LastOrDefault(l => l.StartsWith("TIME ", StringComparison.Ordinal));
            if (p.ExitCode != 0 || time == null) throw new InvalidOperationException("smtp-source failed (Debian package postfix): " + error);
            var f = time.Split(' ');
            return new Sample { Messages = messages, Seconds = D(f[1]), Cpu = D(f[2]) + D(f[3]) };
        }

        /// <summary>The load average (1, 5, 15 minutes), printed beside every figure.</summary>
        internal static string LoadAverage() => System.IO.File.Exists("/proc/loadavg") ? string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

        internal static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

        private static double Median(IEnumerable<double> values)
        {
            var v = values.OrderBy(x => x).ToList();
            return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
        }
    }
}
