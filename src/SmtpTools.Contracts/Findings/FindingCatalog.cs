using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace SmtpTools
{
    /// <summary>
    /// Every finding the module can report, one public static field per id, declared in one file per area
    /// (FindingCatalog.Spf.cs, FindingCatalog.Dmarc.cs …; a new area is a new file). The field is named as its id
    /// (<c>nameof</c>), findings are made from the entries (<c>FindingCatalog.SpfPassAll.Create(message)</c>) and
    /// compared by entry (<see cref="Finding.Is"/>), never by id text. about_SmtpTools_Findings is generated from here
    /// by the build, and a test checks that every entry is emitted somewhere and documented.
    /// </summary>
    public static partial class FindingCatalog
    {
        private static readonly Lazy<IReadOnlyList<FindingDefinition>> Entries = new Lazy<IReadOnlyList<FindingDefinition>>(() =>
            typeof(FindingCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(FindingDefinition))
                .Select(f => (FindingDefinition)f.GetValue(null))
                .OrderBy(d => d.Area, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)
                .ToArray());

        /// <summary>Every entry, by area and id.</summary>
        public static IReadOnlyList<FindingDefinition> All => Entries.Value;

        /// <summary>The entry with this id (case-insensitive, as PowerShell compares), or null.</summary>
        public static FindingDefinition Find(string id) =>
            All.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));

        private static FindingDefinition Define(string area, string id, FindingSeverity severity, string reference, string meaning,
            params FindingSeverity[] otherSeverities) =>
            new FindingDefinition(area, id, severity, reference, meaning, otherSeverities);
    }
}
