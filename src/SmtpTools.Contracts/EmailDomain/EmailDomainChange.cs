namespace SmtpTools
{
    /// <summary>One difference between two reports on the same domain (Compare-EmailDomainReport).</summary>
    public sealed class EmailDomainChange
    {
        public string Domain { get; set; }
        /// <summary>The check the change is about; null for the grade, the domain itself and the flat columns of several checks.</summary>
        public EmailDomainCheck? Check { get; set; }
        /// <summary>The property that changed (Grade, Status, DmarcPolicy …); null when a finding or domain was added or removed.</summary>
        public string Property { get; set; }
        /// <summary>The finding added or removed; null otherwise.</summary>
        public string FindingId { get; set; }
        /// <summary>The value in the reference report (null when added).</summary>
        public string Before { get; set; }
        /// <summary>The value in the difference report (null when removed).</summary>
        public string After { get; set; }
        public EmailDomainChangeType ChangeType { get; set; }
        /// <summary>How much the change matters: the finding's severity when it was added; Error for a grade that fell below B or a check that started failing; Warning for other changes for the worse; Information for improvements.</summary>
        public FindingSeverity Severity { get; set; }
        /// <summary>One line for a mail or a ticket.</summary>
        public string Message { get; set; }

        public override string ToString() => Message;
    }
}
