namespace SmtpTools
{
    /// <summary>What a DNS blocklist lists (RFC 5782 2): IP addresses or domain names.</summary>
    public enum DnsBlocklistType
    {
        /// <summary>Found out from the list's RFC 5782 5 test points (127.0.0.2 and ::FFFF:7F00:2 for IP lists, TEST for domain lists).</summary>
        Auto,
        /// <summary>An IP address list (DNSBL): addresses are asked with their octets (IPv6: nibbles) reversed.</summary>
        IPAddress,
        /// <summary>A domain name list (RHSBL, URI list): domains are asked as they are.</summary>
        Domain,
    }
}
