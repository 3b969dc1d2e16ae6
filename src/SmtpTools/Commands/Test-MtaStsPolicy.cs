using System;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Core.Http;
using SmtpTools.Core.MtaSts;
using SmtpTools.Core.Smtp;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Checks the MTA-STS policy of domains (RFC 8461): the _mta-sts record, the policy served over HTTPS, the MX hosts
    /// against it (with -ProbeMx over SMTP), and the TLS reporting record (RFC 8460).
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MtaStsPolicy", DefaultParameterSetName = FetchSet)]
    [OutputType(typeof(MtaStsPolicy))]
    [OutputType(typeof(bool))]
    public sealed class TestMtaStsPolicyCommand : DnsCmdlet
    {
        private const string FetchSet = "Fetch";
        private const string NoFetchSet = "NoFetch";

        /// <summary>The domains to check.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DomainName")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the name check
        // reports them as InvalidDomainName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>DNS only: check the _mta-sts and _smtp._tls records, fetch nothing.</summary>
        [Parameter(ParameterSetName = NoFetchSet, Mandatory = true)]
        public SwitchParameter NoFetch { get; set; }

        /// <summary>Probe every MX host the policy allows over SMTP: STARTTLS and a certificate valid for its name.</summary>
        [Parameter(ParameterSetName = FetchSet)]
        public SwitchParameter ProbeMx { get; set; }

        /// <summary>The SMTP port -ProbeMx connects to (25, as senders do).</summary>
        [Parameter(ParameterSetName = FetchSet)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 25;

        /// <summary>Return only true/false per domain: a valid policy is published (Status Valid, or RecordOnly with -NoFetch) and no finding is an error.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>HTTPS waits at least this long for each answer; RFC 8461 3.3 suggests a minute for the whole fetch.</summary>
        internal static readonly TimeSpan MinimumHttpsIdleTimeout = TimeSpan.FromSeconds(15);
        /// <summary>An SMTP step (banner, EHLO, STARTTLS) waits at least this long: greeting delays of 10-20 s are common.</summary>
        internal static readonly TimeSpan MinimumSmtpTimeout = TimeSpan.FromSeconds(30);

        private MtaStsChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-MtaStsPolicy";
            ProgressActivityId = 8461;
            ProgressUnit = "domain(s) checked";
            var sink = new CmdletOperationSink(this, ProgressActivityId);
            var wait = TimeSpan.FromSeconds(TimeoutSec);
            var fetcher = new HttpsFetcher(Resolver, new HttpsFetcherOptions { IdleTimeout = Max(wait, MinimumHttpsIdleTimeout) }, sink);
            var prober = ProbeMx ? new SmtpConnectionProber(Resolver, sink) : null;
            _checker = new MtaStsChecker(Resolver, fetcher, prober, new MtaStsOptions
            {
                FetchPolicy = !NoFetch,
                ProbeMx = ProbeMx,
                SmtpPort = Port,
                SmtpTimeout = Max(wait, MinimumSmtpTimeout),
            });
        }

        internal static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        protected override void ProcessRecord()
        {
            var checker = _checker;
            EnqueueEachDomain(Domain, checker.CheckAsync, result =>
            {
                if (VerboseWanted) WriteVerbose($"{result.Domain}: {result.Status}{(result.Mode == null ? "" : " (" + result.Mode + ")")}, {result.MxHosts.Length} MX host(s), {result.FindingCount} finding(s).");
                if (Quiet) WriteObject((result.Status == MtaStsStatus.Valid || result.Status == MtaStsStatus.RecordOnly) && result.ErrorCount == 0);
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
