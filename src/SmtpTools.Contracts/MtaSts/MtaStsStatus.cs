namespace SmtpTools
{
    /// <summary>
    /// What Test-MtaStsPolicy concluded for a domain, in the order a sender discovers MTA-STS (RFC 8461 3): the first
    /// step that fails decides. The findings say why; Mode says what a valid policy asks for.
    /// </summary>
    public enum MtaStsStatus
    {
        /// <summary>One valid _mta-sts record and a valid policy served correctly: senders apply it (see Mode).</summary>
        Valid,
        /// <summary>-NoFetch: the record is valid; the policy was not fetched.</summary>
        RecordOnly,
        /// <summary>No v=STSv1 record at _mta-sts: the domain does not use MTA-STS.</summary>
        NotFound,
        /// <summary>More than one v=STSv1 record, or one that breaks the grammar: senders assume no policy (RFC 8461 3.1).</summary>
        InvalidRecord,
        /// <summary>The record is fine but the policy could not be fetched (certificate, redirect, status, content type, size, host): senders without a cached policy apply none.</summary>
        PolicyUnavailable,
        /// <summary>The policy was fetched but breaks the grammar or lacks a required field: senders ignore it.</summary>
        InvalidPolicy,
        /// <summary>A DNS query failed (SERVFAIL, timeout): the answer is unknown, not "no policy". Try again later.</summary>
        TempError,
    }
}
