using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Core.Bounces;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Reads bounce messages (RFC 3464 delivery status notifications and the non-standard notices of common MTAs and
    /// providers) from .eml and mbox files, folders and Maildirs: one SmtpBounce per failed or delayed recipient, with
    /// Reason and IsHardBounce; -SendLog adds the Send-SmtpMessage result that sent the bounced message.
    /// </summary>
    [Cmdlet(VerbsData.Import, "SmtpBounce", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(SmtpBounce))]
    public sealed class ImportSmtpBounceCommand : FileImportCmdlet
    {
        /// <summary>
        /// What Send-SmtpMessage -PassThru returned (the objects, or the path of the CSV file Export-Csv wrote from them):
        /// each bounce gets the entry whose MessageId is the bounced message's Message-ID.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public object[] SendLog { get; set; }

        /// <summary>Also return auto-replies, feedback reports, delivery notices and ordinary mail, as Reason NotABounce.</summary>
        [Parameter]
        public SwitchParameter IncludeNonBounce { get; set; }

        private BounceImporter _importer;
        private SendLogIndex _sendLog;
        private int _bounces, _matched;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // Bounce files are small and independent: read several at once (more than the cores, so that a file waiting
            // for its scheduler turn on a busy machine does not leave a core idle); results are still written in order.
            ConcurrencyLimit = 8;
            ProgressActivity = MyInvocation.MyCommand.Name;
            ProgressActivityId = ProgressActivityIds.ImportSmtpBounce;
            ProgressUnit = "file(s) read";
            _importer = new BounceImporter(new BounceImportOptions { IncludeNonBounce = IncludeNonBounce }, new CmdletOperationSink(this, ProgressActivityId));
            if (SendLog != null) _sendLog = ReadSendLog();
        }

        protected override void ImportFile(string path)
        {
            var importer = _importer;
            Enqueue(token => importer.ImportFileAsync(path, token), bounces =>
            {
                if (_sendLog != null) _matched += _sendLog.Attach(bounces);
                _bounces += bounces.Count;
                foreach (var bounce in bounces) WriteObject(bounce);
            },
            ex => WriteFileError(path, ex));
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (_sendLog != null)
                WriteVerbose($"{_matched} of {_bounces} bounce(s) found in the send log ({_sendLog.Count} message(s)).");
        }

        /// <summary>
        /// The send log by Message-ID: objects with a MessageId property (results, Import-Csv rows, hashtables) as they
        /// are; strings and files are CSV files, whose rows become the objects Import-Csv would make. A log that yields no
        /// Message-ID at all is a set-up failure: every correlation would silently miss.
        /// </summary>
        private SendLogIndex ReadSendLog()
        {
            var index = new SendLogIndex();
            int entries = 0;
            foreach (var given in SendLog)
            {
                object value = given is PSObject pso ? pso.BaseObject : given;
                if (value == null) continue;
                if (value is string || value is FileInfo)
                {
                    string path = value is FileInfo file ? file.FullName : (string)value;
                    foreach (var csv in ResolveSendLogFile(path))
                    {
                        try { entries += index.AddCsv(csv, CsvRow); }
                        catch (Exception ex) when (!(ex is PipelineStoppedException))
                        {
                            ThrowTerminatingError(ErrorRecordFactory.FromException(ex, csv));
                        }
                    }
                    continue;
                }
                entries++;
                index.Add(MessageIdOf(given), given);
            }
            if (index.Count == 0)
                ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.SendLogInvalid, ErrorCategory.InvalidArgument,
                    $"-SendLog: none of its {entries} entries has a MessageId; give Send-SmtpMessage -PassThru results or the CSV file Export-Csv wrote from them.", SendLog));
            WriteVerbose($"Send log: {index.Count} Message-ID(s) from {entries} entries.");
            return index;
        }

        private IEnumerable<string> ResolveSendLogFile(string path)
        {
            try
            {
                var resolved = GetResolvedProviderPathFromPSPath(path, out _);
                if (resolved.Count > 0) return resolved;
            }
            catch (ItemNotFoundException) { }
            ThrowTerminatingError(ErrorRecordFactory.FromException(new FileNotFoundException($"The send log '{path}' does not exist.", path), path));
            return null;
        }

        private static string MessageIdOf(object entry)
        {
            if (entry is PSObject pso && pso.BaseObject is IDictionary wrapped) entry = wrapped;
            if (entry is IDictionary dictionary)
            {
                foreach (DictionaryEntry pair in dictionary)
                    if (string.Equals(pair.Key as string, SendLogIndex.MessageIdColumn, StringComparison.OrdinalIgnoreCase)) return pair.Value?.ToString();
                return null;
            }
            return PSObject.AsPSObject(entry).Properties[SendLogIndex.MessageIdColumn]?.Value?.ToString();
        }

        /// <summary>A CSV row as Import-Csv makes it: a custom object with one string property per column, in order.</summary>
        private static object CsvRow(string[] columns, string[] cells)
        {
            var row = new PSObject();
            for (int i = 0; i < columns.Length; i++)
                if (row.Properties[columns[i]] == null) row.Properties.Add(new PSNoteProperty(columns[i], cells[i]));
            return row;
        }
    }
}
