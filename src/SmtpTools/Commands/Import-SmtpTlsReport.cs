using System.Management.Automation;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Reads SMTP TLS reports (RFC 8460) from .json, .json.gz and .eml files (the application/tlsrpt+gzip part), folders
    /// and Maildirs: one object per policy per report, the failure details nested (or one object per report with -AsReport).
    /// </summary>
    [Cmdlet(VerbsData.Import, "SmtpTlsReport", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(SmtpTlsPolicyResult))]
    [OutputType(typeof(SmtpTlsReport))]
    public sealed class ImportSmtpTlsReportCommand : ReportImportCmdlet
    {
        protected override bool ReadsTlsReports => true;
        protected override string ResultUnit => AsReport ? "report(s)" : "policy result(s)";

        protected override void BeginProcessing()
        {
            ProgressActivityId = ProgressActivityIds.ImportSmtpTlsReport;
            base.BeginProcessing();
        }

        protected override int WriteResult(object result)
        {
            var report = (SmtpTlsReport)result;
            if (AsReport)
            {
                WriteObject(report);
                return 1;
            }
            foreach (var policy in report.Policies) WriteObject(policy);
            return report.Policies.Length;
        }
    }
}
