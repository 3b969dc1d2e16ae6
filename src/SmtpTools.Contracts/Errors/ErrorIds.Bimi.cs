namespace SmtpTools
{
    // Test-BimiRecord.
    public static partial class ErrorIds
    {
        /// <summary>A BIMI selector (-Selector) is not a DNS name (BIMI draft 5.4: selectors follow DKIM's rules).</summary>
        public const string InvalidBimiSelector = nameof(InvalidBimiSelector);
    }
}
