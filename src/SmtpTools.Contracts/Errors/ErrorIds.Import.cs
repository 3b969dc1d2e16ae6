namespace SmtpTools
{
    // The report and bounce importers. Each failure concerns one input file: the cmdlets write one non-terminating
    // error for it and go on with the next file.
    public static partial class ErrorIds
    {
        /// <summary>The file has no content at all.</summary>
        public const string InputEmpty = nameof(InputEmpty);
        /// <summary>Not well-formed XML or JSON (including bytes that are not valid in the declared encoding, and DTDs).</summary>
        public const string InputNotWellFormed = nameof(InputNotWellFormed);
        /// <summary>A report lacks an element or member the format requires.</summary>
        public const string ReportElementMissing = nameof(ReportElementMissing);
        /// <summary>A required value cannot be read (e.g. a count or date that is not a number).</summary>
        public const string ReportValueInvalid = nameof(ReportValueInvalid);
        /// <summary>Decompressed content exceeds MaxUncompressedSize (a zip or gzip bomb, or a larger report than allowed).</summary>
        public const string InputTooLarge = nameof(InputTooLarge);
        /// <summary>A message or archive holds no report.</summary>
        public const string NoReportFound = nameof(NoReportFound);
        /// <summary>The file, an archive member or an attachment is something other than a report (or an unreadable archive).</summary>
        public const string UnexpectedContent = nameof(UnexpectedContent);
        /// <summary>A report of another kind than the cmdlet reads (e.g. a TLS report given to Import-DmarcReport).</summary>
        public const string UnexpectedReportKind = nameof(UnexpectedReportKind);
        /// <summary>Containers nested deeper than the importer follows (e.g. a zip in a gzip in a zip in a message).</summary>
        public const string InputTooDeeplyNested = nameof(InputTooDeeplyNested);
        /// <summary>The file is not a readable e-mail message.</summary>
        public const string MessageNotReadable = nameof(MessageNotReadable);
        /// <summary>
        /// Import-SmtpBounce -SendLog holds nothing to correlate with: a CSV file without a MessageId column, or objects
        /// none of which has a MessageId; also Send-SmtpMessage -SkipSentLog naming a file that is not a send log (no
        /// MessageId or Status column).
        /// </summary>
        public const string SendLogInvalid = nameof(SendLogInvalid);
    }
}
