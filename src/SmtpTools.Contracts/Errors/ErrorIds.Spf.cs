namespace SmtpTools
{
    // SPF and DMARC evaluation inputs.
    public static partial class ErrorIds
    {
        /// <summary>Test-SpfRecord got no identity to check (-Sender, -HeloDomain or -Domain).</summary>
        public const string SpfNoIdentity = nameof(SpfNoIdentity);
        /// <summary>The Public Suffix List (-PublicSuffixListPath) holds no rules.</summary>
        public const string PublicSuffixListEmpty = nameof(PublicSuffixListEmpty);
        /// <summary>The embedded Public Suffix List is missing from SmtpTools.Core (a broken build).</summary>
        public const string PublicSuffixListMissing = nameof(PublicSuffixListMissing);
    }
}
