using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dane;
using SmtpTools.Core.Smtp;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// DANE for SMTP (RFC 7672) for domains: the TLSA records of every MX host, asked of a validating resolver, matched
    /// against the chain each address of the host presents after STARTTLS; one result per domain with a verdict per MX
    /// host and per address.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "SmtpDane")]
    [OutputType(typeof(DaneDomainResult))]
    [OutputType(typeof(bool))]
    public sealed class TestSmtpDaneCommand : DomainCheckCmdlet<DaneDomainResult>
    {
        /// <summary>The SMTP port connected to and named in the TLSA owner _port._tcp.host (25, as senders use).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 25;

        /// <summary>The name to send with EHLO (default: the local host name).</summary>
        [Parameter]
        [Alias("LocalDomain")]
        [ValidateNotNullOrEmpty]
        public string HeloName { get; set; }

        private StartTlsHandshaker _handshaker;

        protected override Func<string, CancellationToken, Task<DaneDomainResult>> CreateCheck()
        {
            ProgressActivity = "Test-SmtpDane";
            ProgressActivityId = ProgressActivityIds.TestSmtpDane;
            try
            {
                _handshaker = new StartTlsHandshaker(
                    TestMtaStsPolicyCommand.Max(TimeSpan.FromSeconds(TimeoutSec), TestMtaStsPolicyCommand.MinimumSmtpTimeout),
                    Math.Min(ThrottleLimit, StartTlsHandshaker.DefaultMaxConnections), SmtpConnectionProber.NormalizeHeloName(HeloName, nameof(HeloName)));
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidHeloName, ErrorCategory.InvalidArgument, HeloName));
            }
            return new DaneChecker(Resolver, _handshaker, Port).CheckAsync;
        }

        /// <summary>-Quiet: every address of every MX host presented a chain its validated TLSA records match.</summary>
        protected override bool Passed(DaneDomainResult result) => result.Status == DaneStatus.Match;

        protected override string Describe(DaneDomainResult r) =>
            $"{r.Domain}: {r.Status}, {r.MatchCount} of {r.AddressCount} address(es) of {r.MxHostCount} MX host(s) matched, {r.FindingCount} finding(s).";

        protected override void Dispose(bool disposing)
        {
            if (disposing) _handshaker?.Dispose();
            base.Dispose(disposing);
        }
    }
}
