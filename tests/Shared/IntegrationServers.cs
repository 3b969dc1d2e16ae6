using System;
using System.Collections.Generic;
using System.IO;

namespace SmtpTools.Tests.Shared
{
    /// <summary>
    /// The loopback servers started by tests/Integration/start-servers.sh, as described by the
    /// tests/Integration/run/servers.env file it writes (KEY=VALUE lines). A missing file or key is a test
    /// failure with a clear message, never a skip: CI starts the servers first (see README, "Tests").
    /// </summary>
    public static class IntegrationServers
    {
        private static readonly Lazy<IReadOnlyDictionary<string, string>> Values = new Lazy<IReadOnlyDictionary<string, string>>(Load);

        public static string RepoRoot { get; } = FindRepoRoot();
        public static string EnvFile => Environment.GetEnvironmentVariable("SMTPTOOLS_SERVERS_ENV") ?? Path.Combine(RepoRoot, "tests", "Integration", "run", "servers.env");

        /// <summary>The value of <paramref name="key"/> from servers.env (an environment variable of the same name wins).</summary>
        public static string Get(string key)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(key);
            if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
            if (Values.Value.TryGetValue(key, out var value)) return value;
            throw new InvalidOperationException($"Integration server setting '{key}' is missing from {EnvFile}. Start the servers first: sudo tests/Integration/start-servers.sh");
        }

        public static int GetInt(string key) => int.Parse(Get(key), System.Globalization.CultureInfo.InvariantCulture);

        private static IReadOnlyDictionary<string, string> Load()
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!File.Exists(EnvFile)) return result;
            foreach (var raw in File.ReadAllLines(EnvFile))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal)) continue;
                int eq = line.IndexOf('=');
                if (eq <= 0) continue;
                var value = line.Substring(eq + 1).Trim();
                if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[value.Length - 1] == value[0]) value = value.Substring(1, value.Length - 2);
                result[line.Substring(0, eq).Trim()] = value;
            }
            return result;
        }

        private static string FindRepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "SmtpTools.sln"))) dir = dir.Parent;
            return dir?.FullName ?? Directory.GetCurrentDirectory();
        }
    }
}
