using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Benchmarks
{
    /// <summary>One benchmark: sets up what it needs, measures, prints a table.</summary>
    internal interface IBenchmark
    {
        string Name { get; }
        string Description { get; }
        int Run(IReadOnlyDictionary<string, string> options);
    }

    internal static class Program
    {
        private static readonly IBenchmark[] All = { new SpfAuditBenchmark(), new DmarcAuditBenchmark(), new SmtpProbeBenchmark(), new SendBenchmark(), new EnginesBenchmark(), new ReportImportBenchmark(), new EmailDomainBenchmark(), new MailTransportBenchmark(), new TransportDnsBenchmark(), new SendPwshBenchmark(), new SendMergeBenchmark() };

        /// <summary>dotnet run -c Release --project bench/SmtpTools.Benchmarks -- spf-audit [--domains 2000] [--no-pyspf] | dmarc-audit [--domains 2000] | smtp-probe [--probes 200] | send [--rounds 5] | engines [--domains 2000 --rounds 3] | report-import [--files 10000] [--large-mb 1024] | mail-transport [--domains 2000] | transport-dns [--domains 2000 --rounds 3]</summary>
        private static int Main(string[] args)
        {
            if (args.Length == 0 || args[0] == "--help" || args[0] == "-h")
            {
                Console.WriteLine("usage: SmtpTools.Benchmarks <benchmark> [--option value ...]");
                foreach (var b in All) Console.WriteLine($"  {b.Name,-12} {b.Description}");
                return args.Length == 0 ? 1 : 0;
            }
            var benchmark = All.FirstOrDefault(b => b.Name == args[0]);
            if (benchmark == null)
            {
                Console.Error.WriteLine($"unknown benchmark '{args[0]}'");
                return 1;
            }
            var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 1; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--")) continue;
                string key = args[i].Substring(2);
                options[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--") ? args[++i] : "true";
            }
            try
            {
                return benchmark.Run(options);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is TimeoutException || ex is System.ComponentModel.Win32Exception)
            {
                // caught so that the benchmark's using blocks (the temporary knotd) are unwound
                Console.Error.WriteLine($"{benchmark.Name} failed: {ex.Message}");
                return 2;
            }
        }
    }
}
