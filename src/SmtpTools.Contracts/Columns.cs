using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// The flat companion columns of the output types (FindingIds, ErrorCount, CapabilityList …), computed in one place:
    /// the types declare them as read-only properties over their lists, so Export-Csv gets useful cells and the values
    /// can never disagree with the lists they summarise.
    /// </summary>
    internal static class Columns
    {
        /// <summary>The items joined with <paramref name="separator"/>; "" for none (a null item counts as "").</summary>
        public static string Join<T>(IEnumerable<T> items, Func<T, string> text, string separator = ";") =>
            items == null ? "" : string.Join(separator, items.Select(i => (i == null ? null : text(i)) ?? ""));

        public static string Join(IEnumerable<string> items, string separator = ";") => Join(items, s => s, separator);

        /// <summary>The non-null items joined with ';'; null when there are none.</summary>
        public static string JoinOrNull(IEnumerable<string> items)
        {
            var list = items?.Where(i => i != null).ToList();
            return list == null || list.Count == 0 ? null : string.Join(";", list);
        }

        public static int Count(Finding[] findings) => findings?.Length ?? 0;

        public static int Count(Finding[] findings, FindingSeverity severity) => findings?.Count(f => f.Severity == severity) ?? 0;

        /// <summary>The distinct finding ids in order of appearance, ';'-separated (an id about several subjects once).</summary>
        public static string Ids(Finding[] findings) => findings == null ? "" : string.Join(";", findings.Select(f => f.Id).Distinct());
    }
}
