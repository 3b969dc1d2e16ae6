using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.MtaSts;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Checks the SMTP TLS reporting record of domains (RFC 8460): _smtp._tls, one v=TLSRPTv1 record, usable rua= destinations.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "TlsRptRecord")]
    [OutputType(typeof(TlsRptRecord))]
    [OutputType(typeof(bool))]
    public sealed class TestTlsRptRecordCommand : DomainCheckCmdlet<TlsRptRecord>
    {
        protected override Func<string, CancellationToken, Task<TlsRptRecord>> CreateCheck()
        {
            ProgressActivity = "Test-TlsRptRecord";
            ProgressActivityId = ProgressActivityIds.TestTlsRptRecord;
            return new TlsRptChecker(Resolver).CheckAsync;
        }

        /// <summary>-Quiet: a valid record without error findings.</summary>
        protected override bool Passed(TlsRptRecord result) => result.Status == TlsRptStatus.Valid && result.ErrorCount == 0;

        protected override string Describe(TlsRptRecord r) => $"{r.Domain}: {r.Status}, {r.ReportUris.Length} destination(s), {r.FindingCount} finding(s).";
    }
}
