using System.Management.Automation;
using SmtpTools.Core.Mx;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Checks the mail exchangers of domains: MX hosts, addresses, reverse DNS, null/implicit MX, DNSSEC status.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MxRecord")]
    [OutputType(typeof(MxRecordResult))]
    [OutputType(typeof(bool))]
    public sealed class TestMxRecordCommand : DnsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("DomainName", "Name")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the name check
        // reports them as InvalidDomainName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>Leave out the reverse DNS of the MX addresses.</summary>
        [Parameter]
        public SwitchParameter SkipReverseDns { get; set; }

        /// <summary>Return only true/false per domain: it accepts mail through at least one host with an address.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private MxChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-MxRecord";
            ProgressActivityId = 5321;
            ProgressUnit = "domain(s) checked";
            _checker = new MxChecker(Resolver, new MxCheckOptions { ReverseDns = !SkipReverseDns });
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
                        if (VerboseWanted) WriteVerbose($"{result.Domain}: {result.Status}, {result.UsableHostCount} of {result.HostCount} host(s) usable, DNSSEC {result.DnssecStatus}, {result.FindingCount} finding(s).");
                        if (Quiet) WriteObject(result.AcceptsMail);
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
