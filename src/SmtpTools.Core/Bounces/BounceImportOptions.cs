namespace SmtpTools.Core.Bounces
{
    /// <summary>Settings of a <see cref="BounceImporter"/>.</summary>
    public sealed class BounceImportOptions
    {
        /// <summary>
        /// Also return auto-replies, feedback-loop reports, success notifications and ordinary messages, as Reason
        /// NotABounce (one object per reported recipient, or one for the message). Off: they are skipped with a Verbose line.
        /// </summary>
        public bool IncludeNonBounce { get; set; }
    }
}
