using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// One observation about a record, policy or endpoint; the same type in every cmdlet's output, so scripts filter
    /// all audits alike: a stable <see cref="Id"/> (never reworded), a severity, a human message and the RFC section
    /// where one applies. Every finding is made from an entry of <see cref="FindingCatalog"/>
    /// (<see cref="FindingDefinition.Create(string, string)"/>), which documents its id.
    /// </summary>
    public sealed class Finding
    {
        // The catalog entry this finding was made from: code compares findings by entry (Is), never by id text. Not a
        // property, so it stays out of Format-List, Export-Csv, JSON and Clixml.
        private readonly FindingDefinition _definition;

        // The message without the note a merge adds (so merging merged findings again does not repeat it), and how
        // many findings' messages it holds.
        private readonly string _ownMessage;
        private readonly int _shownCount;

        internal Finding(FindingDefinition definition, FindingSeverity severity, string message, string reference)
            : this(definition, severity, message, reference, 1, message, 1)
        {
        }

        private Finding(FindingDefinition definition, FindingSeverity severity, string message, string reference, int count, string ownMessage, int shownCount)
        {
            if (string.IsNullOrEmpty(message)) throw new ArgumentException("A finding needs a message.", nameof(message));
            _definition = definition ?? throw new ArgumentNullException(nameof(definition));
            Severity = severity;
            Message = message;
            Reference = reference;
            Count = count;
            _ownMessage = ownMessage;
            _shownCount = shownCount;
        }

        /// <summary>Stable identifier, e.g. <c>SpfTooManyDnsLookups</c>; listed with its meaning in about_SmtpTools_Findings.</summary>
        public string Id => _definition.Id;
        public FindingSeverity Severity { get; }
        public string Message { get; }
        /// <summary>Where the rule comes from, e.g. <c>RFC 7208 4.6.4</c>; null when no RFC applies.</summary>
        public string Reference { get; }
        /// <summary>How many findings with this id about the same subject this one stands for (1 unless the audit merged repeats).</summary>
        public int Count { get; }

        /// <summary>Whether this finding was made from <paramref name="definition"/> (a <see cref="FindingCatalog"/> entry).</summary>
        public bool Is(FindingDefinition definition) => ReferenceEquals(_definition, definition);

        /// <summary>How many of the merged findings' messages a merged finding repeats.</summary>
        public const int MessagesShownWhenMerged = 3;

        /// <summary>
        /// One finding per catalog entry: a record with 2,500 bad terms gives one SpfSyntaxError that says how many there
        /// were and shows the first few messages, not 2,500 lines. The merged finding takes the place of the first of its
        /// entry, the highest severity among them and the first reference; findings that stand for several already
        /// (Count &gt; 1) add their counts. Each auditor in Core calls it once per subject.
        /// </summary>
        /// <param name="findings">Findings about one subject, in the order they were made.</param>
        /// <param name="subject">What they are about (a domain, a DNS name, "the message"), for the message.</param>
        public static IReadOnlyList<Finding> Deduplicate(IEnumerable<Finding> findings, string subject)
        {
            if (findings == null) return Array.Empty<Finding>();
            var order = new List<FindingDefinition>();
            var groups = new Dictionary<FindingDefinition, List<Finding>>();
            foreach (var f in findings)
            {
                if (f == null) continue;
                if (!groups.TryGetValue(f._definition, out var group))
                {
                    groups[f._definition] = group = new List<Finding>();
                    order.Add(f._definition);
                }
                group.Add(f);
            }
            var result = new List<Finding>(order.Count);
            foreach (var definition in order)
            {
                var group = groups[definition];
                if (group.Count == 1) { result.Add(group[0]); continue; }
                int total = group.Sum(f => f.Count);
                var texts = new List<string>();
                int shown = 0;
                foreach (var f in group)
                {
                    if (shown >= MessagesShownWhenMerged) break;
                    texts.Add(f._ownMessage);
                    shown += f._shownCount;
                }
                string about = string.IsNullOrEmpty(subject) ? "" : " for " + subject;
                string count = total.ToString("N0", CultureInfo.InvariantCulture);
                string own = string.Join(" | ", texts);
                string message = total > shown
                    ? $"{own} ({count} {definition.Id} findings{about}; the first {shown} are shown.)"
                    : $"{own} ({count} {definition.Id} findings{about}.)";
                var severity = group.Max(f => f.Severity);
                result.Add(new Finding(definition, severity, message, group[0].Reference, total, own, shown));
            }
            return result;
        }

        public override string ToString() => $"{Severity}: {Id}: {Message}";
    }
}
