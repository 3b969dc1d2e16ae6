using System;

namespace SmtpTools
{
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
        public string RecipientList => Columns.Join(Recipients, "; ");
        public int RejectedCount => RejectedRecipients?.Length ?? 0;
        /// <summary>host:port; null for -PickupDirectory.</summary>
        public string SmtpServer { get; set; }
        /// <summary>The server's final reply, e.g. "250 2.0.0 Ok: queued as 4F1C2", or the refusal; null when no reply came (Unconfirmed).</summary>
        public string ServerResponse { get; set; }
        /// <summary>The reply code of ServerResponse (0 when no reply was received).</summary>
        public int StatusCode { get; set; }
        public string EnhancedStatusCode { get; set; }
        /// <summary>None on success; else Message, Connect, StartTls, Authenticate, Size, Sender, Recipient or Data (Data also for Unconfirmed).</summary>
        public SmtpPhase FailedPhase { get; set; }
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
        /// <summary>The message that went out (or was written) carried the DKIM signature the sender made.</summary>
        public bool DkimSigned { get; set; }
        /// <summary>The message met a throttling reply, or waited because the session pool was throttled (-ConnectionCount).</summary>
        public bool Throttled { get; set; }
        /// <summary>How long throttling made this message wait: backoff pauses, a lowered rate, fewer sessions.</summary>
        public TimeSpan ThrottleWait { get; set; }

        /// <summary>
        /// Why the message was not sent (or not confirmed), for its error record; null otherwise. Not a property users
        /// see: the record's ErrorId, category and message come from it.
        /// </summary>
        internal Exception Error { get; set; }

        public override string ToString() => $"{Status}: {MessageId}";
    }
}
