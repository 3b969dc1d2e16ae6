namespace SmtpTools
{
    // Test-EmailDomain -ProbeMx, the SmtpTls check: STARTTLS on a domain's MX hosts as a sending MTA meets it. What the
    // probe itself judges (STARTTLS not offered, the certificate) comes from Test-SmtpConnection's findings.
    public static partial class FindingCatalog
    {
        private const string SmtpTls = "SMTPTLS";

        public static readonly FindingDefinition SmtpTlsHandshakeFailed = Define(SmtpTls, nameof(SmtpTlsHandshakeFailed), FindingSeverity.Error, "RFC 3207 4.1",
            "The MX host accepts STARTTLS but the TLS handshake fails: senders defer the mail or retry it in clear text.");
        public static readonly FindingDefinition SmtpTlsMxUnreachable = Define(SmtpTls, nameof(SmtpTlsMxUnreachable), FindingSeverity.Warning, "RFC 5321 5.1",
            "The MX host could not be reached on the SMTP port (or ended the session before TLS), so its TLS could not be checked; from where the check ran, port 25 may be blocked.");
    }
}
