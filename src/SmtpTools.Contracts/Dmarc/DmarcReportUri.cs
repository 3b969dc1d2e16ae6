namespace SmtpTools
{
    /// <summary>One rua= or ruf= destination.</summary>
    public sealed class DmarcReportUri
    {
        /// <summary>The URI without its size limit, e.g. mailto:dmarc@example.com.</summary>
        public string Uri { get; set; }
        /// <summary>The size limit as written after '!', e.g. "10m"; null without one.</summary>
        public string MaxSize { get; set; }
        /// <summary>The mailbox domain of a mailto: URI.</summary>
        public string DestinationDomain { get; set; }
        /// <summary>The destination is outside the policy domain's organizational domain.</summary>
        public bool IsExternal { get; set; }
        /// <summary>External destinations: true/false = the RFC 7489 7.1 authorization record exists or not; null = not needed or not checked.</summary>
        public bool? IsAuthorized { get; set; }

        public override string ToString() => MaxSize == null ? Uri : Uri + "!" + MaxSize;
    }
}
