namespace SmtpTools
{
    // Test-DnsBlocklist's list definitions (-Zone).
    public static partial class ErrorIds
    {
        /// <summary>A -Zone entry is not a domain name, or one of its return or error codes is not an address in 127.0.0.0/8.</summary>
        public const string InvalidDnsBlocklistZone = nameof(InvalidDnsBlocklistZone);
    }
}
