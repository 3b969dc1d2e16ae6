using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using SmtpTools.HelpGen;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// tools/HelpGen on pages the real docs do not exercise: several parameter sets, a parameter described per set,
    /// accepted values, switches in syntax, and malformed pages that must stop the build with file and line.
    /// </summary>
    [Collection("Console")]
    public sealed class HelpGenTests : IDisposable
    {
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        private readonly string _docs = Directory.CreateTempSubdirectory("helpgen-docs-").FullName;
        private readonly string _out = Directory.CreateTempSubdirectory("helpgen-out-").FullName;

        public void Dispose()
        {
            Directory.Delete(_docs, true);
            Directory.Delete(_out, true);
        }

        private (int Code, string Errors) Run()
        {
            var errors = new StringWriter();
            var original = Console.Error;
            Console.SetError(errors);
            try { return (Program.Main(new[] { _docs, _out }), errors.ToString()); }
            finally { Console.SetError(original); }
        }

        private const string TwoSetPage = @"---
external help file: SmtpTools.dll-Help.xml
Module Name: SmtpTools
online version: https://example.invalid/get-thing
schema: 2.0.0
---

# Get-Thing

## SYNOPSIS
Gets things.

## SYNTAX

### ByName (Default)
```
Get-Thing [-Name] <String> [-Kind <ThingKind>] [-Force] [<CommonParameters>]
```

### ById
```
Get-Thing -Id <Int32> [-Force] [<CommonParameters>]
```

## DESCRIPTION
First paragraph
wrapped over two lines.

- item one
- item two

## EXAMPLES

### Example 1: By name
```powershell
Get-Thing -Name a
```

Remark about it.

## PARAMETERS

### -Name
The name.

```yaml
Type: String
Parameter Sets: ByName
Aliases: N, ThingName

Required: True
Position: 0
Default value: None
Accept pipeline input: True (ByValue)
Accept wildcard characters: True
```

### -Id
The id.

```yaml
Type: Int32
Parameter Sets: ById
Aliases:

Required: True (ById)
Position: Named
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### -Kind
The kind.

```yaml
Type: ThingKind
Parameter Sets: ByName
Aliases:
Accepted values: Small, Large

Required: False
Position: Named
Default value: Small
Accept pipeline input: False
Accept wildcard characters: False
```

### -Force
Do it anyway.

```yaml
Type: SwitchParameter
Parameter Sets: (All)
Aliases:

Required: False
Position: Named
Default value: False
Accept pipeline input: False
Accept wildcard characters: False
```

### CommonParameters
This cmdlet supports the common parameters.

## INPUTS

### System.String

## OUTPUTS

### Thing
One per thing.

## NOTES
A note.

## RELATED LINKS

[Other-Thing](Other-Thing.md)

[RFC 1](https://www.rfc-editor.org/rfc/rfc1)
";

        [Fact]
        public void ParameterSetsValuesSwitchesAndLinksBecomeMaml()
        {
            File.WriteAllText(Path.Combine(_docs, "Get-Thing.md"), TwoSetPage);
            var (code, errors) = Run();
            Assert.True(code == 0, errors);

            var command = XDocument.Load(Path.Combine(_out, "SmtpTools.dll-Help.xml")).Root.Element(Command + "command");
            Assert.Equal("Get", command.Element(Command + "details").Element(Command + "verb").Value);
            Assert.Equal("Thing", command.Element(Command + "details").Element(Command + "noun").Value);
            var paragraphs = command.Element(Maml + "description").Elements(Maml + "para").Select(p => p.Value).ToList();
            Assert.Equal(new[] { "First paragraph wrapped over two lines.", "- item one\n- item two" }, paragraphs);

            var items = command.Element(Command + "syntax").Elements(Command + "syntaxItem").ToList();
            Assert.Equal(2, items.Count);
            Assert.Equal(new[] { "Name", "Kind", "Force" }, items[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name").Value));
            Assert.Equal(new[] { "Id", "Force" }, items[1].Elements(Command + "parameter").Select(p => p.Element(Maml + "name").Value));
            var force = items[1].Elements(Command + "parameter").Last();
            Assert.Null(force.Element(Command + "parameterValue"));
            var kind = items[0].Elements(Command + "parameter").ElementAt(1);
            Assert.Equal(new[] { "Small", "Large" }, kind.Element(Command + "parameterValueGroup").Elements(Command + "parameterValue").Select(v => v.Value));

            var parameters = command.Element(Command + "parameters").Elements(Command + "parameter").ToDictionary(p => p.Element(Maml + "name").Value);
            Assert.Equal(new[] { "Name", "Id", "Kind", "Force" }, parameters.Keys);
            Assert.Equal("true", parameters["Name"].Attribute("required").Value);
            Assert.Equal("true", parameters["Id"].Attribute("required").Value);
            Assert.Equal("0", parameters["Name"].Attribute("position").Value);
            Assert.Equal("named", parameters["Id"].Attribute("position").Value);
            Assert.Equal("N, ThingName", parameters["Name"].Attribute("aliases").Value);
            Assert.Equal("none", parameters["Id"].Attribute("aliases").Value);
            Assert.Equal("true", parameters["Name"].Attribute("globbing").Value);
            Assert.Equal("True (ByValue)", parameters["Name"].Attribute("pipelineInput").Value);
            Assert.Equal("Small", parameters["Kind"].Element(Dev + "defaultValue").Value);
            Assert.Equal("SwitchParameter", parameters["Force"].Element(Command + "parameterValue").Value);

            var example = command.Element(Command + "examples").Element(Command + "example");
            Assert.Contains("Example 1: By name", example.Element(Maml + "title").Value);
            Assert.Equal("Get-Thing -Name a", example.Element(Dev + "code").Value);
            Assert.Equal("Remark about it.", example.Element(Dev + "remarks").Element(Maml + "para").Value);

            var links = command.Element(Command + "relatedLinks").Elements(Maml + "navigationLink")
                .Select(l => (l.Element(Maml + "linkText").Value, l.Element(Maml + "uri").Value)).ToList();
            Assert.Equal(new[] { ("Online Version:", "https://example.invalid/get-thing"), ("Other-Thing", ""), ("RFC 1", "https://www.rfc-editor.org/rfc/rfc1") }, links);
            Assert.Equal("Thing", command.Element(Command + "returnValues").Element(Command + "returnValue").Element(Dev + "type").Element(Maml + "name").Value);
        }

        [Theory]
        [InlineData("## SYNOPSIS\nGets things.\n", "no '## SYNTAX' section")]
        [InlineData("## SYNOPSIS\nx\n\n## SYNTAX\n\n### A\n```\nGet-Thing\n```\n\n## DESCRIPTION\nd\n\n## EXAMPLES\n\n## PARAMETERS\n\n### -Name\nThe name.\n", "parameter -Name has no ```yaml block")]
        [InlineData("## SYNOPSIS\nx\n\n## SYNTAX\n\n### A\n```\nGet-Thing\n", "code block is not closed")]
        public void MalformedPagesFailWithFileAndLine(string body, string message)
        {
            var path = Path.Combine(_docs, "Get-Thing.md");
            File.WriteAllText(path, "# Get-Thing\n\n" + body);
            var (code, errors) = Run();
            Assert.Equal(1, code);
            Assert.Matches(@"^" + System.Text.RegularExpressions.Regex.Escape(path) + @"\(\d+\): error HELPGEN1: ", errors);
            Assert.Contains(message, errors);
            Assert.False(File.Exists(Path.Combine(_out, "SmtpTools.dll-Help.xml")));
        }

        [Fact]
        public void AboutTopicNeedsItsSections()
        {
            File.WriteAllText(Path.Combine(_docs, "about_Thing.md"), "# about_Thing\n\n## SHORT DESCRIPTION\nShort.\n");
            var (code, errors) = Run();
            Assert.Equal(1, code);
            Assert.Contains("LONG DESCRIPTION", errors);

            File.WriteAllText(Path.Combine(_docs, "about_Thing.md"), "# about_Thing\n\n## SHORT DESCRIPTION\nShort.\n\n## LONG DESCRIPTION\nLong text.\n\n### Part\n```powershell\nGet-Thing\n```\n");
            (code, errors) = Run();
            Assert.True(code == 0, errors);
            Assert.Equal("TOPIC\n    about_thing\n\nSHORT DESCRIPTION\n    Short.\n\nLONG DESCRIPTION\n    Long text.\n\n    Part\n            Get-Thing\n",
                File.ReadAllText(Path.Combine(_out, "about_Thing.help.txt")));
        }
    }
}
