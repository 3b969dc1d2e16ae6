using System;
using System.Collections.Generic;
using System.Linq;
using SmtpTools.Core.Findings;

namespace SmtpTools.Core.Smtp
{
    /// <summary>Findings and the overall status of a probe: pure functions of what was observed.</summary>
    public static class SmtpProbeRules
    {
        /// <summary>Days before NotAfter from which an expiring certificate is reported.</summary>
        public const int ExpiryWarningDays = 30;

        public static IReadOnlyList<Finding> Evaluate(SmtpConnectionProbeResult r, SmtpProbeOptions options)
        {
            var findings = new List<Finding>();
            int port = r.Target?.Port ?? 0;

            if (r.AuthMechanismsBeforeTls?.Count > 0)
                findings.Add(Finding.Warning("SmtpAuthBeforeTls",
                    $"AUTH ({string.Join(" ", r.AuthMechanismsBeforeTls)}) is offered on the unencrypted connection: passwords can travel in clear text.", "RFC 8314 3; RFC 4954 4"));

            if (r.SupportsStartTls == false && !r.ImplicitTls)
            {
                bool submission = port == 587;
                var message = submission
                    ? "The submission port 587 does not offer STARTTLS: clients must send passwords and mail in clear text."
                    : "The server does not offer STARTTLS: mail to and from it travels in clear text.";
                findings.Add(submission ? Finding.Error("SmtpStartTlsNotOffered", message, "RFC 3207; RFC 8314 3.3") : Finding.Warning("SmtpStartTlsNotOffered", message, "RFC 3207"));
            }

            if (r.IsEncrypted && (r.TlsProtocol == "Tls" || r.TlsProtocol == "Tls11" || r.TlsProtocol == "Ssl3" || r.TlsProtocol == "Ssl2"))
                findings.Add(Finding.Error("SmtpWeakTlsProtocol", $"The server negotiated {r.TlsProtocol}; TLS 1.0 and 1.1 are deprecated.", "RFC 8996"));

            var c = r.Certificate;
            if (c != null)
            {
                if (c.DaysUntilExpiry < 0)
                    findings.Add(Finding.Error("SmtpCertificateExpired", $"The server certificate expired on {c.NotAfter:yyyy-MM-dd}.", "RFC 5280 4.1.2.5"));
                else if (c.DaysUntilExpiry < ExpiryWarningDays)
                    findings.Add(Finding.Warning("SmtpCertificateExpiringSoon", $"The server certificate expires in {c.DaysUntilExpiry} day(s), on {c.NotAfter:yyyy-MM-dd}.", "RFC 5280 4.1.2.5"));
                if (!c.HostnameMatches)
                    findings.Add(Finding.Error("SmtpCertificateHostnameMismatch",
                        $"The certificate does not name {r.Target?.Host} (subject {c.Subject}; names {(c.SubjectAlternativeNames.Count == 0 ? "none" : string.Join(", ", c.SubjectAlternativeNames))}).", "RFC 6125 6"));
                if (c.IsSelfSigned && !c.ChainIsValid)
                    findings.Add(Finding.Error("SmtpCertificateSelfSigned", $"The server certificate is self-signed ({c.Subject}) and not trusted.", "RFC 5280 6"));
                else if (!c.ChainIsValid)
                    findings.Add(Finding.Error("SmtpCertificateUntrusted", "The server certificate chain is not trusted: " + string.Join("; ", c.ChainErrors), "RFC 5280 6"));
                if (c.RevocationUnknown)
                    findings.Add(Finding.Info("SmtpCertificateRevocationUnknown", "The revocation status of the certificate chain could not be checked (no CRL or OCSP published or reachable).", "RFC 5280 6.3"));
            }

            if (r.IsOpenRelay == true)
                findings.Add(Finding.Error("SmtpOpenRelay",
                    $"The server accepted RCPT TO:<{SmtpProbeOptions.RelayTestRecipient}> without authentication: it relays mail for anyone.", "RFC 5321 3.9; RFC 2505"));

            if (r.FailedPhase == SmtpProbePhase.Authenticate && SmtpReplies.IsBasicAuthDisabled(r.EnhancedStatusCode, r.Error))
                findings.Add(Finding.Error("SmtpBasicAuthDisabled",
                    "The server rejected password (Basic) authentication (" + (r.EnhancedStatusCode ?? "5.7.139/5.7.30") + "): use an OAuth 2.0 token with -AccessToken."));

            if (r.SpeaksTlsFirst)
                findings.Add(Finding.Error("SmtpImplicitTlsPort",
                    $"Port {port} sent no plain-text greeting but completed a TLS handshake: it expects implicit TLS (TLS first). Test it with -Security SslOnConnect.", "RFC 8314 3.3"));

            if (r.FailedPhase == SmtpProbePhase.StartTls && r.SupportsStartTls == false && !r.ImplicitTls && findings.All(f => f.Id != "SmtpStartTlsNotOffered"))
                findings.Add(Finding.Error("SmtpStartTlsNotOffered", "STARTTLS was required but the server does not offer it.", "RFC 3207"));

            return findings;
        }

        /// <summary>Fail: a phase failed or an Error finding; Warning: a Warning finding; else Pass.</summary>
        public static SmtpProbeStatus StatusOf(SmtpConnectionProbeResult r)
        {
            if (r.FailedPhase != SmtpProbePhase.None || r.Findings.Any(f => f.Severity == FindingSeverity.Error)) return SmtpProbeStatus.Fail;
            if (r.Findings.Any(f => f.Severity == FindingSeverity.Warning)) return SmtpProbeStatus.Warning;
            return SmtpProbeStatus.Pass;
        }
    }
}
