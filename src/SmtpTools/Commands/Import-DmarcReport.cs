using System;
using System.Management.Automation;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Reports;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Reads DMARC aggregate reports (RFC 7489 appendix C, RFC 9990) and failure reports (ARF, RFC 6591) from .xml, .gz,
    /// .zip and .eml files, folders and Maildirs: one flat row object per report row (or one object per report with
    /// -AsReport), and one object per failure report.
    /// </summary>
    [Cmdlet(VerbsData.Import, "DmarcReport", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(DmarcReportRow), typeof(DmarcFailureReport))]
    [OutputType(typeof(DmarcAggregateReport))]
    public sealed class ImportDmarcReportCommand : ReportImportCmdlet
    {
        /// <summary>Leave out a report already read in this pipeline (same reporter, policy domain and report id).</summary>
        [Parameter]
        public SwitchParameter Unique { get; set; }

        /// <summary>Look up the reverse DNS name of each source IP (SourceName).</summary>
        [Parameter]
        public SwitchParameter ResolveSourceName { get; set; }

        /// <summary>DNS servers for -ResolveSourceName as host, host:port or [IPv6]:port; default: the system's resolvers.</summary>
        [Parameter]
        [Alias("DnsServer")]
        [ValidateNotNullOrEmpty]
        public string[] Server { get; set; }

        /// <summary>Seconds to wait for one DNS answer (per try) with -ResolveSourceName.</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>
        /// PTR questions in flight at once: reverse zones are often served by slow or absent servers, so many wait
        /// together, within what one resolver is asked at once elsewhere in the module.
        /// </summary>
        private const int ConcurrentLookups = 128;

        private IDnsResolver _resolver;
        private SourceNameResolver _names;

        protected override bool ReadsTlsReports => false;
        protected override bool SkipDuplicates => Unique;
        protected override string ResultUnit => AsReport ? "report(s)" : "row(s)";

        protected override void BeginProcessing()
        {
            ProgressActivityId = ProgressActivityIds.ImportDmarcReport;
            if (!ResolveSourceName && (MyInvocation.BoundParameters.ContainsKey(nameof(Server)) || MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec))))
                WriteWarning("-Server and -TimeoutSec are used only with -ResolveSourceName; no DNS lookups are made.");
            base.BeginProcessing();
        }

        private protected override object CreateSourceNameResolver(CmdletOperationSink sink)
        {
            if (!ResolveSourceName) return null;
            // ThrottleLimit in the DNS cmdlets' terms: two questions per input, so this many PTR questions at once.
            _resolver = DnsCmdlet.CreateResolver(this, Server, TimeoutSec, ConcurrentLookups / 2);
            return _names = new SourceNameResolver(_resolver, sink);
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (_names != null)
                WriteVerbose($"Reverse DNS: {_names.Count} distinct source address(es), {_resolver.QueriesSent} question(s) sent.");
        }

        protected override int WriteResult(object result)
        {
            WriteObject(result);
            return result is DmarcFailureReport ? 0 : 1;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) (_resolver as IDisposable)?.Dispose();
            base.Dispose(disposing);
        }
    }
}
