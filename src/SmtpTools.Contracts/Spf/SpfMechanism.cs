namespace SmtpTools
{
    /// <summary>One mechanism of an SPF record.</summary>
    public sealed class SpfMechanism
    {
        /// <summary>"+", "-", "~" or "?".</summary>
        public string Qualifier { get; set; }
        /// <summary>all, include, a, mx, ptr, ip4, ip6 or exists.</summary>
        public string Name { get; set; }
        /// <summary>The argument (domain, network with prefix length), or null.</summary>
        public string Value { get; set; }
        /// <summary>DNS lookups the mechanism costs, everything inside an include counted.</summary>
        public int DnsLookups { get; set; }
        /// <summary>The term as written.</summary>
        public string Text { get; set; }

        public override string ToString() => Text;
    }
}
