using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Base for the DNS cmdlets that check one domain at a time into one result (Test-MxRecord, Test-DnssecStatus): the
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
            foreach (var domain in Domain ?? new string[1])
            {
                string name = domain;
                var check = _check;
                Enqueue(ct => check(name, ct),
                    result =>
                    {
                        if (VerboseWanted) WriteVerbose(Describe(result));
                        if (Quiet) WriteObject(Passed(result));
                        else WriteObject(result);
                    },
                    ex => WriteError(ErrorRecordFactory.FromException(ex, name)));
            }
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            WriteVerbose($"{CompletedCount} domain(s) checked; {Resolver.QueriesSent} DNS question(s) sent.");
        }
    }
}
