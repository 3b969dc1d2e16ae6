using System.Text.RegularExpressions;

namespace SmtpTools.Core.Bounces
{
    /// <summary>Finding SMTP reply codes (RFC 5321) and enhanced status codes (RFC 3463) in free text.</summary>
    internal static class StatusCodes
    {
        // class.subject.detail, not part of an IP address, version or date: no digit or dot right before or after.
        private static readonly Regex Enhanced = new Regex(@"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        // A reply code where servers put one: line start, after "said:", ":", "(", "'", "<<<", "Received >>>" … and
        // followed by a space, "-", ":" or the end.
        private static readonly Regex Reply = new Regex(@"(?:^|[\s:('""\[>=]|<<<)([245][0-5]\d)(?=[\s\-:;,)'""]|$)", RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.Multiline);

        /// <summary>The first failure (4.x.x or 5.x.x) enhanced status code in <paramref name="text"/>, else the first 2.x.x; null when none.</summary>
        public static string FindEnhanced(string text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            string success = null;
            foreach (Match m in Enhanced.Matches(text))
            {
                string code = Normalise(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
                if (code == null) continue;
                // A session transcript shows the 2.x.x of the steps that worked before the failing one.
                if (code[0] != '2') return code;
                success ??= code;
            }
            return success;
        }

        /// <summary>The first plausible SMTP reply code (4xx or 5xx; 2xx only when nothing else) in <paramref name="text"/>.</summary>
        public static int? FindReply(string text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            int? success = null;
            foreach (Match m in Reply.Matches(text))
            {
                int code = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (code >= 400) return code;
                success ??= code;
            }
            return success;
        }

        /// <summary>A Status field value ("5.1.1 (user unknown)") to its code; null when it holds none.</summary>
        public static string FromStatusField(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var m = Enhanced.Match(value.Trim());
            return m.Success && m.Index <= 2 ? Normalise(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value) : null;
        }

        private static string Normalise(string cls, string subject, string detail)
        {
            int s = int.Parse(subject, System.Globalization.CultureInfo.InvariantCulture);
            int d = int.Parse(detail, System.Globalization.CultureInfo.InvariantCulture);
            // RFC 3463 subjects are 0..7; anything else is a version number or a date, not a status.
            if (s > 7) return null;
            return cls + "." + s + "." + d;
        }

        /// <summary>The class digit of a status (2, 4 or 5); 0 when null.</summary>
        public static int ClassOf(string status) => string.IsNullOrEmpty(status) ? 0 : status[0] - '0';
    }
}
