namespace SmtpTools
{
    /// <summary>One SPF check the receiver made (auth_results/spf of a report row).</summary>
    public sealed class DmarcReportSpfAuth
    {
        /// <summary>The checked domain (MAIL FROM or HELO domain); "" when the reporter sent an empty element.</summary>
        public string Domain { get; set; }
        /// <summary>mfrom or helo; null when the reporter left it out (RFC 7489 defaults to mfrom).</summary>
        public string Scope { get; set; }
        /// <summary>
        /// The SPF result; null when the element is missing or unknown. The RFC 4408 names "unknown" and "error" read
        /// as PermError and TempError, "hardfail" as Fail.
        /// </summary>
        public SpfResult? Result { get; set; }
        /// <summary>The reporter's free-text explanation, if any.</summary>
        public string HumanResult { get; set; }

        public override string ToString() => Domain + "=" + (Result?.ToString().ToLowerInvariant() ?? "?");
    }
}
