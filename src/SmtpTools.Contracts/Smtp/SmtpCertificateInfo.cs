using System;

namespace SmtpTools
{
    /// <summary>The server certificate as seen during the TLS handshake, and how it validated.</summary>
    public sealed class SmtpCertificateInfo
    {
        public string Subject { get; set; }
        public string Issuer { get; set; }
        /// <summary>"DNS:name", "IP:address", "email:…" entries of the subjectAltName extension.</summary>
        public string[] SubjectAlternativeNames { get; set; } = Array.Empty<string>();
        /// <summary>UTC.</summary>
        public DateTime NotBefore { get; set; }
        /// <summary>UTC.</summary>
        public DateTime NotAfter { get; set; }
        /// <summary>Whole days until NotAfter; negative when expired.</summary>
        public int DaysUntilExpiry { get; set; }
        /// <summary>SHA-1, upper-case hex (as the Windows certificate store shows it).</summary>
        public string Thumbprint { get; set; }
        /// <summary>SHA-256 of the certificate, upper-case hex.</summary>
        public string Sha256Fingerprint { get; set; }
        public string SerialNumber { get; set; }
        public string SignatureAlgorithm { get; set; }
        /// <summary>A chain to a trusted root was built without errors (unknown revocation status aside).</summary>
        public bool ChainIsValid { get; set; }
        /// <summary>Chain problems as "Status: text" (e.g. "UntrustedRoot: self-signed certificate").</summary>
        public string[] ChainErrors { get; set; } = Array.Empty<string>();
        /// <summary>The certificate names the host that was connected to.</summary>
        public bool HostnameMatches { get; set; }
        /// <summary>Subject and issuer are the same name.</summary>
        public bool IsSelfSigned { get; set; }
        /// <summary>Revocation could not be checked (no CRL/OCSP published or reachable); not counted as a chain error.</summary>
        public bool RevocationUnknown { get; set; }
        /// <summary>The platform's SslPolicyErrors value ("None" when the certificate is acceptable).</summary>
        public string PolicyErrors { get; set; }
        /// <summary>Subjects of the chain that was built, leaf first.</summary>
        public string[] Chain { get; set; } = Array.Empty<string>();

        /// <summary>
        /// The certificates the server presented in the handshake, leaf first, DER-encoded: what DANE (RFC 7672) matches
        /// TLSA records against. Internal: for the engine's own checks, not an output column (nor serialized).
        /// </summary>
        internal byte[][] PresentedChain { get; set; } = Array.Empty<byte[]>();

        public override string ToString() => Subject;
    }
}
