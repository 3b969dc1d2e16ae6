namespace SmtpTools
{
    /// <summary>A finding of one of the checks of <see cref="EmailDomainReport"/>, with the check it came from (flat, for Export-Csv and JSON).</summary>
    public sealed class EmailDomainFinding
    {
        public EmailDomainCheck Check { get; set; }
        /// <summary>The finding's stable id (about_SmtpTools_Findings).</summary>
        public string Id { get; set; }
        public FindingSeverity Severity { get; set; }
        public string Message { get; set; }
        /// <summary>The RFC section, e.g. "RFC 7208 4.6.4"; null when none applies.</summary>
        public string Reference { get; set; }
        /// <summary>How many merged findings this one stands for.</summary>
        public int Count { get; set; } = 1;

        public override string ToString() => $"{Check}: {Severity}: {Id}: {Message}";
    }
}
