namespace SmtpTools
{
    // Send-SmtpMessage: building a message and one transaction.
    public static partial class ErrorIds
    {
        /// <summary>The message cannot be built: no sender, no recipient, or conflicting body parameters.</summary>
        public const string MessageInvalid = nameof(MessageInvalid);
        /// <summary>-MessagePath is not an RFC 5322 message.</summary>
        public const string MessageFileInvalid = nameof(MessageFileInvalid);
        /// <summary>-Header has a bad name, or a value with a line break or control character.</summary>
        public const string HeaderInvalid = nameof(HeaderInvalid);
        /// <summary>-Header would replace a header the cmdlet owns (From, To, Subject, Message-ID, Content-* …).</summary>
        public const string HeaderNotAllowed = nameof(HeaderNotAllowed);
        /// <summary>An attachment path is empty (a missing file, or a wildcard that matches none, is FileNotFound).</summary>
        public const string AttachmentInvalid = nameof(AttachmentInvalid);
        /// <summary>The message's files exceed the server's SIZE limit (EHLO SIZE).</summary>
        public const string SmtpMessageTooLarge = nameof(SmtpMessageTooLarge);
        /// <summary>The message's files exceed the limit used when the server announces none (100 MB).</summary>
        public const string MessageTooLarge = nameof(MessageTooLarge);
        /// <summary>An address needs SMTPUTF8 (non-ASCII before the @) and the server does not offer it.</summary>
        public const string SmtpUtf8NotSupported = nameof(SmtpUtf8NotSupported);
        /// <summary>The server accepted none of the recipients.</summary>
        public const string SmtpRecipientsRefused = nameof(SmtpRecipientsRefused);
        /// <summary>The server refused the message for good (5xx).</summary>
        public const string SmtpMessageRefused = nameof(SmtpMessageRefused);
        /// <summary>The server refused the message for now (4xx) and the retries ran out.</summary>
        public const string SmtpTransientFailure = nameof(SmtpTransientFailure);
        /// <summary>The connection broke before the end of the data went out, and the retries ran out.</summary>
        public const string SmtpConnectionLost = nameof(SmtpConnectionLost);
        /// <summary>The whole message went out but the final reply was lost: the server may have it (Status Unconfirmed).</summary>
        public const string SmtpDeliveryUnconfirmed = nameof(SmtpDeliveryUnconfirmed);
        /// <summary>-DkimKeyPath without -DkimSelector, or without a signing domain (-DkimDomain or a -From domain).</summary>
        public const string DkimParametersMissing = nameof(DkimParametersMissing);
        /// <summary>-DkimSelector or -DkimDomain without -DkimKeyPath.</summary>
        public const string DkimKeyPathMissing = nameof(DkimKeyPathMissing);
        /// <summary>-SkipSentLog names a file that is not a send log (no MessageId or Status column).</summary>
        public const string SendLogInvalid = nameof(SendLogInvalid);
    }
}
