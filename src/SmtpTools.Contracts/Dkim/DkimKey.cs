using System;

namespace SmtpTools
{
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
        public string[] DnsRecordStrings { get; set; } = Array.Empty<string>();
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
}
