using System;
using SmtpTools.Core.Dkim;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// Where and how <see cref="SmtpSender"/> sends: the session settings it shares with the probe (security, TLS,
    /// credentials, timeout, EHLO name) plus retries, DKIM and the pickup directory.
    /// </summary>
    public sealed class SmtpSenderOptions : SmtpSessionOptions
    {
        public string Host { get; set; }
        public int Port { get; set; } = 587;
        /// <summary>Retries after the first attempt for transient failures (4xx, connection lost before the whole message was sent).</summary>
        public int MaxRetries { get; set; } = 3;
        /// <summary>
        /// Also retry a message whose data reached the server but whose final reply was lost (status Unconfirmed otherwise).
        /// The server may already have it, so its recipients may get it twice.
        /// </summary>
        public bool RetryUnconfirmed { get; set; }
        /// <summary>The first retry waits about this long; each further one twice as long (with jitter).</summary>
        public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>A connection idle for longer is checked with NOOP before the next message (servers drop idle sessions).</summary>
        public TimeSpan IdleCheckAfter { get; set; } = TimeSpan.FromSeconds(20);
        /// <summary>Write the SMTP transcript (secrets masked) to the sink's Debug stream.</summary>
        public bool ProtocolLog { get; set; }
        /// <summary>Sign every message with this signer before it is sent or written.</summary>
        public DkimMessageSigner DkimSigner { get; set; }
        /// <summary>Write .eml files here instead of talking SMTP.</summary>
        public string PickupDirectory { get; set; }
        /// <summary>How long cancellation (Ctrl+C) waits for the verdict of a message whose data already went out, so its result is known.</summary>
        public TimeSpan VerdictGrace { get; set; } = TimeSpan.FromSeconds(5);
        /// <summary>Attachment bytes shared by the messages of one run (and the sessions of a pool), or null to read each time.</summary>
        public AttachmentCache Attachments { get; set; }
        /// <summary>Messages whose Message-ID this log shows as sent are not sent again (Status AlreadySent); null for none.</summary>
        public SentLog SkipSent { get; set; }

        /// <summary>host:port; null for a pickup directory.</summary>
        public string Endpoint => PickupDirectory != null ? null : (Host ?? "") + ":" + Port;
    }
}
