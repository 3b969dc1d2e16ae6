using System;

namespace SmtpTools
{
    /// <summary>What Test-DkimRecord found at one selector (or the summary of a probe that found none).</summary>
    public sealed class DkimRecordCheck
    {
        public string Domain { get; set; }
        /// <summary>Null for the summary object of a probe that found no selector.</summary>
        public string Selector { get; set; }
        public string DnsName { get; set; }
        public DkimRecordStatus Status { get; set; }
        /// <summary>A DKIM key record is published at the name.</summary>
        public bool Found { get; set; }
        /// <summary>Verifiers can use the record (syntax, version, key type, hash, service type, key all acceptable; not revoked).</summary>
        public bool IsUsable { get; set; }
        public bool Revoked { get; set; }
        /// <summary>The k= value (rsa when absent).</summary>
        public string KeyAlgorithm { get; set; }
        public int KeyLength { get; set; }
        /// <summary>t=y</summary>
        public bool Testing { get; set; }
        /// <summary>t= flags, colon-separated (e.g. "y:s").</summary>
        public string Flags { get; set; }
        public string HashAlgorithms { get; set; }
        public string ServiceTypes { get; set; }
        public string Note { get; set; }
        /// <summary>The record text (strings joined).</summary>
        public string Record { get; set; }
        public string[] RecordStrings { get; set; } = Array.Empty<string>();
        public int RecordStringCount => RecordStrings?.Length ?? 0;
        /// <summary>The CNAME target when the name is an alias (key hosted by a provider).</summary>
        public string CnameTarget { get; set; }
        /// <summary>With -KeyPath: the published key is the public half of that private key. Null without -KeyPath.</summary>
        public bool? MatchesPrivateKey { get; set; }
        /// <summary>SHA-256 of the decoded p= value, lower-case hex (compare with New-DkimKey's PublicKeyFingerprint).</summary>
        public string PublicKeyFingerprint { get; set; }
        /// <summary>The DNS answer status (NoError, NonExistentDomain, Timeout …).</summary>
        public string LookupStatus { get; set; }
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids, ';'-separated (for Export-Csv).</summary>
        public string FindingIds => Columns.Ids(Findings);

        public override string ToString() => DnsName;
    }
}
