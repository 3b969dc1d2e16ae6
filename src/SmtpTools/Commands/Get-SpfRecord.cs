using System;
using System.Management.Automation;
using SmtpTools.Core.Spf;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Fetches, parses and audits the SPF records of domains, through their include/redirect trees.</summary>
    [Cmdlet(VerbsCommon.Get, "SpfRecord")]
    [OutputType(typeof(SpfRecord))]
    public sealed class GetSpfRecordCommand : DnsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DomainName")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the name check
        // reports them as InvalidDomainName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        private SpfAuditor _auditor;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _auditor = new SpfAuditor(Resolver);
            ProgressActivity = "Get-SpfRecord";
            ProgressActivityId = ProgressActivityIds.GetSpfRecord;
            ProgressUnit = "domain(s) audited";
        }

        protected override void ProcessRecord()
        {
            // Every input ($null included) gets a result or an error, in input order: a blank or malformed name is an
            // InvalidDomainName error from the auditor, so result rows stay in step with CSV rows.
            EnqueueEachDomain(Domain, _auditor.AuditAsync, audit =>
            {
                if (VerboseWanted) WriteVerbose($"{audit.Domain}: {audit.Status}, {audit.DnsLookupCount} DNS lookup(s), {audit.FindingCount} finding(s).");
                WriteObject(audit);
            });
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            WriteVerbose($"{CompletedCount} domain(s) audited; {Resolver.QueriesSent} DNS question(s) sent.");
        }
    }
}
