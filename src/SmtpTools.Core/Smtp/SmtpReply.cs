using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.Smtp
{
    /// <summary>One complete server reply and the command it answered (null for the greeting).</summary>
    public sealed class SmtpReply
    {
        public SmtpReply(string command, int code, IReadOnlyList<string> lines)
        {
            Command = command;
            Code = code;
            Lines = lines;
        }

        /// <summary>The command verb (EHLO, STARTTLS, AUTH, MAIL, RCPT …); null for the greeting.</summary>
        public string Command { get; }
        public int Code { get; }
        /// <summary>The text of each line, without code and separator.</summary>
        public IReadOnlyList<string> Lines { get; }
        public bool IsPositive => Code >= 200 && Code < 400;
        /// <summary>"code text text …" on one line.</summary>
        public string Text => Code + (Lines.Count == 0 ? "" : " " + string.Join(" ", Lines.Where(l => l.Length > 0)));

        /// <summary>The RFC 3463 enhanced status code at the start of the first line, e.g. 5.7.8; null when absent.</summary>
        public string EnhancedStatusCode => SmtpReplies.EnhancedCodeOf(Lines.Count == 0 ? null : Lines[0]);

        public override string ToString() => Text;
    }
}
