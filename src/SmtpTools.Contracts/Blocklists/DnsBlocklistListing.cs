using System;

namespace SmtpTools
{
    /// <summary>One blocklist's answer about one address or domain.</summary>
    public sealed class DnsBlocklistListing
    {
        /// <summary>The list's zone.</summary>
        public string Zone { get; set; }
        public DnsBlocklistListStatus Status { get; set; }
        /// <summary>The name asked (e.g. 66.2.0.192.zen.spamhaus.org); null when the list was not asked.</summary>
        public string QueryName { get; set; }
        /// <summary>The addresses the list answered (its return codes).</summary>
        public string[] ReturnCodes { get; set; } = Array.Empty<string>();
        /// <summary>What the return codes mean, where the list documents them.</summary>
        public string[] Reasons { get; set; } = Array.Empty<string>();
        /// <summary>The list's TXT record for a listing (often a URL with details), or null.</summary>
        public string Text { get; set; }
        /// <summary>Why a list was unusable, refused the query or failed, in one sentence; null otherwise.</summary>
        public string Detail { get; set; }
        public override string ToString() => $"{Zone}: {Status}";
    }
}
