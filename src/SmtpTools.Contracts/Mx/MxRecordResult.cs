using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools
{
    /// <summary>Test-MxRecord's result for one domain: its MX hosts in preference order, their addresses and reverse DNS.</summary>
    public sealed class MxRecordResult
    {
        public string Domain { get; set; }
        public MxStatus Status { get; set; }
        /// <summary>At least one host (or, without MX, the domain itself) has an address that mail can be delivered to.</summary>
        public bool AcceptsMail { get; set; }
        /// <summary>The domain publishes RFC 7505's null MX ("0 ."), alone or beside other records.</summary>
        public bool IsNullMx { get; set; }
        /// <summary>No MX record: the domain's own address receives mail (RFC 5321 5.1).</summary>
        public bool IsImplicitMx { get; set; }
        /// <summary>The mail exchangers in preference order (equal preferences in the server's order); the null MX is not one.</summary>
        public MxHost[] Hosts { get; set; } = Array.Empty<MxHost>();
        /// <summary>"preference name" of each host joined with ';' (for Export-Csv).</summary>
        public string HostNames => Columns.Join(Hosts, h => h.ToString());
        public int HostCount => Hosts?.Length ?? 0;
        public int UsableHostCount => Hosts?.Count(h => h.IsUsable) ?? 0;
        /// <summary>The addresses of the usable hosts, each once, joined with ';' (for Export-Csv).</summary>
        public string Addresses => Columns.Join(UsableAddresses(), a => a.Address);
        public int AddressCount => UsableAddresses().Count();
        /// <summary>Addresses whose reverse DNS resolves back to them (forward-confirmed).</summary>
        public int ForwardConfirmedCount => UsableAddresses().Count(a => a.ReverseDns == ReverseDnsStatus.Confirmed);
        /// <summary>Whether the domain's answers are DNSSEC-validated by the resolver asked (see Test-DnssecStatus).</summary>
        public DnssecStatus DnssecStatus { get; set; }
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds => Columns.Ids(Findings);
        public override string ToString() => Domain;

        // A host listed twice (at two preferences) shares its address objects: counted once.
        private IEnumerable<MxHostAddress> UsableAddresses() =>
            (Hosts ?? Array.Empty<MxHost>()).Where(h => h.IsUsable).SelectMany(h => h.Addresses ?? Array.Empty<MxHostAddress>())
                .GroupBy(a => a.Address, StringComparer.Ordinal).Select(g => g.First());
    }
}
