using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace SmtpTools.Tests.Shared
{
    /// <summary>
    /// Debian's chromium, headless, for the HTML report tests (installed by tests/Integration/start-servers.sh).
    /// Missing is a failure, never a skip. Runs as root in the test containers, hence --no-sandbox.
    /// </summary>
    public static class Chromium
    {
        public static string Executable { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("chromium is not installed: run tests/Integration/start-servers.sh (it installs the Debian package).");

        /// <summary>The DOM after the page's scripts ran, and every console message (script errors included) the page produced.</summary>
        public static string DumpDom(string pathAndFragment, out IReadOnlyList<string> console)
        {
            var (stdout, stderr) = Run("--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", "--dump-dom", Url(pathAndFragment));
            console = stderr.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
            return stdout;
        }

        public static void Screenshot(string path, string png, int width, int height)
        {
            if (File.Exists(png)) File.Delete(png);
            Run("--hide-scrollbars", $"--window-size={width},{height}", "--screenshot=" + png, Url(path));
            if (!File.Exists(png)) throw new InvalidOperationException($"chromium wrote no screenshot to {png}");
        }

        private static string Url(string pathAndFragment)
        {
            int hash = pathAndFragment.IndexOf('#');
            var path = hash < 0 ? pathAndFragment : pathAndFragment[..hash];
            return new Uri(Path.GetFullPath(path)).AbsoluteUri + (hash < 0 ? "" : pathAndFragment[hash..]);
        }

        private static (string Stdout, string Stderr) Run(params string[] args)
        {
            // A profile of its own per run: parallel test processes must not share chromium's profile lock.
            var profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
            try
            {
                var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile }.Concat(args))
                    info.ArgumentList.Add(a);
                using var p = Process.Start(info)!;
                var stderr = p.StandardError.ReadToEndAsync();
                var stdout = p.StandardOutput.ReadToEnd();
                if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("chromium did not finish within 60 s"); }
                return (stdout, stderr.Result);
            }
            finally
            {
                try { Directory.Delete(profile, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
