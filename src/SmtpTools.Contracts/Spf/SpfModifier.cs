namespace SmtpTools
{
    /// <summary>One modifier of an SPF record (redirect, exp or an unknown one).</summary>
    public sealed class SpfModifier
    {
        public string Name { get; set; }
        public string Value { get; set; }
        /// <summary>DNS lookups the modifier costs (redirect: 1 plus the target's).</summary>
        public int DnsLookups { get; set; }

        public override string ToString() => Name + "=" + Value;
    }
}
