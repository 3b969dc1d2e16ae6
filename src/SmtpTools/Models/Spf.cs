using System;

namespace SmtpTools
{
    /// <summary>The overall verdict of Get-SpfRecord for one domain.</summary>
    public enum SpfRecordStatus
    {
        /// <summary>A valid record without warnings.</summary>
        Valid,
        /// <summary>Valid, with warnings.</summary>
        Warning,
        /// <summary>check_host() would give permerror, or another error-severity finding (such as +all).</summary>
        Invalid,
        /// <summary>No SPF record is published.</summary>
        NoRecord,
        /// <summary>A DNS lookup failed (timeout, SERVFAIL); nothing can be concluded yet.</summary>
        TempError,
    }

    /// <summary>One mechanism of an SPF record.</summary>
    public sealed class SpfMechanism
    {
        /// <summary>"+", "-", "~" or "?".</summary>
        public string Qualifier { get; set; }
        /// <summary>all, include, a, mx, ptr, ip4, ip6 or exists.</summary>
        public string Name { get; set; }
        /// <summary>The argument (domain, network with prefix length), or null.</summary>
        public string Value { get; set; }
        /// <summary>DNS lookups the mechanism costs, everything inside an include counted.</summary>
        public int DnsLookups { get; set; }
        /// <summary>The term as written.</summary>
        public string Text { get; set; }
        public override string ToString() => Text;
    }

    /// <summary>One modifier of an SPF record (redirect, exp or an unknown one).</summary>
    public sealed class SpfModifier
    {
        public string Name { get; set; }
        public string Value { get; set; }
        /// <summary>DNS lookups the modifier costs (redirect: 1 plus the target's).</summary>
        public int DnsLookups { get; set; }
        public override string ToString() => Name + "=" + Value;
    }

    /// <summary>Get-SpfRecord's audit of one domain; <see cref="Includes"/> holds the audited include/redirect targets.</summary>
    public sealed class SpfRecord
    {
        public string Domain { get; set; }
        /// <summary>include or redirect for nested records; null for the domain asked about.</summary>
        public string IncludedVia { get; set; }
        /// <summary>The SPF record text (the TXT strings joined), or null.</summary>
        public string Record { get; set; }
        /// <summary>The TXT record's character-strings as published.</summary>
        public string[] RecordStrings { get; set; }
        public SpfMechanism[] Mechanisms { get; set; }
        public SpfModifier[] Modifiers { get; set; }
        public SpfRecord[] Includes { get; set; }
        /// <summary>DNS-querying terms through the whole include/redirect tree (RFC 7208 4.6.4, limit 10).</summary>
        public int DnsLookupCount { get; set; }
        /// <summary>Lookups in the tree that return no records (limit 2).</summary>
        public int VoidLookupCount { get; set; }
        /// <summary>Qualifier of the all mechanism, or null when there is none.</summary>
        public string AllQualifier { get; set; }
        /// <summary>Exactly one record and nothing that makes check_host() a permerror or temperror.</summary>
        public bool IsValid { get; set; }
        public SpfRecordStatus Status { get; set; }
        public Finding[] Findings { get; set; }
        public int FindingCount { get; set; }
        public int ErrorCount { get; set; }
        public int WarningCount { get; set; }
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds { get; set; }
        /// <summary>The include/redirect target domains of this record joined with ';'.</summary>
        public string IncludeDomains { get; set; }
        public override string ToString() => Domain;
    }

    /// <summary>Test-SpfRecord's check_host() result for one input.</summary>
    public sealed class SpfCheckResult
    {
        public string IPAddress { get; set; }
        public string Sender { get; set; }
        public string HeloDomain { get; set; }
        /// <summary>The domain whose policy was evaluated.</summary>
        public string Domain { get; set; }
        public SpfResult Result { get; set; }
        /// <summary>The mechanism that matched, as written; null when none did.</summary>
        public string MatchedMechanism { get; set; }
        /// <summary>The explanation for a Fail (the domain's exp= text or the default).</summary>
        public string Explanation { get; set; }
        /// <summary>Why this result (for PermError/TempError, the error).</summary>
        public string Reason { get; set; }
        public int DnsLookupCount { get; set; }
        public int VoidLookupCount { get; set; }
        public override string ToString() => $"{IPAddress} {Domain}: {Result}";
    }
}
