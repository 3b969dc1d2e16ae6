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

        /// <summary>How many delivered files of <paramref name="user"/> hold <paramref name="messageId"/> (duplicates check).</summary>
        public static int Count(string user, string messageId)
        {
            var folder = NewFolder(user);
            var needle = "<" + messageId + ">";
            return Directory.GetFiles(folder).Count(f => { try { return File.ReadAllText(f).Contains(needle); } catch (IOException) { return false; } });
        }
    }
}
