using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace SmtpTools.Benchmarks
{
    /// <summary>Real pwsh 7.6.10 for the benchmarks that measure cmdlets, and the repository they run in.</summary>
    internal static class PwshProcess
    {
        /// <summary>The pwsh in .tools/pwsh-7.6.10, installed as a .NET tool the first time.</summary>
        public static string Find(string root)
        {
            string folder = Path.Combine(root, ".tools", "pwsh-7.6.10");
            string pwsh = Path.Combine(folder, "pwsh");
            if (File.Exists(pwsh)) return pwsh;
            Console.WriteLine($"installing PowerShell 7.6.10 into {folder}");
            using var p = Process.Start(new ProcessStartInfo("dotnet", new[] { "tool", "install", "--tool-path", folder, "PowerShell", "--version", "7.6.10" }) { UseShellExecute = false });
            p.WaitForExit();
            if (p.ExitCode != 0 || !File.Exists(pwsh)) throw new InvalidOperationException("could not install pwsh 7.6.10 as a .NET tool");
            return pwsh;
        }

        /// <summary>The built module (out/SmtpTools), or --module.</summary>
        public static string Module(string root, IReadOnlyDictionary<string, string> options)
        {
            string module = options.TryGetValue("module", out var m) ? m : Path.Combine(root, "out", "SmtpTools", "SmtpTools.psd1");
            if (!File.Exists(module)) throw new InvalidOperationException($"{module} not found: build the module first (dotnet build src/SmtpTools/SmtpTools.csproj -c Release)");
            return module;
        }

        /// <summary>
        /// Runs one of the benchmark scripts beside the benchmark in its own pwsh process and returns the lines it printed
        /// that start with one of <paramref name="prefixes"/>, split at tabs.
        /// </summary>
        public static List<string[]> RunScript(string pwsh, string script, string arguments, params string[] prefixes)
        {
            string path = Path.Combine(AppContext.BaseDirectory, script);
            var psi = new ProcessStartInfo(pwsh, $"-NoLogo -NoProfile -NonInteractive -Command \"& '{path}' {arguments}\"")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
            using var p = Process.Start(psi);
            var error = p.StandardError.ReadToEndAsync();
            var lines = new List<string[]>();
            string line;
            while ((line = p.StandardOutput.ReadLine()) != null)
                if (prefixes.Any(prefix => line.StartsWith(prefix + "\t", StringComparison.Ordinal))) lines.Add(line.Split('\t'));
            p.WaitForExit();
            if (p.ExitCode != 0 || lines.Count == 0) throw new InvalidOperationException("pwsh run failed: " + error.Result);
            return lines;
        }
    }
}
