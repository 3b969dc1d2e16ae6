using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
#if NET
using System.Runtime.Loader;
#endif

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Keeps MailKit, MimeKit and BouncyCastle from clashing with other modules' copies.
    /// PowerShell 7: SmtpTools.Core and everything it needs load into a module-private AssemblyLoadContext
    /// from bin/core/dependencies; the default context is only ever asked for SmtpTools.Core, and our handler
    /// answers with the private copy. Windows PowerShell 5.1 has one load context per AppDomain, so a narrow
    /// AssemblyResolve handler serves files from bin/desktop/dependencies only when nothing else has the
    /// assembly (a module that loaded another MimeKit first wins there; see README "Limits").
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => DependencyLoader.Register();
        public void OnRemove(PSModuleInfo psModuleInfo) => DependencyLoader.Unregister();
    }

    internal static class DependencyLoader
    {
        private static readonly string DependencyDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".", "dependencies");
        private static readonly object Gate = new object();
        private static bool _registered;

        public static void Register()
        {
            lock (Gate)
            {
                if (_registered) return;
#if NET
                AssemblyLoadContext.Default.Resolving += ResolveIntoPrivateContext;
#else
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencyFolder;
#endif
                _registered = true;
            }
        }

        public static void Unregister()
        {
            lock (Gate)
            {
                if (!_registered) return;
#if NET
                AssemblyLoadContext.Default.Resolving -= ResolveIntoPrivateContext;
#else
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromDependencyFolder;
#endif
                _registered = false;
            }
        }

#if NET
        private static readonly Lazy<PrivateLoadContext> Context = new Lazy<PrivateLoadContext>(() => new PrivateLoadContext(DependencyDirectory));

        private static Assembly ResolveIntoPrivateContext(AssemblyLoadContext defaultContext, AssemblyName name) =>
            string.Equals(name.Name, "SmtpTools.Core", StringComparison.Ordinal) ? Context.Value.LoadFromAssemblyName(name) : null;

        private sealed class PrivateLoadContext : AssemblyLoadContext
        {
            private static readonly string FrameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
            private readonly string _directory;

            public PrivateLoadContext(string directory) : base("SmtpTools", isCollectible: false) => _directory = directory;

            protected override Assembly Load(AssemblyName name)
            {
                // Framework assemblies come from the runtime, never from our folder.
                if (File.Exists(Path.Combine(FrameworkDirectory, name.Name + ".dll"))) return null;
                string path = Path.Combine(_directory, name.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }
#else
        private static Assembly ResolveFromDependencyFolder(object sender, ResolveEventArgs args)
        {
            string path = Path.Combine(DependencyDirectory, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
#endif
    }
}
