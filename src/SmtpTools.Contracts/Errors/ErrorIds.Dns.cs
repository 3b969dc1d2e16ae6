namespace SmtpTools
{
    // Names and DNS servers given to any cmdlet (checked in one place, Core/Dns/DomainNames and DnsServerEndpoint).
    public static partial class ErrorIds
    {
        /// <summary>A domain is not a domain name (empty and white-space-only input included).</summary>
        public const string InvalidDomainName = nameof(InvalidDomainName);
        /// <summary>A DKIM selector is not a DNS name (RFC 6376 3.1).</summary>
        public const string InvalidDkimSelector = nameof(InvalidDkimSelector);
        /// <summary>An SMTP server is neither a host name nor an IP address.</summary>
        public const string InvalidHostName = nameof(InvalidHostName);
        /// <summary>-Server/-DnsServer is not host, host:port or [IPv6]:port.</summary>
        public const string InvalidDnsServer = nameof(InvalidDnsServer);
        /// <summary>-IPAddress is not an IPv4 or IPv6 address.</summary>
        public const string InvalidIPAddress = nameof(InvalidIPAddress);
    }
}
