using System;
using System.IO;
using System.Linq;
using System.Threading;

namespace SmtpTools.Tests.Shared
{
    /// <summary>Mail delivered by the integration Postfix/Dovecot: SMTPTOOLS_MAILDIR_ROOT/&lt;user&gt;/Maildir/new.</summary>
    public static class Maildir
    {
        public static string NewFolder(string user) => Path.Combine(IntegrationServers.Get("SMTPTOOLS_MAILDIR_ROOT"), user, "Maildir", "new");

        /// <summary>The delivered file holding <paramref name="messageId"/> (without angle brackets); waits for delivery, null if it never comes.</summary>
        public static string Find(string user, string messageId, int waitMs = 20000)
        {
            var needle = "<" + messageId + ">";
            var folder = NewFolder(user);
            for (int waited = 0; ; waited += 200)
            {
                if (Directory.Exists(folder))
                {
                    foreach (var file in Directory.GetFiles(folder).OrderByDescending(File.GetLastWriteTimeUtc).Take(500))
                    {
                        string text;
                        try { text = File.ReadAllText(file); } catch (IOException) { continue; }
                        if (text.Contains(needle)) return file;
                    }
                }
                if (waited >= waitMs) return null;
                Thread.Sleep(200);
            }
        }

        /// <summary>
        /// Every Message-ID (without angle brackets) in <paramref name="user"/>'s new folder, with how many delivered files
        /// carry it: one pass over the folder for a whole merge, instead of one per message.
        /// </summary>
        public static System.Collections.Generic.Dictionary<string, int> MessageIds(string user)
        {
            var counts = new System.Collections.Generic.Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var folder = NewFolder(user);
            if (!Directory.Exists(folder)) return counts;
            foreach (var file in Directory.GetFiles(folder))
            {
                string id = null;
                try
                {
                    foreach (var line in File.ReadLines(file))
                    {
                        if (line.Length == 0) break; // end of the header section
                        if (line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase)) { id = line.Substring(11).Trim().Trim('<', '>'); break; }
                    }
                }
                catch (IOException) { continue; }
                if (id != null) counts[id] = counts.TryGetValue(id, out var n) ? n + 1 : 1;
            }
            return counts;
        }

        /// <summary>Waits until every id in <paramref name="ids"/> has been delivered to <paramref name="user"/> (or the time is up) and returns the counts.</summary>
        public static System.Collections.Generic.Dictionary<string, int> WaitForAll(string user, System.Collections.Generic.ICollection<string> ids, int waitMs = 120000)
        {
            for (int waited = 0; ; waited += 500)
            {
                var counts = MessageIds(user);
                if (ids.All(counts.ContainsKey) || waited >= waitMs) return counts;
                Thread.Sleep(500);
            }
        }

        /// <summary>How many delivered files of <paramref name="user"/> hold <paramref name="messageId"/> (duplicates check).</summary>
        public static int Count(string user, string messageId)
        {
            var folder = NewFolder(user);
            var needle = "<" + messageId + ">";
            return Directory.GetFiles(folder).Count(f => { try { return File.ReadAllText(f).Contains(needle); } catch (IOException) { return false; } });
        }
    }
}
