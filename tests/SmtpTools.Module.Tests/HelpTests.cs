using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using SmtpTools.Module.Tests.Infrastructure;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Get-Help for every cmdlet the module exports (asked of Get-Command, so a cmdlet added later is covered
    /// automatically): the MAML the build generates from docs/en-US must give synopsis, description, every
    /// parameter and examples. Each test collects every problem of every cmdlet into one failure message.
    /// </summary>
    public sealed class HelpTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        private readonly IReadOnlyList<string> _cmdlets;

        public HelpTests(PsSession session)
        {
            _s = session;
            _cmdlets = ModuleCommands.Cmdlets(session);
        }

        private static string DocsPage(string cmdlet) => Path.Combine(ModulePaths.RepoRoot, "docs", "en-US", cmdlet + ".md");

        private static void AssertNoProblems(List<string> problems) =>
            Assert.True(problems.Count == 0, "Help problems:\n" + string.Join("\n", problems));

        private static string Text(object value) => value switch
        {
            null => "",
            PSObject o when o.BaseObject is string s => s,
            PSObject o when o.Properties["Text"] != null => Text(o.Properties["Text"].Value),
            PSObject o when o.BaseObject is IEnumerable e => string.Join("\n", e.Cast<object>().Select(Text)),
            string s => s,
            IEnumerable e => string.Join("\n", e.Cast<object>().Select(Text)),
            _ => value.ToString(),
        };

        /// <summary>The host wraps long lines anywhere, even inside words: compare text without any whitespace.</summary>
        private static string Squash(string text) => Regex.Replace(text, @"\s+", "");

        private static object Member(object o, string name) => o is PSObject p ? p.Properties[name]?.Value : null;

        private static IEnumerable<PSObject> Items(object container, string name)
        {
            var value = Member(container, name);
            return value switch
            {
                null => Enumerable.Empty<PSObject>(),
                PSObject p when p.BaseObject is IEnumerable and not string => ((IEnumerable)p.BaseObject).Cast<object>().Select(PSObject.AsPSObject),
                IEnumerable e and not string => e.Cast<object>().Select(PSObject.AsPSObject),
                _ => new[] { PSObject.AsPSObject(value) },
            };
        }

        [Fact]
        public void EveryCmdletHasADocsPageWithASectionForEveryParameter()
        {
            var problems = new List<string>();
            foreach (var cmdlet in _cmdlets)
            {
                if (!File.Exists(DocsPage(cmdlet))) { problems.Add($"{cmdlet}: no docs page {DocsPage(cmdlet)}"); continue; }
                var page = File.ReadAllText(DocsPage(cmdlet)).Replace("\r\n", "\n");
                if (!page.Contains("\n# " + cmdlet + "\n")) problems.Add($"{cmdlet}: page has no '# {cmdlet}' title");
                foreach (var section in new[] { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS" })
                    if (!page.Contains("\n## " + section + "\n")) problems.Add($"{cmdlet}: page has no '## {section}' section");
                foreach (var parameter in ModuleCommands.OwnParameters(_s, cmdlet))
                {
                    var section = Regex.Match(page, @"\n### -" + Regex.Escape(parameter) + @"\n(?<body>.*?)(?=\n### |\n## |$)", RegexOptions.Singleline);
                    if (!section.Success) problems.Add($"{cmdlet}: no '### -{parameter}' section");
                    else if (!section.Groups["body"].Value.Contains("```yaml")) problems.Add($"{cmdlet}: '### -{parameter}' has no ```yaml block");
                }
                if (!page.Contains("\n### CommonParameters\n")) problems.Add($"{cmdlet}: no '### CommonParameters' section");
            }
            AssertNoProblems(problems);
        }

        [Fact]
        public void FullHelpHasSynopsisDescriptionEveryParameterAndExamples()
        {
            var problems = new List<string>();
            foreach (var cmdlet in _cmdlets)
            {
                var result = _s.Run($"Get-Help '{cmdlet}' -Full");
                if (result.Output.Count != 1) { problems.Add($"{cmdlet}: Get-Help returned {result}"); continue; }
                var help = result.Output[0];

                // Without a MAML file Get-Help still answers, with the syntax line as synopsis and no description.
                var synopsis = Text(Member(help, "Synopsis")).Trim();
                if (synopsis.Length == 0 || synopsis.StartsWith(cmdlet + " ", StringComparison.Ordinal) || synopsis.Contains("[<CommonParameters>]"))
                    problems.Add($"{cmdlet}: no synopsis from the help file (got '{synopsis}')");
                if (Text(Member(help, "description")).Trim().Length == 0)
                    problems.Add($"{cmdlet}: no description");

                var documented = Items(Member(help, "parameters"), "parameter")
                    .ToDictionary(p => Text(Member(p, "name")), p => Text(Member(p, "description")).Trim(), StringComparer.OrdinalIgnoreCase);
                foreach (var parameter in ModuleCommands.OwnParameters(_s, cmdlet))
                {
                    if (!documented.TryGetValue(parameter, out var description)) problems.Add($"{cmdlet}: -{parameter} missing from Get-Help");
                    else if (description.Length == 0) problems.Add($"{cmdlet}: -{parameter} has an empty description");
                }
                foreach (var name in documented.Keys.Where(d => !ModuleCommands.OwnParameters(_s, cmdlet).Contains(d, StringComparer.OrdinalIgnoreCase)))
                    problems.Add($"{cmdlet}: help documents -{name}, which the cmdlet does not have");

                var examples = Items(Member(help, "examples"), "example").ToList();
                if (examples.Count == 0) problems.Add($"{cmdlet}: no examples");
                foreach (var example in examples)
                    if (!Text(Member(example, "code")).Contains(cmdlet, StringComparison.OrdinalIgnoreCase))
                        problems.Add($"{cmdlet}: example '{Text(Member(example, "title")).Trim('-', ' ')}' does not use {cmdlet}");

                // What a person reads: the rendered -Full text has the sections and every parameter.
                var text = _s.Render($"Get-Help '{cmdlet}' -Full");
                foreach (var heading in new[] { "NAME", "SYNOPSIS", "SYNTAX", "DESCRIPTION", "PARAMETERS", "INPUTS", "OUTPUTS", "Example 1" })
                    if (!text.Contains(heading)) problems.Add($"{cmdlet}: Get-Help -Full text has no {heading}");
                if (!Squash(text).Contains(Squash(synopsis))) problems.Add($"{cmdlet}: Get-Help -Full text lacks the synopsis");
                foreach (var parameter in ModuleCommands.OwnParameters(_s, cmdlet))
                    if (!Regex.IsMatch(text, @"\n\s+-" + Regex.Escape(parameter) + @" [<\[]")) problems.Add($"{cmdlet}: Get-Help -Full text has no entry for -{parameter}");
            }
            AssertNoProblems(problems);
        }

        [Fact]
        public void HelpAgreesWithTheCmdlet()
        {
            // Stale pages: aliases, parameter sets and mandatory parameters must match what the cmdlet really has.
            var problems = new List<string>();
            foreach (var cmdlet in _cmdlets)
            {
                var help = _s.Run($"Get-Help '{cmdlet}' -Full").Single();
                var helpSets = Items(Member(help, "syntax"), "syntaxItem").Count();
                var sets = _s.Run($"(Get-Command '{cmdlet}').ParameterSets.Count").Single().BaseObject;
                if (!Equals(helpSets, sets)) problems.Add($"{cmdlet}: help shows {helpSets} syntax block(s), the cmdlet has {sets} parameter set(s)");

                foreach (var parameter in Items(Member(help, "parameters"), "parameter"))
                {
                    var name = Text(Member(parameter, "name"));
                    var real = _s.Run($"(Get-Command '{cmdlet}').Parameters['{name}']").Output.FirstOrDefault()?.BaseObject as ParameterMetadata;
                    if (real == null) continue; // reported by the test above
                    var helpAliases = Text(Member(parameter, "aliases")).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(a => a != "none");
                    if (!helpAliases.OrderBy(a => a).SequenceEqual(real.Aliases.OrderBy(a => a), StringComparer.OrdinalIgnoreCase))
                        problems.Add($"{cmdlet}: -{name} aliases in help '{string.Join(", ", helpAliases)}', cmdlet '{string.Join(", ", real.Aliases)}'");
                    bool helpRequired = string.Equals(Text(Member(parameter, "required")), "true", StringComparison.OrdinalIgnoreCase);
                    bool mandatoryEverywhere = real.ParameterSets.Values.All(s => s.IsMandatory);
                    if (helpRequired && !real.ParameterSets.Values.Any(s => s.IsMandatory))
                        problems.Add($"{cmdlet}: -{name} is Required in help but mandatory in no parameter set");
                    if (!helpRequired && mandatoryEverywhere)
                        problems.Add($"{cmdlet}: -{name} is mandatory but help says Required: False");
                }
            }
            AssertNoProblems(problems);
        }

        [Fact]
        public void ExamplesViewShowsEveryExample()
        {
            var problems = new List<string>();
            foreach (var cmdlet in _cmdlets)
            {
                var codes = Items(Member(_s.Run($"Get-Help '{cmdlet}' -Full").Single(), "examples"), "example")
                    .Select(e => Text(Member(e, "code")).Trim()).ToList();
                var text = _s.Render($"Get-Help '{cmdlet}' -Examples");
                if (codes.Count == 0) problems.Add($"{cmdlet}: no examples");
                if (text.Contains("PARAMETERS")) problems.Add($"{cmdlet}: -Examples shows the full help");
                foreach (var code in codes)
                    foreach (var line in code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
                        if (!Squash(text).Contains(Squash(line))) problems.Add($"{cmdlet}: -Examples text lacks '{line}'");
            }
            AssertNoProblems(problems);
        }

        [Fact]
        public void AboutTopicIsFoundAndNamesEveryCmdlet()
        {
            var result = _s.Run("Get-Help about_SmtpTools");
            Assert.Empty(result.Errors);
            var text = string.Join("\n", result.Output.Select(o => o.ToString()));
            Assert.Contains("about_smtptools", text);
            Assert.Contains("SHORT DESCRIPTION", text);
            Assert.Contains("LONG DESCRIPTION", text);
            Assert.Contains("AssemblyLoadContext", text);
            Assert.All(_cmdlets, c => Assert.Contains(c, text));
        }
    }
}
