namespace SmtpTools
{
    /// <summary>
    /// Why a receiver did not apply the published policy to a row (policy_evaluated/reason): forwarded, sampled_out,
    /// trusted_forwarder, mailing_list, local_policy, other (RFC 7489 appendix C; RFC 9990 keeps the same names).
    /// </summary>
    public sealed class DmarcReportOverrideReason
    {
        /// <summary>The reason token as reported, lower case ("" when the reporter sent an empty element).</summary>
        public string Type { get; set; }
        /// <summary>The reporter's comment; null when absent.</summary>
        public string Comment { get; set; }

        public override string ToString() => string.IsNullOrEmpty(Comment) ? Type : Type + " (" + Comment + ")";
    }
}
