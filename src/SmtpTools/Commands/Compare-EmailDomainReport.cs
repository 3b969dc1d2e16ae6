using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Core.EmailDomain;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>What changed between two sets of Test-EmailDomain reports (live, deserialized or from the JSON export).</summary>
    [Cmdlet(VerbsData.Compare, "EmailDomainReport")]
    [OutputType(typeof(EmailDomainChange))]
    public sealed class CompareEmailDomainReportCommand : AsyncCmdlet
    {
        /// <summary>The earlier reports (last night's).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [AllowEmptyCollection]
        [AllowNull]
        public PSObject[] ReferenceObject { get; set; }

        /// <summary>The later reports (tonight's).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        [AllowNull]
        public PSObject[] DifferenceObject { get; set; }

        private readonly List<EmailDomainReport> _difference = new List<EmailDomainReport>();

        protected override void ProcessRecord() => _difference.AddRange(Read(DifferenceObject));

        protected override void EndProcessing()
        {
            base.EndProcessing();
            var reference = Read(ReferenceObject).ToList();
            var changes = EmailDomainComparer.Compare(reference, _difference);
            WriteVerbose($"{reference.Count} reference and {_difference.Count} difference report(s): {changes.Count} change(s).");
            foreach (var change in changes) WriteObject(change);
        }

        private IEnumerable<EmailDomainReport> Read(PSObject[] items)
        {
            foreach (var item in items ?? Array.Empty<PSObject>())
            {
                if (item == null) continue;
                var report = EmailDomainReportInput.Read(item);
                if (report != null) yield return report;
                else WriteError(ErrorRecordFactory.Create(ErrorIds.NotAnEmailDomainReport, ErrorCategory.InvalidType,
                    $"'{item}' is not a Test-EmailDomain report (nor a deserialized or JSON copy of one); it is not compared.", item));
            }
        }
    }
}
