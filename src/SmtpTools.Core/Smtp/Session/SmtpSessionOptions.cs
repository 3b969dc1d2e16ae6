using System;
using System.Net;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// How the SMTP sessions of a pipeline are secured and identified: the part of <see cref="SmtpSenderOptions"/> and
    /// <see cref="SmtpProbeOptions"/> a <see cref="SmtpSession"/> reads. Read-only once sessions use it (several may).
    /// </summary>
    public class SmtpSessionOptions
    {
        public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
        /// <summary>Accept any server certificate (its facts are still recorded and judged).</summary>
        public bool SkipCertificateCheck { get; set; }
        /// <summary>Ask the platform about revocation (the probe reports what it finds; the sender does not wait for it).</summary>
        public bool CheckCertificateRevocation { get; set; }
        /// <summary>User name and password for AUTH; never logged.</summary>
        public NetworkCredential Credential { get; set; }
        /// <summary>User name and OAuth 2.0 access token (in Password) for XOAUTH2/OAUTHBEARER; never logged.</summary>
        public NetworkCredential AccessToken { get; set; }
        /// <summary>How long one step may wait for the server: the connection, each reply, each block written.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
        /// <summary>The EHLO name; null: MailKit's default (the local host name).</summary>
        public string HeloName { get; set; }

        /// <summary>Credentials or a token will be sent.</summary>
        public bool HasSecrets => Credential != null || AccessToken != null;
    }
}
