using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Core.Blocklists;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Checks IP addresses and domains (and, with -IncludeMx, a domain's MX addresses) against DNS blocklists (RFC 5782).</summary>
    // Two parameter sets, so that a CSV row with an IPAddress column selects "IPAddress", where -Domain does not exist:
    // with one set PowerShell would also bind the whole row to -Domain by value (converted to text, "@{IPAddress=…}").
    [Cmdlet(VerbsDiagnostic.Test, "DnsBlocklist", DefaultParameterSetName = AddressSet)]
    [OutputType(typeof(DnsBlocklistResult))]
    [OutputType(typeof(bool))]
    public sealed class TestDnsBlocklistCommand : DnsCmdlet
    {
        private const string DomainSet = "Domain", AddressSet = "IPAddress";

        /// <summary>Domains to check against the domain lists; an address given here is checked as an address.</summary>
        [Parameter(ParameterSetName = DomainSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("DomainName", "Name")]
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>IPv4 or IPv6 addresses to check against the IP lists (beside domains: only on the command line).</summary>
        [Parameter(ParameterSetName = DomainSet)]
        [Parameter(ParameterSetName = AddressSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IP", "Address")]
        [AllowNull]
        [AllowEmptyString]
        public string[] IPAddress { get; set; }

        /// <summary>The lists to ask: names or definitions; default: <see cref="DnsBlocklistZone.Default"/>.</summary>
        [Parameter]
        [Alias("Blocklist")]
        [ValidateNotNullOrEmpty]
        public DnsBlocklistZone[] Zone { get; set; }

        /// <summary>Also check the addresses of each domain's MX hosts.</summary>
        [Parameter]
        public SwitchParameter IncludeMx { get; set; }

        /// <summary>Return only true/false per input: asked, answered everywhere, listed nowhere.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private DnsBlocklistChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-DnsBlocklist";
            ProgressActivityId = ProgressActivityIds.TestDnsBlocklist;
            ProgressUnit = "input(s) checked";
            try
            {
                _checker = new DnsBlocklistChecker(Resolver, new DnsBlocklistOptions { Zones = Zone, IncludeMx = IncludeMx }, new CmdletOperationSink(this, ProgressActivityId));
            }
            catch (Core.Errors.SmtpToolsException ex)
            {
                ThrowTerminatingError(ErrorRecordFactory.FromException(ex, Zone));
            }
            WriteVerbose("Lists: " + string.Join(", ", _checker.Zones) + (Zone == null ? " (the built-in set)" : "") + ".");
        }

        protected override void ProcessRecord()
        {
            var checker = _checker;
            // -IPAddress is optional beside -Domain: not given is no input (a blank -Domain is one, with its error).
            if (IPAddress != null)
                EnqueueEachDomain(IPAddress, async (input, ct) => (IReadOnlyList<DnsBlocklistResult>)new[] { await checker.CheckAddressAsync(input, ct).ConfigureAwait(false) }, Write);
            if (ParameterSetName == DomainSet) EnqueueEachDomain(Domain, checker.CheckDomainAsync, Write);
        }

        private void Write(IReadOnlyList<DnsBlocklistResult> results)
        {
            if (VerboseWanted)
                foreach (var r in results) WriteVerbose($"{r.Subject}{(r.Source == null ? "" : " (" + r.Source + ")")}: {r.Status}{(r.IsListed ? " on " + r.ListedOn : "")}.");
            if (Quiet) WriteObject(results.Any(r => r.Status == DnsBlocklistStatus.NotListed) && results.All(r => r.Status == DnsBlocklistStatus.NotListed || r.Status == DnsBlocklistStatus.NotChecked));
            else foreach (var r in results) WriteObject(r);
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            WriteVerbose($"{CompletedCount} input(s) checked; {Resolver.QueriesSent} DNS question(s) sent.");
        }
    }
}
