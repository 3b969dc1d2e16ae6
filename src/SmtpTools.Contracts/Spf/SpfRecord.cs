using System;

namespace SmtpTools
{
    /// <summary>Get-SpfRecord's audit of one domain; <see cref="Includes"/> holds the audited include/redirect targets.</summary>
    public sealed class SpfRecord
    {
        public string Domain { get; set; }
        /// <summary>include or redirect for nested records; null for the domain asked about.</summary>
        public string IncludedVia { get; set; }
        /// <summary>The SPF record text (the TXT strings joined); null when there is none or more than one (see <see cref="Records"/>).</summary>
        public string Record { get; set; }
        /// <summary>The TXT record's character-strings as published.</summary>
        public string[] RecordStrings { get; set; } = Array.Empty<string>();
        /// <summary>Every v=spf1 record the domain publishes (more than one is a permerror).</summary>
        public string[] Records { get; set; } = Array.Empty<string>();
        public SpfMechanism[] Mechanisms { get; set; } = Array.Empty<SpfMechanism>();
        public SpfModifier[] Modifiers { get; set; } = Array.Empty<SpfModifier>();
        /// <summary>The audited include and redirect targets, in record order (a target included twice is the same object).</summary>
        public SpfRecord[] Includes { get; set; } = Array.Empty<SpfRecord>();
        /// <summary>DNS-querying terms through the whole include/redirect tree (RFC 7208 4.6.4, limit 10).</summary>
        public int DnsLookupCount { get; set; }
        /// <summary>Lookups in the tree that return no records (limit 2).</summary>
        public int VoidLookupCount { get; set; }
        /// <summary>Qualifier of the all mechanism, or null when there is none.</summary>
        public string AllQualifier { get; set; }
        /// <summary>Exactly one record and nothing that makes check_host() a permerror or temperror.</summary>
        public bool IsValid { get; set; }
        public SpfRecordStatus Status { get; set; }
        /// <summary>Findings of this record and of everything it includes.</summary>
        public Finding[] Findings { get; set; } = Array.Empty<Finding>();
        public int FindingCount => Columns.Count(Findings);
        public int ErrorCount => Columns.Count(Findings, FindingSeverity.Error);
        public int WarningCount => Columns.Count(Findings, FindingSeverity.Warning);
        /// <summary>The finding ids joined with ';' (for Export-Csv).</summary>
        public string FindingIds => Columns.Ids(Findings);
        /// <summary>The include/redirect target domains of this record joined with ';'.</summary>
        public string IncludeDomains => Columns.Join(Includes, i => i.Domain);

        public override string ToString() => Domain;
    }
}
