using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace SmtpTools.Module.Tests.Infrastructure
{
    /// <summary>
    /// Loads stand-in MimeKit, MailKit, DnsClient and BouncyCastle.Cryptography assemblies (version 1.0.0.0, built from
    /// tests/StandIns) into the DEFAULT load context when this test assembly is first used — before any test opens a
    /// runspace or imports SmtpTools. That is the situation of a session where another module loaded other versions
    /// first: every module test therefore runs against it, and IsolationTests checks that SmtpTools kept its own copies
    /// in its private context. A module initializer runs before any other code of this assembly, whatever order xUnit
    /// picks for the test classes.
    /// </summary>
    public static class StandInAssemblies
    {
        public static readonly string[] Names = { "MimeKit", "MailKit", "DnsClient", "BouncyCastle.Cryptography" };
        public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "standins");

        /// <summary>The stand-ins as loaded, or the reason they could not be (reported by IsolationTests).</summary>
        public static IReadOnlyList<Assembly> Loaded { get; private set; } = Array.Empty<Assembly>();
        public static string LoadFailure { get; private set; }

        [ModuleInitializer]
        internal static void LoadIntoDefaultContext()
        {
            try
            {
                Loaded = Names.Select(n => Assembly.LoadFrom(Path.Combine(Directory, n + ".dll"))).ToList();
            }
            catch (Exception ex)
            {
                LoadFailure = ex.ToString();
            }
        }
    }
}
