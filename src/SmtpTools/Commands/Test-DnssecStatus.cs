using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dnssec;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Whether domains' answers are DNSSEC-validated, bogus, signed but not validated, or unsigned.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "DnssecStatus")]
    [OutputType(typeof(DnssecStatusResult))]
    [OutputType(typeof(bool))]
    public sealed class TestDnssecStatusCommand : DomainCheckCmdlet<DnssecStatusResult>
    {
        protected override Func<string, CancellationToken, Task<DnssecStatusResult>> CreateCheck()
        {
            ProgressActivity = "Test-DnssecStatus";
            ProgressActivityId = 4035;
            return new DnssecChecker(Resolver).CheckAsync;
        }

        /// <summary>-Quiet: the answers are validated.</summary>
        protected override bool Passed(DnssecStatusResult result) => result.Status == DnssecStatus.Validated;

        protected override string Describe(DnssecStatusResult result) => $"{result.Domain}: {result.Detail}";
    }
}
