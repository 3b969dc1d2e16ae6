using System;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// Test-EmailDomain's report on one domain: the grade and its reasons, flat columns for Export-Csv, one row per check
    /// (<see cref="Checks"/>), every finding with the check it came from, and the full result of each check (the same
    /// objects the single-check cmdlets return). A check that was not run leaves its columns
    /// and result null. Export-EmailDomainReport and Compare-EmailDomainReport read only the properties up to
    /// <see cref="Findings"/>, so reports that went through Export-Clixml, a job, remoting or the JSON export still work.
    /// </summary>
    public sealed class EmailDomainReport
    {
        public string Domain { get; set; }
        public EmailDomainGrade Grade { get; set; }

        // Flat columns (Export-Csv); filled from the check results when the report is made, so they survive serialization.
        /// <summary>Get-SpfRecord's Status (Valid, Warning, Invalid, NoRecord, TempError).</summary>
        public string SpfStatus { get; set; }
        /// <summary>The DMARC policy (p=) that applies: none, quarantine or reject; null when there is none.</summary>
        public string DmarcPolicy { get; set; }
        /// <summary>Test-DmarcPolicy's Status (Valid, Warning, NotFound, TempError …).</summary>
        public string DmarcStatus { get; set; }
        /// <summary>Selectors with a DKIM key, ';'-separated ("" when none was found).</summary>
        public string DkimSelectorsFound { get; set; }
        /// <summary>MX hosts (the null MX not counted; 1 for an implicit MX).</summary>
        public int? MxCount { get; set; }
        /// <summary>The MTA-STS mode of a valid policy (enforce, testing, none), else Test-MtaStsPolicy's Status (NotFound, PolicyUnavailable …).</summary>
        public string MtaStsMode { get; set; }
        /// <summary>Test-TlsRptRecord's Status (Valid, NotFound, InvalidRecord, TempError).</summary>
        public string TlsRpt { get; set; }
        /// <summary>Test-BimiRecord's Status (Valid, NotFound, Declined, DmarcNotEnforced …).</summary>
        public string Bimi { get; set; }
        /// <summary>Test-DnssecStatus's Status (Validated, Unsigned, SignedNotValidated, Bogus, TempError).</summary>
        public string Dnssec { get; set; }
        /// <summary>The domain or an MX address is on a blocklist asked; null when the check was not run or could not tell.</summary>
        public bool? Listed { get; set; }
        /// <summary>
        /// DANE for the MX hosts: Match (every host with TLSA records matched its certificate, -ProbeMx), TlsaValidated
        /// (usable, DNSSEC-validated TLSA records, certificates not matched without -ProbeMx), Partial (only some MX
        /// hosts publish them), NoTlsa, Unverifiable, NoMatch, TlsFailed or TempError; null when not checked.
        /// </summary>
        public string Dane { get; set; }
        /// <summary>
        /// STARTTLS on the MX hosts (-ProbeMx): Passed, CertificateRejected, NoStartTls, TlsFailed or Unreachable (the worst
        /// host), NoMxHost; NotRun without -ProbeMx; null when not checked.
        /// </summary>
        public string SmtpTls { get; set; }

        public int ErrorCount => Findings?.Count(f => f.Severity == FindingSeverity.Error) ?? 0;
        public int WarningCount => Findings?.Count(f => f.Severity == FindingSeverity.Warning) ?? 0;
        /// <summary>The distinct finding ids, ';'-separated.</summary>
        public string FindingIds => Findings == null ? "" : string.Join(";", Findings.Select(f => f.Id).Distinct());

        /// <summary>Why the grade is not A, one sentence each (empty for A).</summary>
        public string[] GradeReasons { get; set; } = Array.Empty<string>();
        /// <summary>When the checks ran (UTC).</summary>
        public DateTime CheckedAt { get; set; }
        /// <summary>One row per check run, in <see cref="EmailDomainCheck"/> order.</summary>
        public EmailDomainCheckResult[] Checks { get; set; } = Array.Empty<EmailDomainCheckResult>();
        /// <summary>Every finding of every check, in check order.</summary>
        public EmailDomainFinding[] Findings { get; set; } = Array.Empty<EmailDomainFinding>();

        // The full results, as the single-check cmdlets return them.
        public SpfRecord Spf { get; set; }
        public DmarcPolicy Dmarc { get; set; }
        /// <summary>Test-DkimRecord's results: one per selector with a key (or the one "none found" result).</summary>
        public DkimRecordCheck[] Dkim { get; set; }
        public MxRecordResult Mx { get; set; }
        /// <summary>Test-MtaStsPolicy's result (its TlsRpt is in <see cref="TlsRptRecord"/>).</summary>
        public MtaStsPolicy MtaSts { get; set; }
        public TlsRptRecord TlsRptRecord { get; set; }
        public BimiRecord BimiRecord { get; set; }
        public DnssecStatusResult DnssecStatus { get; set; }
        /// <summary>Test-DnsBlocklist -IncludeMx's results: the domain, then each MX address.</summary>
        public DnsBlocklistResult[] Blocklist { get; set; }
        /// <summary>The DANE verdicts, as Test-SmtpConnection -Dane gives them: one per MX host and address (per host probed with -ProbeMx).</summary>
        public DaneResult[] DaneResults { get; set; }
        /// <summary>Test-SmtpConnection's result for each MX host (-ProbeMx; empty without it).</summary>
        public SmtpConnectionResult[] SmtpTlsResults { get; set; }

        /// <summary>The row of <paramref name="check"/>, or null when it was not run.</summary>
        public EmailDomainCheckResult GetCheck(EmailDomainCheck check) => Checks?.FirstOrDefault(c => c.Check == check);

        public override string ToString() => Domain;
    }
}
