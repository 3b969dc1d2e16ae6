using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.Smtp
{
    /// <summary>What happened to one message.</summary>
    public enum SmtpSendStatus
    {
        /// <summary>Every recipient was accepted and the server confirmed the data.</summary>
        Sent,
        /// <summary>The server confirmed the data for some recipients and refused the others.</summary>
        PartiallySent,
        /// <summary>Nothing was delivered to the server.</summary>
        Failed,
        /// <summary>Not sent on purpose (-WhatIf, declined -Confirm).</summary>
        Skipped,
        /// <summary>The whole message reached the server but its final reply never came (connection lost or timed out): it may have been delivered, so it is not sent again unless asked.</summary>
        Unconfirmed,
    }

    /// <summary>One recipient the server refused at RCPT TO.</summary>
    public sealed class SmtpRecipientRefusal
    {
        public string Address { get; set; }
        public int StatusCode { get; set; }
        /// <summary>RFC 3463 code, e.g. 5.1.1, or null when the server gave none.</summary>
        public string EnhancedStatusCode { get; set; }
        public string Text { get; set; }
        public bool IsTransient => StatusCode >= 400 && StatusCode < 500;
        public override string ToString() => $"{Address}: {StatusCode} {Text}";
    }

    /// <summary>The result of sending (or writing to a pickup directory) one message.</summary>
    public sealed class SmtpSendOutcome
    {
        public SmtpSendStatus Status { get; set; }
        public string MessageId { get; set; }
        public string From { get; set; }
        public string Subject { get; set; }
        public IReadOnlyList<string> Recipients { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> AcceptedRecipients { get; set; } = Array.Empty<string>();
        public IReadOnlyList<SmtpRecipientRefusal> RejectedRecipients { get; set; } = Array.Empty<SmtpRecipientRefusal>();
        /// <summary>host:port, or null for a pickup directory.</summary>
        public string SmtpServer { get; set; }
        /// <summary>The last reply that decided the outcome, with its code, e.g. "250 2.0.0 Ok: queued as 4F1".</summary>
        public string ServerResponse { get; set; }
        public int StatusCode { get; set; }
        public string EnhancedStatusCode { get; set; }
        /// <summary>Null on success; otherwise Message, Connect, StartTls, Authenticate, Size, MailFrom, RcptTo or Data (also for Unconfirmed).</summary>
        public string FailedPhase { get; set; }
        public int Attempts { get; set; }
        public TimeSpan Elapsed { get; set; }
        /// <summary>e.g. Tls13, or null on a plain connection.</summary>
        public string TlsProtocol { get; set; }
        public string Hint { get; set; }
        /// <summary>The file written by a pickup-directory send.</summary>
        public string PickupPath { get; set; }
        public long Size { get; set; }
        /// <summary>The message met a throttling reply, or waited because the session pool was throttled.</summary>
        public bool Throttled { get; set; }
        /// <summary>How long throttling made this message wait (backoff pauses, the lowered rate, fewer sessions).</summary>
        public TimeSpan ThrottleWait { get; set; }
        /// <summary>The failure, for the caller's error record; null on success.</summary>
        public Exception Error { get; set; }
    }

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
