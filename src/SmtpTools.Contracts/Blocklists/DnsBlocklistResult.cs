using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// Test-DnsBlocklist's result for one address or domain: given directly, or an address of a domain's MX host
    /// (-IncludeMx, <see cref="Source"/> says which).
    /// </summary>
    public sealed class DnsBlocklistResult
    {
        /// <summary>What was given: the address or domain (for -IncludeMx rows, the domain).</summary>
        public string Input { get; set; }
        /// <summary>The address or domain asked about.</summary>
        public string Subject { get; set; }
        /// <summary>IPAddress or Domain.</summary>
        public DnsBlocklistType SubjectType { get; set; }
        /// <summary>Where the subject came from: null when given, "MX mx1.example.com" for an MX host's address.</summary>
        public string Source { get; set; }
        public DnsBlocklistStatus Status { get; set; }
        public bool IsListed => ListedCount > 0;
        /// <summary>The zones that list the subject, joined with ';' (for Export-Csv).</summary>
        public string ListedOn => Columns.Join(Listed(), l => l.Zone);
        public int ListedCount => Listed().Count();
        /// <summary>Lists that answered about the subject (listed or not).</summary>
        public int CheckedCount => (Listings ?? Array.Empty<DnsBlocklistListing>()).Count(l => l.Status == DnsBlocklistListStatus.Listed || l.Status == DnsBlocklistListStatus.NotListed);
        /// <summary>One answer per list of the subject's kind.</summary>
        public DnsBlocklistListing[] Listings { get; set; } = Array.Empty<DnsBlocklistListing>();
        /// <summary>"zone: reason" of each listing joined with ';' (for Export-Csv).</summary>
        public string Reasons => Columns.Join(Listed().SelectMany(l => (l.Reasons ?? Array.Empty<string>()).Select(r => l.Zone + ": " + r)));
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds => Columns.Ids(Findings);
        public override string ToString() => Subject;

        private IEnumerable<DnsBlocklistListing> Listed() =>
            (Listings ?? Array.Empty<DnsBlocklistListing>()).Where(l => l.Status == DnsBlocklistListStatus.Listed);
    }
}
