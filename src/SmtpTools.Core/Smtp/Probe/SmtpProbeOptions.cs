using System;

namespace SmtpTools.Core.Smtp
{
    /// <summary>What to probe and how; one instance serves every endpoint of a pipeline.</summary>
    public sealed class SmtpProbeOptions : SmtpSessionOptions
    {
        public SmtpProbeOptions()
        {
            Timeout = TimeSpan.FromSeconds(30);
            // The probe reports what the platform finds out about revocation (SmtpCertificateRevocationUnknown).
            CheckCertificateRevocation = true;
        }

        /// <summary>MAIL FROM address of the sender probe; empty or null: the null reverse path.</summary>
        public string Sender { get; set; }
        /// <summary>RCPT TO address of the recipient probe (no DATA is ever sent).</summary>
        public string Recipient { get; set; }
        /// <summary>Before AUTH, try RCPT to <see cref="RelayTestRecipient"/>; an accepting server is an open relay.</summary>
        public bool TestOpenRelay { get; set; }
        /// <summary>Resolve host names through the DNS layer instead of the operating system (set with -DnsServer).</summary>
        public bool ResolveWithDnsLayer { get; set; }

        /// <summary>An address outside every domain (RFC 2606 .invalid): accepting it without AUTH means relaying.</summary>
        public const string RelayTestRecipient = "relay-test@example.invalid";
    }
}
