using System;
using System.Management.Automation;
using SmtpTools.Core.Bimi;
using SmtpTools.Core.Http;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Checks the BIMI posture of domains: the assertion record, the DMARC prerequisite, the logo (SVG Tiny PS) and the
    /// mark certificate (VMC or CMC).
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "BimiRecord")]
    [OutputType(typeof(BimiRecord))]
    [OutputType(typeof(bool))]
    public sealed class TestBimiRecordCommand : DnsCmdlet
    {
        /// <summary>The domains to check (the RFC5322.From domains that would show the logo).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DomainName")]
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>The BIMI selector (what a BIMI-Selector header names); default: default.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string Selector { get; set; }

        /// <summary>DNS only: check the record and the DMARC prerequisite, fetch neither logo nor certificate.</summary>
        [Parameter]
        public SwitchParameter NoFetch { get; set; }

        /// <summary>Return only true/false per domain: Status Valid (RecordOnly with -NoFetch) and no finding is an error.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private BimiChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-BimiRecord";
            ProgressActivityId = 3709;
            ProgressUnit = "domain(s) checked";
            var fetcher = new HttpsFetcher(Resolver, new HttpsFetcherOptions
            {
                IdleTimeout = TestMtaStsPolicyCommand.Max(TimeSpan.FromSeconds(TimeoutSec), TestMtaStsPolicyCommand.MinimumHttpsIdleTimeout),
            }, new CmdletOperationSink(this, ProgressActivityId));
            _checker = new BimiChecker(Resolver, fetcher, new BimiOptions { FetchFiles = !NoFetch });
        }

        protected override void ProcessRecord()
        {
            // A blank Selector cell in a CSV means the default selector, as without the column.
            string selector = string.IsNullOrWhiteSpace(Selector) ? null : Selector;
            var checker = _checker;
            EnqueueEachDomain(Domain, (name, ct) => checker.CheckAsync(name, selector, ct), result =>
            {
                if (VerboseWanted) WriteVerbose($"{result.Selector}._bimi.{result.Domain}: {result.Status}, {result.FindingCount} finding(s).");
                if (Quiet) WriteObject((result.Status == BimiStatus.Valid || result.Status == BimiStatus.RecordOnly) && result.ErrorCount == 0);
                else WriteObject(result);
            });
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            WriteVerbose($"{CompletedCount} domain(s) checked; {Resolver.QueriesSent} DNS question(s) sent.");
        }
    }
}
