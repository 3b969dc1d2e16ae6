namespace SmtpTools
{
    /// <summary>
    /// The ErrorIds of every ErrorRecord the module writes: one id per condition, the same whichever cmdlet meets it
    /// (PowerShell adds the cmdlet to FullyQualifiedErrorId, e.g. <c>FileNotFound,SmtpTools.Commands.SendSmtpMessageCommand</c>).
    /// Declared in one file per area (ErrorIds.Smtp.cs, ErrorIds.Import.cs …); each constant's value is its name.
    /// Core raises them with SmtpToolsException; failures of other code (IO, sockets, MailKit) are classified into
    /// the ids of this file by Core's ErrorClassifier.
    /// </summary>
    public static partial class ErrorIds
    {
        /// <summary>Ctrl+C or StopProcessing cancelled the work.</summary>
        public const string OperationStopped = nameof(OperationStopped);
        /// <summary>A wait ran out of time (-TimeoutSec).</summary>
        public const string OperationTimedOut = nameof(OperationTimedOut);
        /// <summary>A TCP connection could not be made or broke (a socket error).</summary>
        public const string ConnectionFailed = nameof(ConnectionFailed);
        /// <summary>A file the cmdlet was told to read does not exist.</summary>
        public const string FileNotFound = nameof(FileNotFound);
        /// <summary>A folder the cmdlet was told to use does not exist.</summary>
        public const string DirectoryNotFound = nameof(DirectoryNotFound);
        /// <summary>The operating system refused access to a file or folder.</summary>
        public const string AccessDenied = nameof(AccessDenied);
        /// <summary>Another input/output failure of a file or stream.</summary>
        public const string IOError = nameof(IOError);
        /// <summary>A value is not in the format it must have.</summary>
        public const string InvalidFormat = nameof(InvalidFormat);
        /// <summary>An argument is not acceptable (a more specific id exists for most arguments).</summary>
        public const string InvalidArgument = nameof(InvalidArgument);
        /// <summary>The platform does not support what was asked.</summary>
        public const string NotSupported = nameof(NotSupported);
        /// <summary>A failure nobody foresaw; the exception says more.</summary>
        public const string UnexpectedError = nameof(UnexpectedError);

        /// <summary>A file is larger than the cmdlet reads (a message file, an attachment, a key file).</summary>
        public const string FileTooLarge = nameof(FileTooLarge);
        /// <summary>A message file's header is larger than the cmdlet reads.</summary>
        public const string MessageHeaderTooLarge = nameof(MessageHeaderTooLarge);
    }
}
