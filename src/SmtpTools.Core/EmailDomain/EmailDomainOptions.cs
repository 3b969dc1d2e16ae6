using System;
using System.Collections.Generic;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Dmarc;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>What Test-EmailDomain checks and how.</summary>
    public sealed class EmailDomainOptions
    {
        /// <summary>The checks to run (null or empty: every check).</summary>
        public IReadOnlyCollection<EmailDomainCheck> Checks { get; set; }
        /// <summary>DKIM selectors to check; none: probe the common selectors and those providers derive from the domain.</summary>
        public IReadOnlyList<string> DkimSelectors { get; set; }
        /// <summary>
        /// The longest one check of one domain may take; past it the check is TempError and the report is written without
        /// it. A backstop behind the DNS timeouts (which already end in TempError), for a check stuck in a long chain of
        /// slow lookups.
        /// </summary>
        public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(60);
        public DmarcOptions Dmarc { get; set; }
        /// <summary>The blocklists to ask; null: Test-DnsBlocklist's built-in set.</summary>
        public IReadOnlyList<DnsBlocklistZone> BlocklistZones { get; set; }
        /// <summary>An HTTPS fetch (MTA-STS policy, BIMI logo and certificate) fails when nothing arrives for this long.</summary>
        public TimeSpan HttpsIdleTimeout { get; set; } = TimeSpan.FromSeconds(15);
        /// <summary>
        /// Connect to the MX hosts (-ProbeMx): the SmtpTls check, and the Dane check's certificate match. Off by default:
        /// it is slow and the receiver sees it. Without it SmtpTls is NotRun and Dane judges what DNS shows.
        /// </summary>
        public bool ProbeMx { get; set; }
        /// <summary>The SMTP port probed and named in the TLSA owner names (25 between MTAs; tests use another).</summary>
        public int SmtpPort { get; set; } = 25;
        /// <summary>How long one SMTP probe step may wait (connect, each reply, the TLS handshake).</summary>
        public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>Where the SMTP probes report their phases (Verbose) and transcripts (Debug); null: nowhere.</summary>
        public IOperationSink Sink { get; set; }
    }
}
