using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// The MTA-STS posture of a domain (RFC 8461): the _mta-sts record, the policy served at
    /// https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt, its MX hosts matched against the policy (and with -ProbeMx
    /// checked over SMTP), and the domain's TLS reporting record (RFC 8460). Nested lists for scripts, flat columns for
    /// Export-Csv.
    /// </summary>
    public sealed class MtaStsPolicy
    {
        /// <summary>The domain asked about (A-label form, lower case).</summary>
        public string Domain { get; set; }
        public MtaStsStatus Status { get; set; }
        /// <summary>The policy's mode; null when no policy was read.</summary>
        public MtaStsMode? Mode { get; set; }
        /// <summary>The id= of the record (changes whenever the policy changes).</summary>
        public string PolicyId { get; set; }
        /// <summary>max_age in seconds; null when the policy has none or was not read.</summary>
        public long? MaxAge { get; set; }
        /// <summary>The policy's mx patterns, in order.</summary>
        public string[] MxPatterns { get; set; } = Array.Empty<string>();
        /// <summary>The domain's MX hosts, each matched against the patterns (only when a policy was read).</summary>
        public MtaStsMxHost[] MxHosts { get; set; } = Array.Empty<MtaStsMxHost>();
        /// <summary>The v=STSv1 record (the first when there are several); null when none.</summary>
        public string Record { get; set; }
        /// <summary>How many v=STSv1 records _mta-sts has (more than one means no policy).</summary>
        public int RecordCount { get; set; }
        /// <summary>Where the policy is served.</summary>
        public string PolicyUrl { get; set; }
        /// <summary>The policy text as served (when fetched and within the size limit).</summary>
        public string PolicyText { get; set; }
        /// <summary>Why the policy could not be fetched; null when it was (or was not asked for).</summary>
        public string PolicyFetchError { get; set; }
        /// <summary>The HTTP status of the policy fetch; null when no answer arrived.</summary>
        public int? PolicyHttpStatus { get; set; }
        /// <summary>The Content-Type the policy was served with.</summary>
        public string PolicyContentType { get; set; }
        /// <summary>The expiry (UTC) of the certificate of the policy host: when it lapses, senders can no longer refresh the policy.</summary>
        public DateTime? PolicyCertificateNotAfter { get; set; }
        /// <summary>The domain's TLS reporting record (also what Test-TlsRptRecord returns).</summary>
        public TlsRptRecord TlsRpt { get; set; }
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();

        // Flat companions for Export-Csv.
        /// <summary>The mx patterns, ';'-separated.</summary>
        public string MxPatternList => string.Join(";", MxPatterns ?? Array.Empty<string>());
        /// <summary>MX hosts that match no pattern, ';'-separated (mail to them fails in enforce mode).</summary>
        public string UnmatchedMxHosts => string.Join(";", (MxHosts ?? Array.Empty<MtaStsMxHost>()).Where(h => !h.MatchesPolicy).Select(h => h.Host));
        /// <summary>The TLS reporting status; null when it was not looked up.</summary>
        public TlsRptStatus? TlsRptStatus => TlsRpt?.Status;
        /// <summary>The TLS reporting destinations, ';'-separated.</summary>
        public string TlsRptUris => TlsRpt == null ? null : string.Join(";", TlsRpt.ReportUris ?? Array.Empty<string>());
        public int FindingCount => (Findings ?? Array.Empty<Finding>()).Length;
        public int ErrorCount => (Findings ?? Array.Empty<Finding>()).Count(f => f.Severity == FindingSeverity.Error);
        public int WarningCount => (Findings ?? Array.Empty<Finding>()).Count(f => f.Severity == FindingSeverity.Warning);
        /// <summary>The finding ids, ';'-separated.</summary>
        public string FindingIds => string.Join(";", (Findings ?? Array.Empty<Finding>()).Select(f => f.Id));

        public override string ToString() => Mode == null ? $"{Domain}: {Status}" : $"{Domain}: {Status} ({Mode})";
    }
}
