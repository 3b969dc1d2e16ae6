using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Reports;

namespace SmtpTools.Core.Tests.Reports
{
    /// <summary>An IReportReceiver that keeps everything it is handed.</summary>
    internal sealed class CollectingReceiver : IReportReceiver
    {
        public List<DmarcReportRow> Rows { get; } = new List<DmarcReportRow>();
        public List<DmarcAggregateReport> Aggregates { get; } = new List<DmarcAggregateReport>();
        public List<DmarcFailureReport> Failures { get; } = new List<DmarcFailureReport>();
        public List<SmtpTlsReport> TlsReports { get; } = new List<SmtpTlsReport>();

        public Task AggregateRowAsync(DmarcReportRow row, CancellationToken cancellationToken) { Rows.Add(row); return Task.CompletedTask; }
        public Task AggregateReportAsync(DmarcAggregateReport report, CancellationToken cancellationToken) { Aggregates.Add(report); return Task.CompletedTask; }
        public Task FailureReportAsync(DmarcFailureReport report, CancellationToken cancellationToken) { Failures.Add(report); return Task.CompletedTask; }
        public Task SmtpTlsReportAsync(SmtpTlsReport report, CancellationToken cancellationToken) { TlsReports.Add(report); return Task.CompletedTask; }
    }
}
