using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

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
            : this(id, severity, message, reference, 1, message, 1)
        {
        }

        private Finding(string id, FindingSeverity severity, string message, string reference, int count, string ownMessage, int shownCount)
        {
            if (string.IsNullOrEmpty(id)) throw new ArgumentException("A finding needs an id.", nameof(id));
            if (string.IsNullOrEmpty(message)) throw new ArgumentException("A finding needs a message.", nameof(message));
            Id = id;
            Severity = severity;
            Message = message;
            Reference = reference;
            Count = count;
            _ownMessage = ownMessage;
            _shownCount = shownCount;
        }

        /// <summary>Stable identifier, e.g. <c>SpfTooManyDnsLookups</c>.</summary>
        public string Id { get; }
        public FindingSeverity Severity { get; }
        public string Message { get; }
        /// <summary>Where the rule comes from, e.g. <c>RFC 7208 4.6.4</c>; null when no RFC applies.</summary>
        public string Reference { get; }
        /// <summary>How many findings with this id about the same subject this one stands for (see <see cref="Deduplicate"/>).</summary>
        public int Count { get; }

        public static Finding Info(string id, string message, string reference = null) => new Finding(id, FindingSeverity.Information, message, reference);
        public static Finding Warning(string id, string message, string reference = null) => new Finding(id, FindingSeverity.Warning, message, reference);
        public static Finding Error(string id, string message, string reference = null) => new Finding(id, FindingSeverity.Error, message, reference);

        /// <summary>How many of the merged findings' messages a merged finding repeats.</summary>
        public const int MessagesShownWhenMerged = 3;

        /// <summary>
        /// One finding per id: a record with 2,500 bad terms gives one SpfSyntaxError that says how many there were and
        /// shows the first few messages, not 2,500 lines. The merged finding takes the place of the first of its id, the
        /// highest severity among them and the first reference; findings that stand for several already (Count &gt; 1)
        /// add their counts.
        /// </summary>
        /// <param name="findings">Findings about one subject, in the order they were made.</param>
        /// <param name="subject">What they are about (a domain, a DNS name, "the message"), for the message.</param>
        public static IReadOnlyList<Finding> Deduplicate(IEnumerable<Finding> findings, string subject)
        {
            if (findings == null) return Array.Empty<Finding>();
            var order = new List<string>();
            var groups = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
            foreach (var f in findings)
            {
                if (f == null) continue;
                if (!groups.TryGetValue(f.Id, out var group))
                {
                    groups[f.Id] = group = new List<Finding>();
                    order.Add(f.Id);
                }
                group.Add(f);
            }
            var result = new List<Finding>(order.Count);
            foreach (var id in order)
            {
                var group = groups[id];
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
                    ? $"{own} ({count} {id} findings{about}; the first {shown} are shown.)"
                    : $"{own} ({count} {id} findings{about}.)";
                var severity = group.Max(f => f.Severity);
                result.Add(new Finding(id, severity, message, group[0].Reference, total, own, shown));
            }
            return result;
        }

        // The message without the note a merge adds (so merging merged findings again does not repeat it), and how
        // many findings' messages it holds.
        private readonly string _ownMessage;
        private readonly int _shownCount;

        public override string ToString() => Reference == null ? $"{Severity}: {Id}: {Message}" : $"{Severity}: {Id}: {Message} ({Reference})";
    }
}
