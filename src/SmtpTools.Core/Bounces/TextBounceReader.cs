using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Bounces
{
    /// <summary>One recipient as a bounce's text describes it, before classification.</summary>
    internal sealed class RecipientText
    {
        public string Recipient;
        /// <summary>The lines about this recipient (its block, and other lines naming it).</summary>
        public string Primary;
        /// <summary>The whole notification, for causes stated once for all recipients.</summary>
        public string Context;
        /// <summary>RCPT, MAIL, DATA or CONNECT when the text says which command the error answered.</summary>
        public string Command;
    }

    /// <summary>
    /// Reads bounces that are not delivery status notifications: the notification text of Exim, qmail, Sendmail,
    /// Exchange, Gmail, Notes, OpenSMTPD, Courier, Postfix and many smaller MTAs. Rather than one parser per MTA it
    /// finds what they share: the failed addresses (named in the text, or in X-Failed-Recipients), the lines that belong
    /// to each (the block that starts with the address, and transcript lines that name it), and the SMTP command the
    /// error answered. <see cref="FormatOf"/> names the MTA family for the Source property.
    /// </summary>
    internal static class TextBounceReader
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;

        internal static readonly Regex AddressPattern = new Regex(
            @"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}", Options);

        /// <summary>Lines whose addresses are not failed recipients: header quotes, the sender, greetings, message ids.</summary>
        private static readonly Regex ContextLine = new Regex(
            @"^\s*(>+\s*)?(from|to|cc|bcc|reply-to|sender|return-path|original sender|sender-mta|envelope-from|mail from|hello|hi|dear|" +
            @"message-?id|in-reply-to|references|subject|received|x-[\w-]+)\s*:|^\s*(hello|hi|dear)\s|envelope-?from|envelope sender|" +
            @"generated (by|from)|mail from\s*:|^\s*\(?ultimately|originally (sent|addressed) by|\bF=\[", Options);

        private static readonly (string Command, Regex Pattern)[] Commands =
        {
            ("RCPT", new Regex(@"rcpt to|after rcpt|in reply to rcpt|rcpt command|\[rcpt_to\]|recipient address rejected", Options)),
            ("MAIL", new Regex(@"mail from|after mail|in reply to mail|sender address rejected", Options)),
            ("DATA", new Regex(@"\bdata\b(?! ?center)|end of data|after end of|message body|\(data\)|\btext command", Options)),
            ("CONNECT", new Regex(@"\b(helo|ehlo)\b|greeting|during connect|while connecting|connection (refused|timed out|reset)", Options)),
        };

        private static readonly (string Name, Regex Marker)[] Formats =
        {
            ("Qmail", new Regex(@"qmail-send program|this is a permanent error; i've given up|below this line is a copy of the message", Options)),
            ("Exim", new Regex(@"this message was created automatically by mail delivery software|the following address\(es\) failed", Options)),
            ("Sendmail", new Regex(@"transcript of session follows|following addresses had (permanent fatal errors|delivery (problems|errors))", Options)),
            ("Exchange", new Regex(@"did not reach the following recipient|delivery has failed to these recipients|diagnostic information for administrators|could not be reached:|msexch", Options)),
            ("Gmail", new Regex(@"delivery to the following recipient (failed|has been delayed)|google tried to deliver your message", Options)),
            ("OpenSMTPD", new Regex(@"this is the mailer-daemon, please do not reply", Options)),
            ("Notes", new Regex(@"failure reasons\s*-+|not listed in public name & address book", Options)),
            ("Postfix", new Regex(@"this is the mail system at host|postfix", Options)),
        };

        public static string FormatOf(string notification, MimeKit.MimeMessage message)
        {
            foreach (var (name, marker) in Formats)
                if (marker.IsMatch(notification)) return name;
            return message.Headers["X-Failed-Recipients"] != null ? "Exim" : "Text";
        }

        public static string CommandOf(string text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            string best = null;
            int at = int.MaxValue;
            foreach (var (command, pattern) in Commands)
            {
                var m = pattern.Match(text);
                if (m.Success && m.Index < at) { at = m.Index; best = command; }
            }
            return best;
        }

        /// <summary>The notification split into lines, with each line's candidate addresses, found once per message.</summary>
        internal sealed class Index
        {
            public Index(string notification)
            {
                Notification = notification;
                Lines = notification.Split('\n').Select(l => l.TrimEnd()).ToArray();
                Addresses = Lines.Select(l => ContextLine.IsMatch(l) ? new List<string>() : AddressesIn(l).ToList()).ToArray();
            }

            public string Notification { get; }
            public string[] Lines { get; }
            /// <summary>Per line, the addresses that may be recipients (none on header quotes, greetings and sender lines).</summary>
            public List<string>[] Addresses { get; }
        }

        /// <param name="index">The notification text.</param>
        /// <param name="declared">Recipients the bounce declares elsewhere (X-Failed-Recipients, a DSN); null: find them in the text.</param>
        /// <param name="notRecipients">Addresses that are never failed recipients (the sender, the bounce's own addresses).</param>
        public static List<RecipientText> Read(Index index, IEnumerable<string> declared, ISet<string> notRecipients)
        {
            var lines = index.Lines;
            var perLine = index.Addresses.Select(a => a.Where(x => !notRecipients.Contains(x)).ToList()).ToArray();
            var order = perLine.SelectMany(a => a).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var given = declared?.Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
            var recipients = given != null && given.Count > 0 ? given : order;

            var result = new List<RecipientText>();
            foreach (var recipient in recipients)
            {
                // Lines about another recipient end this one's block: they name its address, or (Sendmail's
                // "550 example.org (smtp)... Host unknown" before the address line) its domain.
                string domain = DomainNames.OfAddress(recipient);
                var otherDomains = recipients.Select(DomainNames.OfAddress).Where(d => d != null && !d.Equals(domain, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                bool AboutAnother(int j) => perLine[j].Any(a => !a.Equals(recipient, StringComparison.OrdinalIgnoreCase))
                    || otherDomains.Any(d => lines[j].IndexOf(d, StringComparison.OrdinalIgnoreCase) >= 0);
                // This recipient's lines: each line naming it, and the lines after it up to one about another recipient.
                var own = new List<string>();
                for (int i = 0; i < lines.Length; i++)
                {
                    if (lines[i].IndexOf(recipient, StringComparison.OrdinalIgnoreCase) < 0) continue;
                    own.Add(lines[i]);
                    for (int j = i + 1; j < lines.Length && !AboutAnother(j); j++)
                    {
                        if (lines[j].IndexOf(recipient, StringComparison.OrdinalIgnoreCase) >= 0) break; // taken as its own start
                        own.Add(lines[j]);
                        i = j;
                    }
                }
                string primary = string.Join("\n", own);
                result.Add(new RecipientText
                {
                    Recipient = recipient,
                    Primary = primary,
                    Context = index.Notification,
                    Command = CommandOf(primary) ?? (recipients.Count == 1 ? CommandOf(index.Notification) : null),
                });
            }
            return result;
        }

        /// <summary>The addresses in a line; of "name@x &lt;addr@y&gt;" only the bracketed one (the real address).</summary>
        internal static IEnumerable<string> AddressesIn(string line)
        {
            var displayNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var matches = AddressPattern.Matches(line);
            foreach (Match m in matches)
            {
                // "kijitora@example.com <neko@example.net>": the first is a display name, wherever else it appears.
                int after = m.Index + m.Length;
                if (after + 1 < line.Length && line[after] == ' ' && line[after + 1] == '<' && (m.Index == 0 || line[m.Index - 1] != '<'))
                    displayNames.Add(m.Value);
            }
            foreach (Match m in matches)
            {
                if (displayNames.Contains(m.Value)) continue;
                yield return m.Value.Trim('.', '\'', '`');
            }
        }
    }
}
