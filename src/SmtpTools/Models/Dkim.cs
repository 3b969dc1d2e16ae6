using System;

namespace SmtpTools
{
    /// <summary>DKIM key types New-DkimKey can make.</summary>
    public enum DkimKeyAlgorithm
    {
        Rsa,
        Ed25519,
    }

    /// <summary>The s= tag of a key record: e-mail only, or any service (no s= tag).</summary>
    public enum DkimServiceType
    {
        Email,
        Any,
    }

    /// <summary>The h= tag of a key record (RFC 8301 leaves sha256 as the only hash).</summary>
    public enum DkimHashAlgorithm
    {
        Sha256,
    }

    /// <summary>A key pair made by New-DkimKey: where the private key is and what to publish in DNS.</summary>
    public sealed class DkimKey
    {
        public string Domain { get; set; }
        public string Selector { get; set; }
        public DkimKeyAlgorithm KeyAlgorithm { get; set; }
        public int KeyLength { get; set; }
        /// <summary>selector._domainkey.domain</summary>
        public string DnsName { get; set; }
        /// <summary>The TXT record value, as one string.</summary>
        public string DnsRecord { get; set; }
        /// <summary>The value split into character-strings of at most 255 bytes (for DNS providers that want them).</summary>
        public string[] DnsRecordStrings { get; set; }
        /// <summary>A ready BIND zone-file line.</summary>
        public string ZoneFileRecord { get; set; }
        /// <summary>Full path of the PEM PKCS#8 private key file.</summary>
        public string PrivateKeyPath { get; set; }
        /// <summary>SHA-256 of the public key bytes (the decoded p= value), lower-case hex.</summary>
        public string PublicKeyFingerprint { get; set; }
        public bool Testing { get; set; }
        public DateTime CreatedUtc { get; set; }

        public override string ToString() => DnsName;
    }

    /// <summary>What Test-DkimRecord found at one selector (or a probe that found none).</summary>
    public sealed class DkimRecordCheck
    {
        public string Domain { get; set; }
        /// <summary>Null for the summary object of a probe that found no selector.</summary>
        public string Selector { get; set; }
        public string DnsName { get; set; }
        /// <summary>Valid, Warning, Invalid, Revoked, NotFound or LookupFailed.</summary>
        public string Status { get; set; }
        public bool Found { get; set; }
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
        public string[] RecordStrings { get; set; }
        public int RecordStringCount { get; set; }
        /// <summary>The CNAME target when the name is an alias (key hosted by a provider).</summary>
        public string CnameTarget { get; set; }
        /// <summary>With -KeyPath: the published key is the public half of that private key. Null without -KeyPath.</summary>
        public bool? MatchesPrivateKey { get; set; }
        /// <summary>SHA-256 of the decoded p= value, lower-case hex (compare with New-DkimKey's PublicKeyFingerprint).</summary>
        public string PublicKeyFingerprint { get; set; }
        public string LookupStatus { get; set; }
        public Finding[] Findings { get; set; }
        public int FindingCount { get; set; }
        public int ErrorCount { get; set; }
        public int WarningCount { get; set; }
        /// <summary>The finding ids, ';'-separated (for Export-Csv).</summary>
        public string FindingIds { get; set; }

        public override string ToString() => DnsName;
    }
}
