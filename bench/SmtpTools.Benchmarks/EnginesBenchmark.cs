using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// engines (issue 13): the module's cmdlets in a real pwsh 7.6.10 next to libspf2's spfquery (C) and pyspf, side by
    /// side in the same run, on a private Knot on loopback and through a proxy that delays every reply (a resolver far
    /// away), with domains/s and CPU per domain; repeated in rounds, medians and spread reported. Then one pipeline of
    /// many domains: time to the first result, output rate over the run, memory.
    ///
    /// libspf2 reads only /etc/resolv.conf and only port 53, so Knot and the proxy listen on port 53 of their own
    /// 127/8 addresses and spfquery runs in a private mount namespace (unshare -m) with a resolv.conf bound over
    /// /etc/resolv.conf. It answers pass for any 127/8 client without asking DNS, so the clients are in 198.18.0.0/15
    /// (RFC 2544 benchmarking addresses: compared, never contacted). Needs root, knotd, spfquery (Debian package
    /// spfquery), python3-spf, and the module built in out/SmtpTools.
    /// </summary>
    internal sealed class EnginesBenchmark : IBenchmark
    {
        private const string Zone = "bench.test";
        public string Name => "engines";
        public string Description => "cmdlets in pwsh vs libspf2 and pyspf, loopback and a delaying resolver (--domains 2000 --rounds 3 --delay-ms 30 --slow-domains 100 --stream 20000 --warm-up-seconds 40 [--compare other.psd1])";

        private sealed class Sample
        {
            public int Items;
            public double Seconds;
            public double Cpu;
            public double PerSecond => Items / Seconds;
            public double CpuMsPerItem => Cpu * 1000 / Items;
        }

        private readonly Dictionary<string, List<Sample>> _samples = new Dictionary<string, List<Sample>>();
        private readonly List<string> _order = new List<string>();
        private string _folder;
        private int _warmUpSeconds;

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            int n = Int("domains", 2000), rounds = Int("rounds", 3), delayMs = Int("delay-ms", 30), slow = Int("slow-domains", 100), stream = Int("stream", 20000);
            _warmUpSeconds = Int("warm-up-seconds", 40);
            string root = Repository.Root;
            string module = PwshProcess.Module(root, options);
            string pwsh = PwshProcess.Find(root);
            // --compare <psd1>: another build of the module (e.g. the previous commit) measured in the same rounds.
            string before = options.TryGetValue("compare", out var c) ? c : null;
            if (before != null && !File.Exists(before)) throw new InvalidOperationException($"{before} not found");
            bool libspf2 = !options.ContainsKey("no-libspf2") && File.Exists("/usr/bin/spfquery.libspf2");
            bool pyspf = !options.ContainsKey("no-pyspf") && File.Exists("/usr/lib/python3/dist-packages/spf.py");
            if (!libspf2) Console.WriteLine("libspf2 not measured (apt-get install spfquery, or --no-libspf2 was given)");
            if (!pyspf) Console.WriteLine("pyspf not measured (apt-get install python3-spf, or --no-pyspf was given)");

            // Port 53 on addresses of our own; the third octet follows SMTPTOOLS_PORT_OFFSET so work trees do not collide.
            int offset = int.TryParse(Environment.GetEnvironmentVariable("SMTPTOOLS_PORT_OFFSET"), out var o) ? o : 0;
            var knotAddress = IPAddress.Parse(options.TryGetValue("address", out var a) ? a : $"127.53.{offset / 1000 % 256}.1");
            var proxyAddress = new IPAddress(knotAddress.GetAddressBytes().Take(3).Append((byte)(knotAddress.GetAddressBytes()[3] + 1)).ToArray());
            int total = Math.Max(n, stream);
            Console.WriteLine($"engines: {n} domains x {rounds} rounds, {Environment.ProcessorCount} logical CPU(s), load average {LoadAverage()}");
            using var knot = new TemporaryKnot(Zone, BuildZone(total, n), new IPEndPoint(knotAddress, 53));
            using var proxy = new DelayingDnsProxy(new IPEndPoint(proxyAddress, 53), knot.EndPoint, TimeSpan.FromMilliseconds(delayMs));
            _folder = knot.Folder;
            Console.WriteLine($"knotd on {knot.Endpoint}; replies delayed {delayMs} ms on {proxyAddress}:53; pwsh {pwsh}");

            string spfCsv = WriteSpfCsv("spf.csv", n);
            string slowCsv = WriteSpfCsv("spf-slow.csv", slow);
            string streamCsv = stream > 0 ? WriteSpfCsv("spf-stream.csv", stream) : null;
            string dmarcList = Path.Combine(_folder, "dmarc.txt");
            File.WriteAllLines(dmarcList, Enumerable.Range(0, n).Select(DmarcName));
            string loop = knotAddress + ":53", far = proxyAddress + ":53";

            if (options.ContainsKey("core-only"))
            {
                for (int round = 1; round <= rounds; round++)
                {
                    Add("loopback core SpfChecker", Core(knot.EndPoint, n, check: true));
                    Add("loopback core SpfAuditor", Core(knot.EndPoint, n, check: false));
                }
                PrintRates(rounds);
                return 0;
            }
            if (options.TryGetValue("serve-seconds", out var serve))
            {
                // For profiling (dotnet-trace, dotnet-counters) against the same zone: serve it, name the files, wait.
                Console.WriteLine($"serving for {serve} s; inputs: {spfCsv} {dmarcList} {streamCsv}; script: {Path.Combine(AppContext.BaseDirectory, "engines.ps1")}");
                System.Threading.Thread.Sleep(TimeSpan.FromSeconds(D(serve)));
                return 0;
            }

            // The first answer of a fresh knotd for each name is slower than later ones; ask every name once first.
            if (libspf2) LibSpf2("warm-up", knotAddress, spfCsv);

            for (int round = 1; round <= rounds; round++)
            {
                Console.WriteLine($"round {round}/{rounds} (load average {LoadAverage()})");
                if (libspf2) Add("loopback libspf2 spfquery", LibSpf2("loopback", knotAddress, spfCsv));
                if (pyspf) Add("loopback pyspf check2", PySpf(knotAddress, spfCsv));
                var runs = new[]
                {
                    "loopback:Test-SpfRecord", "loopback:Get-SpfRecord", "loopback:Test-DmarcPolicy", "loopback:Test-SpfRecord -ThrottleLimit 1",
                    "delayed:Test-SpfRecord", "delayed:Get-SpfRecord", "delayed:Test-DmarcPolicy",
                };
                foreach (var (name, sample) in Pwsh(pwsh, module, new[] { "loopback=" + loop, "delayed=" + far }, spfCsv, dmarcList, runs))
                    Add(name, sample);
                if (before != null)
                    foreach (var (name, sample) in Pwsh(pwsh, before, new[] { "loopback=" + loop, "delayed=" + far }, spfCsv, dmarcList, runs))
                        Add(name + " (--compare)", sample);
                if (libspf2) Add("delayed libspf2 spfquery", LibSpf2("delayed", proxyAddress, slowCsv));
                if (pyspf) Add("delayed pyspf check2", PySpf(proxyAddress, slowCsv));
            }
            PrintRates(rounds);
            if (streamCsv != null)
            {
                Stream(pwsh, module, loop, streamCsv, stream, "");
                if (before != null) Stream(pwsh, before, loop, streamCsv, stream, " (--compare)");
            }
            return 0;
        }

        /// <summary>The Core engines without PowerShell, in this process: what the cmdlets add on top is the difference.</summary>
        private static Sample Core(IPEndPoint server, int n, bool check)
        {
            using var resolver = new SmtpTools.Core.Dns.DnsResolver(new SmtpTools.Core.Dns.DnsResolverOptions { Servers = new[] { server }, MaxConcurrentQueries = 512 });
            var checker = new SmtpTools.Core.Spf.SpfChecker(resolver);
            var auditor = new SmtpTools.Core.Spf.SpfAuditor(resolver);
            var domains = Enumerable.Range(0, n).Select(i => $"d{i}.{Zone}").ToList();
            int good = 0;
            var me = Process.GetCurrentProcess();
            var cpu = me.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            SpfAuditBenchmark.ForEachConcurrently(domains, 256, async domain =>
            {
                int i = int.Parse(domain.Substring(1, domain.IndexOf('.') - 1), CultureInfo.InvariantCulture);
                bool ok = check
                    ? (await checker.CheckHostAsync(new SmtpTools.Core.Spf.SpfCheckRequest { IPAddress = IPAddress.Parse(Client(i)), Sender = "bench@" + domain, HeloDomain = "client." + Zone }, default).ConfigureAwait(false)).Result == SmtpTools.SpfResult.Pass
                    : (await auditor.AuditAsync(domain, default).ConfigureAwait(false)).Status == SpfRecordStatus.Valid;
                if (ok) System.Threading.Interlocked.Increment(ref good);
            });
            clock.Stop();
            me.Refresh();
            if (good != n) throw new InvalidOperationException($"core: {good} of {n} as expected");
            return new Sample { Items = n, Seconds = clock.Elapsed.TotalSeconds, Cpu = (me.TotalProcessorTime - cpu).TotalSeconds };
        }

        private void Add(string name, Sample sample)
        {
            if (!_samples.TryGetValue(name, out var list))
            {
                _samples[name] = list = new List<Sample>();
                _order.Add(name);
            }
            list.Add(sample);
            Console.WriteLine($"  {name,-45} {sample.Items,6} in {sample.Seconds,7:0.000} s = {sample.PerSecond,8:0} /s, CPU {sample.CpuMsPerItem:0.000} ms each");
        }

        private void PrintRates(int rounds)
        {
            Console.WriteLine();
            Console.WriteLine($"Medians of {rounds} round(s), (min-max) in brackets; ratios are the median of the per-round ratios to libspf2 at the same place.");
            var header = new[] { "client", "domains", "domains/s", "CPU ms/domain", "x libspf2" };
            var rows = new List<string[]>();
            foreach (var name in _order)
            {
                var list = _samples[name];
                string where = name.Split(' ')[0];
                string reference = where + " libspf2 spfquery";
                string ratio = "";
                if (_samples.TryGetValue(reference, out var refs) && refs.Count == list.Count && name != reference)
                    ratio = Median(list.Select((s, i) => s.PerSecond / refs[i].PerSecond)).ToString("0.00", CultureInfo.InvariantCulture);
                rows.Add(new[]
                {
                    name,
                    list[0].Items.ToString(CultureInfo.InvariantCulture),
                    Spread(list.Select(s => s.PerSecond), "0"),
                    Spread(list.Select(s => s.CpuMsPerItem), "0.000"),
                    ratio,
                });
            }
            Table(header, rows);
        }

        private void Stream(string pwsh, string module, string server, string csv, int count, string label)
        {
            Console.WriteLine();
            Console.WriteLine($"One pipeline of {count} domains (Import-Csv | cmdlet | ForEach-Object), loopback, default parameters{label}:");
            var lines = RunPwsh(pwsh, module, new[] { "loopback=" + server }, $"-StreamCsv '{csv}' -Runs Test-SpfRecord,Get-SpfRecord");
            var header = new[] { "cmdlet", "results", "first result s", "total s", "results/s per 1000 (min / median / max)", "GC heap MB (1k / half / end)", "working set MB (1k / half / end)" };
            var rows = new List<string[]>();
            foreach (var group in lines.Where(l => l[0] == "STREAM").GroupBy(l => l[1]))
            {
                var marks = group.Select(l => (N: int.Parse(l[2], CultureInfo.InvariantCulture), T: D(l[3]), Heap: D(l[4]) / 1048576, Ws: D(l[5]) / 1048576)).ToList();
                var rates = new List<double>();
                for (int i = 2; i < marks.Count; i++)
                    if (marks[i].N - marks[i - 1].N == 1000) rates.Add(1000 / (marks[i].T - marks[i - 1].T));
                var at1k = marks.FirstOrDefault(x => x.N == 1000);
                var half = marks.OrderBy(x => Math.Abs(x.N - count / 2)).First();
                var end = marks.Last();
                rows.Add(new[]
                {
                    group.Key, end.N.ToString(CultureInfo.InvariantCulture), marks[0].T.ToString("0.000", CultureInfo.InvariantCulture), end.T.ToString("0.0", CultureInfo.InvariantCulture),
                    rates.Count == 0 ? "n/a" : $"{rates.Min():0} / {Median(rates):0} / {rates.Max():0}",
                    $"{at1k.Heap:0} / {half.Heap:0} / {end.Heap:0}", $"{at1k.Ws:0} / {half.Ws:0} / {end.Ws:0}",
                });
                if (end.N != count) throw new InvalidOperationException($"{group.Key} wrote {end.N} results for {count} inputs");
            }
            Table(header, rows);
        }

        private IEnumerable<(string, Sample)> Pwsh(string pwsh, string module, string[] servers, string spfCsv, string dmarcList, string[] runs)
        {
            string quotedRuns = string.Join(",", runs.Select(r => "'" + r + "'"));
            foreach (var l in RunPwsh(pwsh, module, servers, $"-SpfCsv '{spfCsv}' -DmarcList '{dmarcList}' -WarmUpSeconds {_warmUpSeconds} -Runs {quotedRuns}").Where(l => l[0] == "RESULT"))
            {
                var sample = new Sample { Items = int.Parse(l[2], CultureInfo.InvariantCulture), Seconds = D(l[3]), Cpu = D(l[4]) };
                int good = int.Parse(l[5], CultureInfo.InvariantCulture);
                if (good != sample.Items) throw new InvalidOperationException($"{l[1]}: {good} of {sample.Items} gave the expected answer: the zone or the cmdlet is broken");
                yield return (l[1], sample);
            }
        }

        private static List<string[]> RunPwsh(string pwsh, string module, string[] servers, string arguments)
        {
            string serverList = string.Join(",", servers.Select(s => "'" + s + "'"));
            return PwshProcess.RunScript(pwsh, "engines.ps1", $"-Module '{module}' -Servers {serverList} {arguments}", "RESULT", "STREAM");
        }

        /// <summary>spfquery.libspf2 over the file's cases in a private mount namespace whose /etc/resolv.conf names <paramref name="server"/>.</summary>
        private Sample LibSpf2(string label, IPAddress server, string csv)
        {
            string resolv = Path.Combine(_folder, $"resolv-{server}.conf");
            File.WriteAllText(resolv, $"nameserver {server}\noptions timeout:5 attempts:2\n");
            string input = Path.ChangeExtension(csv, ".spfquery");
            var cases = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();
            File.WriteAllLines(input, cases.Select(c => $"{c[0]} {c[1]} {c[2]}"));
            var psi = new ProcessStartInfo("unshare", new[]
            {
                "-m", "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec /usr/bin/time -f 'TIME %e %U %S' /usr/bin/spfquery.libspf2 -file \"$1\"", resolv, input,
            }) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            var output = p.StandardOutput.ReadToEndAsync();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            var time = error.Split('\n').LastOrDefault(l => l.StartsWith("TIME ", StringComparison.Ordinal));
            if (time == null) throw new InvalidOperationException($"spfquery ({label}) failed: {error}");
            int passes = output.Result.Split('\n').Count(l => l.Trim() == "pass");
            if (passes != cases.Count) throw new InvalidOperationException($"spfquery ({label}) passed {passes} of {cases.Count}: {error}");
            var t = time.Split(' ');
            return new Sample { Items = cases.Count, Seconds = D(t[1]), Cpu = D(t[2]) + D(t[3]) };
        }

        private Sample PySpf(IPAddress server, string csv)
        {
            string script = Path.Combine(_folder, "pyspf_engines.py");
            File.WriteAllText(script, string.Join("\n",
                "import sys, time, dns.resolver, spf",
                "r = dns.resolver.Resolver(configure=False)",
                "r.nameservers = [sys.argv[1]]",
                "dns.resolver.default_resolver = r",
                "cases = [line.strip().split(',') for line in open(sys.argv[2])][1:]",
                "cpu, start = time.process_time(), time.perf_counter()",
                "passed = sum(1 for ip, sender, helo in cases if spf.check2(i=ip, s=sender, h=helo)[0] == 'pass')",
                "print(len(cases), passed, time.perf_counter() - start, time.process_time() - cpu)",
                ""));
            var psi = new ProcessStartInfo("/usr/bin/python3", new[] { script, server.ToString(), csv }) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("pyspf failed: " + error);
            var parts = output.Trim().Split(' ');
            if (parts[0] != parts[1]) throw new InvalidOperationException($"pyspf passed {parts[1]} of {parts[0]}");
            return new Sample { Items = int.Parse(parts[0], CultureInfo.InvariantCulture), Seconds = D(parts[2]), Cpu = D(parts[3]) };
        }

        private string WriteSpfCsv(string file, int count)
        {
            string path = Path.Combine(_folder, file);
            File.WriteAllLines(path, new[] { "IPAddress,Sender,HeloDomain" }.Concat(Enumerable.Range(0, count).Select(i => $"{Client(i)},bench@d{i}.{Zone},client.{Zone}")));
            return path;
        }

        /// <summary>The client of domain i: 198.18.0.0/16, listed only by that domain's own ip4 term (the last before -all).</summary>
        private static string Client(int i) => $"198.18.{i / 256}.{i % 256}";

        private static string DmarcName(int i) => DmarcAuditBenchmark.AuditedName(i, Zone);

        /// <summary>
        /// SPF: each domain walks mx (two hosts), a, a provider include with a nested netblock include, a mail-service
        /// include, then its own ip4 (the client's): five lookups, about seven questions before caching, Pass at the end.
        /// DMARC (the first <paramref name="dmarcCount"/> domains): as in dmarc-audit, under a psd=y parent.
        /// </summary>
        private static string BuildZone(int count, int dmarcCount)
        {
            var sb = new StringBuilder();
            sb.Append(TemporaryKnot.ZoneHeader(Zone));
            sb.AppendLine("_dmarc IN TXT \"v=DMARC1; p=reject; psd=y\"");
            SpfAuditBenchmark.AppendProviders(sb, Zone, p => $"198.19.{p}.0/24", p => $"198.19.{100 + p}.0/24", m => $"198.19.{200 + m}.0/25");
            for (int i = 0; i < count; i++)
            {
                sb.AppendLine($"d{i} IN TXT \"v=spf1 mx a include:_spf.provider{i % 3}.{Zone} include:_spf.mailsvc{i % 5}.{Zone} ip4:{Client(i)} -all\"");
                sb.AppendLine($"d{i} IN MX 10 mx1.d{i}.{Zone}.").AppendLine($"d{i} IN MX 20 mx2.d{i}.{Zone}.");
                sb.AppendLine($"d{i} IN A 198.19.252.{i % 250}");
                sb.AppendLine($"mx1.d{i} IN A 198.19.250.{i % 250}").AppendLine($"mx2.d{i} IN A 198.19.251.{i % 250}");
                if (i < dmarcCount) DmarcAuditBenchmark.AppendDomain(sb, i, Zone);
            }
            return sb.ToString();
        }

        /// <summary>The pinned pwsh as a .NET tool in the git-ignored .tools folder, installed on first use.</summary>
        internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

        internal static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

        internal static double Median(IEnumerable<double> values)
        {
            var v = values.OrderBy(x => x).ToList();
            return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
        }

        internal static string Spread(IEnumerable<double> values, string format)
        {
            var v = values.ToList();
            string f(double x) => x.ToString(format, CultureInfo.InvariantCulture);
            return v.Count == 1 ? f(v[0]) : $"{f(Median(v))} ({f(v.Min())}-{f(v.Max())})";
        }

        internal static void Table(string[] header, List<string[]> rows)
        {
            var all = new[] { header }.Concat(rows).ToList();
            var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
            foreach (var r in all)
            {
                Console.WriteLine("| " + string.Join(" | ", r.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))) + " |");
                if (r == header) Console.WriteLine("|" + string.Join("|", widths.Select((w, c) => new string('-', w + 1) + (c == 0 ? "-" : ":"))) + "|");
            }
        }
    }
}
