using System.Collections.Generic;
using System.Linq;

namespace SmtpTools
{
    /// <summary>How much a finding matters.</summary>
    public enum FindingSeverity
    {
        Information = 0,
        Warning = 1,
        Error = 2,
    }

    /// <summary>One observation about a record, policy or endpoint; the same type in every cmdlet's output.</summary>
    public sealed class Finding
    {
        public Finding(string id, FindingSeverity severity, string message, string reference)
            : this(id, severity, message, reference, 1)
        {
        }

        public Finding(string id, FindingSeverity severity, string message, string reference, int count)
        {
            Id = id;
            Severity = severity;
            Message = message;
            Reference = reference;
            Count = count;
        }

        /// <summary>Stable identifier, e.g. SpfTooManyDnsLookups.</summary>
        public string Id { get; }
        public FindingSeverity Severity { get; }
        public string Message { get; }
        /// <summary>The RFC section, e.g. "RFC 7208 4.6.4"; null when none applies.</summary>
        public string Reference { get; }
        /// <summary>How many findings with this Id about the same subject this one stands for (1 unless the audit merged repeats).</summary>
        public int Count { get; }

        public override string ToString() => $"{Severity}: {Id}: {Message}";

        internal static Finding From(Core.Findings.Finding finding) =>
            new Finding(finding.Id, (FindingSeverity)(int)finding.Severity, finding.Message, finding.Reference, finding.Count);

        internal static Finding[] From(IEnumerable<Core.Findings.Finding> findings) =>
            (findings ?? Enumerable.Empty<Core.Findings.Finding>()).Select(From).ToArray();
    }
}
