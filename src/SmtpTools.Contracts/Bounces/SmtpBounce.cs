using System;

namespace SmtpTools
{
    /// <summary>
    /// One recipient of one bounce message: who could not be reached, the status code and diagnostic the servers gave,
    /// the classified <see cref="Reason"/>, and whether the address should be removed from a list
    /// (<see cref="IsHardBounce"/>). <see cref="Source"/> says how the values were found.
    /// </summary>
    public sealed class SmtpBounce
    {
        /// <summary>The address that failed (Final-Recipient, or what the bounce text names).</summary>
        public string Recipient { get; set; }
        /// <summary>The address as the sender gave it (Original-Recipient), when it differs or is reported.</summary>
        public string OriginalRecipient { get; set; }
        public SmtpBounceAction Action { get; set; }
        /// <summary>
        /// The enhanced status code (RFC 3463), e.g. 5.1.1. When the bounce carries none, one is derived from the reply
        /// code and the reason (then <see cref="StatusFromMessage"/> is false).
        /// </summary>
        public string Status { get; set; }
        /// <summary>The status code was found in the bounce (not derived).</summary>
        public bool StatusFromMessage { get; set; }
        /// <summary>The SMTP reply code (e.g. 550) when one was found.</summary>
        public int? ReplyCode { get; set; }
        public SmtpBounceReason Reason { get; set; }
        /// <summary>
        /// The address itself is bad and should be removed from a list: a permanent failure because the mailbox or the
        /// domain does not exist (UserUnknown, HostUnknown). A full mailbox, a spam block or a policy refusal is not.
        /// </summary>
        public bool IsHardBounce { get; set; }
        /// <summary>The failure is permanent (status class 5); false for temporary (4) failures and delays.</summary>
        public bool IsPermanent { get; set; }
        /// <summary>The diagnostic text (Diagnostic-Code without its type, or the error text the bounce quotes).</summary>
        public string DiagnosticCode { get; set; }
        /// <summary>The server that refused the message (Remote-MTA, or the host the bounce names).</summary>
        public string RemoteMta { get; set; }
        /// <summary>The server that wrote the bounce (Reporting-MTA).</summary>
        public string ReportingMta { get; set; }
        /// <summary>Last-Attempt-Date (UTC), or the bounce's own Date when none is given.</summary>
        public DateTime? LastAttemptDate { get; set; }

        /// <summary>The Message-ID of the message that bounced (from the returned message or its headers).</summary>
        public string OriginalMessageId { get; set; }
        public string OriginalSubject { get; set; }
        /// <summary>The From address of the message that bounced.</summary>
        public string OriginalFrom { get; set; }

        /// <summary>How the values were found: Rfc3464 (a delivery status notification) or the name of the text heuristic.</summary>
        public string Source { get; set; }
        /// <summary>The From address of the bounce message.</summary>
        public string BounceFrom { get; set; }
        public string BounceSubject { get; set; }
        /// <summary>The Date of the bounce message (UTC).</summary>
        public DateTime? BounceDate { get; set; }
        public string SourceFile { get; set; }
        /// <summary>The send-log entry (a Send-SmtpMessage result or CSV row) with the same Message-ID; set by -SendLog.</summary>
        public object SendLogEntry { get; set; }

        public override string ToString() => $"{Recipient} {Status} {Reason}";
    }
}
