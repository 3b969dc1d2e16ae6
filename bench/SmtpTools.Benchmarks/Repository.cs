using System;
using System.IO;

namespace SmtpTools.Benchmarks
{
    /// <summary>Where the checkout is: the benchmarks read test data and scripts from it.</summary>
    internal static class Repository
    {
        /// <summary>The folder holding SmtpTools.sln above the benchmark's binaries.</summary>
        /// <exception cref="InvalidOperationException">The benchmark does not run from inside a checkout.</exception>
        public static string Root
        {
            get
            {
                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "SmtpTools.sln"))) return dir.FullName;
                throw new InvalidOperationException("run the benchmark from inside the repository (SmtpTools.sln not found above " + AppContext.BaseDirectory + ")");
            }
        }
    }
}
