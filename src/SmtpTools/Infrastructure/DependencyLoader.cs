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
    /// answers with the private copy. The one exception is SmtpTools.Contracts, the public types: it sits beside
    /// SmtpTools.dll and loads once, into the default context (as the cmdlet assembly's own reference), and the
    /// private context hands Core that same copy, so a Finding Core makes is the Finding PowerShell formats.
    /// Windows PowerShell 5.1 has one load context per AppDomain, so a narrow AssemblyResolve handler serves files
    /// from bin/desktop/dependencies only when nothing else has the assembly (a module that loaded another MimeKit
    /// first wins there; see README "Limits"); Contracts is found beside SmtpTools.dll.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => DependencyLoader.Register();
        public void OnRemove(PSModuleInfo psModuleInfo) => DependencyLoader.Unregister();
    }

    internal static class DependencyLoader
    {
        private static readonly string ModuleBinDirectory = Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".";
        private static readonly string DependencyDirectory = Path.Combine(ModuleBinDirectory, "dependencies");
        private const string ContractsName = "SmtpTools.Contracts";
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

        private static readonly Assembly ContractsAssembly = typeof(Finding).Assembly;

        private sealed class PrivateLoadContext : AssemblyLoadContext
        {
            private static readonly string FrameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
            private readonly string _directory;

            public PrivateLoadContext(string directory) : base("SmtpTools", isCollectible: false) => _directory = directory;

            protected override Assembly Load(AssemblyName name)
            {
                // The public types exist once: the copy the cmdlet assembly bound to in the default context.
                if (string.Equals(name.Name, ContractsName, StringComparison.Ordinal)) return ContractsAssembly;
                // Framework assemblies come from the runtime, never from our folder.
                if (File.Exists(Path.Combine(FrameworkDirectory, name.Name + ".dll"))) return null;
                string path = Path.Combine(_directory, name.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }
        }
#else
        private static Assembly ResolveFromDependencyFolder(object sender, ResolveEventArgs args)
        {
            string name = new AssemblyName(args.Name).Name;
            // Core (in dependencies/) asks for the public types, which sit beside SmtpTools.dll: LoadFrom of that path
            // returns the copy already loaded for the cmdlets.
            string path = string.Equals(name, ContractsName, StringComparison.Ordinal)
                ? Path.Combine(ModuleBinDirectory, name + ".dll")
                : Path.Combine(DependencyDirectory, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
#endif
    }
}
