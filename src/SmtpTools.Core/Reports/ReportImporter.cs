using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using MimeKit;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// Imports DMARC aggregate, DMARC failure and SMTP TLS reports from files in every form they arrive: plain XML or
    /// JSON, gzip, zip, and e-mail messages carrying any of those (or an ARF failure report). The content decides, not
    /// the file name. One instance serves a whole import (it remembers report ids to flag duplicates); files are
    /// imported one after the other.
    /// </summary>
    public sealed class ReportImporter
    {
        /// <summary>How many containers deep (message → zip → gzip …) the importer follows.</summary>
        private const int MaxNesting = 4;

        private readonly ReportImportOptions _options;
        private readonly IOperationSink _sink;
        private readonly SeenReports _seenReports;

        /// <param name="sink">Told (Verbose) about each duplicate report left out with SkipDuplicates.</param>
        public ReportImporter(ReportImportOptions options = null, IOperationSink sink = null)
            : this(options, sink, new SeenReports())
        {
        }

        /// <param name="seenReports">
        /// Null: duplicates are not looked for here, every report is read whole with IsDuplicate false; the caller decides
        /// (<see cref="ParallelReportImport"/>, which reads files out of order and decides in order).
        /// </param>
        internal ReportImporter(ReportImportOptions options, IOperationSink sink, SeenReports seenReports)
        {
            _options = options ?? new ReportImportOptions();
            _sink = sink ?? NullOperationSink.Instance;
            _seenReports = seenReports;
        }

        public ReportImportOptions Options => _options;

        /// <summary>
        /// Reads every report in <paramref name="path"/> and hands it to <paramref name="receiver"/>. Returns the number of
        /// reports found (duplicates skipped with SkipDuplicates are counted).
        /// </summary>
        /// <exception cref="SmtpToolsException">
        /// The file is empty, not well-formed, incomplete, larger than MaxUncompressedSize when decompressed, holds no
        /// report or something else, or a report of a kind not in <see cref="ReportImportOptions.Kinds"/>. Rows read before
        /// the problem was found have been handed over.
        /// </exception>
        /// <exception cref="IOException">The file cannot be read.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<int> ImportFileAsync(string path, IReportReceiver receiver, CancellationToken cancellationToken)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (receiver == null) throw new ArgumentNullException(nameof(receiver));
            using (var file = InputFiles.OpenRead(path))
            {
                var import = new FileImport(this, path, receiver, cancellationToken);
                int found = await import.ReadAsync(file, null, 0).ConfigureAwait(false);
                if (found == 0)
                    throw new SmtpToolsException(ErrorIds.NoReportFound, FailureKind.InvalidData,
                        "the message holds no report: no XML, JSON, gzip or zip attachment and no ARF feedback report.");
                return found;
            }
        }

        /// <summary>The state of one file's import: its decompression budget and where it came from.</summary>
        private sealed class FileImport
        {
            private readonly ReportImporter _owner;
            private readonly string _path;
            private readonly IReportReceiver _receiver;
            private readonly CancellationToken _token;
            private readonly DecompressionBudget _budget;

            public FileImport(ReportImporter owner, string path, IReportReceiver receiver, CancellationToken token)
            {
                _owner = owner;
                _path = path;
                _receiver = receiver;
                _token = token;
                _budget = new DecompressionBudget(owner._options.MaxUncompressedSize);
            }

            private ReportImportOptions Options => _owner._options;

            public async Task<int> ReadAsync(Stream stream, string member, int depth)
            {
                if (depth > MaxNesting)
                    throw new SmtpToolsException(ErrorIds.InputTooDeeplyNested, FailureKind.InvalidData,
                        $"{Where(member)} is nested more than {MaxNesting} containers deep.");
                var (kind, content) = await ContentSniffer.SniffAsync(stream, _token).ConfigureAwait(false);
                switch (kind)
                {
                    case ContentKind.Empty:
                        throw new SmtpToolsException(ErrorIds.InputEmpty, FailureKind.InvalidData, $"{Where(member)} is empty.");
                    case ContentKind.Gzip:
                        using (var gzip = new BudgetedStream(new GZipStream(content, CompressionMode.Decompress, leaveOpen: true), _budget, Where(member)))
                            return await ReadAsync(gzip, GzipMemberName(member), depth + 1).ConfigureAwait(false);
                    case ContentKind.Zip:
                        return await ReadZipAsync(content, member, depth).ConfigureAwait(false);
                    case ContentKind.Xml:
                        return await ReadXmlAsync(content, member).ConfigureAwait(false);
                    case ContentKind.Json:
                        return await ReadJsonAsync(content, member).ConfigureAwait(false);
                    case ContentKind.Mime when depth == 0:
                        return await ReadMessageAsync(content, depth).ConfigureAwait(false);
                    default:
                        throw new SmtpToolsException(ErrorIds.UnexpectedContent, FailureKind.InvalidData,
                            $"{Where(member)} is not a report: neither XML, JSON, gzip, zip nor an e-mail message.");
                }
            }

            private static string GzipMemberName(string member)
            {
                if (member == null) return null;
                foreach (var suffix in new[] { ".gz", ".gzip" })
                    if (member.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return member.Substring(0, member.Length - suffix.Length);
                return member;
            }

            private async Task<int> ReadZipAsync(Stream content, string member, int depth)
            {
                // ZipArchive needs to seek (the directory is at the end); a zip inside a message is copied out first, and
                // that copy is charged to the budget like any decompressed data.
                Stream seekable = content;
                if (!content.CanSeek)
                {
                    seekable = new MemoryStream();
                    await new BudgetedStream(content, _budget, Where(member)).CopyToAsync(seekable, 81920, _token).ConfigureAwait(false);
                    seekable.Position = 0;
                }
                ZipArchive zip;
                try { zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true); }
                catch (InvalidDataException e)
                {
                    throw new SmtpToolsException(ErrorIds.UnexpectedContent, FailureKind.InvalidData, $"{Where(member)} is not a readable zip archive: {e.Message}", e);
                }
                using (zip)
                {
                    int found = 0;
                    foreach (var entry in zip.Entries)
                    {
                        if (entry.FullName.EndsWith("/", StringComparison.Ordinal)) continue; // a folder
                        if (entry.Length > _budget.Limit) _budget.Spend(entry.Length, Where(entry.FullName)); // declared bomb: fail before inflating
                        try
                        {
                            using (var inner = new BudgetedStream(entry.Open(), _budget, Where(entry.FullName)))
                                found += await ReadAsync(inner, entry.FullName, depth + 1).ConfigureAwait(false);
                        }
                        catch (InvalidDataException e)
                        {
                            throw new SmtpToolsException(ErrorIds.UnexpectedContent, FailureKind.InvalidData, $"{Where(entry.FullName)} cannot be decompressed: {e.Message}", e);
                        }
                    }
                    if (found == 0)
                        throw new SmtpToolsException(ErrorIds.NoReportFound, FailureKind.InvalidData, $"{Where(member)} is a zip archive without any file.");
                    return found;
                }
            }

            private async Task<int> ReadXmlAsync(Stream content, string member)
            {
                try
                {
                    using (var reader = XmlReader.Create(content, DmarcAggregateReportParser.ReaderSettings()))
                    {
                        var report = new DmarcAggregateReport { SourceFile = _path, SourceMember = member };
                        if (!DmarcAggregateReportParser.MoveToFeedback(reader))
                            throw new SmtpToolsException(ErrorIds.UnexpectedContent, FailureKind.InvalidData,
                                $"{Where(member)} is XML but not a DMARC aggregate report (no <feedback> element).");
                        Accept(ReportKinds.DmarcAggregate, "a DMARC aggregate report", member);
                        var done = await DmarcAggregateReportParser.ParseAsync(reader, report, OnHeader,
                            row => _receiver.AggregateRowAsync(row, _token), Options.CollectRows, _token).ConfigureAwait(false);
                        if (done != null) await _receiver.AggregateReportAsync(done, _token).ConfigureAwait(false);
                        return 1;
                    }
                }
                catch (XmlException e)
                {
                    throw new SmtpToolsException(ErrorIds.InputNotWellFormed, FailureKind.InvalidData,
                        $"{Where(member)} is not well-formed XML: {e.Message}", e);
                }
            }

            private bool OnHeader(DmarcAggregateReport report)
            {
                var seen = _owner._seenReports;
                if (seen == null) return true;
                report.IsDuplicate = !seen.FirstSighting(report.OrgName, report.ReportEmail, report.PolicyDomain, report.ReportId, report.SourceFile, out string firstFile);
                if (!(report.IsDuplicate && Options.SkipDuplicates)) return true;
                _owner._sink.Verbose(SeenReports.LeftOut(_path, report.OrgName, report.ReportEmail, report.PolicyDomain, report.ReportId, firstFile));
                return false;
            }

            private async Task<int> ReadJsonAsync(Stream content, string member)
            {
                var buffer = new MemoryStream();
                // A plain JSON file is not decompressed, so it is charged here: a TLS report is read whole.
                await new BudgetedStream(content, _budget, Where(member)).CopyToAsync(buffer, 81920, _token).ConfigureAwait(false);
                var root = JsonNodes.Read(buffer.GetBuffer(), (int)buffer.Length);
                if (!SmtpTlsReportParser.IsTlsReport(root))
                    throw new SmtpToolsException(ErrorIds.UnexpectedContent, FailureKind.InvalidData,
                        $"{Where(member)} is JSON but not an SMTP TLS report (no report-id and policies members).");
                Accept(ReportKinds.SmtpTls, "an SMTP TLS report", member);
                var report = SmtpTlsReportParser.Parse(root, new SmtpTlsReport { SourceFile = _path, SourceMember = member });
                await _receiver.SmtpTlsReportAsync(report, _token).ConfigureAwait(false);
                return 1;
            }

            private async Task<int> ReadMessageAsync(Stream content, int depth) =>
                await ReadMessageAsync(await MessageFiles.LoadAsync(content, _token).ConfigureAwait(false), depth).ConfigureAwait(false);

            private async Task<int> ReadMessageAsync(MimeMessage message, int depth)
            {
                var feedback = DmarcFailureReportParser.FindFeedbackPart(message);
                if (feedback != null)
                {
                    Accept(ReportKinds.DmarcFailure, "a DMARC failure report", null);
                    await _receiver.FailureReportAsync(DmarcFailureReportParser.Parse(message, feedback, _path), _token).ConfigureAwait(false);
                    return 1;
                }
                int found = 0;
                foreach (var entity in message.BodyParts)
                {
                    // A report mail forwarded as an attachment: the reports are inside it.
                    if (entity is MessagePart forwarded && forwarded.Message != null)
                    {
                        if (depth + 1 > MaxNesting)
                            throw new SmtpToolsException(ErrorIds.InputTooDeeplyNested, FailureKind.InvalidData, $"the message is nested more than {MaxNesting} deep.");
                        found += await ReadMessageAsync(forwarded.Message, depth + 1).ConfigureAwait(false);
                        continue;
                    }
                    if (!(entity is MimePart part) || !MayHoldReport(part)) continue;
                    string name = part.FileName ?? part.ContentType.MimeType;
                    using (var decoded = part.Content.Open())
                        found += await ReadAsync(decoded, name, depth + 1).ConfigureAwait(false);
                }
                return found;
            }

            // The text of a report mail ("This is an aggregate report from …") is not a report; anything else may be.
            private static bool MayHoldReport(MimePart part)
            {
                if (part.Content == null) return false;
                var type = part.ContentType;
                if (type.IsMimeType("text", "plain") || type.IsMimeType("text", "html")) return part.IsAttachment;
                return !type.IsMimeType("message", "*") && !type.IsMimeType("multipart", "*");
            }

            private void Accept(ReportKinds kind, string what, string member)
            {
                if ((Options.Kinds & kind) == 0)
                    throw new SmtpToolsException(ErrorIds.UnexpectedReportKind, FailureKind.InvalidArgument,
                        $"{Where(member)} is {what}, which this command does not read" +
                        (kind == ReportKinds.SmtpTls ? " (use Import-SmtpTlsReport)." : " (use Import-DmarcReport)."));
            }

            private string Where(string member) => member == null ? "the file" : $"'{member}'";
        }
    }
}
