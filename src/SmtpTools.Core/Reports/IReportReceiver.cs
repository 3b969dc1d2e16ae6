using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// Takes what a <see cref="ReportImporter"/> reads, as it reads it: aggregate rows are handed over one by one so a
    /// huge report never sits in memory. Calls come one at a time (never concurrently) for one import; a receiver may
    /// delay the importer by not completing its task (back-pressure).
    /// </summary>
    public interface IReportReceiver
    {
        /// <summary>One row of an aggregate report; it carries the report's columns.</summary>
        Task AggregateRowAsync(DmarcReportRow row, CancellationToken cancellationToken);

        /// <summary>An aggregate report after its last row, with its totals (and its rows when collected).</summary>
        Task AggregateReportAsync(DmarcAggregateReport report, CancellationToken cancellationToken);

        Task FailureReportAsync(DmarcFailureReport report, CancellationToken cancellationToken);

        Task SmtpTlsReportAsync(SmtpTlsReport report, CancellationToken cancellationToken);
    }
}
