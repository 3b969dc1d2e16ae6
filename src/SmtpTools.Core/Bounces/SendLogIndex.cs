using System;
using System.Collections.Generic;

namespace SmtpTools.Core.Bounces
{
    /// <summary>
    /// The send log (Send-SmtpMessage results, or the rows of their CSV export) by Message-ID, to find the entry that sent
    /// a bounced message. Message-IDs are compared without angle brackets and surrounding space, and without case (the
    /// same message's id is sometimes re-cased by gateways; distinct ids differing only in case do not occur in practice).
    /// </summary>
    public sealed class SendLogIndex
    {
        private readonly Dictionary<string, object> _entries = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Entries indexed (entries without a Message-ID are not).</summary>
        public int Count => _entries.Count;

        /// <summary>Adds an entry under its Message-ID; a later entry with the same id replaces the earlier (a resend).</summary>
        public void Add(string messageId, object entry)
        {
            string key = Normalize(messageId);
            if (key != null) _entries[key] = entry;
        }

        /// <summary>The entry sent with <paramref name="messageId"/>; null when none was.</summary>
        public object Find(string messageId)
        {
            string key = Normalize(messageId);
            return key != null && _entries.TryGetValue(key, out var entry) ? entry : null;
        }

        /// <summary>Sets <see cref="SmtpBounce.SendLogEntry"/> of each bounce whose original Message-ID is in the log; returns how many matched.</summary>
        public int Attach(IEnumerable<SmtpBounce> bounces)
        {
            int matched = 0;
            foreach (var bounce in bounces)
            {
                bounce.SendLogEntry = Find(bounce.OriginalMessageId);
                if (bounce.SendLogEntry != null) matched++;
            }
            return matched;
        }

        /// <summary>"&lt;id@host&gt;" and " id@host " → "id@host"; null for an empty id.</summary>
        public static string Normalize(string messageId)
        {
            if (string.IsNullOrWhiteSpace(messageId)) return null;
            string id = messageId.Trim();
            if (id.Length >= 2 && id[0] == '<' && id[id.Length - 1] == '>') id = id.Substring(1, id.Length - 2).Trim();
            return id.Length == 0 ? null : id;
        }
    }
}
