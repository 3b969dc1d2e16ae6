using System;

namespace SmtpTools
{
    /// <summary>What happened to one message sent by Send-SmtpMessage.</summary>
    public enum SmtpSendStatus
    {
        /// <summary>Every recipient was accepted and the server confirmed the message.</summary>
        Sent,
        /// <summary>The server took the message for some recipients and refused the others (see RejectedRecipients).</summary>
        PartiallySent,
        /// <summary>Nothing was delivered to the server.</summary>
        Failed,
        /// <summary>Not sent on purpose: -WhatIf, or -Confirm answered No.</summary>
        Skipped,
        /// <summary>
        /// The whole message reached the server, but the connection broke (or timed out) before the server's final reply:
        /// it may have been delivered. Not sent again unless -RetryUnconfirmed.
        /// </summary>
        Unconfirmed,
    }

    /// <summary>A recipient the server refused at RCPT TO.</summary>
    public sealed class SmtpRejectedRecipient
    {
        public string Address { get; set; }
        /// <summary>The SMTP reply code, e.g. 550.</summary>
        public int StatusCode { get; set; }
        /// <summary>The RFC 3463 code, e.g. 5.1.1; null when the server gave none.</summary>
        public string EnhancedStatusCode { get; set; }
        public string Text { get; set; }

        public override string ToString() => $"{Address} ({StatusCode} {Text})";
    }

    /// <summary>One message handled by Send-SmtpMessage: written with -PassThru, and the TargetObject of its error record on failure.</summary>
    public sealed class SmtpSendResult
    {
        public SmtpSendStatus Status { get; set; }
        public string MessageId { get; set; }
        public string From { get; set; }
        public string Subject { get; set; }
        /// <summary>Every envelope recipient (To, Cc and Bcc).</summary>
        public string[] Recipients { get; set; } = Array.Empty<string>();
        public string[] AcceptedRecipients { get; set; } = Array.Empty<string>();
        public SmtpRejectedRecipient[] RejectedRecipients { get; set; } = Array.Empty<SmtpRejectedRecipient>();
        /// <summary>Recipients as one "a; b" string (for Export-Csv).</summary>
        public string RecipientList { get; set; }
        public int RejectedCount { get; set; }
        /// <summary>host:port; null for -PickupDirectory.</summary>
        public string SmtpServer { get; set; }
        /// <summary>The server's final reply, e.g. "250 2.0.0 Ok: queued as 4F1C2", or the refusal; null when no reply came (Unconfirmed).</summary>
        public string ServerResponse { get; set; }
        /// <summary>The reply code of ServerResponse (0 when no reply was received).</summary>
        public int StatusCode { get; set; }
        public string EnhancedStatusCode { get; set; }
        /// <summary>Null on success; else Message, Connect, StartTls, Authenticate, Size, MailFrom, RcptTo or Data (Data also for Unconfirmed).</summary>
        public string FailedPhase { get; set; }
        /// <summary>How many times the transaction was attempted (1 without retries).</summary>
        public int Attempts { get; set; }
        public TimeSpan Elapsed { get; set; }
        /// <summary>TLS version of the session (e.g. Tls13), null when the session was not encrypted.</summary>
        public string TlsProtocol { get; set; }
        /// <summary>What to do about a known refusal, in plain words.</summary>
        public string Hint { get; set; }
        /// <summary>Size of the message in bytes as sent.</summary>
        public long Size { get; set; }
        /// <summary>The .eml written by -PickupDirectory.</summary>
        public string PickupPath { get; set; }
        public bool DkimSigned { get; set; }

        public override string ToString() => $"{Status}: {MessageId}";
    }
}
