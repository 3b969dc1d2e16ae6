using System.Management.Automation;
using SmtpTools.Core.Dnssec;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Whether domains' answers are DNSSEC-validated, bogus, signed but not validated, or unsigned.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "DnssecStatus")]
    [OutputType(typeof(DnssecStatusResult))]
    [OutputType(typeof(bool))]
    public sealed class TestDnssecStatusCommand : DnsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("DomainName", "Name")]
        // Blank cells are reported as InvalidDomainName in their place, not as binding errors ahead of earlier rows.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>Return only true/false per domain: its answers are validated.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private DnssecChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-DnssecStatus";
            ProgressActivityId = 4035;
            ProgressUnit = "domain(s) checked";
            _checker = new DnssecChecker(Resolver);
        }

        protected override void ProcessRecord()
        {
            foreach (var domain in Domain ?? new string[1])
            {
                string name = domain;
                var checker = _checker;
                Enqueue(ct => checker.CheckAsync(name, ct),
                    result =>
                    {
                        if (VerboseWanted) WriteVerbose($"{result.Domain}: {result.Detail}");
                        if (Quiet) WriteObject(result.Status == DnssecStatus.Validated);
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
