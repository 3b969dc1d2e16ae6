namespace SmtpTools
{
    /// <summary>The file formats of Export-EmailDomainReport.</summary>
    public enum EmailDomainReportFormat
    {
        /// <summary>One self-contained page: sortable, filterable summary and a section per domain.</summary>
        Html,
        /// <summary>An array of report objects with stable property names (Compare-EmailDomainReport reads it back).</summary>
        Json,
        /// <summary>Tables for a ticket or a wiki page.</summary>
        Markdown,
        /// <summary>The flat columns, one row per domain.</summary>
        Csv,
    }
}
