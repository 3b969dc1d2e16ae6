using System;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.Bounces
{
    /// <summary>
    /// Decides a bounce's <see cref="SmtpBounceReason"/> from the diagnostic text and the status code together. The text
    /// comes first, because providers misuse codes (a "5.2.1" that means user unknown, a "5.7.1" for a full mailbox); the
    /// RFC 3463 code decides when the text says nothing recognisable. Patterns are tried from the most specific cause to
    /// the most general, so "blocked using Spamhaus" is Blocked, not SpamDetected.
    /// </summary>
    internal static class BounceClassifier
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled;

        private static Regex R(string pattern) => new Regex(pattern, Options);

        /// <summary>Text patterns in the order they are tried.</summary>
        private static readonly (SmtpBounceReason Reason, Regex Pattern)[] TextRules =
        {
            (SmtpBounceReason.Expired, R(@"envelope expired|message expired|delivery time expired|expired after|retry time(out)? (not reached|exceeded)|" +
                @"been in the queue too long|queue too long|too long in (the )?queue|maximum time in queue|could not be delivered within|" +
                @"(delivery|delevery|recipients?) (was |were )?aborted after|message timed out|queue lifetime|gave up|given up on|retry timeout exceeded|" +
                @"did not accept our requests to connect|connection timed out|timed out|will continue trying|continue to retry|" +
                @"(undeliverable|unable to deliver|not (been )?delivered|undelivered|could not be delivered).{0,40}\b(for|after|within) (more than )?\d+ (days?|hours?)|" +
                @"delivery attempts? (has|have) (been )?(exhausted|expired)|maximum (retry|delivery) (count|time)")),
            (SmtpBounceReason.ContentRejected, R(@"headers? (are |is )?too (large|long|many)|too many headers|multiple addresses in from|" +
                @"from:? header (is )?(missing|invalid|malformed)|not (rfc ?(5322|2822|822)|rfc)[- ]?complian|rfc ?(5322|2822)\b")),
            (SmtpBounceReason.SpamDetected, R(@"(rejected|refused|classified|flagged|identified|detected|marked|blocked) (due to|as|by) (a )?spam|spam classification|spam detected|looks like spam|considered (as )?spam")),
            (SmtpBounceReason.Blocked, R(@"\breputation\b")),
            (SmtpBounceReason.MessageTooBig, R(@"(?<!headers? )(?<!header field )message (size )?(is )?too (big|large)|message size exceeds|exceeds? (the )?(maximum|max|size) (allowed )?(message )?size|" +
                @"size limit|message length exceeds|mail size|too large|line limit exceeded|exceeds? (the )?(maximum )?(allowed )?(message )?size|" +
                @"message (exceeds|exceeded)|size exceeds|maximum message size")),
            (SmtpBounceReason.MailboxFull, R(@"mailbox (is |was )?full|mail ?box (is )?(full|over|exceeded)|over (the )?quota|quota (exceeded|full|violation)|" +
                @"exceeded (its |the |his |her )?(storage|mailbox|disk)? ?(quota|allocation|storage|size)|insufficient (storage|space) (for|in) (the )?(user|mailbox)|" +
                @"user (has )?(exceeded|is over)|inbox (is )?full|mailfolder is full|mail ?folder (is )?full|" +
                @"number of messages in recipient'?s mailbox exceeded|mailbox (has )?exceeded|account (is )?(over|full)|full mailbox|" +
                @"mailbox size limit|disk quota|メールボックスが一杯")),
            (SmtpBounceReason.Suspended, R(@"account (has been |is |was )?(disabled|suspended|deactivated|inactive|locked|closed|frozen|blocked)|" +
                @"account .{0,40}\b(is|has been|was) (disabled|suspended|deactivated|inactive|locked)|" +
                @"(mailbox|user|address) (is |has been )?(disabled|suspended|inactive|deactivated|frozen)|account is not active|discontinued|" +
                @"user account (is )?(unavailable|disabled)|recipient (account|mailbox) (is )?(disabled|suspended|inactive)|" +
                @"mailbox (is )?(currently )?unavailable for delivery|temporarily disabled")),
            (SmtpBounceReason.HostUnknown, R(@"host unknown|unknown host|(domain|host)( name)? (not found|does not exist|doesn't exist|unknown)|no such (domain|host)|" +
                @"couldn'?t find any host|host or domain name not found|unrouteable (mail )?domain|unknown domain|domain (is )?(invalid|not exist)|" +
                @"name service error|nxdomain|could not find a gateway|no mx record|couldn'?t find a mail exchanger|no (valid )?mx|null mx|" +
                @"does not accept (e-?)?mail|accepts no mail|not accepting (any )?mail|unable to route|no route to domain|" +
                @"recipient domain (does not exist|not found)|domain (has no|without) (mail|mx)|domain (is )?(not reachable|unreachable)")),
            (SmtpBounceReason.UserUnknown, R(@"user(name)? unknown|unknown user|no such (user|account|recipient|mailbox|person|address)|" +
                @"user (not found|doesn'?t exist|does not exist|not exist)|recipient (not found|unknown|does not exist|doesn'?t exist)|unknown recipient|" +
                @"recipientnotfound|mailbox (not found|does not exist|doesn'?t exist|unknown|unavailable|not exist)|no mailbox|" +
                @"address (does not exist|doesn'?t exist|not found|unknown|not exist)|not (a )?valid (mailbox|recipient|user)|invalid (mailbox|recipient|user)|" +
                @"recipient name is not recognized|not listed in (the )?(public name|domino|address book|directory)|" +
                @"(user|recipient|account) (is )?not (listed|known|found)|doesn'?t have an? .{0,40}account|account (that you tried to reach )?does not exist|" +
                @"no valid recipients|bad destination (mailbox|system)|has moved|no longer (a valid|available|exists|active)|" +
                @"is not a known user|unknown local[- ]part|invalid address|address rejected.{0,40}(unknown|not exist)|mailbox not found")),
            (SmtpBounceReason.SecurityError, R(@"\bdmarc\b|\bspf\b|\bdkim\b|sender policy framework|authentication\b.{0,30}\bfail|" +
                @"smtp auth|turn on .{0,30}authentication|authentication (is )?required|must (issue|use) .{0,20}(starttls|auth)|" +
                @"\bstarttls\b|encryption (is )?required|tls (is )?required|certificate (verification|validation)? ?fail")),
            (SmtpBounceReason.SpamDetected, R(@"blacklisted url|url (is )?(black|block)listed|listed url|\buribl\b|\bsurbl\b")),
            (SmtpBounceReason.RateLimited, R(@"frequency limit|too many (connections|messages|concurrent|sessions|emails|mails)|sent to too many recipients|" +
                @"too many recipients .{0,20}(hour|minute|day)|rate limit|throttl|connection limit|too fast|speed limit|" +
                @"exceeded (the )?(sending|message|connection|daily|hourly) (rate|limit|quota)")),
            (SmtpBounceReason.Blocked, R(@"black ?list|block ?list|listed (in|on|at|by) |\brbl\b|dnsbl|spamhaus|spamcop|sorbs|barracuda ?(central|reputation)|" +
                @"reputation|ptr record|reverse (dns|lookup|dns lookup)|\brdns\b|no ptr|ptr lookup|ip name lookup failed|client host .{0,60}(rejected|blocked|refused)|" +
                @"(ip|ip address|client|sender ip|connecting ip|your ip|network)( address)? .{0,40}(is |has been |was )?(blocked|banned|blacklisted)|" +
                @"banned sending ip|blocked ip|blocked (by|using|due to)|unverifi?yable sending ip|messages from \S+ weren'?t sent|invalid ip for sending|" +
                @"not allowed to send from|mismatches client ip|does not match (the )?(client|sender|connecting) ip|complaints|dynamic ip|dial-?up|residential")),
            (SmtpBounceReason.SpamDetected, R(@"\bspam\b|spam (message|score|content|detected)|junk mail|\buce\b|unsolicited|bulk (e-?)?mail|" +
                @"suspicious|message (content )?(rejected|refused) as|considered (as )?spam|scored|" +
                @"content (rejected|filter)|rejected by (the )?(content|anti-?spam)|mail rejete")),
            (SmtpBounceReason.ContentRejected, R(@"virus|malware|infected|trojan|worm found|" +
                @"(header|message) (is )?(malformed|invalid|not compliant)|malformed (header|message|mime)|duplicate header|missing (the )?(date|from|message-id) header|" +
                @"header (field )?(too long|missing)|invalid (header|character|encoding)|bare lf|8-?bit (data|characters)|prohibited attachment|" +
                @"banned (file|attachment|content)|attachment (type )?(not allowed|rejected|blocked)|message content (is )?(not allowed|rejected)")),
            (SmtpBounceReason.SecurityError, R(@"unauthenticated|not pass|\btls\b|\bssl\b|certificate|spoof|impersonat|forged|" +
                @"sender (is )?not authorized|not authenticated")),
            (SmtpBounceReason.Filtered, R(@"filtered|rejected by (the )?recipient|recipient preferences|only accepting mail from|refused by (the )?(user|recipient)|" +
                @"recipient'?s? (e-?mail )?(settings|configuration|filter)|blocked by (the )?recipient|user has blocked|message (has been )?(blocked|rejected) by (the )?user")),
            (SmtpBounceReason.PolicyRejected, R(@"relay(ing)? (access )?(denied|not permitted|not allowed|prohibited)|not (permitted|allowed|authori[sz]ed) to relay|unable to relay|" +
                @"we do not relay|sender (address |domain )?(is )?(rejected|refused|denied|blocked|not allowed)|domain of sender|sender address rejected|" +
                @"(address|identity|identities|sender|domain) (is |are )?not verified|failed the check|" +
                @"\bpolicy\b|administrative(ly)? prohibit|access denied|not authori[sz]ed|prohibited|not permitted|not a registered|" +
                @"permission|may not (post|send)|not (allowed|open) to post|group .{0,40}(may not exist|not exist)|redundant|yourself|not allowed")),
            (SmtpBounceReason.NetworkError, R(@"network error|connection (timed out|refused|reset|lost|closed)|could not connect|unable to connect|couldn'?t connect|" +
                @"socket error|no route to host|host (not reachable|unreachable)|(dns|lookup) (error|failure|failed|timeout)|host name lookup failure|" +
                @"routing loop|mail loop|loops back|too many hops|hop count exceeded|protocol error|" +
                @"temporary (dns|lookup) failure|destination mxs")),
            (SmtpBounceReason.SystemError, R(@"system error|internal (server |system )?error|local error|temporary (local |server )?(problem|failure|error)|" +
                @"insufficient system storage|disk full|out of (disk )?space|system (is )?full|mailer error|pipe to|command (died|failed)|" +
                @"local delivery failed|loop alert|duplicated message-id|syntax error|command unrecognized|malformed (address|recipient)|" +
                @"processing error|server (is )?(busy|unavailable)|service (is )?(currently |temporarily )?(unavailable|refused)|service refused|ldap|failed to read|write error|" +
                @"unable to (process|deliver)|incorrectly constructed|i/o error|resources")),
        };

        /// <summary>The reason the text names; null when none of the patterns match.</summary>
        /// <summary>
        /// Reply and status codes at the start of reply lines ("550-5.7.1 ", "550 5.7.1 ") removed, so a multi-line reply
        /// reads as one sentence ("multiple 550 5.7.1 addresses in From:" → "multiple addresses in From:").
        /// </summary>
        private static readonly Regex ReplyPrefix = new Regex(@"(?<![\w.])[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}[ -])?", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private static readonly Regex Space = new Regex(@"\s+", RegexOptions.Compiled);

        internal static SmtpBounceReason? FromText(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            text = Space.Replace(ReplyPrefix.Replace(text, " "), " ");
            foreach (var (reason, pattern) in TextRules)
                if (pattern.IsMatch(text)) return reason;
            return null;
        }

        /// <summary>The reason RFC 3463 gives a status code's subject and detail; null for the generic x.0.0 codes.</summary>
        internal static SmtpBounceReason? FromStatus(string status)
        {
            if (string.IsNullOrEmpty(status)) return null;
            var parts = status.Split('.');
            if (parts.Length != 3) return null;
            string key = parts[1] + "." + parts[2];
            switch (key)
            {
                case "1.1": case "1.3": case "1.6": return SmtpBounceReason.UserUnknown;
                case "1.2": case "1.10": return SmtpBounceReason.HostUnknown;
                case "1.7": case "1.8": return SmtpBounceReason.PolicyRejected;
                case "2.1": return SmtpBounceReason.Suspended;
                case "2.2": return SmtpBounceReason.MailboxFull;
                case "2.3": case "3.4": return SmtpBounceReason.MessageTooBig;
                case "2.0": case "7.2": return SmtpBounceReason.Filtered;
                case "3.0": case "3.1": case "3.2": case "3.3": case "3.5": case "2.4": case "4.3": case "4.5": return SmtpBounceReason.SystemError;
                case "4.0": case "4.1": case "4.2": case "4.6": return SmtpBounceReason.NetworkError;
                case "4.4": return SmtpBounceReason.HostUnknown;
                case "4.7": return SmtpBounceReason.Expired;
                case "7.25": return SmtpBounceReason.Blocked;
                case "7.13": return SmtpBounceReason.Suspended;
                case "7.0": case "7.1": case "7.27": return SmtpBounceReason.PolicyRejected;
                case "7.5": case "7.7": case "7.8": case "7.9": case "7.10": case "7.11": case "7.14": case "7.15":
                case "7.20": case "7.21": case "7.22": case "7.23": case "7.24": case "7.26":
                    return SmtpBounceReason.SecurityError;
            }
            if (parts[1] == "5") return SmtpBounceReason.SystemError;
            if (parts[1] == "6") return SmtpBounceReason.ContentRejected;
            return null;
        }

        /// <summary>Codes that are about the recipient's mailbox itself (RFC 3463 X.1.1 bad mailbox, X.1.6 moved, X.1.10 below).</summary>
        private static bool NamesTheMailbox(string status) =>
            status != null && (status.EndsWith(".1.1", StringComparison.Ordinal) || status.EndsWith(".1.6", StringComparison.Ordinal)
                // Exchange Online answers RecipientNotFound with 5.1.10 (RFC 7505 gives X.1.10 to a null MX, whose text
                // is matched as HostUnknown first).
                || status.EndsWith(".1.10", StringComparison.Ordinal));

        /// <summary>
        /// The reason for one recipient. <paramref name="primary"/> is the text about this recipient, <paramref name="context"/>
        /// the rest of the notification (used when the recipient's own text names no cause). A "user unknown" text counts as
        /// UserUnknown only when it answered RCPT TO, comes with a mailbox status code, or was decided by the reporting system
        /// itself (no remote reply): a remote server that says "user unknown" after DATA, or without saying to what, often
        /// disguises a content filter, and a wrong UserUnknown would take a good address off a list.
        /// </summary>
        public static SmtpBounceReason Classify(string status, int? replyCode, string command, string primary, string context, SmtpBounceAction action) =>
            Classify(status, replyCode, command, primary, new Context(context), action);

        /// <summary>What a notification text says for all its recipients, worked out once.</summary>
        internal sealed class Context
        {
            private SmtpBounceReason? _reason;
            private bool _reasonDone;
            private bool? _gaveUp;

            public Context(string text) { Text = text ?? ""; }

            public string Text { get; }
            public SmtpBounceReason? Reason
            {
                get
                {
                    if (!_reasonDone) { _reason = FromText(Text); _reasonDone = true; }
                    return _reason;
                }
            }
            /// <summary>The text says the sender gave up (queue lifetime, aborted after hours).</summary>
            public bool GaveUp => _gaveUp ??= TextRules[0].Pattern.IsMatch(Text);
        }

        internal static SmtpBounceReason Classify(string status, int? replyCode, string command, string primary, Context context, SmtpBounceAction action)
        {
            bool otherContext = context.Text.Length > 0 && !string.Equals(context.Text, primary, StringComparison.Ordinal);
            bool specificCode = status != null && !status.EndsWith(".0.0", StringComparison.Ordinal);
            // This recipient's own text, then its (specific) status code, then what the notification says for everyone.
            SmtpBounceReason? reason = FromText(primary);
            if (reason == null && specificCode) reason = FromStatus(status);
            if (reason == null && otherContext) reason = context.Reason;
            // "Gave up / in the queue too long" says when; a specific code other than a delivery-path one says why.
            var byCode = FromStatus(status);
            bool codeSaysWhy = byCode != null && byCode != SmtpBounceReason.Expired && byCode != SmtpBounceReason.NetworkError && byCode != SmtpBounceReason.HostUnknown;
            // A notification that gave up ("aborted after 5 hours", "in the queue too long") expired, whatever the
            // last attempt's error text was.
            if (otherContext && !codeSaysWhy && reason != SmtpBounceReason.Expired && context.GaveUp) reason = SmtpBounceReason.Expired;
            if (reason == SmtpBounceReason.Expired && codeSaysWhy) reason = byCode;
            if (reason == SmtpBounceReason.UserUnknown && !NamesTheMailbox(status))
            {
                bool remoteReply = replyCode != null || specificCode;
                if (command != null ? command != "RCPT" : remoteReply) reason = SmtpBounceReason.Filtered;
            }
            reason ??= FromStatus(status);
            if (reason == null && action == SmtpBounceAction.Delayed) reason = SmtpBounceReason.Delayed;
            return reason ?? SmtpBounceReason.Undefined;
        }

        /// <summary>A status for a bounce that carries none: the class, and the RFC 3463 detail that fits the reason.</summary>
        public static string DeriveStatus(int statusClass, SmtpBounceReason reason)
        {
            string detail = reason switch
            {
                SmtpBounceReason.UserUnknown => "1.1",
                SmtpBounceReason.HostUnknown => "1.2",
                SmtpBounceReason.Suspended => "2.1",
                SmtpBounceReason.MailboxFull => "2.2",
                SmtpBounceReason.MessageTooBig => "3.4",
                SmtpBounceReason.SystemError => "3.0",
                SmtpBounceReason.NetworkError => "4.0",
                SmtpBounceReason.Expired => "4.7",
                SmtpBounceReason.ContentRejected => "6.0",
                SmtpBounceReason.PolicyRejected or SmtpBounceReason.Filtered or SmtpBounceReason.SpamDetected or SmtpBounceReason.Blocked => "7.1",
                SmtpBounceReason.SecurityError => "7.0",
                _ => "0.0",
            };
            return statusClass + "." + detail;
        }
    }
}
