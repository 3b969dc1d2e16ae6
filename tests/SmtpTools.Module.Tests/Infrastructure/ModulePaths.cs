using System;
using System.IO;

namespace SmtpTools.Module.Tests.Infrastructure
{
    /// <summary>Where the checkout and the built module are.</summary>
    public static class ModulePaths
    {
        public static readonly string RepoRoot = FindRepoRoot();
        public static readonly string ModuleDirectory = Path.Combine(RepoRoot, "out", "SmtpTools");
        public static readonly string Manifest = Path.Combine(ModuleDirectory, "SmtpTools.psd1");

        private static string FindRepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "SmtpTools.sln")))
                dir = dir.Parent;
            if (dir == null) throw new InvalidOperationException("SmtpTools.sln not found above " + AppContext.BaseDirectory);
            return dir.FullName;
        }

        /// <summary>Fails with a clear message when the module was not built first.</summary>
        public static void EnsureBuilt()
        {
            if (!File.Exists(Manifest))
                throw new InvalidOperationException($"The module is not built: {Manifest} is missing. Run: dotnet build src/SmtpTools/SmtpTools.csproj -c Release");
        }
    }
}
