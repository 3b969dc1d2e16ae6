namespace SmtpTools
{
    /// <summary>The mode of an MTA-STS policy (RFC 8461 5).</summary>
    public enum MtaStsMode
    {
        /// <summary>Senders refuse to deliver to an MX host that fails the policy.</summary>
        Enforce,
        /// <summary>Senders deliver anyway and report failures by TLS-RPT.</summary>
        Testing,
        /// <summary>The domain withdraws its policy; senders treat it as having none.</summary>
        None,
    }
}
