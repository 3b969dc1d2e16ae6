namespace SmtpTools
{
    /// <summary>What kind of difference Compare-EmailDomainReport found.</summary>
    public enum EmailDomainChangeType
    {
        /// <summary>A finding (or a whole domain, or a check) is new.</summary>
        Added,
        /// <summary>A finding (or a whole domain, or a check) is gone.</summary>
        Removed,
        /// <summary>A property changed its value (a check's status, the DMARC policy …).</summary>
        Changed,
        /// <summary>The grade got better.</summary>
        GradeUp,
        /// <summary>The grade got worse.</summary>
        GradeDown,
    }
}
