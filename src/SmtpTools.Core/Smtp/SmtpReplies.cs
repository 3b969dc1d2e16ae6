using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.Smtp
{
    /// <summary>Reply-code helpers and the plain-language hints for well-known refusals.</summary>
    public static class SmtpReplies
    {
        private static readonly Regex Enhanced = new Regex(@"^\s*([245]\.\d{1,3}\.\d{1,3})\b", RegexOptions.CultureInvariant);

        /// <summary>The RFC 3463 enhanced status code at the start of a reply text, or null.</summary>
        public static string EnhancedCodeOf(string text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            var m = Enhanced.Match(text);
            return m.Success ? m.Groups[1].Value : null;
        }

        /// <summary>
        /// One short line about a failed network operation, for error texts: MailKit's "unexpectedly disconnected"
        /// message carries the server's whole previous reply (after EHLO, the capability list), and a TLS failure's
        /// message is a page of generic advice; neither helps in an error record.
        /// </summary>
        public static string DescribeFailure(Exception ex)
        {
            if (ex == null) return null;
            if (ex is MailKit.Net.Smtp.SmtpProtocolException && ex.Message.IndexOf("unexpectedly disconnected", StringComparison.OrdinalIgnoreCase) >= 0)
                return "the server closed the connection";
            if (IsTimeout(ex)) return "the server did not answer in time";
            if (ex is MailKit.Security.SslHandshakeException && ex.InnerException != null) return "TLS handshake failed: " + FirstLine(ex.InnerException.Message);
            var text = FirstLine(ex.Message);
            return text.Length <= 200 ? text : text.Substring(0, 200) + "…";
        }

        /// <summary>True when <paramref name="ex"/> is (or wraps) a timed-out socket operation.</summary>
        public static bool IsTimeout(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
                if (e is TimeoutException || e is System.Net.Sockets.SocketException s && s.SocketErrorCode == System.Net.Sockets.SocketError.TimedOut)
                    return true;
            return false;
        }

        private static string FirstLine(string text)
        {
            text = (text ?? "").Trim();
            int nl = text.IndexOfAny(new[] { '\r', '\n' });
            return nl < 0 ? text : text.Substring(0, nl).Trim();
        }

        /// <summary>A phase as messages name it: the SMTP command for the steps of a mail transaction (MAIL FROM, RCPT TO, DATA).</summary>
        public static string Describe(SmtpPhase phase)
        {
            switch (phase)
            {
                case SmtpPhase.Sender: return "MAIL FROM";
                case SmtpPhase.Recipient: return "RCPT TO";
                case SmtpPhase.Data: return "DATA";
                default: return phase.ToString();
            }
        }

        /// <summary>"code text" on one line (multi-line replies joined with spaces).</summary>
        public static string Format(int code, string text)
        {
            var flat = (text ?? "").Replace("\r", "").Replace('\n', ' ').Trim();
            return code > 0 ? (code.ToString(CultureInfo.InvariantCulture) + " " + flat).Trim() : flat;
        }

        /// <summary>Exchange Online's replies when Basic AUTH is turned off for the tenant or the mailbox (5.7.139, 5.7.30).</summary>
        public static bool IsBasicAuthDisabled(string enhancedCode, string text) =>
            enhancedCode == "5.7.139" || enhancedCode == "5.7.30"
            || !string.IsNullOrEmpty(text) && (text.IndexOf("5.7.139", StringComparison.Ordinal) >= 0
                || text.IndexOf("5.7.30", StringComparison.Ordinal) >= 0
                || text.IndexOf("basic authentication is disabled", StringComparison.OrdinalIgnoreCase) >= 0);

        /// <summary>A plain-language fix for replies admins meet often; null when we know none.</summary>
        /// <param name="maxSize">The server's EHLO SIZE limit in bytes, 0 when unknown.</param>
        public static string HintFor(int code, string enhancedCode, string text, long maxSize)
        {
            text = text ?? "";
            if (IsBasicAuthDisabled(enhancedCode, text))
                return "The server has turned off basic (password) authentication for this account: use -AccessToken with an OAuth 2.0 token (XOAUTH2/OAUTHBEARER).";
            if (enhancedCode == "5.7.57" || enhancedCode == "5.7.0" && text.IndexOf("authentication", StringComparison.OrdinalIgnoreCase) >= 0)
                return "The server requires authentication before it accepts mail: pass -Credential (or -AccessToken).";
            if (enhancedCode == "5.7.1" || text.IndexOf("relay access denied", StringComparison.OrdinalIgnoreCase) >= 0 || text.IndexOf("relaying denied", StringComparison.OrdinalIgnoreCase) >= 0)
                return "The server refuses to relay for you: authenticate with -Credential (or -AccessToken) on the submission port (587), or send from an address/IP the server relays for.";
            if (enhancedCode == "5.3.4" || enhancedCode == "5.2.3" || code == 552)
                return maxSize > 0
                    ? $"The message is too large for this server: its limit (EHLO SIZE) is {maxSize:N0} bytes. Send smaller attachments or a link instead."
                    : "The message is too large for this server. Send smaller attachments or a link instead.";
            if (enhancedCode == "5.1.1" || code == 550 && text.IndexOf("unknown", StringComparison.OrdinalIgnoreCase) >= 0)
                return "The recipient address does not exist at the receiving server: check the spelling.";
            if (code == 530 || enhancedCode == "5.7.0" && text.IndexOf("STARTTLS", StringComparison.OrdinalIgnoreCase) >= 0)
                return "The server wants TLS (and usually authentication) first: use -Security StartTls or SslOnConnect and -Credential.";
            if (code == 535 || enhancedCode == "5.7.8")
                return "The user name or password (or token) was not accepted.";
            if (code == 421 || code == 451 || code == 450 || code == 452)
                return "A temporary failure at the server: retrying later usually succeeds (-MaxRetries controls the automatic retries).";
            return null;
        }
    }
}
