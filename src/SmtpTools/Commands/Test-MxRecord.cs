using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Mx;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Checks the mail exchangers of domains: MX hosts, addresses, reverse DNS, null/implicit MX, DNSSEC status.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MxRecord")]
    [OutputType(typeof(MxRecordResult))]
    [OutputType(typeof(bool))]
    public sealed class TestMxRecordCommand : DomainCheckCmdlet<MxRecordResult>
    {
        /// <summary>Leave out the reverse DNS of the MX addresses.</summary>
        [Parameter]
        public SwitchParameter SkipReverseDns { get; set; }

        protected override Func<string, CancellationToken, Task<MxRecordResult>> CreateCheck()
        {
            ProgressActivity = "Test-MxRecord";
            ProgressActivityId = 5321;
            return new MxChecker(Resolver, new MxCheckOptions { ReverseDns = !SkipReverseDns }).CheckAsync;
        }

        /// <summary>-Quiet: the domain accepts mail through at least one host with an address.</summary>
        protected override bool Passed(MxRecordResult result) => result.AcceptsMail;

        protected override string Describe(MxRecordResult r) =>
            $"{r.Domain}: {r.Status}, {r.UsableHostCount} of {r.HostCount} host(s) usable, DNSSEC {r.DnssecStatus}, {r.FindingCount} finding(s).";
    }
}
