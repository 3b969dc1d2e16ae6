namespace SmtpTools
{
    // Test-SmtpConnection's findings about an SMTP endpoint: TLS, certificate, AUTH, relaying.
    public static partial class FindingCatalog
    {
        private const string Smtp = "SMTP";

        public static readonly FindingDefinition SmtpStartTlsNotOffered = Define(Smtp, nameof(SmtpStartTlsNotOffered), FindingSeverity.Error, "RFC 3207; RFC 8314 3.3",
            "The server does not offer STARTTLS. An Error on the submission port 587 (passwords would travel in clear text), a Warning elsewhere (mail travels in clear text).",
            FindingSeverity.Warning);
        public static readonly FindingDefinition SmtpImplicitTlsPort = Define(Smtp, nameof(SmtpImplicitTlsPort), FindingSeverity.Error, "RFC 8314 3.3",
            "The port sent no plain-text greeting but completed a TLS handshake: it expects implicit TLS. Test it with -Security SslOnConnect.");
        public static readonly FindingDefinition SmtpWeakTlsProtocol = Define(Smtp, nameof(SmtpWeakTlsProtocol), FindingSeverity.Error, "RFC 8996",
            "The server negotiated SSL, TLS 1.0 or TLS 1.1, which are deprecated.");
        public static readonly FindingDefinition SmtpAuthBeforeTls = Define(Smtp, nameof(SmtpAuthBeforeTls), FindingSeverity.Warning, "RFC 8314 3; RFC 4954 4",
            "AUTH is offered on the unencrypted connection, so passwords can travel in clear text.");
        public static readonly FindingDefinition SmtpCertificateExpired = Define(Smtp, nameof(SmtpCertificateExpired), FindingSeverity.Error, "RFC 5280 4.1.2.5",
            "The server certificate has expired.");
        public static readonly FindingDefinition SmtpCertificateExpiringSoon = Define(Smtp, nameof(SmtpCertificateExpiringSoon), FindingSeverity.Warning, "RFC 5280 4.1.2.5",
            "The server certificate expires within 30 days.");
        public static readonly FindingDefinition SmtpCertificateHostnameMismatch = Define(Smtp, nameof(SmtpCertificateHostnameMismatch), FindingSeverity.Error, "RFC 6125 6",
            "The certificate does not name the host that was connected to.");
        public static readonly FindingDefinition SmtpCertificateSelfSigned = Define(Smtp, nameof(SmtpCertificateSelfSigned), FindingSeverity.Error, "RFC 5280 6",
            "The server certificate is self-signed and not trusted.");
        public static readonly FindingDefinition SmtpCertificateUntrusted = Define(Smtp, nameof(SmtpCertificateUntrusted), FindingSeverity.Error, "RFC 5280 6",
            "The server certificate chain is not trusted (the message lists the chain errors).");
        public static readonly FindingDefinition SmtpCertificateRevocationUnknown = Define(Smtp, nameof(SmtpCertificateRevocationUnknown), FindingSeverity.Information, "RFC 5280 6.3",
            "The revocation status of the certificate chain could not be checked (no CRL or OCSP published or reachable).");
        public static readonly FindingDefinition SmtpOpenRelay = Define(Smtp, nameof(SmtpOpenRelay), FindingSeverity.Error, "RFC 5321 3.9; RFC 2505",
            "The server accepted a recipient in a foreign domain without authentication: it relays mail for anyone (-TestOpenRelay).");
        public static readonly FindingDefinition SmtpBasicAuthDisabled = Define(Smtp, nameof(SmtpBasicAuthDisabled), FindingSeverity.Error, null,
            "The server rejected password (Basic) authentication (e.g. Exchange Online 5.7.139): use an OAuth 2.0 token with -AccessToken.");
    }
}
