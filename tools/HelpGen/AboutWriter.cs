using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SmtpTools.HelpGen
{
    /// <summary>
    /// Writes an about_*.help.txt topic as New-ExternalHelp lays one out: "TOPIC" and every "## HEADING" in capitals
    /// at the margin, text wrapped and indented by four spaces, code indented by eight, "### Sub headings" indented by four.
    /// </summary>
    internal static class AboutWriter
    {
        private const int Width = 80;

        public static string Write(MarkdownPage page)
        {
            var title = page.TitleSection;
            if (title == page.Root || !page.Title.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                throw new HelpFormatException(page.Path, 1, "an about topic needs a '# about_<Name>' heading");
            if (title.Child("SHORT DESCRIPTION") == null || title.Child("LONG DESCRIPTION") == null)
                throw new HelpFormatException(page.Path, title.Line, "an about topic needs '## SHORT DESCRIPTION' and '## LONG DESCRIPTION'");

            var text = new StringBuilder();
            text.Append("TOPIC\n    ").Append(page.Title.ToLowerInvariant()).Append("\n\n");
            foreach (var section in title.Children)
            {
                text.Append(section.Title.ToUpperInvariant()).Append('\n');
                Body(text, section, 4);
            }
            return text.ToString().TrimEnd('\n') + "\n";
        }

        private static void Body(StringBuilder text, Section section, int indent)
        {
            foreach (var block in section.Blocks)
            {
                if (block.IsCode)
                    foreach (var line in block.Lines) text.Append(new string(' ', indent + 4)).Append(line.TrimEnd()).Append('\n');
                else
                    foreach (var line in block.Text.Split('\n')) Wrap(text, line, indent);
                text.Append('\n');
            }
            foreach (var child in section.Children)
            {
                text.Append(new string(' ', indent)).Append(child.Title).Append('\n');
                Body(text, child, indent + 4);
            }
        }

        /// <summary>Wraps at word boundaries; list items keep their hanging indent.</summary>
        private static void Wrap(StringBuilder text, string paragraph, int indent)
        {
            string content = paragraph.Trim();
            int hang = content.StartsWith("- ", StringComparison.Ordinal) || content.StartsWith("* ", StringComparison.Ordinal) ? 2 : 0;
            var line = new StringBuilder();
            int lineIndent = indent;
            foreach (var word in content.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && lineIndent + line.Length + 1 + word.Length > Width)
                {
                    text.Append(new string(' ', lineIndent)).Append(line).Append('\n');
                    line.Clear();
                    lineIndent = indent + hang;
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            if (line.Length > 0) text.Append(new string(' ', lineIndent)).Append(line).Append('\n');
        }
    }
}
