using System;

namespace SmtpTools.Core.Smtp
{
    /// <summary>SMTP delivery status notifications (RFC 3461) asked for each recipient; Send-MailMessage's -DeliveryNotificationOption.</summary>
    [Flags]
    public enum DeliveryNotificationOptions
    {
        None = 0,
        OnSuccess = 1,
        OnFailure = 2,
        Delay = 4,
        Never = 8,
    }
}
