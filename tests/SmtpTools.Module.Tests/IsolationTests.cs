using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Issue #2 point 4: with other versions of MimeKit/MailKit/DnsClient/BouncyCastle already in the default load
    /// context (loaded by StandInAssemblies before any test runs), SmtpTools imports, its cmdlets work, and its own
    /// copies live in the module-private "SmtpTools" AssemblyLoadContext while the default context keeps the stand-ins.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class IsolationTests : IDisposable
    {
        private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("isolation-").FullName;

        public void Dispose() => System.IO.Directory.Delete(_dir, true);

        internal static void AssertStandInsOwnTheDefaultContext()
        {
            Assert.True(StandInAssemblies.LoadFailure == null, "Stand-ins not loaded: " + StandInAssemblies.LoadFailure);
            foreach (var name in StandInAssemblies.Names)
            {
                var inDefault = AssemblyLoadContext.Default.Assemblies.Where(a => a.GetName().Name == name).ToList();
                var single = Assert.Single(inDefault);
                Assert.Equal(new Version(1, 0, 0, 0), single.GetName().Version);
                Assert.Equal("true", single.GetCustomAttributes<AssemblyMetadataAttribute>().Single(m => m.Key == "SmtpTools.StandIn").Value);
            }
            Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "SmtpTools.Core");
        }

        /// <summary>Every loaded copy of a module dependency outside the default context is SmtpTools' own, in its private context.</summary>
        internal static void AssertModuleCopiesArePrivate(params string[] mustBeLoaded)
        {
            var dependencies = Path.Combine(ModulePaths.ModuleDirectory, "bin", "core", "dependencies");
            var contexts = AssemblyLoadContext.All.ToList();
            var smtpTools = Assert.Single(contexts, c => c.Name == "SmtpTools");
            foreach (var name in StandInAssemblies.Names.Append("SmtpTools.Core"))
            {
                // DnsClient is no longer shipped (the DNS layer is SmtpTools' own); its stand-in stays as another module's copy.
                if (!File.Exists(Path.Combine(dependencies, name + ".dll"))) continue;
                var shipped = AssemblyName.GetAssemblyName(Path.Combine(dependencies, name + ".dll")).Version;
                foreach (var context in contexts.Where(c => c != AssemblyLoadContext.Default))
                    foreach (var assembly in context.Assemblies.Where(a => a.GetName().Name == name))
                    {
                        Assert.Same(smtpTools, context);
                        Assert.Equal(shipped, assembly.GetName().Version);
                        Assert.Equal(Path.GetFullPath(dependencies), Path.GetDirectoryName(assembly.Location));
                    }
            }
            foreach (var name in mustBeLoaded)
                Assert.Contains(smtpTools.Assemblies, a => a.GetName().Name == name);
        }

        [Fact]
        public void CmdletsWorkBesideOtherVersionsOfTheDependencies()
        {
            AssertStandInsOwnTheDefaultContext();

            using var session = new PsSession();
            var vars = new Dictionary<string, object> { ["dir"] = _dir, ["dns"] = DkimTestZone.Dns };

            // BouncyCastle: key generation and PKCS#8 writing.
            var selector = DkimTestZone.NewSelector("iso");
            var key = session.Run($"New-DkimKey -Domain {DkimTestZone.Zone} -Selector {selector} -Path $dir -KeyLength 1024", vars).ThrowOnError().Single();
            var strings = (string[])key.Properties["DnsRecordStrings"].Value;
            DkimTestZone.AddTxt(selector + "._domainkey", strings);

            // The DNS lookup (SmtpTools.Core's own resolver), BouncyCastle again to read the key file back and compare it with the record.
            var check = session.Run($"Test-DkimRecord -Domain {DkimTestZone.Zone} -Selector {selector} -KeyPath $dir/{selector}.{DkimTestZone.Zone}.key -Server $dns", vars).ThrowOnError().Single();
            Assert.Equal(true, check.Properties["Found"].Value);
            Assert.Equal(true, check.Properties["MatchesPrivateKey"].Value);
            Assert.Equal(key.Properties["PublicKeyFingerprint"].Value, check.Properties["PublicKeyFingerprint"].Value);

            AssertModuleCopiesArePrivate("SmtpTools.Core", "BouncyCastle.Cryptography");
            AssertStandInsOwnTheDefaultContext();
        }

        /// <summary>
        /// Issue 12 item 1: the public types (SmtpTools.Contracts) exist once, in the default context, loaded from beside
        /// SmtpTools.dll; Core, in the private context, is handed that copy, so the findings it makes are of the very type
        /// PowerShell formats and scripts name as [SmtpTools.Finding].
        /// </summary>
        [Fact]
        public void ThePublicTypesAreLoadedOnceIntoTheDefaultContextAndCoreFillsThem()
        {
            using var session = new PsSession();
            var policy = session.Run("Test-DmarcPolicy -Record 'v=DMARC1; p=none'").ThrowOnError().Single();
            var finding = PSObject.AsPSObject(((object[])policy.Properties["Findings"].Value)[0]).BaseObject;
            var declared = (Type)session.Run("[SmtpTools.Finding]").ThrowOnError().Single().BaseObject;

            var contracts = Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "SmtpTools.Contracts");
            Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(contracts));
            Assert.Equal(Path.Combine(ModulePaths.ModuleDirectory, "bin", "core", "SmtpTools.Contracts.dll"), contracts.Location);
            Assert.Same(contracts, finding.GetType().Assembly);
            Assert.Same(declared, finding.GetType());

            var smtpTools = Assert.Single(AssemblyLoadContext.All, c => c.Name == "SmtpTools");
            Assert.DoesNotContain(smtpTools.Assemblies, a => a.GetName().Name == "SmtpTools.Contracts");
            var core = Assert.Single(smtpTools.Assemblies, a => a.GetName().Name == "SmtpTools.Core");
            Assert.Contains(core.GetReferencedAssemblies(), n => n.Name == "SmtpTools.Contracts");
            Assert.Same(contracts, smtpTools.LoadFromAssemblyName(new AssemblyName("SmtpTools.Contracts")));
            AssertStandInsOwnTheDefaultContext();
        }
    }
}
