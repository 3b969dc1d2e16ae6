using MailKit.Security;

namespace SmtpTools.Core.Smtp
{
    /// <summary>How the SMTP connection is secured; the cmdlets' -Security values.</summary>
    public enum SmtpSecurityMode
    {
        /// <summary>Implicit TLS on port 465, STARTTLS when the server offers it elsewhere.</summary>
        Auto,
        /// <summary>Plain text, no TLS even when offered.</summary>
        None,
        /// <summary>STARTTLS required: fail when the server does not offer it.</summary>
        StartTls,
        /// <summary>STARTTLS when offered, plain text otherwise.</summary>
        StartTlsWhenAvailable,
        /// <summary>Implicit TLS from the first byte (usually port 465).</summary>
        SslOnConnect,
    }

    public static class SmtpSecurityModeExtensions
    {
        public static SecureSocketOptions ToSecureSocketOptions(this SmtpSecurityMode mode)
        {
            switch (mode)
            {
                case SmtpSecurityMode.None: return SecureSocketOptions.None;
                case SmtpSecurityMode.StartTls: return SecureSocketOptions.StartTls;
                case SmtpSecurityMode.StartTlsWhenAvailable: return SecureSocketOptions.StartTlsWhenAvailable;
                case SmtpSecurityMode.SslOnConnect: return SecureSocketOptions.SslOnConnect;
                default: return SecureSocketOptions.Auto;
            }
        }
    }
}
