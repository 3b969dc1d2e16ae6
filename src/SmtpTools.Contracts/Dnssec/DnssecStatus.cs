namespace SmtpTools
{
    /// <summary>
    /// Whether a domain's DNS answers are protected by DNSSEC, as seen through the resolver asked (-Server): the states of
    /// RFC 4035 4.3 (secure, insecure, bogus, indeterminate) as a user meets them.
    /// </summary>
    public enum DnssecStatus
    {
        /// <summary>Not looked at (a check that was not asked for).</summary>
        NotChecked = 0,
        /// <summary>A validating resolver validated the answers (AD bit): secure.</summary>
        Validated,
        /// <summary>The zone is not signed: no signatures came with the answers (insecure).</summary>
        Unsigned,
        /// <summary>
        /// Signatures came with the answers but the resolver did not validate them: -Server is not a validating resolver,
        /// or the parent zone has no DS record for the zone (no chain of trust).
        /// </summary>
        SignedNotValidated,
        /// <summary>
        /// Signed but broken: the validating resolver answers SERVFAIL while the same question with validation turned off
        /// (CD) is answered. Every validating resolver on the Internet fails this domain the same way (bogus).
        /// </summary>
        Bogus,
        /// <summary>The question could not be answered (timeout, SERVFAIL also with CD, REFUSED): try again later.</summary>
        TempError,
    }
}
