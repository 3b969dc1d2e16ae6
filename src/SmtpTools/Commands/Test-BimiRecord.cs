using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
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
    public sealed class TestBimiRecordCommand : DomainCheckCmdlet<BimiRecord>
    {
        /// <summary>The BIMI selector (what a BIMI-Selector header names); default: default.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string Selector { get; set; }

        /// <summary>DNS only: check the record and the DMARC prerequisite, fetch neither logo nor certificate.</summary>
        [Parameter]
        public SwitchParameter NoFetch { get; set; }

        private BimiChecker _checker;

        protected override Func<string, CancellationToken, Task<BimiRecord>> CreateCheck()
        {
            ProgressActivity = "Test-BimiRecord";
            ProgressActivityId = ProgressActivityIds.TestBimiRecord;
            var fetcher = new HttpsFetcher(Resolver, new HttpsFetcherOptions
            {
                IdleTimeout = TestMtaStsPolicyCommand.Max(TimeSpan.FromSeconds(TimeoutSec), TestMtaStsPolicyCommand.MinimumHttpsIdleTimeout),
            }, new CmdletOperationSink(this, ProgressActivityId));
            var checker = _checker = new BimiChecker(Resolver, fetcher, new BimiOptions { FetchFiles = !NoFetch });
            return (name, ct) => checker.CheckAsync(name, null, ct);
        }

        /// <summary>-Selector may come from each record (a CSV column); a blank cell means the default selector, as without the column.</summary>
        protected override Func<string, CancellationToken, Task<BimiRecord>> CheckForRecord(Func<string, CancellationToken, Task<BimiRecord>> check)
        {
            if (string.IsNullOrWhiteSpace(Selector)) return check;
            string selector = Selector;
            var checker = _checker;
            return (name, ct) => checker.CheckAsync(name, selector, ct);
        }

        /// <summary>-Quiet: Status Valid (RecordOnly with -NoFetch) and no finding is an error.</summary>
        protected override bool Passed(BimiRecord result) => (result.Status == BimiStatus.Valid || result.Status == BimiStatus.RecordOnly) && result.ErrorCount == 0;

        protected override string Describe(BimiRecord r) => $"{r.Selector}._bimi.{r.Domain}: {r.Status}, {r.FindingCount} finding(s).";
    }
}
