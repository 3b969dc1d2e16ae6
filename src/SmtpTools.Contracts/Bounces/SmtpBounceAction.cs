namespace SmtpTools
{
    /// <summary>What the reporting server did for a recipient (RFC 3464 2.3.3 Action).</summary>
    public enum SmtpBounceAction
    {
        /// <summary>Delivery failed and will not be retried.</summary>
        Failed,
        /// <summary>Delivery has not succeeded yet and is still being retried.</summary>
        Delayed,
        /// <summary>Delivered (a success notification, not a bounce).</summary>
        Delivered,
        /// <summary>Relayed to a system that sends no notifications.</summary>
        Relayed,
        /// <summary>Delivered to a list or alias that expanded to several recipients.</summary>
        Expanded,
    }
}
