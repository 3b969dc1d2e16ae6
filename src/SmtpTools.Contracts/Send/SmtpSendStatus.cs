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
        /// <summary>
        /// Not sent: the -SkipSentLog log shows that an earlier run sent it. (A row an earlier run left Unconfirmed is
        /// reported Unconfirmed again and not sent, unless -RetryUnconfirmed.)
        /// </summary>
        AlreadySent,
    }
}
