namespace SmtpTools.Core.Smtp
{
    /// <summary>Send-MailMessage's -Priority values.</summary>
    public enum OutgoingPriority
    {
        Normal,
        High,
        Low,
    }
}
