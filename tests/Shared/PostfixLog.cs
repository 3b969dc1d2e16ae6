using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;

namespace SmtpTools.Tests.Shared
{
    /// <summary>
    /// Reads the integration Postfix's log (SMTPTOOLS_POSTFIX_LOG) to tell which SMTP session carried which queued
    /// message: "smtpd[PID]: QUEUEID: client=…" belongs to the session that the next "smtpd[PID]: disconnect from …
    /// commands=…" line of the same process closes.
    /// </summary>
    public static class PostfixLog
    {
        public static string Path => IntegrationServers.Get("SMTPTOOLS_POSTFIX_LOG");

        /// <summary>The queue id in a reply such as "250 2.0.0 Ok: queued as 4dLxyz0Ab3z".</summary>
        public static string QueueIdOf(string reply)
        {
            var m = Regex.Match(reply ?? "", @"queued as ([0-9A-Za-z]+)");
            return m.Success ? m.Groups[1].Value : null;
        }

        /// <summary>
        /// For each queue id, the log line (with its line number) of the disconnect that ended its session. Waits
        /// (bounded) for Postfix to write the lines; missing ones come back as null.
        /// </summary>
        public static IReadOnlyDictionary<string, (int Line, string Text)> SessionEnds(IEnumerable<string> queueIds)
        {
            var ids = queueIds.ToList();
            Dictionary<string, (int, string)> result = null;
            for (int i = 0; i < 50; i++)
            {
                result = Scan(ids);
                if (result.Values.All(v => v.Item2 != null)) break;
                Thread.Sleep(200);
            }
            return result.ToDictionary(p => p.Key, p => ((int, string))p.Value);
        }

        /// <summary>Queue ids among <paramref name="queueIds"/> with no "status=sent" delivery line yet, after waiting (bounded) for them.</summary>
        public static IReadOnlyList<string> Undelivered(IEnumerable<string> queueIds)
        {
            var pending = new HashSet<string>(queueIds);
            for (int i = 0; i < 100 && pending.Count > 0; i++)
            {
                if (i > 0) Thread.Sleep(300);
                string text;
                using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                using (var reader = new StreamReader(stream))
                    text = reader.ReadToEnd();
                foreach (Match m in Regex.Matches(text, @" ([0-9A-Za-z]+): to=<[^>]*>.* status=sent "))
                    pending.Remove(m.Groups[1].Value);
            }
            return pending.ToList();
        }

        private static Dictionary<string, (int, string)> Scan(List<string> ids)
        {
            string[] lines;
            using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream))
                lines = reader.ReadToEnd().Split('\n');
            var result = new Dictionary<string, (int, string)>();
            foreach (var id in ids)
            {
                result[id] = (-1, null);
                var client = Regex.Escape(id) + ": client=";
                for (int i = 0; i < lines.Length; i++)
                {
                    if (!Regex.IsMatch(lines[i], client)) continue;
                    var pid = Regex.Match(lines[i], @"smtpd\[(\d+)\]").Groups[1].Value;
                    for (int j = i + 1; j < lines.Length; j++)
                        if (lines[j].Contains("smtpd[" + pid + "]: disconnect from")) { result[id] = (j, lines[j].Trim()); break; }
                    break;
                }
            }
            return result;
        }
    }
}
