namespace SmtpTools
{
    // Talking to an SMTP server: Send-SmtpMessage and Test-SmtpConnection alike.
    public static partial class ErrorIds
    {
        /// <summary>Neither -SmtpServer, $PSEmailServer nor -PickupDirectory says where mail goes.</summary>
        public const string SmtpServerMissing = nameof(SmtpServerMissing);
        /// <summary>The connection, TLS or the greeting failed (refused, unreachable, timed out, broken).</summary>
        public const string SmtpConnectFailed = nameof(SmtpConnectFailed);
        /// <summary>The server answered 4xx at connect or AUTH (busy, closing for maintenance): try again later.</summary>
        public const string SmtpServiceUnavailable = nameof(SmtpServiceUnavailable);
        /// <summary>The TLS handshake failed, usually an untrusted certificate or one that does not name the host.</summary>
        public const string TlsHandshakeFailed = nameof(TlsHandshakeFailed);
        /// <summary>TLS is required (by -Security, or because credentials are only sent over TLS) and the server does not offer STARTTLS.</summary>
        public const string SmtpStartTlsNotOffered = nameof(SmtpStartTlsNotOffered);
        /// <summary>The server did not accept the credentials or the token.</summary>
        public const string SmtpAuthenticationFailed = nameof(SmtpAuthenticationFailed);
        /// <summary>Credentials were given but the server offers no AUTH mechanism the cmdlet can use.</summary>
        public const string SmtpAuthenticationNotOffered = nameof(SmtpAuthenticationNotOffered);
        /// <summary>-AccessToken without the user it belongs to (-Credential's user name, -From or -Sender).</summary>
        public const string AccessTokenUserMissing = nameof(AccessTokenUserMissing);
        /// <summary>The server refused a command in a way no more specific id describes.</summary>
        public const string SmtpCommandFailed = nameof(SmtpCommandFailed);
        /// <summary>The server broke the SMTP protocol (an unreadable reply).</summary>
        public const string SmtpProtocolError = nameof(SmtpProtocolError);
        /// <summary>A command was sent on a connection that is not open.</summary>
        public const string SmtpNotConnected = nameof(SmtpNotConnected);
        /// <summary>An address cannot be used: unparsable, a line break or control character, or over RFC 5321's limits.</summary>
        public const string AddressInvalid = nameof(AddressInvalid);
        /// <summary>-HeloName is neither a domain name nor an address literal.</summary>
        public const string InvalidHeloName = nameof(InvalidHeloName);
        /// <summary>The domain's MX lookup failed or the domain does not exist (Test-SmtpConnection -Domain).</summary>
        public const string SmtpMxLookupFailed = nameof(SmtpMxLookupFailed);
        /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail.</summary>
        public const string SmtpNullMx = nameof(SmtpNullMx);
    }
}
