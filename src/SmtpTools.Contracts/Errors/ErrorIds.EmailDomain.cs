namespace SmtpTools
{
    // Test-EmailDomain, Export-EmailDomainReport and Compare-EmailDomainReport.
    public static partial class ErrorIds
    {
        /// <summary>An object given to Export-EmailDomainReport or Compare-EmailDomainReport is not a report (nor a deserialized or JSON copy of one).</summary>
        public const string NotAnEmailDomainReport = nameof(NotAnEmailDomainReport);
        /// <summary>Export-EmailDomainReport -NoClobber: the file exists.</summary>
        public const string ReportFileExists = nameof(ReportFileExists);
        /// <summary>-Check and -ExcludeCheck leave no check to run.</summary>
        public const string NoCheckSelected = nameof(NoCheckSelected);
    }
}
