namespace SmtpTools
{
    /// <summary>The SPF check made for a message checked with -MessagePath.</summary>
    public sealed class DmarcSpfCheck
    {
        /// <summary>"MailFrom" (Return-Path / -Sender) or "Helo" (null sender).</summary>
        public string Identity { get; set; }
        /// <summary>The sender address (or postmaster@HELO for a null sender).</summary>
        public string Sender { get; set; }
        public string Domain { get; set; }
        public SpfResult Result { get; set; }
        public string MatchedMechanism { get; set; }
        public string Explanation { get; set; }
        public string Reason { get; set; }
        public int DnsLookupCount { get; set; }
        public int VoidLookupCount { get; set; }

        public override string ToString() => $"{Domain}: {Result}";
    }
}
