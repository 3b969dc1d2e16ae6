using System;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Core.EmailDomain;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>A domain's whole email posture in one graded report: SPF, DMARC, DKIM, MX, MTA-STS, TLS-RPT, BIMI, DNSSEC and blocklists, run concurrently on one DNS cache.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "EmailDomain")]
    [OutputType(typeof(EmailDomainReport))]
    public sealed class TestEmailDomainCommand : DnsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DomainName")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the name check
        // reports them as InvalidDomainName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>Only these checks (default: all).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public EmailDomainCheck[] Check { get; set; }

        /// <summary>Every check but these.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public EmailDomainCheck[] ExcludeCheck { get; set; }

        /// <summary>DKIM selectors to check instead of probing the common ones.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Selector")]
        public string[] DkimSelector { get; set; }

        /// <summary>The blocklists of the Blocklist check (default: Test-DnsBlocklist's built-in set).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public DnsBlocklistZone[] BlocklistZone { get; set; }

        private EmailDomainAuditor _auditor;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-EmailDomain";
            ProgressActivityId = ProgressActivityIds.TestEmailDomain;
            ProgressUnit = "domain(s) checked";
            var checks = (Check ?? EmailDomainAuditor.AllChecks.ToArray()).Except(ExcludeCheck ?? Array.Empty<EmailDomainCheck>()).Distinct().ToArray();
            if (checks.Length == 0)
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.NoCheckSelected, ErrorCategory.InvalidArgument,
                    "-Check and -ExcludeCheck leave no check to run.", ExcludeCheck));
            // The backstop per check: several sequential lookups (an SPF include chain, DMARC's tree walk), each with its retries.
            var wait = TimeSpan.FromSeconds(TimeoutSec);
            var options = new EmailDomainOptions
            {
                Checks = checks,
                CheckTimeout = TimeSpan.FromSeconds(TimeoutSec * 12),
                BlocklistZones = BlocklistZone,
                HttpsIdleTimeout = TestMtaStsPolicyCommand.Max(wait, TestMtaStsPolicyCommand.MinimumHttpsIdleTimeout),
            };
            try
            {
                _auditor = new EmailDomainAuditor(Resolver, options);
            }
            catch (Core.Errors.SmtpToolsException ex)
            {
                ThrowTerminatingError(ErrorRecordFactory.FromException(ex, BlocklistZone));
            }
            WriteVerbose($"Checks: {string.Join(", ", _auditor.Checks)}.");
        }

        protected override void ProcessRecord()
        {
            // A selector column of a CSV row applies to that row only.
            var selectors = DkimSelector?.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();
            var auditor = _auditor;
            EnqueueEachDomain(Domain, (name, ct) => auditor.AuditAsync(name, selectors, ct), report =>
            {
                if (VerboseWanted) WriteVerbose($"{report.Domain}: grade {report.Grade}, {report.ErrorCount} error(s), {report.WarningCount} warning(s).");
                WriteObject(report);
            });
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            WriteVerbose($"{CompletedCount} domain(s) checked; {Resolver.QueriesSent} DNS question(s) sent.");
        }
    }
}
