namespace SmtpTools
{
    /// <summary>
    /// One check's verdict in a report, the same scale for every check (each check's own status, such as SPF's
    /// NoRecord or DMARC's NotFound, is kept in <see cref="EmailDomainCheckResult.CheckStatus"/>).
    /// </summary>
    public enum EmailDomainCheckStatus
    {
        /// <summary>Published and correct.</summary>
        Pass,
        /// <summary>Published and usable, with warnings (or weaker than recommended, such as DMARC p=none).</summary>
        Warning,
        /// <summary>Published but broken: receivers cannot use it, or it allows what it should prevent (SPF +all).</summary>
        Fail,
        /// <summary>Not published.</summary>
        Missing,
        /// <summary>A DNS lookup failed or the check did not finish in time: nothing can be concluded yet; try again later.</summary>
        TempError,
        /// <summary>The check itself failed (see <see cref="EmailDomainCheckResult.Message"/>); the rest of the report is valid.</summary>
        Error,
        /// <summary>
        /// Not run, and the row says why: the check connects to the MX hosts (SmtpTls), which Test-EmailDomain does only
        /// with -ProbeMx. Never a pass, and it does not lower the grade.
        /// </summary>
        NotRun,
    }
}
