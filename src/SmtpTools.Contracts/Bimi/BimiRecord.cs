using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// The BIMI posture of a domain: the assertion record at &lt;selector&gt;._bimi.&lt;domain&gt; (or its organizational
    /// domain), the DMARC prerequisite, the logo (SVG Tiny PS checks) and the mark certificate (VMC/CMC).
    /// </summary>
    public sealed class BimiRecord
    {
        /// <summary>The domain asked about (A-label form, lower case).</summary>
        public string Domain { get; set; }
        public string Selector { get; set; }
        public BimiStatus Status { get; set; }
        /// <summary>Where the record was found: the domain, or its organizational domain when the domain has none.</summary>
        public string RecordDomain { get; set; }
        /// <summary>The v=BIMI1 record (the first when there are several).</summary>
        public string Record { get; set; }
        /// <summary>l=: the logo URL ("" in a declination); null when absent.</summary>
        public string Location { get; set; }
        /// <summary>a=: the mark certificate URL; "" or null when the logo is self-asserted.</summary>
        public string Authority { get; set; }
        /// <summary>avp= (brand or personal); null when absent (brand).</summary>
        public string AvatarPreference { get; set; }
        /// <summary>lps= local-part prefixes; empty when absent.</summary>
        public string[] LocalPartPrefixes { get; set; } = Array.Empty<string>();

        /// <summary>The DMARC policies of the domain and its organizational domain are quarantine/reject at 100 %; null when not checked.</summary>
        public bool? DmarcEnforced { get; set; }
        /// <summary>The DMARC policy that applies to the domain, e.g. "reject" or "quarantine (pct=50)".</summary>
        public string DmarcPolicy { get; set; }
        /// <summary>Where that DMARC record is.</summary>
        public string DmarcPolicyDomain { get; set; }
        /// <summary>The organizational domain (RFC 7489, Public Suffix List), whose DMARC policy must also be enforced.</summary>
        public string OrganizationalDomain { get; set; }

        /// <summary>The logo was fetched and passes the SVG Tiny PS checks; null when not fetched.</summary>
        public bool? LogoValid { get; set; }
        /// <summary>The logo's &lt;title&gt;.</summary>
        public string LogoTitle { get; set; }
        /// <summary>The logo's size in bytes (uncompressed).</summary>
        public int? LogoSize { get; set; }
        /// <summary>SHA-256 of the logo (uncompressed), upper-case hex.</summary>
        public string LogoSha256 { get; set; }

        /// <summary>The mark certificate; null without a= (or when it could not be read).</summary>
        public BimiMarkCertificate Certificate { get; set; }
        /// <summary>The mark certificate passes every check, its logo being the l= logo included (trust of its root aside, see Certificate.ChainTrusted); null without one.</summary>
        public bool? CertificateValid { get; set; }
        /// <summary>The logo embedded in the certificate is the l= logo; null when not both are known.</summary>
        public bool? LogoMatchesCertificate { get; set; }
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();

        // Flat companions for Export-Csv.
        /// <summary>VMC or CMC; null without a certificate.</summary>
        public BimiMarkCertificateType? CertificateType => Certificate?.CertificateType;
        /// <summary>The certificate's expiry (UTC).</summary>
        public DateTime? CertificateNotAfter => Certificate?.NotAfter;
        public int FindingCount => (Findings ?? Array.Empty<Finding>()).Length;
        public int ErrorCount => (Findings ?? Array.Empty<Finding>()).Count(f => f.Severity == FindingSeverity.Error);
        public int WarningCount => (Findings ?? Array.Empty<Finding>()).Count(f => f.Severity == FindingSeverity.Warning);
        /// <summary>The finding ids, ';'-separated.</summary>
        public string FindingIds => string.Join(";", (Findings ?? Array.Empty<Finding>()).Select(f => f.Id));

        public override string ToString() => $"{Selector}._bimi.{Domain}: {Status}";
    }
}
