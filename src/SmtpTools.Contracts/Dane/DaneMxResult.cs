using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// The DANE verdict (RFC 7672) for one MX host of a domain: one <see cref="DaneResult"/> per address it has, and the
    /// verdict a sender would reach for the host as a whole (the worst of its addresses: a sender may connect to any).
    /// </summary>
    public sealed class DaneMxResult
    {
        public string Domain { get; set; }
        public string MxHost { get; set; }
        public int? Preference { get; set; }
        public int Port { get; set; }
        /// <summary>The worst verdict of its addresses: NoMatch, TlsFailed, TempError, Unverifiable, NoTlsa, Match.</summary>
        public DaneStatus Status { get; set; }
        /// <summary>The host's verdict in one sentence.</summary>
        public string Detail { get; set; }
        /// <summary>The owner name of the TLSA records asked: _port._tcp.host (or of the validated CNAME target).</summary>
        public string TlsaName { get; set; }
        public bool TlsaValidated { get; set; }
        /// <summary>The verdict per address (IPv4 and IPv6), in DNS order; one row without an address when the host has none.</summary>
        public DaneResult[] Addresses { get; set; } = Array.Empty<DaneResult>();
        /// <summary>The host publishes usable (DANE-TA/DANE-EE), DNSSEC-validated TLSA records: a DANE sender insists on a match here.</summary>
        public bool UsesDane => Addresses?.Any(a => a != null && a.TlsaValidated && a.UsableRecordCount > 0) ?? false;
        public int AddressCount => Addresses?.Count(a => a?.Address != null) ?? 0;
        public int MatchCount => Addresses?.Count(a => a?.Status == DaneStatus.Match) ?? 0;
        /// <summary>"address status" of each address joined with ';' (for Export-Csv).</summary>
        public string AddressList => Columns.Join(Addresses.Where(a => a.Address != null), a => $"{a.Address} {a.Status}");
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public string FindingIds => Columns.Ids(Findings);
        public override string ToString() => MxHost;
    }
}
