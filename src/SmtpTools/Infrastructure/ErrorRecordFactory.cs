using System;
using System.Management.Automation;
using SmtpTools.Core.Errors;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// The one place exceptions become ErrorRecords: a stable ErrorId (one of <see cref="ErrorIds"/>, from Core's
    /// classifier, so MailKit types never appear here) and the matching ErrorCategory. No per-cmdlet prefix:
    /// PowerShell appends the cmdlet to FullyQualifiedErrorId itself.
    /// </summary>
    internal static class ErrorRecordFactory
    {
        public static ErrorRecord FromException(Exception exception, object target)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
                exception = aggregate.InnerException;
            var classification = ErrorClassifier.Classify(exception);
            var record = new ErrorRecord(exception, classification.ErrorId, ToCategory(classification.Kind), target);
            var hint = (exception as SmtpToolsException)?.Hint;
            if (hint != null) record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = hint };
            return record;
        }

        /// <summary>An ErrorRecord for a failure we detect ourselves (no exception thrown by anything).</summary>
        public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object target, Exception inner = null) =>
            new ErrorRecord(new InvalidOperationException(message, inner), errorId, category, target);

        internal static ErrorCategory ToCategory(FailureKind kind)
        {
            switch (kind)
            {
                case FailureKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FailureKind.InvalidData: return ErrorCategory.InvalidData;
                case FailureKind.ObjectNotFound: return ErrorCategory.ObjectNotFound;
                case FailureKind.ResourceExists: return ErrorCategory.ResourceExists;
                case FailureKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case FailureKind.AuthenticationError: return ErrorCategory.AuthenticationError;
                case FailureKind.SecurityError: return ErrorCategory.SecurityError;
                case FailureKind.ConnectionError: return ErrorCategory.ConnectionError;
                case FailureKind.ProtocolError: return ErrorCategory.ProtocolError;
                case FailureKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                case FailureKind.OperationStopped: return ErrorCategory.OperationStopped;
                case FailureKind.LimitsExceeded: return ErrorCategory.LimitsExceeded;
                case FailureKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
