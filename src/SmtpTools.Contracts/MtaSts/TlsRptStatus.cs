namespace SmtpTools
{
    /// <summary>What Test-TlsRptRecord concluded about a domain's SMTP TLS reporting record (RFC 8460 3).</summary>
    public enum TlsRptStatus
    {
        /// <summary>One valid v=TLSRPTv1 record with at least one usable rua= destination.</summary>
        Valid,
        /// <summary>No v=TLSRPTv1 record at _smtp._tls: senders send no TLS reports.</summary>
        NotFound,
        /// <summary>More than one record, a syntax error, or no usable destination: senders send no reports (RFC 8460 3).</summary>
        InvalidRecord,
        /// <summary>The DNS query failed (SERVFAIL, timeout): unknown, not "no record". Try again later.</summary>
        TempError,
    }
}
