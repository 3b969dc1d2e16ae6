using System;

namespace SmtpTools
{
    /// <summary>Overall verdict of Test-SmtpConnection for one endpoint.</summary>
    public enum SmtpConnectionStatus
    {
        /// <summary>Every phase worked and nothing worth a warning was seen.</summary>
        Pass,
        /// <summary>Every phase worked, with Warning findings.</summary>
        Warning,
        /// <summary>A phase failed, or an Error finding (e.g. open relay, untrusted certificate).</summary>
        Fail,
    }

    /// <summary>The probe's steps, in order; the one that failed is reported (None: nothing failed).</summary>
    public enum SmtpConnectionPhase
    {
        None,
        Resolve,
        Connect,
        Banner,
        Ehlo,
        /// <summary>STARTTLS and its TLS handshake, or the handshake of implicit TLS.</summary>
        StartTls,
        Authenticate,
        Sender,
        Recipient,
    }

    /// <summary>Milliseconds spent in each phase (0 when it did not run) and in total.</summary>
    public sealed class SmtpConnectionTimings
    {
        public double Resolve { get; set; }
        public double Connect { get; set; }
        public double Banner { get; set; }
        public double Ehlo { get; set; }
        public double StartTls { get; set; }
        public double Authenticate { get; set; }
        public double Sender { get; set; }
        public double Recipient { get; set; }
        public double Total { get; set; }

        public override string ToString() =>
            $"Connect {Connect:0.#} ms, Banner {Banner:0.#} ms, Ehlo {Ehlo:0.#} ms, StartTls {StartTls:0.#} ms, Authenticate {Authenticate:0.#} ms, Total {Total:0.#} ms";
    }

    /// <summary>The server certificate as seen during the TLS handshake, and how it validated.</summary>
    public sealed class SmtpCertificateInfo
    {
        public string Subject { get; set; }
        public string Issuer { get; set; }
        /// <summary>"DNS:name", "IP:address" … entries of the subjectAltName extension.</summary>
        public string[] SubjectAlternativeNames { get; set; }
        public DateTime NotBefore { get; set; }
        public DateTime NotAfter { get; set; }
        /// <summary>Whole days until NotAfter; negative when expired.</summary>
        public int DaysUntilExpiry { get; set; }
        /// <summary>SHA-1, upper-case hex (as the Windows certificate store shows it).</summary>
        public string Thumbprint { get; set; }
        public string Sha256Fingerprint { get; set; }
        public string SerialNumber { get; set; }
        public string SignatureAlgorithm { get; set; }
        /// <summary>A chain to a trusted root was built without errors (unknown revocation status aside).</summary>
        public bool ChainIsValid { get; set; }
        public string[] ChainErrors { get; set; }
        public bool HostnameMatches { get; set; }
        public bool IsSelfSigned { get; set; }
        /// <summary>Revocation could not be checked (no CRL/OCSP published or reachable).</summary>
        public bool RevocationUnknown { get; set; }
        /// <summary>The platform's SslPolicyErrors value.</summary>
        public string PolicyErrors { get; set; }
        /// <summary>Subjects of the chain that was built, leaf first.</summary>
        public string[] Chain { get; set; }

        public override string ToString() => Subject;
    }

    /// <summary>What Test-SmtpConnection saw at one host and port.</summary>
    public sealed class SmtpConnectionResult
    {
        public string SmtpServer { get; set; }
        public int Port { get; set; }
        /// <summary>With -Domain: the domain whose MX named this host.</summary>
        public string Domain { get; set; }
        public int? MxPreference { get; set; }
        /// <summary>The address connected to (or last tried).</summary>
        public string IPAddress { get; set; }
        public SmtpConnectionStatus Status { get; set; }
        public SmtpConnectionPhase FailedPhase { get; set; }
        /// <summary>The server's reply or the exception message of the failed phase.</summary>
        public string Error { get; set; }
        /// <summary>SMTP reply code of the failed phase when the server answered (e.g. 535).</summary>
        public int? ReplyCode { get; set; }
        /// <summary>Enhanced status code of that reply (e.g. 5.7.8).</summary>
        public string EnhancedStatusCode { get; set; }
        public string Banner { get; set; }
        /// <summary>EHLO keywords with parameters (after TLS when TLS was used).</summary>
        public string[] Capabilities { get; set; }
        /// <summary>EHLO keywords of the plain-text EHLO before STARTTLS; null on implicit TLS.</summary>
        public string[] CapabilitiesBeforeTls { get; set; }
        /// <summary>SIZE; null when not announced, 0 when announced without a limit.</summary>
        public long? MaxMessageSize { get; set; }
        /// <summary>STARTTLS offered in plain text; null on implicit TLS.</summary>
        public bool? SupportsStartTls { get; set; }
        public bool ImplicitTls { get; set; }
        public bool IsEncrypted { get; set; }
        public string TlsProtocol { get; set; }
        public string CipherSuite { get; set; }
        public SmtpCertificateInfo Certificate { get; set; }
        public string[] AuthMechanismsBeforeTls { get; set; }
        public string[] AuthMechanismsAfterTls { get; set; }
        /// <summary>The mechanism used by the credential test.</summary>
        public string AuthMechanism { get; set; }
        /// <summary>Null when no credential was tested.</summary>
        public bool? Authenticated { get; set; }
        public bool? SenderAccepted { get; set; }
        public bool? RecipientAccepted { get; set; }
        /// <summary>Null when -TestOpenRelay was not given.</summary>
        public bool? IsOpenRelay { get; set; }
        public SmtpConnectionTimings Timings { get; set; }
        public Finding[] Findings { get; set; }
        /// <summary>The SMTP conversation ("C: "/"S: " lines); secrets replaced by ********.</summary>
        public string[] Transcript { get; set; }

        // Flat summary columns for Export-Csv.
        public string CapabilityList { get; set; }
        public string AuthBeforeTls { get; set; }
        public string AuthAfterTls { get; set; }
        public string CertificateSubject { get; set; }
        public string CertificateIssuer { get; set; }
        public DateTime? CertificateNotAfter { get; set; }
        public int? CertificateDaysUntilExpiry { get; set; }
        public string CertificateThumbprint { get; set; }
        public bool? CertificateChainIsValid { get; set; }
        public bool? CertificateHostnameMatches { get; set; }
        public double TotalMs { get; set; }
        public int FindingCount { get; set; }
        public int ErrorCount { get; set; }
        public int WarningCount { get; set; }
        /// <summary>Finding ids joined with ";".</summary>
        public string FindingIds { get; set; }

        public override string ToString() => $"{SmtpServer}:{Port} {Status}";
    }
}
