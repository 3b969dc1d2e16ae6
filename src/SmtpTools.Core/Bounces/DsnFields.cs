using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.Bounces
{
    /// <summary>
    /// The field groups of a delivery status notification (RFC 3464 section 2): "Name: value" lines with folded
    /// continuation lines, groups separated by blank lines. Also reads DSN fields that a bounce copies into its text part
    /// (then only the RFC 3464 field names count, and a new Final-Recipient starts a new group).
    /// </summary>
    internal static class DsnFields
    {
        private static readonly HashSet<string> Known = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Reporting-MTA", "DSN-Gateway", "Received-From-MTA", "Arrival-Date", "Original-Envelope-Id",
            "Original-Recipient", "Final-Recipient", "Action", "Status", "Remote-MTA", "Diagnostic-Code", "Last-Attempt-Date",
            "Final-Log-ID", "Will-Retry-Until", "X-Actual-Recipient", "X-Postfix-Sender", "X-Postfix-Queue-ID",
        };

        private static readonly Regex Field = new Regex(@"^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$", RegexOptions.CultureInvariant);

        /// <summary>The groups; each maps a field name (any case) to its unfolded value (the first one when repeated).</summary>
        public static List<Dictionary<string, string>> Parse(string text, bool embedded)
        {
            var groups = new List<Dictionary<string, string>>();
            Dictionary<string, string> current = null;
            string lastName = null;
            foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
            {
                string line = raw.TrimEnd();
                if (line.Trim().Length == 0)
                {
                    current = null;
                    lastName = null;
                    continue;
                }
                if ((line[0] == ' ' || line[0] == '\t') && current != null && lastName != null && !Field.IsMatch(line.Trim()))
                {
                    current[lastName] = current[lastName] + " " + line.Trim();
                    continue;
                }
                var m = Field.Match(embedded ? line.Trim() : line);
                if (!m.Success || (embedded && !Known.Contains(m.Groups[1].Value)))
                {
                    lastName = null;
                    continue;
                }
                string name = m.Groups[1].Value;
                bool newRecipient = name.Equals("Final-Recipient", StringComparison.OrdinalIgnoreCase) && current != null && current.ContainsKey("Final-Recipient");
                if (current == null || newRecipient)
                {
                    current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    groups.Add(current);
                }
                if (current.ContainsKey(name))
                {
                    lastName = null; // a repeated field: its continuation lines go with it, nowhere
                    continue;
                }
                current[name] = m.Groups[2].Value.Trim();
                lastName = name;
            }
            return groups;
        }

        /// <summary>"rfc822; user@example.com" or "&lt;user@example.com&gt;" → the address; null when none.</summary>
        public static string Address(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            string v = value.Trim();
            int semicolon = v.IndexOf(';');
            if (semicolon >= 0 && semicolon < 12) v = v.Substring(semicolon + 1).Trim();
            v = v.Trim('<', '>', ' ', '"', '\'');
            return v.Length == 0 ? null : v;
        }

        /// <summary>"smtp; 550 5.1.1 …" → "550 5.1.1 …" (the diagnostic type is dropped).</summary>
        public static string Diagnostic(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var m = Regex.Match(value, @"^\s*(smtp|x-[\w-]+|x-unix|mta|x-postfix)\s*;\s*", RegexOptions.IgnoreCase);
            return (m.Success ? value.Substring(m.Length) : value).Trim();
        }

        /// <summary>"dns; mx.example.com" → "mx.example.com".</summary>
        public static string Mta(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            int semicolon = value.IndexOf(';');
            string v = semicolon >= 0 ? value.Substring(semicolon + 1) : value;
            v = v.Trim().Trim('<', '>', '[', ']').Trim();
            return v.Length == 0 ? null : v;
        }
    }
}
