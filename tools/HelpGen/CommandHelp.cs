using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SmtpTools.HelpGen
{
    internal sealed class ParameterHelp
    {
        public string Name { get; init; } = "";
        public List<string> Description { get; init; } = new List<string>();
        public string Type { get; init; } = "";
        public List<string> ParameterSets { get; init; } = new List<string>();
        public List<string> Aliases { get; init; } = new List<string>();
        public bool Required { get; init; }
        public string Position { get; init; } = "named";
        public string DefaultValue { get; init; } = "None";
        public string PipelineInput { get; init; } = "False";
        public bool Globbing { get; init; }
        public List<string> AcceptedValues { get; init; } = new List<string>();

        public bool IsSwitch => Type == "SwitchParameter" || Type == "System.Management.Automation.SwitchParameter";
        public bool InSet(string set) =>
            set == "__AllParameterSets" || ParameterSets.Any(s => s == "(All)" || string.Equals(s, set, StringComparison.OrdinalIgnoreCase));
    }

    internal sealed class SyntaxSet
    {
        public string Name { get; init; } = "";
        /// <summary>Parameter names in the order the syntax line shows them.</summary>
        public List<string> Order { get; init; } = new List<string>();
    }

    internal sealed class Example
    {
        public string Title { get; init; } = "";
        public string Code { get; init; } = "";
        public List<string> Remarks { get; init; } = new List<string>();
    }

    internal sealed class TypeHelp
    {
        public string Name { get; init; } = "";
        public List<string> Description { get; init; } = new List<string>();
    }

    internal sealed class Link
    {
        public string Text { get; init; } = "";
        public string Uri { get; init; } = "";
    }

    /// <summary>A cmdlet's help as read from its PlatyPS page.</summary>
    internal sealed class CommandHelp
    {
        public string Name { get; private init; } = "";
        public string Verb => Name.Split('-')[0];
        public string Noun => Name.Contains('-') ? Name.Substring(Name.IndexOf('-') + 1) : "";
        public List<string> Synopsis { get; } = new List<string>();
        public List<string> Description { get; } = new List<string>();
        public List<SyntaxSet> Syntax { get; } = new List<SyntaxSet>();
        /// <summary>One entry per yaml block: PlatyPS repeats a parameter when it differs between parameter sets.</summary>
        public List<ParameterHelp> Parameters { get; } = new List<ParameterHelp>();
        public List<Example> Examples { get; } = new List<Example>();
        public List<TypeHelp> Inputs { get; } = new List<TypeHelp>();
        public List<TypeHelp> Outputs { get; } = new List<TypeHelp>();
        public List<string> Notes { get; } = new List<string>();
        public List<Link> Links { get; } = new List<Link>();

        private static readonly string[] RequiredSections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS" };

        public static CommandHelp From(MarkdownPage page)
        {
            var title = page.TitleSection;
            if (title == page.Root) throw new HelpFormatException(page.Path, 1, "no '# <Cmdlet-Name>' heading");
            foreach (var name in RequiredSections)
                if (page.Section(name) == null) throw new HelpFormatException(page.Path, title.Line, $"no '## {name}' section");

            var help = new CommandHelp { Name = page.Title };
            help.Synopsis.AddRange(page.Section("SYNOPSIS").Paragraphs.Select(p => p.Text));
            help.Description.AddRange(page.Section("DESCRIPTION").Paragraphs.Select(p => p.Text));
            if (help.Synopsis.Count == 0) throw new HelpFormatException(page.Path, page.Section("SYNOPSIS").Line, "SYNOPSIS is empty");

            foreach (var set in page.Section("SYNTAX").Children)
            {
                var code = set.Code.FirstOrDefault() ?? throw new HelpFormatException(page.Path, set.Line, $"syntax block '{set.Title}' has no code block");
                var order = Regex.Matches(string.Join(" ", code.Lines), @"(?<=[\s\[])-(\w+)").Select(m => m.Groups[1].Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                // PlatyPS marks the default set in the heading: "### ByName (Default)".
                var name = Regex.Replace(set.Title, @"\s*\(Default\)\s*$", "", RegexOptions.IgnoreCase).Trim();
                help.Syntax.Add(new SyntaxSet { Name = name, Order = order });
            }
            if (help.Syntax.Count == 0) throw new HelpFormatException(page.Path, page.Section("SYNTAX").Line, "SYNTAX has no '### <ParameterSetName>' block");

            foreach (var p in page.Section("PARAMETERS").Children)
            {
                if (string.Equals(p.Title, "CommonParameters", StringComparison.OrdinalIgnoreCase)) continue;
                if (!p.Title.StartsWith("-", StringComparison.Ordinal)) throw new HelpFormatException(page.Path, p.Line, $"parameter heading '{p.Title}' does not start with '-'");
                var description = p.Paragraphs.Select(b => b.Text).ToList();
                var yamlBlocks = p.Code.Where(c => c.Language == "yaml").ToList();
                if (yamlBlocks.Count == 0) throw new HelpFormatException(page.Path, p.Line, $"parameter {p.Title} has no ```yaml block");
                foreach (var yaml in yamlBlocks)
                    help.Parameters.Add(Parameter(page.Path, p.Title.Substring(1), description, yaml));
            }

            var examples = page.Section("EXAMPLES");
            foreach (var e in examples.Children)
            {
                var code = e.Code.ToList();
                if (code.Count == 0) throw new HelpFormatException(page.Path, e.Line, $"example '{e.Title}' has no code block");
                help.Examples.Add(new Example
                {
                    Title = e.Title,
                    Code = string.Join("\n\n", code.Select(c => c.Text)),
                    Remarks = e.Paragraphs.Select(b => b.Text).ToList(),
                });
            }

            help.Inputs.AddRange(Types(page.Section("INPUTS")));
            help.Outputs.AddRange(Types(page.Section("OUTPUTS")));
            if (page.Section("NOTES") is Section notes) help.Notes.AddRange(notes.Paragraphs.Select(b => b.Text));

            string online = page.FrontMatter.TryGetValue("online version", out var o) ? o : "";
            if (!string.IsNullOrWhiteSpace(online)) help.Links.Add(new Link { Text = "Online Version:", Uri = online });
            if (page.Section("RELATED LINKS") is Section links)
                foreach (var para in links.Paragraphs)
                    foreach (Match m in Regex.Matches(string.Join(" ", para.Lines), @"\[([^\]]+)\]\(([^)]*)\)"))
                        help.Links.Add(new Link
                        {
                            Text = m.Groups[1].Value,
                            // Links to sibling pages (Foo.md) mean nothing inside Get-Help; keep only real addresses.
                            Uri = Regex.IsMatch(m.Groups[2].Value, @"^[a-z]+://", RegexOptions.IgnoreCase) ? m.Groups[2].Value : "",
                        });
            return help;
        }

        private static ParameterHelp Parameter(string path, string name, List<string> description, Block yaml)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in yaml.Lines)
            {
                var (key, value) = MarkdownPage.KeyValue(line);
                if (key != null) values[key] = value;
            }
            string Get(string key, string fallback) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : fallback;
            List<string> ListOf(string key) => Get(key, "").Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
            if (!values.ContainsKey("Type")) throw new HelpFormatException(path, yaml.Line, $"parameter -{name}: yaml block has no Type");

            string position = Get("Position", "Named");
            return new ParameterHelp
            {
                Name = name,
                Description = description,
                Type = Get("Type", ""),
                ParameterSets = ListOf("Parameter Sets").DefaultIfEmpty("(All)").ToList(),
                Aliases = ListOf("Aliases"),
                // "True" or, as some pages write it, "True (SetName)".
                Required = Get("Required", "False").StartsWith("True", StringComparison.OrdinalIgnoreCase),
                Position = string.Equals(position, "Named", StringComparison.OrdinalIgnoreCase) ? "named" : position,
                DefaultValue = Get("Default value", "None"),
                PipelineInput = Get("Accept pipeline input", "False"),
                Globbing = Get("Accept wildcard characters", "False").StartsWith("True", StringComparison.OrdinalIgnoreCase),
                AcceptedValues = ListOf("Accepted values"),
            };
        }

        private static IEnumerable<TypeHelp> Types(Section section)
        {
            if (section == null) yield break;
            foreach (var t in section.Children)
                yield return new TypeHelp { Name = t.Title, Description = t.Paragraphs.Select(b => b.Text).ToList() };
        }
    }
}
