namespace SmtpTools
{
    /// <summary>One DKIM signature the receiver checked (auth_results/dkim of a report row).</summary>
    public sealed class DmarcReportDkimAuth
    {
        /// <summary>The signing domain (d=).</summary>
        public string Domain { get; set; }
        /// <summary>The selector (s=); null when the reporter left it out.</summary>
        public string Selector { get; set; }
        /// <summary>The verification result; null when the element is missing or holds an unknown token.</summary>
        public DkimAuthResult? Result { get; set; }
        /// <summary>The reporter's free-text explanation, if any.</summary>
        public string HumanResult { get; set; }

        public override string ToString() => Domain + "=" + (Result?.ToString().ToLowerInvariant() ?? "?");
    }
}
