using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace SmtpTools.HelpGen
{
    /// <summary>A paragraph (its source lines) or a fenced code block.</summary>
    internal sealed class Block
    {
        public bool IsCode { get; init; }
        public string Language { get; init; } = "";
        public List<string> Lines { get; } = new List<string>();
        public int Line { get; init; }

        /// <summary>
        /// Paragraph text for help: wrapped prose joins into one line (Get-Help re-wraps it); lists keep one
        /// item per line. Markdown escapes are removed.
        /// </summary>
        public string Text
        {
            get
            {
                if (IsCode) return string.Join("\n", Lines);
                bool list = Lines.Any(l => ListItem.IsMatch(l));
                var text = list ? string.Join("\n", Lines.Select(l => l.TrimEnd())) : string.Join(" ", Lines.Select(l => l.Trim()));
                return Unescape(text);
            }
        }

        private static readonly Regex ListItem = new Regex(@"^\s*([-*+]|\d+\.)\s");
        private static string Unescape(string s) => Regex.Replace(s, @"\\([\\`*_{}\[\]()#+\-.!<>|])", "$1");
    }

    /// <summary>A heading and what follows it up to the next heading of the same or a higher level.</summary>
    internal sealed class Section
    {
        public string Title { get; init; } = "";
        public int Level { get; init; }
        public int Line { get; init; }
        public List<Block> Blocks { get; } = new List<Block>();
        public List<Section> Children { get; } = new List<Section>();

        public IEnumerable<Block> Paragraphs => Blocks.Where(b => !b.IsCode);
        public IEnumerable<Block> Code => Blocks.Where(b => b.IsCode);
        public Section Child(string title) => Children.FirstOrDefault(c => string.Equals(c.Title, title, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>One markdown page: YAML-style front matter, the "# Title" heading and its section tree.</summary>
    internal sealed class MarkdownPage
    {
        public string Path { get; private init; } = "";
        public Dictionary<string, string> FrontMatter { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public Section Root { get; } = new Section { Title = "", Level = 0 };
        public string Title => Root.Children.FirstOrDefault(c => c.Level == 1)?.Title ?? "";
        public Section TitleSection => Root.Children.FirstOrDefault(c => c.Level == 1) ?? Root;

        public Section Section(string name) => TitleSection.Child(name);

        public static MarkdownPage Load(string path)
        {
            var lines = File.ReadAllText(path).Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
            var page = new MarkdownPage { Path = path };
            int i = 0;
            if (lines.Length > 0 && lines[0].Trim() == "---")
            {
                for (i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
                {
                    var (key, value) = KeyValue(lines[i]);
                    if (key != null) page.FrontMatter[key] = value;
                }
                if (i == lines.Length) throw new HelpFormatException(path, 1, "front matter has no closing ---");
                i++;
            }

            var stack = new Stack<Section>();
            stack.Push(page.Root);
            Block paragraph = null;
            for (; i < lines.Length; i++)
            {
                string line = lines[i];
                var fence = Regex.Match(line, @"^\s*(```+|~~~+)\s*([\w-]*)\s*$");
                if (fence.Success)
                {
                    paragraph = null;
                    var code = new Block { IsCode = true, Language = fence.Groups[2].Value, Line = i + 1 };
                    string marker = fence.Groups[1].Value;
                    for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith(marker, StringComparison.Ordinal); i++)
                        code.Lines.Add(lines[i]);
                    if (i == lines.Length) throw new HelpFormatException(path, code.Line, "code block is not closed");
                    stack.Peek().Blocks.Add(code);
                    continue;
                }
                var heading = Regex.Match(line, @"^(#{1,6})\s+(.*?)\s*#*\s*$");
                if (heading.Success)
                {
                    paragraph = null;
                    var section = new Section { Title = heading.Groups[2].Value, Level = heading.Groups[1].Length, Line = i + 1 };
                    while (stack.Peek().Level >= section.Level) stack.Pop();
                    stack.Peek().Children.Add(section);
                    stack.Push(section);
                    continue;
                }
                if (string.IsNullOrWhiteSpace(line)) { paragraph = null; continue; }
                if (paragraph == null)
                {
                    paragraph = new Block { Line = i + 1 };
                    stack.Peek().Blocks.Add(paragraph);
                }
                paragraph.Lines.Add(line);
            }
            return page;
        }

        /// <summary>"Key: value" as PlatyPS writes front matter and parameter metadata (the value is the rest of the line).</summary>
        public static (string Key, string Value) KeyValue(string line)
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) return (null, null);
            return (line.Substring(0, colon).Trim(), line.Substring(colon + 1).Trim());
        }
    }

    internal sealed class HelpFormatException : Exception
    {
        public HelpFormatException(string path, int line, string message) : base(message) { Path = path; LineNumber = line; }
        public string Path { get; }
        public int LineNumber { get; }
        /// <summary>MSBuild's canonical error format, so the build shows file and line.</summary>
        public string Canonical => $"{Path}({LineNumber}): error HELPGEN1: {Message}";
    }
}
