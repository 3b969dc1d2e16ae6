namespace SmtpTools
{
    /// <summary>
    /// The steps of an SMTP session, in the order they run; results name the one that failed (FailedPhase), None when
    /// nothing did. Test-SmtpConnection goes Resolve → Connect → Banner → Ehlo → StartTls → Authenticate → Sender →
    /// Recipient; Send-SmtpMessage builds the Message, then Connect … Authenticate, checks the Size, and sends Sender
    /// (MAIL FROM), Recipient (RCPT TO) and Data.
    /// </summary>
    public enum SmtpPhase
    {
        None,
        /// <summary>Building the message (files, addresses, headers, DKIM signature) before anything is sent.</summary>
        Message,
        /// <summary>Finding the server's addresses.</summary>
        Resolve,
        /// <summary>The TCP connection.</summary>
        Connect,
        /// <summary>The server's greeting.</summary>
        Banner,
        /// <summary>EHLO (or HELO) and its reply.</summary>
        Ehlo,
        /// <summary>STARTTLS and its TLS handshake, or the handshake of implicit TLS.</summary>
        StartTls,
        /// <summary>AUTH with the credentials or the OAuth 2.0 token.</summary>
        Authenticate,
        /// <summary>The message is larger than the server's SIZE limit.</summary>
        Size,
        /// <summary>MAIL FROM.</summary>
        Sender,
        /// <summary>RCPT TO.</summary>
        Recipient,
        /// <summary>DATA (or BDAT) and the server's final reply.</summary>
        Data,
    }
}
