namespace SmtpTools
{
    /// <summary>Test-SpfRecord's check_host() result (RFC 7208 4) for one client address and identity.</summary>
    public sealed class SpfCheckResult
    {
        /// <summary>The SMTP client's address as given.</summary>
        public string IPAddress { get; set; }
        /// <summary>The MAIL FROM address as given; empty for the HELO identity.</summary>
        public string Sender { get; set; }
        public string HeloDomain { get; set; }
        /// <summary>The domain whose policy was evaluated.</summary>
        public string Domain { get; set; }
        public SpfResult Result { get; set; }
        /// <summary>The mechanism that matched, as written; null when none did.</summary>
        public string MatchedMechanism { get; set; }
        /// <summary>The explanation for a Fail (the domain's exp= text or the default).</summary>
        public string Explanation { get; set; }
        /// <summary>Why this result (for PermError/TempError, the error).</summary>
        public string Reason { get; set; }
        /// <summary>DNS-querying terms evaluated (RFC 7208 4.6.4).</summary>
        public int DnsLookupCount { get; set; }
        /// <summary>Lookups that returned no records or NXDOMAIN.</summary>
        public int VoidLookupCount { get; set; }

        public override string ToString() => $"{IPAddress} {Domain}: {Result}";
    }
}
