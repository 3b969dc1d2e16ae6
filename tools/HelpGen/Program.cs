using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SmtpTools.HelpGen
{
    /// <summary>
    /// helpgen &lt;docs dir&gt; &lt;out dir&gt; [module assembly name]
    /// Reads every &lt;Cmdlet&gt;.md and about_*.md in the docs folder and writes &lt;assembly&gt;-Help.xml (MAML) and
    /// about_*.help.txt into the out folder. Exit code 1 with file(line): error lines on malformed pages.
    /// helpgen --findings &lt;SmtpTools.Contracts.dll&gt; &lt;docs dir&gt;
    /// Writes about_SmtpTools_Findings.md from the findings catalog (see <see cref="FindingsTopic"/>).
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length == 3 && args[0] == "--findings")
            {
                bool written = FindingsTopic.Update(args[1], Path.Combine(args[2], FindingsTopic.FileName));
                Console.WriteLine($"HelpGen: {FindingsTopic.FileName} {(written ? "written from the findings catalog" : "is current")}");
                return 0;
            }
            if (args.Length < 2 || args.Length > 3)
            {
                Console.Error.WriteLine("usage: HelpGen <docs dir> <out dir> [assembly file name, default SmtpTools.dll]");
                return 2;
            }
            string docs = args[0], output = args[1], assembly = args.Length > 2 ? args[2] : "SmtpTools.dll";
            if (!Directory.Exists(docs))
            {
                Console.Error.WriteLine($"HelpGen: error HELPGEN2: docs folder '{docs}' does not exist");
                return 2;
            }

            var commands = new List<CommandHelp>();
            var abouts = new List<(string Name, string Text)>();
            var failures = new List<HelpFormatException>();
            foreach (var file in Directory.GetFiles(docs, "*.md").OrderBy(f => f, StringComparer.Ordinal))
            {
                try
                {
                    var page = MarkdownPage.Load(file);
                    if (Path.GetFileName(file).StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                        abouts.Add((page.Title, AboutWriter.Write(page)));
                    else
                        commands.Add(CommandHelp.From(page));
                }
                catch (HelpFormatException ex) { failures.Add(ex); }
            }
            foreach (var f in failures) Console.Error.WriteLine(f.Canonical);
            if (failures.Count > 0) return 1;

            Directory.CreateDirectory(output);
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            using (var writer = new StreamWriter(Path.Combine(output, assembly + "-Help.xml"), false, utf8))
                MamlWriter.Write(commands).Save(writer);
            foreach (var (name, text) in abouts)
                File.WriteAllText(Path.Combine(output, name + ".help.txt"), text, utf8);
            Console.WriteLine($"HelpGen: {commands.Count} cmdlet(s), {abouts.Count} about topic(s) -> {output}");
            return 0;
        }
    }
}
