using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace SmtpTools.HelpGen
{
    /// <summary>Writes the command:command MAML schema that Get-Help reads for binary cmdlets.</summary>
    internal static class MamlWriter
    {
        private static readonly XNamespace Msh = "http://msh";
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        private static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

        public static XDocument Write(IEnumerable<CommandHelp> commands) =>
            new XDocument(new XDeclaration("1.0", "utf-8", null),
                new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                    commands.Select(Command_)));

        private static XElement Command_(CommandHelp c) =>
            new XElement(Command + "command",
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
                new XElement(Command + "details",
                    new XElement(Command + "name", c.Name),
                    new XElement(Command + "verb", c.Verb),
                    new XElement(Command + "noun", c.Noun),
                    Description(c.Synopsis)),
                Description(c.Description),
                new XElement(Command + "syntax", c.Syntax.Select(set => SyntaxItem(c, set))),
                new XElement(Command + "parameters",
                    // One entry per parameter name here; the first yaml block describes it.
                    c.Parameters.GroupBy(p => p.Name, System.StringComparer.OrdinalIgnoreCase).Select(g => Parameter(g.First(), inSyntax: false))),
                new XElement(Command + "inputTypes", c.Inputs.Select(t =>
                    new XElement(Command + "inputType", TypeName(t.Name), Description(t.Description)))),
                new XElement(Command + "returnValues", c.Outputs.Select(t =>
                    new XElement(Command + "returnValue", TypeName(t.Name), Description(t.Description)))),
                new XElement(Maml + "alertSet",
                    new XElement(Maml + "alert", Paragraphs(c.Notes))),
                new XElement(Command + "examples", c.Examples.Select(e =>
                    new XElement(Command + "example",
                        new XElement(Maml + "title", "-------------------------- " + e.Title + " --------------------------"),
                        new XElement(Dev + "code", e.Code),
                        new XElement(Dev + "remarks", Paragraphs(e.Remarks))))),
                new XElement(Command + "relatedLinks", c.Links.Select(l =>
                    new XElement(Maml + "navigationLink",
                        new XElement(Maml + "linkText", l.Text),
                        new XElement(Maml + "uri", l.Uri)))));

        private static XElement SyntaxItem(CommandHelp c, SyntaxSet set)
        {
            var members = c.Parameters.Where(p => p.InSet(set.Name))
                .GroupBy(p => p.Name, System.StringComparer.OrdinalIgnoreCase).Select(g => g.First())
                .OrderBy(p => set.Order.FindIndex(n => string.Equals(n, p.Name, System.StringComparison.OrdinalIgnoreCase)) is int i && i >= 0 ? i : int.MaxValue)
                .ToList();
            return new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", c.Name),
                members.Select(p => Parameter(p, inSyntax: true)));
        }

        private static XElement Parameter(ParameterHelp p, bool inSyntax)
        {
            var element = new XElement(Command + "parameter",
                new XAttribute("required", p.Required ? "true" : "false"),
                new XAttribute("variableLength", "true"),
                new XAttribute("globbing", p.Globbing ? "true" : "false"),
                new XAttribute("pipelineInput", p.PipelineInput),
                new XAttribute("position", p.Position),
                new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
                new XElement(Maml + "name", p.Name),
                Description(p.Description));
            if (p.AcceptedValues.Count > 0)
                element.Add(new XElement(Command + "parameterValueGroup", p.AcceptedValues.Select(v =>
                    new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
            // Switches take no value: Get-Help shows "[-Force]" rather than "[-Force <SwitchParameter>]" in syntax.
            if (!(inSyntax && p.IsSwitch))
                element.Add(new XElement(Command + "parameterValue",
                    new XAttribute("required", p.IsSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), p.Type));
            element.Add(TypeName(p.Type), new XElement(Dev + "defaultValue", p.DefaultValue));
            return element;
        }

        private static XElement TypeName(string name) =>
            new XElement(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

        private static XElement Description(IEnumerable<string> paragraphs) =>
            new XElement(Maml + "description", Paragraphs(paragraphs));

        private static IEnumerable<XElement> Paragraphs(IEnumerable<string> paragraphs) =>
            paragraphs.Select(p => new XElement(Maml + "para", p));
    }
}
