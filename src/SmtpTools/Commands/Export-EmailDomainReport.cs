using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using SmtpTools.Core.EmailDomain;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Writes Test-EmailDomain reports (live, deserialized or from the JSON export) to an HTML, JSON, Markdown or CSV file.</summary>
    [Cmdlet(VerbsData.Export, "EmailDomainReport", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportEmailDomainReportCommand : AsyncCmdlet
    {
        /// <summary>Reports from Test-EmailDomain, Import-Clixml, Receive-Job or ConvertFrom-Json of a JSON export.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [Alias("Report")]
        [AllowNull]
        public PSObject[] InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [Alias("FilePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Default: from the file extension (.html/.htm, .json, .md, .csv), else Html.</summary>
        [Parameter]
        public EmailDomainReportFormat Format { get; set; }

        /// <summary>The page's title and heading (HTML and Markdown).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; }

        /// <summary>Do not overwrite an existing file.</summary>
        [Parameter]
        [Alias("NoOverwrite")]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Return the file written.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<EmailDomainReport> _reports = new List<EmailDomainReport>();

        protected override void ProcessRecord()
        {
            foreach (var item in InputObject ?? Array.Empty<PSObject>())
            {
                if (item == null) continue;
                var report = EmailDomainReportInput.Read(item);
                if (report == null)
                    WriteError(ErrorRecordFactory.Create(ErrorIds.NotAnEmailDomainReport, ErrorCategory.InvalidType,
                        $"'{item}' is not a Test-EmailDomain report (nor a deserialized or JSON copy of one); it is left out of the file.", item));
                else _reports.Add(report);
            }
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            var format = MyInvocation.BoundParameters.ContainsKey(nameof(Format)) ? Format : EmailDomainReportWriter.FormatOf(path) ?? EmailDomainReportFormat.Html;
            if (NoClobber && File.Exists(path))
            {
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.ReportFileExists, ErrorCategory.ResourceExists,
                    $"{path} exists and -NoClobber was given.", path));
                return;
            }
            if (!ShouldProcess(path, $"Write {_reports.Count} email domain report(s) as {format}")) return;
            var temp = path + ".tmp-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                // Written beside the target and moved into place, so a reader never sees half a report.
                using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
                    EmailDomainReportWriter.Write(_reports, format, writer, Title);
                if (File.Exists(path)) File.Delete(path);
                File.Move(temp, path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                ThrowTerminatingError(ErrorRecordFactory.FromException(ex, path));
            }
            WriteVerbose($"{_reports.Count} report(s) written to {path} ({format}).");
            if (PassThru) WriteObject(new FileInfo(path));
        }
    }
}
