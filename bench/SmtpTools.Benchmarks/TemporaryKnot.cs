using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// A private knotd serving one zone file from a temporary folder (the same settings tests/Integration/start-servers.sh
    /// uses), on a free 127.0.0.1 port or on a given loopback endpoint (port 53 for clients that cannot be told a port).
    /// Dispose stops exactly that process and deletes the folder.
    /// </summary>
    internal sealed class TemporaryKnot : IDisposable
    {
        private readonly Process _process;

        public TemporaryKnot(string zone, string zoneText, IPEndPoint listen = null) : this(new[] { (zone, zoneText) }, listen)
        {
        }

        /// <summary>Several zones (e.g. a forward zone and the reverse zone of its addresses) in one knotd.</summary>
        public TemporaryKnot(IReadOnlyList<(string Zone, string Text)> zones, IPEndPoint listen = null)
        {
            Folder = Directory.CreateTempSubdirectory("smtptools-bench-knot-").FullName;
            Address = listen?.Address ?? IPAddress.Loopback;
            Port = listen?.Port ?? FreePort();
            Directory.CreateDirectory(Path.Combine(Folder, "db"));
            foreach (var (zone, text) in zones) File.WriteAllText(Path.Combine(Folder, zone + ".zone"), text);
            string conf = Path.Combine(Folder, "knot.conf");
            File.WriteAllText(conf, string.Join("\n",
                "server:",
                $"    rundir: \"{Folder}\"",
                $"    pidfile: \"{Folder}/knot.pid\"",
                "    user: root:root",
                $"    listen: [ {Address}@{Port} ]",
                "control:",
                $"    listen: \"{Folder}/knot.sock\"",
                "database:",
                $"    storage: \"{Folder}/db\"",
                "log:",
                $"  - target: \"{Folder}/knot.log\"",
                "    any: warning",
                "template:",
                "  - id: default",
                $"    storage: \"{Folder}\"",
                "    file: \"%s.zone\"",
                "    zonefile-load: whole",
                "    zonefile-sync: -1",
                "    journal-content: none",
                "    semantic-checks: off",
                "zone:",
                string.Join("\n", zones.Select(z => $"  - domain: \"{z.Zone}.\"")),
                ""));
            _process = Process.Start(new ProcessStartInfo("knotd", $"-c \"{conf}\"") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })
                ?? throw new InvalidOperationException("knotd did not start");
            // Ctrl+C or kill ends the benchmark without its using blocks: take this knotd down with it.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
            foreach (var (zone, _) in zones) WaitForZone(zone);
        }

        /// <summary>$ORIGIN, $TTL, SOA and NS lines for a benchmark zone.</summary>
        public static string ZoneHeader(string zone) =>
            $"$ORIGIN {zone}.\n$TTL 3600\n@ IN SOA ns.{zone}. hostmaster.{zone}. 1 3600 600 86400 60\n@ IN NS ns.{zone}.\nns IN A 127.0.0.1\n";

        public string Folder { get; }
        public IPAddress Address { get; }
        public int Port { get; }
        public string Endpoint => Address + ":" + Port;
        public IPEndPoint EndPoint => new IPEndPoint(Address, Port);

        private void WaitForZone(string zone)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited) throw new InvalidOperationException("knotd exited: " + _process.StandardError.ReadToEnd());
                var dig = Process.Start(new ProcessStartInfo("dig", $"@{Address} -p {Port} +short +time=1 +tries=1 SOA {zone}.") { RedirectStandardOutput = true, UseShellExecute = false });
                string answer = dig.StandardOutput.ReadToEnd();
                dig.WaitForExit();
                if (dig.ExitCode == 0 && answer.Contains("hostmaster")) return;
                Thread.Sleep(200);
            }
            throw new TimeoutException($"knotd did not serve {zone} within 30 s; see {Folder}/knot.log");
        }

        private static int FreePort()
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)udp.LocalEndPoint).Port;
        }

        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                    _process.WaitForExit(5000);
                }
            }
            finally
            {
                _process.Dispose();
                try { Directory.Delete(Folder, true); } catch (IOException) { }
            }
        }
    }
}
