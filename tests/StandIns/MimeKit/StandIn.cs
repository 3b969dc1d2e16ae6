namespace MimeKit
{
    /// <summary>Shares its full name with the real library's type, so a wrong binding shows as a missing member, not as luck.</summary>
    public sealed class MimeMessage
    {
        public override string ToString() => "stand-in MimeKit 1.0.0.0";
    }
}
