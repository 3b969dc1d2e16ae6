using System;

namespace SmtpTools
{
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
        public SmtpPhase FailedPhase { get; set; }
        /// <summary>The server's reply or the exception message of the failed phase.</summary>
        public string Error { get; set; }
        /// <summary>SMTP reply code of the failed phase when the server answered (e.g. 535).</summary>
        public int? ReplyCode { get; set; }
        /// <summary>Enhanced status code of that reply (e.g. 5.7.8).</summary>
        public string EnhancedStatusCode { get; set; }
        public string Banner { get; set; }
        /// <summary>EHLO keywords with parameters (after TLS when TLS was used).</summary>
        public string[] Capabilities { get; set; } = Array.Empty<string>();
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
        public SmtpConnectionTimings Timings { get; set; } = new SmtpConnectionTimings();
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        /// <summary>The SMTP conversation ("C: "/"S: " lines); secrets replaced by ********.</summary>
        public string[] Transcript { get; set; } = Array.Empty<string>();

        // Flat summary columns for Export-Csv.
        /// <summary>The EHLO keywords, ';'-separated.</summary>
        public string CapabilityList => Columns.Join(Capabilities);
        /// <summary>The AUTH mechanisms offered before TLS, space-separated; null when there was no plain-text EHLO.</summary>
        public string AuthBeforeTls => AuthMechanismsBeforeTls == null ? null : string.Join(" ", AuthMechanismsBeforeTls);
        /// <summary>The AUTH mechanisms offered after TLS, space-separated; null when TLS was not established.</summary>
        public string AuthAfterTls => AuthMechanismsAfterTls == null ? null : string.Join(" ", AuthMechanismsAfterTls);
        public string CertificateSubject => Certificate?.Subject;
        public string CertificateIssuer => Certificate?.Issuer;
        public DateTime? CertificateNotAfter => Certificate?.NotAfter;
        public int? CertificateDaysUntilExpiry => Certificate?.DaysUntilExpiry;
        public string CertificateThumbprint => Certificate?.Thumbprint;
        public bool? CertificateChainIsValid => Certificate?.ChainIsValid;
        public bool? CertificateHostnameMatches => Certificate?.HostnameMatches;
        public double TotalMs => Timings?.Total ?? 0;
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>Finding ids joined with ";".</summary>
        public string FindingIds => Columns.Ids(Findings);

        public override string ToString() => $"{SmtpServer}:{Port} {Status}";
    }
}
