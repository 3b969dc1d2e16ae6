namespace SmtpTools
{
    /// <summary>How an SMTP connection is secured (-Security of Send-SmtpMessage and Test-SmtpConnection).</summary>
    public enum SmtpSecurity
    {
        /// <summary>Implicit TLS on port 465, STARTTLS when the server offers it elsewhere (required when credentials are sent).</summary>
        Auto,
        /// <summary>Plain text, no TLS even when offered.</summary>
        None,
        /// <summary>STARTTLS required.</summary>
        StartTls,
        /// <summary>STARTTLS when offered, plain text otherwise (required when credentials are sent).</summary>
        StartTlsWhenAvailable,
        /// <summary>Implicit TLS from the first byte (usually port 465).</summary>
        SslOnConnect,
    }
}
