using System.Management.Automation;
using SmtpTools.Core.MtaSts;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Checks the SMTP TLS reporting record of domains (RFC 8460): _smtp._tls, one v=TLSRPTv1 record, usable rua= destinations.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "TlsRptRecord")]
    [OutputType(typeof(TlsRptRecord))]
    [OutputType(typeof(bool))]
    public sealed class TestTlsRptRecordCommand : DnsCmdlet
    {
        /// <summary>The domains to check.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DomainName")]
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>Return only true/false per domain: a valid record without error findings.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private TlsRptChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-TlsRptRecord";
            ProgressActivityId = 8460;
            ProgressUnit = "domain(s) checked";
            _checker = new TlsRptChecker(Resolver);
        }

        protected override void ProcessRecord()
        {
            var checker = _checker;
            EnqueueEachDomain(Domain, checker.CheckAsync, result =>
            {
                if (VerboseWanted) WriteVerbose($"{result.Domain}: {result.Status}, {result.ReportUris.Length} destination(s), {result.FindingCount} finding(s).");
                if (Quiet) WriteObject(result.Status == TlsRptStatus.Valid && result.ErrorCount == 0);
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
