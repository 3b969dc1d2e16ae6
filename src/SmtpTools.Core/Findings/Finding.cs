using System;

namespace SmtpTools.Core.Findings
{
    /// <summary>How much a finding matters.</summary>
    public enum FindingSeverity
    {
        Information = 0,
        Warning = 1,
        Error = 2,
    }

    /// <summary>
    /// One observation about a record, policy or endpoint. The same shape is used by every audit so
    /// that scripts can filter all of them alike: a stable <see cref="Id"/> (never reworded), a
    /// severity, a human message and the RFC section where one applies.
    /// </summary>
    public sealed class Finding
    {
        /// <exception cref="ArgumentException">id or message is empty.</exception>
        public Finding(string id, FindingSeverity severity, string message, string reference = null)
        {
            if (string.IsNullOrEmpty(id)) throw new ArgumentException("A finding needs an id.", nameof(id));
            if (string.IsNullOrEmpty(message)) throw new ArgumentException("A finding needs a message.", nameof(message));
            Id = id;
            Severity = severity;
            Message = message;
            Reference = reference;
        }

        /// <summary>Stable identifier, e.g. <c>SpfTooManyDnsLookups</c>.</summary>
        public string Id { get; }
        public FindingSeverity Severity { get; }
        public string Message { get; }
        /// <summary>Where the rule comes from, e.g. <c>RFC 7208 4.6.4</c>; null when no RFC applies.</summary>
        public string Reference { get; }

        public static Finding Info(string id, string message, string reference = null) => new Finding(id, FindingSeverity.Information, message, reference);
        public static Finding Warning(string id, string message, string reference = null) => new Finding(id, FindingSeverity.Warning, message, reference);
        public static Finding Error(string id, string message, string reference = null) => new Finding(id, FindingSeverity.Error, message, reference);

        public override string ToString() => Reference == null ? $"{Severity}: {Id}: {Message}" : $"{Severity}: {Id}: {Message} ({Reference})";
    }
}
