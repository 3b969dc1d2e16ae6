using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Base for the DNS cmdlets that check one domain at a time into one result (Test-MxRecord, Test-DnssecStatus,
    /// Test-MtaStsPolicy, Test-TlsRptRecord, Test-BimiRecord): the
    /// -Domain parameter as every DNS cmdlet takes it, -Quiet, and the loop that enqueues one check per domain and writes
    /// its result (or its True/False) in input order, or its error in its place.
    /// </summary>
    public abstract class DomainCheckCmdlet<TResult> : DnsCmdlet where TResult : class
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("DomainName", "Name")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the name check
        // reports them as InvalidDomainName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>Return only true/false per domain (what true means is the cmdlet's <see cref="Passed"/>).</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private Func<string, CancellationToken, Task<TResult>> _check;

        /// <summary>The one Core call for one domain; made once, in BeginProcessing, after the resolver exists.</summary>
        protected abstract Func<string, CancellationToken, Task<TResult>> CreateCheck();

        /// <summary>
        /// The check for the pipeline record being processed: by default the one <see cref="CreateCheck"/> made. A cmdlet
        /// with other per-record parameters (Test-BimiRecord's -Selector by property name) binds them here, when the record
        /// arrives, not when its check runs.
        /// </summary>
        protected virtual Func<string, CancellationToken, Task<TResult>> CheckForRecord(Func<string, CancellationToken, Task<TResult>> check) => check;

        /// <summary>The -Quiet answer for a result.</summary>
        protected abstract bool Passed(TResult result);

        /// <summary>The verbose line for a result (only built when someone listens).</summary>
        protected abstract string Describe(TResult result);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressUnit = "domain(s) checked";
            _check = CreateCheck();
        }

        protected override void ProcessRecord()
        {
            EnqueueEachDomain(Domain, CheckForRecord(_check), result =>
            {
                if (VerboseWanted) WriteVerbose(Describe(result));
                if (Quiet) WriteObject(Passed(result));
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
