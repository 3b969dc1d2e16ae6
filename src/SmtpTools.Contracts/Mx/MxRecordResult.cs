using System;

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
        public string HostNames { get; set; }
        public int HostCount { get; set; }
        public int UsableHostCount { get; set; }
        /// <summary>Every host's addresses joined with ';' (for Export-Csv and Test-DnsBlocklist).</summary>
        public string Addresses { get; set; }
        public int AddressCount { get; set; }
        /// <summary>Addresses whose reverse DNS resolves back to them (forward-confirmed).</summary>
        public int ForwardConfirmedCount { get; set; }
        /// <summary>Whether the domain's answers are DNSSEC-validated by the resolver asked (see Test-DnssecStatus).</summary>
        public DnssecStatus DnssecStatus { get; set; }
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount { get; set; }
        public int ErrorCount { get; set; }
        public int WarningCount { get; set; }
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds { get; set; }
        public override string ToString() => Domain;
    }
}
