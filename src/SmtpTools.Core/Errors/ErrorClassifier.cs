using System;
using System.IO;
using System.Security.Authentication;

namespace SmtpTools.Core.Errors
{
    /// <summary>What kind of failure an exception is, in terms the cmdlet layer maps onto PowerShell's ErrorCategory.</summary>
    public enum FailureKind
    {
        Unknown,
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        ResourceExists,
        PermissionDenied,
        AuthenticationError,
        SecurityError,
        ConnectionError,
        ProtocolError,
        OperationTimeout,
        OperationStopped,
        LimitsExceeded,
        ResourceUnavailable,
    }

    /// <summary>
    /// An error Core raises on purpose, carrying the stable ErrorId the cmdlet reports. Everything else
    /// (MailKit, IO, sockets …) is classified by <see cref="ErrorClassifier"/>.
    /// </summary>
    public class SmtpToolsException : Exception
    {
        public SmtpToolsException(string errorId, FailureKind kind, string message, Exception inner = null) : base(message, inner)
        {
            ErrorId = errorId ?? throw new ArgumentNullException(nameof(errorId));
            Kind = kind;
        }

        /// <summary>Stable identifier, e.g. <c>DkimKeyFileExists</c>.</summary>
        public string ErrorId { get; }
        public FailureKind Kind { get; }
        /// <summary>What the user can do about it, in plain words (the error record's RecommendedAction); null when nothing useful can be said.</summary>
        public string Hint { get; set; }
    }

    /// <summary>Classifies any exception so the one error mapper in the cmdlet assembly needs no MailKit types.</summary>
    public static class ErrorClassifier
    {
        public readonly struct Classification
        {
            public Classification(string errorId, FailureKind kind) { ErrorId = errorId; Kind = kind; }
            public string ErrorId { get; }
            public FailureKind Kind { get; }
        }

        public static Classification Classify(Exception exception)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
                exception = aggregate.InnerException;
            switch (exception)
            {
                case SmtpToolsException own: return new Classification(own.ErrorId, own.Kind);
                case OperationCanceledException _: return new Classification(ErrorIds.OperationStopped, FailureKind.OperationStopped);
                case MailKit.Security.AuthenticationException _: return new Classification(ErrorIds.SmtpAuthenticationFailed, FailureKind.AuthenticationError);
                case MailKit.Security.SslHandshakeException _: return new Classification(ErrorIds.TlsHandshakeFailed, FailureKind.SecurityError);
                case AuthenticationException _: return new Classification(ErrorIds.TlsHandshakeFailed, FailureKind.SecurityError);
                case MailKit.Net.Smtp.SmtpCommandException _: return new Classification(ErrorIds.SmtpCommandFailed, FailureKind.ProtocolError);
                case MailKit.Net.Smtp.SmtpProtocolException _: return new Classification(ErrorIds.SmtpProtocolError, FailureKind.ProtocolError);
                case MailKit.ServiceNotConnectedException _: return new Classification(ErrorIds.SmtpNotConnected, FailureKind.ConnectionError);
                case TimeoutException _: return new Classification(ErrorIds.OperationTimedOut, FailureKind.OperationTimeout);
                case System.Net.Sockets.SocketException _: return new Classification(ErrorIds.ConnectionFailed, FailureKind.ConnectionError);
                case FileNotFoundException _: return new Classification(ErrorIds.FileNotFound, FailureKind.ObjectNotFound);
                case DirectoryNotFoundException _: return new Classification(ErrorIds.DirectoryNotFound, FailureKind.ObjectNotFound);
                case UnauthorizedAccessException _: return new Classification(ErrorIds.AccessDenied, FailureKind.PermissionDenied);
                case IOException _: return new Classification(ErrorIds.IOError, FailureKind.ResourceUnavailable);
                case FormatException _: return new Classification(ErrorIds.InvalidFormat, FailureKind.InvalidData);
                case ArgumentException _: return new Classification(ErrorIds.InvalidArgument, FailureKind.InvalidArgument);
                case NotSupportedException _: return new Classification(ErrorIds.NotSupported, FailureKind.InvalidArgument);
                default: return new Classification(ErrorIds.UnexpectedError, FailureKind.Unknown);
            }
        }
    }
}
