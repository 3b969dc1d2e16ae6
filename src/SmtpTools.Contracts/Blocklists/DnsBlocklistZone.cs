using System;
using System.Collections;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// One DNS blocklist to ask (Test-DnsBlocklist -Zone): its zone name and, where known, what its answers mean. A plain
    /// name ("bl.example.net") converts to this type; a hashtable such as
    /// <c>@{ Name = 'bl.example.net'; ReturnCodes = @{ '127.0.0.2' = 'spam source' } }</c> adds the list's documented codes.
    /// <see cref="Default"/> is the built-in set, documented in Test-DnsBlocklist's help.
    /// </summary>
    public sealed class DnsBlocklistZone
    {
        public DnsBlocklistZone() { }

        /// <summary>A list by its zone name (what PowerShell uses to turn a string into a zone).</summary>
        public DnsBlocklistZone(string name) { Name = name; }

        /// <summary>The list's zone, e.g. <c>zen.spamhaus.org</c>.</summary>
        public string Name { get; set; }
        /// <summary>What the list lists; Auto: found out from its test points.</summary>
        public DnsBlocklistType Type { get; set; }
        /// <summary>Answer (e.g. '127.0.0.2') → what a listing with it means, from the list's documentation.</summary>
        public Hashtable ReturnCodes { get; set; }
        /// <summary>The last octet of an answer is a bit mask of sub-lists (SURBL style); <see cref="ReturnCodes"/> names one bit each.</summary>
        public bool IsBitmask { get; set; }
        /// <summary>
        /// Answers that mean the list refused to answer rather than listed (e.g. '127.0.1.255'), beside the
        /// 127.255.255.0/24 codes every list is read with (Spamhaus' convention: 252 typing error, 254 public or open
        /// resolver, 255 too many queries).
        /// </summary>
        public Hashtable ErrorCodes { get; set; }
        /// <summary>Who runs the list and what it is, for people reading the definition.</summary>
        public string Description { get; set; }

        public override string ToString() => Name;

        /// <summary>
        /// The built-in lists (a new copy each time): IP lists zen.spamhaus.org, bl.spamcop.net and psbl.surriel.com, domain
        /// lists dbl.spamhaus.org and multi.surbl.org, with the return codes their operators document. Each has its own
        /// terms of use: Spamhaus and SURBL refuse queries through public resolvers and above a volume.
        /// </summary>
        public static DnsBlocklistZone[] Default => new[]
        {
            new DnsBlocklistZone("zen.spamhaus.org")
            {
                Type = DnsBlocklistType.IPAddress,
                Description = "Spamhaus ZEN: SBL, CSS, XBL and PBL in one zone",
                ReturnCodes = Codes(
                    "127.0.0.2", "spam source (Spamhaus SBL)",
                    "127.0.0.3", "snowshoe spam (Spamhaus CSS)",
                    "127.0.0.4", "exploited or infected host (Spamhaus XBL)",
                    "127.0.0.9", "hijacked network (Spamhaus DROP)",
                    "127.0.0.10", "end-user address range that should not send mail directly (Spamhaus PBL, listed by the ISP)",
                    "127.0.0.11", "end-user address range that should not send mail directly (Spamhaus PBL)"),
            },
            new DnsBlocklistZone("bl.spamcop.net")
            {
                Type = DnsBlocklistType.IPAddress,
                Description = "SpamCop Blocking List: addresses reported by SpamCop users and spam traps",
                ReturnCodes = Codes("127.0.0.2", "reported as a spam source (SpamCop)"),
            },
            new DnsBlocklistZone("psbl.surriel.com")
            {
                Type = DnsBlocklistType.IPAddress,
                Description = "Passive Spam Block List: addresses that sent mail to spam traps",
                ReturnCodes = Codes("127.0.0.2", "sent mail to spam traps (PSBL)"),
            },
            new DnsBlocklistZone("dbl.spamhaus.org")
            {
                Type = DnsBlocklistType.Domain,
                Description = "Spamhaus Domain Block List",
                ReturnCodes = Codes(
                    "127.0.1.2", "spam domain",
                    "127.0.1.4", "phishing domain",
                    "127.0.1.5", "malware domain",
                    "127.0.1.6", "botnet command-and-control domain",
                    "127.0.1.102", "abused legitimate domain used in spam",
                    "127.0.1.103", "abused redirector or URL shortener used in spam",
                    "127.0.1.104", "abused legitimate domain used for phishing",
                    "127.0.1.105", "abused legitimate domain used for malware",
                    "127.0.1.106", "abused legitimate domain used for botnet command and control"),
                ErrorCodes = Codes("127.0.1.255", "IP address queries are not allowed (a domain list)"),
            },
            new DnsBlocklistZone("multi.surbl.org")
            {
                Type = DnsBlocklistType.Domain,
                Description = "SURBL: domains found in messages (bit mask of sub-lists)",
                IsBitmask = true,
                ReturnCodes = Codes(
                    "127.0.0.8", "phishing (SURBL PH)",
                    "127.0.0.16", "malware (SURBL MW)",
                    "127.0.0.64", "spam and abuse (SURBL ABUSE)",
                    "127.0.0.128", "cracked or compromised site (SURBL CR)"),
                ErrorCodes = Codes("127.0.0.1", "access blocked (a public resolver, or too many queries)"),
            },
        };

        /// <summary>
        /// The built-in definition a plain <paramref name="name"/> stands for: the same zone, or its Spamhaus Data Query
        /// Service form (<c>&lt;key&gt;.zen.dq.spamhaus.net</c>, <c>&lt;key&gt;.dbl.dq.spamhaus.net</c>); null when none.
        /// </summary>
        public static DnsBlocklistZone FindDefault(string name)
        {
            if (string.IsNullOrEmpty(name)) return null;
            string n = name.Trim().TrimEnd('.').ToLowerInvariant();
            string dqs = n.EndsWith(".zen.dq.spamhaus.net", StringComparison.Ordinal) ? "zen.spamhaus.org"
                : n.EndsWith(".dbl.dq.spamhaus.net", StringComparison.Ordinal) ? "dbl.spamhaus.org" : null;
            return Default.FirstOrDefault(d => d.Name == (dqs ?? n));
        }

        private static Hashtable Codes(params string[] pairs)
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < pairs.Length; i += 2) table[pairs[i]] = pairs[i + 1];
            return table;
        }
    }
}
