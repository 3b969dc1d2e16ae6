using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// The DANE verdict (RFC 7672) for one address of one MX host: its TLSA records at <c>_port._tcp.host</c>, whether the
    /// answers were DNSSEC-validated, and whether a record matches the certificate chain the server presented.
    /// </summary>
    public sealed class DaneResult
    {
        /// <summary>The domain whose MX host this is; null when a host was given.</summary>
        public string Domain { get; set; }
        /// <summary>The MX host name (the TLSA base domain).</summary>
        public string MxHost { get; set; }
        /// <summary>The MX preference, or null when a host was given.</summary>
        public int? Preference { get; set; }
        /// <summary>The address connected to (IPv4 or IPv6); null when the host has none or DNS failed first.</summary>
        public string Address { get; set; }
        /// <summary>The TCP port (25 for SMTP between MTAs).</summary>
        public int Port { get; set; }
        public DaneStatus Status { get; set; }
        /// <summary>The verdict in one sentence (which record matched, why none did, what was not validated).</summary>
        public string Detail { get; set; }
        /// <summary>The owner name of the TLSA records asked: _port._tcp.host.</summary>
        public string TlsaName { get; set; }
        /// <summary>The TLSA answer was DNSSEC-validated (AD bit from the resolver asked).</summary>
        public bool TlsaValidated { get; set; }
        /// <summary>The host's address records were DNSSEC-validated (RFC 7672 2.2.2 requires it before TLSA is used).</summary>
        public bool AddressValidated { get; set; }
        /// <summary>The TLSA records published for the host, each with what matching made of it.</summary>
        public DaneTlsaRecord[] TlsaRecords { get; set; } = Array.Empty<DaneTlsaRecord>();
        /// <summary>The records joined with ';' (for Export-Csv).</summary>
        public string TlsaRecordList => Columns.Join(TlsaRecords, r => r.ToString());
        public int UsableRecordCount => TlsaRecords?.Count(r => r != null && r.IsUsable) ?? 0;
        /// <summary>The record that matched, or null.</summary>
        public string MatchedRecord { get; set; }
        /// <summary>Subjects of the certificates the server sent after STARTTLS, leaf first (not the chain a platform builds).</summary>
        public string[] PresentedChain { get; set; } = Array.Empty<string>();
        /// <summary>SHA-256 of the server's (leaf) certificate, upper-case hex.</summary>
        public string CertificateSha256 { get; set; }
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds => Columns.Ids(Findings);
        public override string ToString() => Address == null ? MxHost : $"{MxHost} [{Address}]";
    }
}
