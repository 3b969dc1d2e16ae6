namespace MailKit.Net.Smtp
{
    /// <summary>Shares its full name with the real library's type, so a wrong binding shows as a missing member, not as luck.</summary>
    public sealed class SmtpClient
    {
        public override string ToString() => "stand-in MailKit 1.0.0.0";
    }
}
