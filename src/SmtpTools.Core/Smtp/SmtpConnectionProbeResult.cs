using System;
using System.Collections.Generic;
using System.Net;

namespace SmtpTools.Core.Smtp
{
    /// <summary>The steps of one SMTP probe, in the order they run. <see cref="None"/>: nothing failed.</summary>
    public enum SmtpProbePhase
    {
        None,
        Resolve,
        Connect,
        Banner,
        Ehlo,
        /// <summary>STARTTLS and its handshake, or the handshake of implicit TLS.</summary>
        StartTls,
        Authenticate,
        Sender,
        Recipient,
    }

    /// <summary>Pass: everything worked and nothing worth a warning was seen. Warning: worked, with Warning findings. Fail: a phase failed or an Error finding.</summary>
    public enum SmtpProbeStatus
    {
        Pass,
        Warning,
        Fail,
    }

    /// <summary>What to probe and how; one instance serves every endpoint of a pipeline.</summary>
    public sealed class SmtpProbeOptions
    {
        public SmtpSecurityMode Security { get; set; } = SmtpSecurityMode.Auto;
        /// <summary>User name and password for AUTH; never logged.</summary>
        public NetworkCredential Credential { get; set; }
        /// <summary>User name and OAuth 2.0 access token (in Password) for XOAUTH2/OAUTHBEARER; never logged.</summary>
        public NetworkCredential AccessToken { get; set; }
        /// <summary>MAIL FROM address of the sender probe; empty or null: the null reverse path.</summary>
        public string Sender { get; set; }
        /// <summary>RCPT TO address of the recipient probe (no DATA is ever sent).</summary>
        public string Recipient { get; set; }
        /// <summary>Before AUTH, try RCPT to <see cref="RelayTestRecipient"/>; an accepting server is an open relay.</summary>
        public bool TestOpenRelay { get; set; }
        /// <summary>Name sent with EHLO; null: MailKit's default (the local host name).</summary>
        public string HeloName { get; set; }
        /// <summary>Accept any server certificate (its facts are still recorded and judged).</summary>
        public bool SkipCertificateCheck { get; set; }
        /// <summary>How long one step may wait for the server (connect, each reply, TLS handshake).</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>Resolve host names through the DNS layer instead of the operating system (set with -DnsServer).</summary>
        public bool ResolveWithDnsLayer { get; set; }

        /// <summary>An address outside every domain (RFC 2606 .invalid): accepting it without AUTH means relaying.</summary>
        public const string RelayTestRecipient = "relay-test@example.invalid";
    }

    /// <summary>One endpoint to probe: a host (name or address literal) and a port, optionally found through a domain's MX.</summary>
    public sealed class SmtpProbeTarget
    {
        /// <exception cref="ArgumentException">host is empty.</exception>
        /// <exception cref="ArgumentOutOfRangeException">port is not 1..65535.</exception>
        public SmtpProbeTarget(string host, int port, string domain = null, int? mxPreference = null)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ArgumentException("A host name or address is required.", nameof(host));
            if (port < 1 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "A port is 1..65535.");
            Host = host.Trim().TrimEnd('.');
            Port = port;
            Domain = domain;
            MxPreference = mxPreference;
        }

        public string Host { get; }
        public int Port { get; }
        /// <summary>The domain whose MX named this host (-Domain); null otherwise.</summary>
        public string Domain { get; }
        public int? MxPreference { get; }
        public override string ToString() => Host + ":" + Port;
    }

    /// <summary>Milliseconds spent in each phase (0 when it did not run) and in total.</summary>
    public sealed class SmtpProbeTimings
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
    }

    /// <summary>Everything one probe of one host and port saw. Filled as far as the probe got, also when a phase failed.</summary>
    public sealed class SmtpConnectionProbeResult
    {
        public SmtpProbeTarget Target { get; set; }
        public IPAddress Address { get; set; }
        public SmtpProbeStatus Status { get; set; }
        public SmtpProbePhase FailedPhase { get; set; }
        /// <summary>The server's reply (code and text) or the exception message of the failed phase.</summary>
        public string Error { get; set; }
        /// <summary>SMTP reply code of the failed phase when the server answered (e.g. 535).</summary>
        public int? ReplyCode { get; set; }
        /// <summary>RFC 3463 enhanced status code of that reply (e.g. 5.7.8), when present.</summary>
        public string EnhancedStatusCode { get; set; }
        /// <summary>The greeting, code included (lines joined with a space).</summary>
        public string Banner { get; set; }
        /// <summary>EHLO keywords with parameters from the last successful EHLO (after TLS when TLS was used).</summary>
        public IReadOnlyList<string> Capabilities { get; set; } = Array.Empty<string>();
        /// <summary>EHLO keywords of the plain-text EHLO before STARTTLS; null when there was none (implicit TLS).</summary>
        public IReadOnlyList<string> CapabilitiesBeforeTls { get; set; }
        /// <summary>SIZE parameter; null when SIZE is not announced, 0 when announced without a limit.</summary>
        public long? MaxMessageSize { get; set; }
        /// <summary>STARTTLS offered in the plain-text EHLO; null on implicit TLS or before any EHLO answered.</summary>
        public bool? SupportsStartTls { get; set; }
        public bool ImplicitTls { get; set; }
        /// <summary>True when the port sent no plain-text greeting but completed a TLS handshake on a second connection: it expects implicit TLS.</summary>
        public bool SpeaksTlsFirst { get; set; }
        public bool IsEncrypted { get; set; }
        public string TlsProtocol { get; set; }
        public string CipherSuite { get; set; }
        public SmtpCertificateFacts Certificate { get; set; }
        /// <summary>AUTH mechanisms of the plain-text EHLO; null when there was no plain-text EHLO.</summary>
        public IReadOnlyList<string> AuthMechanismsBeforeTls { get; set; }
        /// <summary>AUTH mechanisms of the EHLO after TLS; null when TLS was not established.</summary>
        public IReadOnlyList<string> AuthMechanismsAfterTls { get; set; }
        /// <summary>The mechanism used for the AUTH test; null when not tested.</summary>
        public string AuthMechanism { get; set; }
        /// <summary>Null: not tested.</summary>
        public bool? Authenticated { get; set; }
        /// <summary>Null: no -Sender/-Recipient test.</summary>
        public bool? SenderAccepted { get; set; }
        /// <summary>Null: no -Recipient test.</summary>
        public bool? RecipientAccepted { get; set; }
        /// <summary>Null: not tested.</summary>
        public bool? IsOpenRelay { get; set; }
        public SmtpProbeTimings Timings { get; set; } = new SmtpProbeTimings();
        public IReadOnlyList<Finding> Findings { get; set; } = Array.Empty<Finding>();
        /// <summary>The SMTP conversation, secrets replaced by ********. Lines start with "C: " or "S: ".</summary>
        public IReadOnlyList<string> Transcript { get; set; } = Array.Empty<string>();
    }
}
