using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Xml.Linq;
using SmtpTools.Module.Tests.Infrastructure;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// The built module as a whole: manifest, exported cmdlets, output types and their views, and the rule that no
    /// MailKit/MimeKit/BouncyCastle (or SmtpTools.Core) type shows in the public surface. Everything is
    /// enumerated from the built module, so cmdlets added later are covered automatically.
    /// </summary>
    public sealed class ModuleTests : IClassFixture<PsSession>
    {
        /// <summary>Assemblies that live in the module's private load context; their types must never cross into PowerShell.</summary>
        private static readonly string[] PrivateAssemblies = { "MailKit", "MimeKit", "BouncyCastle.Cryptography", "SmtpTools.Core" };

        private readonly PsSession _s;

        public ModuleTests(PsSession session) { _s = session; }

        private PSModuleInfo TestManifest()
        {
            var result = _s.Run("Test-ModuleManifest -Path $manifest", new Dictionary<string, object> { ["manifest"] = ModulePaths.Manifest });
            Assert.True(result.Errors.Count == 0 && result.Terminating == null, result.ToString());
            return (PSModuleInfo)result.Single().BaseObject;
        }

        /// <summary>The manifest as data, parsed the way Import-PowerShellDataFile does (the engine's parser, no script run).</summary>
        private static Hashtable ManifestData(string path)
        {
            var ast = Parser.ParseFile(path, out _, out var errors);
            Assert.Empty(errors);
            return (Hashtable)((HashtableAst)ast.Find(a => a is HashtableAst, false)).SafeGetValue();
        }

        /// <summary>SmtpTools.Contracts, the public types, as the session loaded it.</summary>
        private Assembly ContractsAssembly() => ((Type)_s.Run("[SmtpTools.Finding]").Single().BaseObject).Assembly;

        private Assembly CmdletAssembly() =>
            ((Type)_s.Run("(Get-Command -Module SmtpTools -CommandType Cmdlet | ForEach-Object { $_.ImplementingType })[0]").Single().BaseObject).Assembly;

        private static IEnumerable<Type> CmdletTypes(Assembly assembly) =>
            assembly.GetExportedTypes().Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() != null);

        private static string CmdletName(Type t)
        {
            var attribute = t.GetCustomAttribute<CmdletAttribute>();
            return attribute.VerbName + "-" + attribute.NounName;
        }

        [Fact]
        public void TestModuleManifestPassesAndDescribesTheModule()
        {
            var module = TestManifest();
            Assert.Equal("SmtpTools", module.Name);
            Assert.Equal(new[] { "Core", "Desktop" }, module.CompatiblePSEditions.OrderBy(e => e));
            Assert.Equal(new Version(5, 1), module.PowerShellVersion);
            Assert.Contains("SMTP", module.Tags);
            Assert.Contains("DKIM", module.Tags);
            Assert.Contains("PSEdition_Core", module.Tags);
            Assert.Contains("PSEdition_Desktop", module.Tags);
            Assert.True(module.ProjectUri?.IsAbsoluteUri == true, "ProjectUri");
            Assert.True(module.LicenseUri?.IsAbsoluteUri == true, "LicenseUri");
            Assert.False(string.IsNullOrWhiteSpace(module.Description));
            Assert.True(File.Exists(Path.Combine(ModulePaths.ModuleDirectory, "LICENSE")), "LICENSE ships with the module");
        }

        [Fact]
        public void ModuleVersionIsTheOneInDirectoryBuildProps()
        {
            var props = XDocument.Load(Path.Combine(ModulePaths.RepoRoot, "Directory.Build.props"));
            var version = props.Descendants("SmtpToolsVersion").Single().Value;
            Assert.Equal(Version.Parse(version), TestManifest().Version);
            Assert.Equal(Version.Parse(version), _s.Run("(Get-Module SmtpTools).Version").Single().BaseObject);
            Assert.Equal(Version.Parse(version + ".0"), CmdletAssembly().GetName().Version);
        }

        [Fact]
        public void ManifestExportsExactlyTheCmdletClassesOfTheAssembly()
        {
            var data = ManifestData(ModulePaths.Manifest);
            var listed = ((object[])data["CmdletsToExport"]).Cast<string>().ToList();
            Assert.DoesNotContain(listed, n => n.Contains('*') || n.Contains('?'));
            Assert.Empty((object[])data["FunctionsToExport"]);
            Assert.Empty((object[])data["AliasesToExport"]);
            Assert.Equal(listed.Count, listed.Distinct(StringComparer.OrdinalIgnoreCase).Count());

            var classes = CmdletTypes(CmdletAssembly()).Select(CmdletName).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.Equal(classes, listed.OrderBy(n => n, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
            Assert.Equal(classes, ModuleCommands.Cmdlets(_s).OrderBy(n => n, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
            Assert.Equal(classes, TestManifest().ExportedCmdlets.Keys.OrderBy(n => n, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
            Assert.All(CmdletTypes(CmdletAssembly()), t => Assert.Equal(t.Name, CmdletName(t).Replace("-", "") + "Command"));
        }

        [Fact]
        public void EveryCmdletDeclaresOutputTypesThatHaveATableView()
        {
            var module = TestManifest();
            var tableViews = module.ExportedFormatFiles
                .SelectMany(f => XDocument.Load(f).Descendants("View"))
                .Where(v => v.Element("TableControl") != null)
                .SelectMany(v => v.Element("ViewSelectedBy").Elements("TypeName").Select(t => t.Value.Trim()))
                .ToHashSet(StringComparer.Ordinal);
            var problems = new List<string>();
            foreach (var type in CmdletTypes(CmdletAssembly()))
            {
                var outputs = type.GetCustomAttributes<OutputTypeAttribute>().SelectMany(a => a.Type).ToList();
                if (outputs.Count == 0) problems.Add($"{CmdletName(type)} has no [OutputType]");
                foreach (var output in outputs.Where(o => o.Type?.Assembly == type.Assembly || o.Name.StartsWith("SmtpTools.", StringComparison.Ordinal)))
                    if (!tableViews.Contains(output.Name)) problems.Add($"{CmdletName(type)}: output type {output.Name} has no table view in {string.Join(", ", module.ExportedFormatFiles.Select(Path.GetFileName))}");
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void NoPrivateDependencyTypeInParametersOutputTypesOrPublicMembers()
        {
            var problems = new List<string>();
            var assembly = CmdletAssembly();
            foreach (var type in CmdletTypes(assembly))
            {
                foreach (var output in type.GetCustomAttributes<OutputTypeAttribute>().SelectMany(a => a.Type))
                    Check(output.Type, $"{CmdletName(type)} [OutputType]", problems);
                var parameters = _s.Run($"(Get-Command '{CmdletName(type)}').Parameters.Values").ThrowOnError().Output.Select(o => (ParameterMetadata)o.BaseObject);
                foreach (var parameter in parameters) Check(parameter.ParameterType, $"{CmdletName(type)} -{parameter.Name}", problems);
            }
            var contracts = ContractsAssembly();
            Assert.Equal("SmtpTools.Contracts", contracts.GetName().Name);
            // BCL only: the public types can load where no package of the module can.
            Assert.All(contracts.GetReferencedAssemblies(), n => Assert.Equal("netstandard", n.Name));
            foreach (var type in assembly.GetExportedTypes().Concat(contracts.GetExportedTypes()))
            {
                Check(type.BaseType, $"{type.FullName} base type", problems);
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
                    Check(property.PropertyType, $"{type.FullName}.{property.Name}", problems);
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
                    Check(field.FieldType, $"{type.FullName}.{field.Name}", problems);
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                {
                    Check(method.ReturnType, $"{type.FullName}.{method.Name} return", problems);
                    foreach (var p in method.GetParameters()) Check(p.ParameterType, $"{type.FullName}.{method.Name}({p.Name})", problems);
                }
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        private static void Check(Type type, string where, List<string> problems)
        {
            if (type == null) return;
            if (type.HasElementType) { Check(type.GetElementType(), where, problems); return; }
            if (type.IsGenericType) foreach (var argument in type.GetGenericArguments()) Check(argument, where, problems);
            var assembly = type.Assembly.GetName().Name;
            if (PrivateAssemblies.Contains(assembly)) problems.Add($"{where}: {type.FullName} from {assembly}");
        }

        [Fact]
        public void ModuleLayoutHasBothEditionsAndTheirHelp()
        {
            foreach (var edition in new[] { "core", "desktop" })
            {
                var bin = Path.Combine(ModulePaths.ModuleDirectory, "bin", edition);
                Assert.True(File.Exists(Path.Combine(bin, "SmtpTools.dll")), bin);
                Assert.True(File.Exists(Path.Combine(bin, "en-US", "SmtpTools.dll-Help.xml")), bin);
                // The public types load once, into the default context: beside SmtpTools.dll, never under dependencies/.
                Assert.True(File.Exists(Path.Combine(bin, "SmtpTools.Contracts.dll")), $"{edition}: SmtpTools.Contracts beside SmtpTools.dll");
                Assert.False(File.Exists(Path.Combine(bin, "dependencies", "SmtpTools.Contracts.dll")), $"{edition}: SmtpTools.Contracts in dependencies/");
                foreach (var dependency in PrivateAssemblies)
                {
                    Assert.True(File.Exists(Path.Combine(bin, "dependencies", dependency + ".dll")), $"{edition}: {dependency}");
                    // Beside SmtpTools.dll a dependency would load into the default context and defeat the isolation.
                    Assert.False(File.Exists(Path.Combine(bin, dependency + ".dll")), $"{edition}: {dependency} beside SmtpTools.dll");
                }
            }
            Assert.True(File.Exists(Path.Combine(ModulePaths.ModuleDirectory, "en-US", "about_SmtpTools.help.txt")));
            Assert.True(File.Exists(Path.Combine(ModulePaths.ModuleDirectory, "en-US", "about_SmtpTools_Findings.help.txt")));
        }
    
        [Fact]
        public void RepositoryScriptsParseAndBuildScriptOffersTheFourTasks()
        {
            // pwsh is not available here, so the engine's parser is the check that these scripts are valid PowerShell.
            var scripts = new[] { Path.Combine(ModulePaths.RepoRoot, "build.ps1") }
                .Concat(Directory.GetFiles(Path.Combine(ModulePaths.RepoRoot, "tests", "Pester"), "*.ps1"))
                .Concat(Directory.GetFiles(Path.Combine(ModulePaths.RepoRoot, "module"), "*.psm1"));
            foreach (var script in scripts)
            {
                Parser.ParseFile(script, out _, out var errors);
                Assert.True(errors.Length == 0, script + ": " + string.Join("; ", errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}")));
            }

            var build = Parser.ParseFile(Path.Combine(ModulePaths.RepoRoot, "build.ps1"), out _, out _);
            var task = build.ParamBlock.Parameters.Single(p => p.Name.VariablePath.UserPath == "Task");
            var validateSet = task.Attributes.OfType<AttributeAst>().Single(a => a.TypeName.Name == "ValidateSet");
            Assert.Equal(new[] { "Build", "Test", "Docs", "Package" }, validateSet.PositionalArguments.Select(a => a.SafeGetValue()));
            Assert.Equal("Build", task.DefaultValue.SafeGetValue());
        }
    }
}
