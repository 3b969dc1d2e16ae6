using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// Test-SmtpDane's result for one domain: DANE for SMTP (RFC 7672) on every address of every MX host, one
    /// <see cref="DaneMxResult"/> per host in preference order with one <see cref="DaneResult"/> per address.
    /// </summary>
    public sealed class DaneDomainResult
    {
        public string Domain { get; set; }
        /// <summary>The TCP port connected to and named in the TLSA owner (25 between MTAs).</summary>
        public int Port { get; set; }
        /// <summary>
        /// Match when every address of every MX host matched; otherwise the worst verdict of the hosts (NoMatch,
        /// TlsFailed, TempError, Unverifiable, NoTlsa), or NotChecked when the domain has no mail host to check.
        /// </summary>
        public DaneStatus Status { get; set; }
        /// <summary>The verdict in one sentence.</summary>
        public string Detail { get; set; }
        /// <summary>The MX hosts in preference order (the domain itself for an implicit MX), each checked once.</summary>
        public DaneMxResult[] MxHosts { get; set; } = Array.Empty<DaneMxResult>();
        /// <summary>Every address of every host, flattened (Select-Object -ExpandProperty Results | Export-Csv).</summary>
        public DaneResult[] Results => MxHosts?.SelectMany(h => h.Addresses ?? Array.Empty<DaneResult>()).ToArray() ?? Array.Empty<DaneResult>();
        public int MxHostCount => MxHosts?.Length ?? 0;
        /// <summary>The MX hosts with usable, validated TLSA records.</summary>
        public int DaneHostCount => MxHosts?.Count(h => h.UsesDane) ?? 0;
        public int AddressCount => MxHosts?.Sum(h => h.AddressCount) ?? 0;
        public int MatchCount => MxHosts?.Sum(h => h.MatchCount) ?? 0;
        /// <summary>"host status" of each MX host joined with ';' (for Export-Csv).</summary>
        public string MxStatusList => Columns.Join(MxHosts, h => $"{h.MxHost} {h.Status}");
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds => Columns.Ids(Findings);
        public override string ToString() => Domain;
    }
}
