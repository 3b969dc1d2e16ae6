namespace SmtpTools
{
    /// <summary>
    /// Why a message did not reach a recipient, decided from the status code and the diagnostic text together (providers
    /// misuse codes). README's "Bounces" section maps each member to the sisimai reasons it covers.
    /// </summary>
    public enum SmtpBounceReason
    {
        /// <summary>Nothing more specific could be told from the bounce.</summary>
        Undefined,
        /// <summary>The mailbox does not exist or has moved away. A hard bounce when permanent.</summary>
        UserUnknown,
        /// <summary>
        /// The recipient domain does not exist, or accepts no mail at all, e.g. a null MX. A hard bounce when permanent.
        /// </summary>
        HostUnknown,
        /// <summary>The mailbox is over its quota.</summary>
        MailboxFull,
        /// <summary>The account exists but is disabled or suspended.</summary>
        Suspended,
        /// <summary>The recipient's own filter or settings refused the message.</summary>
        Filtered,
        /// <summary>
        /// The receiver's policy refused the sender or the message: the envelope sender, a policy violation, relaying
        /// denied.
        /// </summary>
        PolicyRejected,
        /// <summary>The message was judged to be spam.</summary>
        SpamDetected,
        /// <summary>
        /// The sending IP address or host is refused: on a blocklist, bad reputation, missing or wrong PTR record.
        /// </summary>
        Blocked,
        /// <summary>
        /// Authentication or transport security failed: SPF/DKIM/DMARC failure, STARTTLS failure, authentication required.
        /// </summary>
        SecurityError,
        /// <summary>
        /// The content was refused: malformed, not RFC 5322 compliant, or carrying malware.
        /// </summary>
        ContentRejected,
        /// <summary>The message or a count exceeds the receiver's size limit.</summary>
        MessageTooBig,
        /// <summary>The sender was rate limited: too many connections or messages.</summary>
        RateLimited,
        /// <summary>The sending server gave up after retrying until the queue lifetime ended.</summary>
        Expired,
        /// <summary>DNS lookup or network failure on the way to the receiver.</summary>
        NetworkError,
        /// <summary>
        /// The receiving system failed: internal error, disk full, local delivery program error, SMTP syntax error.
        /// </summary>
        SystemError,
        /// <summary>A delay notice (Action: delayed) that names no more specific cause; delivery is still being tried.</summary>
        Delayed,
        /// <summary>
        /// Not a bounce: an auto-reply, a feedback-loop (ARF) report, a success notification or a normal message. Only written by
        /// Import-SmtpBounce -IncludeNonBounce.
        /// </summary>
        NotABounce,
    }
}
