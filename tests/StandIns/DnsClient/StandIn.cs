namespace DnsClient
{
    /// <summary>Shares its full name with the real library's type, so a wrong binding shows as a missing member, not as luck.</summary>
    public sealed class LookupClient
    {
        public override string ToString() => "stand-in DnsClient 1.0.0.0";
    }
}
