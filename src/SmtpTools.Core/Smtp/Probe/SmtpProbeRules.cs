using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.Smtp
{
    /// <summary>Findings and the overall status of a probe: pure functions of what was observed.</summary>
    public static class SmtpProbeRules
    {
        /// <summary>Days before NotAfter from which an expiring certificate is reported.</summary>
        public const int ExpiryWarningDays = 30;

        /// <param name="speaksTlsFirst">The port sent no plain-text greeting but completed a TLS handshake on a second connection.</param>
        public static IReadOnlyList<Finding> Evaluate(SmtpConnectionResult r, bool speaksTlsFirst)
        {
            var findings = new List<Finding>();
            int port = r.Port;

            if (r.AuthMechanismsBeforeTls?.Length > 0)
                findings.Add(FindingCatalog.SmtpAuthBeforeTls.Create(
                    $"AUTH ({string.Join(" ", r.AuthMechanismsBeforeTls)}) is offered on the unencrypted connection: passwords can travel in clear text."));

            if (r.SupportsStartTls == false && !r.ImplicitTls)
            {
                bool submission = port == 587;
                var message = submission
                    ? "The submission port 587 does not offer STARTTLS: clients must send passwords and mail in clear text."
                    : "The server does not offer STARTTLS: mail to and from it travels in clear text.";
                findings.Add(submission ? FindingCatalog.SmtpStartTlsNotOffered.Create(message) : FindingCatalog.SmtpStartTlsNotOffered.Create(FindingSeverity.Warning, message, "RFC 3207"));
            }

            if (r.IsEncrypted && (r.TlsProtocol == "Tls" || r.TlsProtocol == "Tls11" || r.TlsProtocol == "Ssl3" || r.TlsProtocol == "Ssl2"))
                findings.Add(FindingCatalog.SmtpWeakTlsProtocol.Create($"The server negotiated {r.TlsProtocol}; TLS 1.0 and 1.1 are deprecated."));

            var c = r.Certificate;
            if (c != null)
            {
                if (c.DaysUntilExpiry < 0)
                    findings.Add(FindingCatalog.SmtpCertificateExpired.Create($"The server certificate expired on {c.NotAfter:yyyy-MM-dd}."));
                else if (c.DaysUntilExpiry < ExpiryWarningDays)
                    findings.Add(FindingCatalog.SmtpCertificateExpiringSoon.Create($"The server certificate expires in {c.DaysUntilExpiry} day(s), on {c.NotAfter:yyyy-MM-dd}."));
                if (!c.HostnameMatches)
                    findings.Add(FindingCatalog.SmtpCertificateHostnameMismatch.Create(
                        $"The certificate does not name {r.SmtpServer} (subject {c.Subject}; names {(c.SubjectAlternativeNames.Length == 0 ? "none" : string.Join(", ", c.SubjectAlternativeNames))})."));
                if (c.IsSelfSigned && !c.ChainIsValid)
                    findings.Add(FindingCatalog.SmtpCertificateSelfSigned.Create($"The server certificate is self-signed ({c.Subject}) and not trusted."));
                else if (!c.ChainIsValid)
                    findings.Add(FindingCatalog.SmtpCertificateUntrusted.Create("The server certificate chain is not trusted: " + string.Join("; ", c.ChainErrors)));
                if (c.RevocationUnknown)
                    findings.Add(FindingCatalog.SmtpCertificateRevocationUnknown.Create("The revocation status of the certificate chain could not be checked (no CRL or OCSP published or reachable)."));
            }

            if (r.IsOpenRelay == true)
                findings.Add(FindingCatalog.SmtpOpenRelay.Create(
                    $"The server accepted RCPT TO:<{SmtpProbeOptions.RelayTestRecipient}> without authentication: it relays mail for anyone."));

            if (r.FailedPhase == SmtpPhase.Authenticate && SmtpReplies.IsBasicAuthDisabled(r.EnhancedStatusCode, r.Error))
                findings.Add(FindingCatalog.SmtpBasicAuthDisabled.Create(
                    "The server rejected password (Basic) authentication (" + (r.EnhancedStatusCode ?? "5.7.139/5.7.30") + "): use an OAuth 2.0 token with -AccessToken."));

            if (speaksTlsFirst)
                findings.Add(FindingCatalog.SmtpImplicitTlsPort.Create(
                    $"Port {port} sent no plain-text greeting but completed a TLS handshake: it expects implicit TLS (TLS first). Test it with -Security SslOnConnect."));

            return findings;
        }

        /// <summary>Fail: a phase failed or an Error finding; Warning: a Warning finding; else Pass.</summary>
        public static SmtpConnectionStatus StatusOf(SmtpConnectionResult r)
        {
            if (r.FailedPhase != SmtpPhase.None || r.Findings.Any(f => f.Severity == FindingSeverity.Error)) return SmtpConnectionStatus.Fail;
            if (r.Findings.Any(f => f.Severity == FindingSeverity.Warning)) return SmtpConnectionStatus.Warning;
            return SmtpConnectionStatus.Pass;
        }
    }
}
