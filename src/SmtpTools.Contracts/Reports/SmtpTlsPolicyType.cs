namespace SmtpTools
{
    /// <summary>The policy a TLS report's sessions were checked against (RFC 8460 4.3 policy-type).</summary>
    public enum SmtpTlsPolicyType
    {
        /// <summary>MTA-STS (RFC 8461).</summary>
        Sts,
        /// <summary>DANE TLSA (RFC 7672).</summary>
        Tlsa,
        /// <summary>The sender found no policy (the sessions are reported anyway).</summary>
        NoPolicyFound,
    }
}
