using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.Findings
{
    /// <summary>The flat Export-Csv companions of a result's findings (FindingCount, ErrorCount, WarningCount, FindingIds).</summary>
    internal readonly struct FindingSummary
    {
        public FindingSummary(IReadOnlyCollection<Finding> findings)
        {
            Count = findings.Count;
            Errors = findings.Count(f => f.Severity == FindingSeverity.Error);
            Warnings = findings.Count(f => f.Severity == FindingSeverity.Warning);
            Ids = string.Join(";", findings.Select(f => f.Id).Distinct());
        }

        public int Count { get; }
        public int Errors { get; }
        public int Warnings { get; }
        /// <summary>The distinct ids joined with ';'.</summary>
        public string Ids { get; }
    }
}
