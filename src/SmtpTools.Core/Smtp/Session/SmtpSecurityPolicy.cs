using System.Collections.Generic;
using System.Net;
using MailKit.Security;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// The TLS and authentication rules of every SMTP session, written once for Send-SmtpMessage and
    /// Test-SmtpConnection.
    /// </summary>
    public static class SmtpSecurityPolicy
    {
        /// <summary>The port where Auto means implicit TLS (RFC 8314 3.3: submissions).</summary>
        public const int ImplicitTlsPort = 465;

        /// <summary>
        /// The mode to connect with. Auto on port 465 is implicit TLS. Credentials and tokens only ever travel encrypted
        /// unless the caller chose None: where TLS would otherwise be optional (Auto, StartTlsWhenAvailable), a session
        /// that will authenticate requires STARTTLS.
        /// </summary>
        public static SmtpSecurity EffectiveMode(SmtpSecurity requested, int port, bool willAuthenticate)
        {
            var mode = requested == SmtpSecurity.Auto && port == ImplicitTlsPort ? SmtpSecurity.SslOnConnect : requested;
            if (willAuthenticate && (mode == SmtpSecurity.Auto || mode == SmtpSecurity.StartTlsWhenAvailable)) mode = SmtpSecurity.StartTls;
            return mode;
        }

        /// <summary>Whether credentials may be sent on this connection: over TLS, or in clear text only when -Security None was chosen.</summary>
        public static bool MaySendCredentials(bool encrypted, SmtpSecurity requested) => encrypted || requested == SmtpSecurity.None;

        /// <summary>
        /// The SASL mechanism for an OAuth 2.0 token: XOAUTH2, which Microsoft 365 and Gmail offer; OAUTHBEARER (RFC 7628,
        /// the standard one) when it is all the server offers.
        /// </summary>
        public static SaslMechanism OAuthMechanism(ICollection<string> offered, NetworkCredential token) =>
            offered.Contains("OAUTHBEARER") && !offered.Contains("XOAUTH2")
                ? (SaslMechanism)new SaslMechanismOAuthBearer(token)
                : new SaslMechanismOAuth2(token);

        /// <summary>Whether a server certificate is accepted: a trusted chain that names the host, or any with -SkipCertificateCheck.</summary>
        public static bool AcceptsCertificate(SmtpCertificateInfo certificate, bool skipCertificateCheck) =>
            skipCertificateCheck || certificate != null && certificate.ChainIsValid && certificate.HostnameMatches;

        internal static SecureSocketOptions ToSecureSocketOptions(this SmtpSecurity mode)
        {
            switch (mode)
            {
                case SmtpSecurity.None: return SecureSocketOptions.None;
                case SmtpSecurity.StartTls: return SecureSocketOptions.StartTls;
                case SmtpSecurity.StartTlsWhenAvailable: return SecureSocketOptions.StartTlsWhenAvailable;
                case SmtpSecurity.SslOnConnect: return SecureSocketOptions.SslOnConnect;
                default: return SecureSocketOptions.Auto;
            }
        }
    }
}
