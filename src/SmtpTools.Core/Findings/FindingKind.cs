using System;

namespace SmtpTools.Core.Findings
{
    /// <summary>
    /// One kind of finding of the MX, DNSSEC and blocklist checks: its stable id, severity, RFC section and meaning, the
    /// shape of an entry of the coming findings catalog (issue 12 item 4), so the engines create findings from these
    /// entries only and moving them into the catalog is mechanical.
    /// </summary>
    internal sealed class FindingKind
    {
        public FindingKind(string id, FindingSeverity severity, string reference, string meaning)
        {
            Id = id ?? throw new ArgumentNullException(nameof(id));
            Severity = severity;
            Reference = reference;
            Meaning = meaning ?? throw new ArgumentNullException(nameof(meaning));
        }

        public string Id { get; }
        public FindingSeverity Severity { get; }
        public string Reference { get; }
        public string Meaning { get; }

        /// <summary>A finding of this kind; <paramref name="reference"/> overrides the entry's section for a more precise one.</summary>
        public Finding Create(string message, string reference = null) => new Finding(Id, Severity, message, reference ?? Reference);

        public bool Is(Finding finding) => finding != null && string.Equals(finding.Id, Id, StringComparison.Ordinal);

        public override string ToString() => Id;
    }
}
