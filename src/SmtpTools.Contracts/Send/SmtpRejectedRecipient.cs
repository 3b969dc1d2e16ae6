namespace SmtpTools
{
    /// <summary>A recipient the server refused at RCPT TO.</summary>
    public sealed class SmtpRejectedRecipient
    {
        public string Address { get; set; }
        /// <summary>The SMTP reply code, e.g. 550.</summary>
        public int StatusCode { get; set; }
        /// <summary>The RFC 3463 code, e.g. 5.1.1; null when the server gave none.</summary>
        public string EnhancedStatusCode { get; set; }
        public string Text { get; set; }

        public override string ToString() => $"{Address} ({StatusCode} {Text})";
    }
}
