using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;
using SmtpTools.Core.Spf;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// Reads a DMARC aggregate report (RFC 7489 appendix C, RFC 9990, and the pre-RFC drafts) record by record from a
    /// stream, so memory stays flat however large the report. Element names are matched without namespace and tokens
    /// without case; text around the feedback element (a stray unclosed start tag before it, as some reporters send) is
    /// not read. DTDs and external entities are refused.
    /// </summary>
    internal static class DmarcAggregateReportParser
    {
        internal const string Rfc9990Namespace = "urn:ietf:params:xml:ns:dmarc-2.0";

        /// <remarks>
        /// Synchronous: the reader's input is a local file, decompressed or decoded data, all read from memory or the page
        /// cache; the asynchronous XmlReader costs two to three times the CPU per element for no gain here. Only the
        /// hand-over of each row (which may wait for the consumer) is awaited.
        /// </remarks>
        internal static XmlReaderSettings ReaderSettings() => new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
            MaxCharactersFromEntities = 1024,
        };

        /// <summary>
        /// Parses one report. <paramref name="onHeader"/> sees the report once its metadata and policy are read and decides
        /// whether its rows are wanted (false: a duplicate to skip); rows go to <paramref name="onRow"/> as they are read.
        /// Returns the report with its totals, or null when the reader holds no feedback element.
        /// </summary>
        /// <exception cref="XmlException">Not well-formed XML (or a DTD).</exception>
        /// <exception cref="SmtpToolsException">A required element is missing or a value is unreadable.</exception>
        public static async Task<DmarcAggregateReport> ParseAsync(XmlReader reader, DmarcAggregateReport report,
            Func<DmarcAggregateReport, bool> onHeader, Func<DmarcReportRow, Task> onRow, bool collectRows, CancellationToken cancellationToken)
        {
            if (!MoveToFeedback(reader)) return null;
            bool bis = reader.NamespaceURI == Rfc9990Namespace;
            int feedbackDepth = reader.Depth;
            Node metadata = null, policy = null;
            var errors = new List<string>();
            bool wanted = true, headerDone = false;
            var rows = collectRows ? new List<DmarcReportRow>() : null;

            if (reader.IsEmptyElement) throw Missing("report_metadata", reader);
            reader.Read();
            while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == feedbackDepth))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.NodeType == XmlNodeType.None) throw new XmlException("unexpected end of input inside <feedback>.");
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                switch (reader.LocalName)
                {
                    case "version":
                        report.Version = Node.Read(reader).Text;
                        break;
                    case "report_metadata":
                        metadata = Node.Read(reader);
                        break;
                    case "policy_published":
                        policy = Node.Read(reader);
                        break;
                    case "record":
                        if (!headerDone)
                        {
                            wanted = Header(report, metadata, policy, bis, errors, reader, onHeader);
                            headerDone = true;
                        }
                        var node = Node.Read(reader);
                        if (!wanted) break;
                        var row = Row(node, report, reader);
                        report.RowCount++;
                        report.MessageCount += row.Count;
                        if (row.DmarcPass) report.PassCount += row.Count;
                        rows?.Add(row);
                        await onRow(row).ConfigureAwait(false);
                        break;
                    default:
                        // Unknown elements (extensions, RFC 9990 <extension>) are read over, not kept.
                        reader.Skip();
                        break;
                }
            }
            if (!headerDone) wanted = Header(report, metadata, policy, bis, errors, reader, onHeader);
            if (!wanted) return null;
            if (rows != null) report.Rows = rows.ToArray();
            // Nothing after </feedback> is read: trailing garbage from broken reporters does not matter.
            return report;
        }

        internal static bool MoveToFeedback(XmlReader reader)
        {
            while (reader.NodeType != XmlNodeType.Element || reader.LocalName != "feedback")
            {
                // The report is the root, or (a reporter bug seen in the wild) the child of a stray unclosed root.
                if (reader.NodeType == XmlNodeType.Element && reader.Depth > 1) return false;
                if (!reader.Read()) return false;
            }
            return true;
        }

        private static bool Header(DmarcAggregateReport report, Node metadata, Node policy, bool bis, List<string> errors,
            XmlReader reader, Func<DmarcAggregateReport, bool> onHeader)
        {
            if (metadata == null) throw Missing("report_metadata", reader);
            if (policy == null) throw Missing("policy_published", reader);
            report.OrgName = metadata.ChildText("org_name");
            report.ReportEmail = metadata.ChildText("email");
            report.ExtraContactInfo = metadata.ChildText("extra_contact_info");
            report.ReportId = Required(metadata, "report_id", "report_metadata", reader);
            report.Generator = metadata.ChildText("generator");
            foreach (var e in metadata.ChildrenNamed("error")) errors.Add(e.Text);
            report.Errors = errors.ToArray();
            var range = metadata.Child("date_range") ?? throw Missing("report_metadata/date_range", reader);
            report.Begin = Epoch(Required(range, "begin", "date_range", reader), "date_range/begin", reader);
            report.End = Epoch(Required(range, "end", "date_range", reader), "date_range/end", reader);

            report.PolicyDomain = Required(policy, "domain", "policy_published", reader);
            report.Policy = Disposition(policy.ChildText("p"));
            report.SubdomainPolicy = Disposition(policy.ChildText("sp"));
            report.NonexistentSubdomainPolicy = Disposition(policy.ChildText("np"));
            report.Percentage = int.TryParse(policy.ChildText("pct"), NumberStyles.None, CultureInfo.InvariantCulture, out int pct) ? pct : (int?)null;
            report.DkimAlignment = Alignment(policy.ChildText("adkim"));
            report.SpfAlignment = Alignment(policy.ChildText("aspf"));
            report.FailureOptions = policy.ChildText("fo");
            string testing = policy.ChildText("testing");
            report.Testing = testing == null ? (bool?)null : Token(testing) == "y";
            report.DiscoveryMethod = policy.ChildText("discovery_method");

            bis |= report.Generator != null || policy.Child("np") != null || policy.Child("testing") != null
                || policy.Child("discovery_method") != null || (report.Version ?? "").StartsWith("2", StringComparison.Ordinal);
            report.Format = bis ? DmarcReportFormat.Rfc9990 : DmarcReportFormat.Rfc7489;
            return onHeader(report);
        }

        private static DmarcReportRow Row(Node record, DmarcAggregateReport report, XmlReader reader)
        {
            var rowNode = record.Child("row") ?? throw Missing("record/row", reader);
            var row = NewRow(report);
            row.SourceIP = Required(rowNode, "source_ip", "row", reader);
            string count = Required(rowNode, "count", "row", reader);
            if (!long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw Invalid($"row/count \"{count}\" is not a number", reader);
            row.Count = n;
            var evaluated = rowNode.Child("policy_evaluated") ?? throw Missing("row/policy_evaluated", reader);
            row.Disposition = ReportDisposition(evaluated.ChildText("disposition"));
            row.DkimResult = PassFail(evaluated.ChildText("dkim"));
            row.SpfResult = PassFail(evaluated.ChildText("spf"));
            row.DmarcPass = row.DkimResult == DmarcResult.Pass || row.SpfResult == DmarcResult.Pass;
            var reasons = new List<DmarcReportOverrideReason>();
            foreach (var r in evaluated.ChildrenNamed("reason"))
                reasons.Add(new DmarcReportOverrideReason { Type = Token(r.ChildText("type")) ?? "", Comment = NullIfEmpty(r.ChildText("comment")) });
            row.OverrideReasons = reasons.ToArray();

            var identifiers = record.Child("identifiers") ?? throw Missing("record/identifiers", reader);
            row.HeaderFrom = Required(identifiers, "header_from", "identifiers", reader);
            row.EnvelopeFrom = NullIfEmpty(identifiers.ChildText("envelope_from"));
            row.EnvelopeTo = NullIfEmpty(identifiers.ChildText("envelope_to"));

            var auth = record.Child("auth_results");
            if (auth != null)
            {
                var dkim = new List<DmarcReportDkimAuth>();
                foreach (var d in auth.ChildrenNamed("dkim"))
                    dkim.Add(new DmarcReportDkimAuth
                    {
                        Domain = d.ChildText("domain"),
                        Selector = NullIfEmpty(d.ChildText("selector")),
                        Result = DkimResult(d.ChildText("result")),
                        HumanResult = NullIfEmpty(d.ChildText("human_result")),
                    });
                var spf = new List<DmarcReportSpfAuth>();
                foreach (var s in auth.ChildrenNamed("spf"))
                    spf.Add(new DmarcReportSpfAuth
                    {
                        Domain = s.ChildText("domain"),
                        Scope = Token(NullIfEmpty(s.ChildText("scope"))),
                        Result = SpfAuthResult(s.ChildText("result")),
                        HumanResult = NullIfEmpty(s.ChildText("human_result")),
                    });
                row.DkimAuth = dkim.ToArray();
                row.SpfAuth = spf.ToArray();
            }
            return row;
        }

        /// <summary>A row with the report's columns (read before the first record: the schema puts them first).</summary>
        private static DmarcReportRow NewRow(DmarcAggregateReport report) => new DmarcReportRow
        {
            ReportId = report.ReportId,
            OrgName = report.OrgName,
            ReportEmail = report.ReportEmail,
            Begin = report.Begin,
            End = report.End,
            PolicyDomain = report.PolicyDomain,
            Policy = report.Policy,
            SubdomainPolicy = report.SubdomainPolicy,
            NonexistentSubdomainPolicy = report.NonexistentSubdomainPolicy,
            Percentage = report.Percentage,
            DkimAlignment = report.DkimAlignment,
            SpfAlignment = report.SpfAlignment,
            SourceFile = report.SourceFile,
            IsDuplicate = report.IsDuplicate,
        };

        private static string Required(Node parent, string name, string where, XmlReader reader)
        {
            string value = parent.ChildText(name);
            if (string.IsNullOrEmpty(value)) throw Missing(where + "/" + name, reader);
            return value;
        }

        private static DateTime Epoch(string text, string what, XmlReader reader)
        {
            // Some reporters write fractional seconds; the period is whole seconds either way.
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds < 253402300800)
                return DateTimeOffset.FromUnixTimeSeconds((long)seconds).UtcDateTime;
            throw Invalid($"{what} \"{text}\" is not a Unix time", reader);
        }

        internal static string Token(string text) => text?.Trim().ToLowerInvariant();
        private static string NullIfEmpty(string text) => string.IsNullOrEmpty(text) ? null : text;

        private static DmarcDisposition? Disposition(string text) => Token(text) switch
        {
            "none" => DmarcDisposition.None,
            "quarantine" => DmarcDisposition.Quarantine,
            "reject" => DmarcDisposition.Reject,
            _ => null,
        };

        private static DmarcReportDisposition? ReportDisposition(string text) => Token(text) switch
        {
            "none" => DmarcReportDisposition.None,
            "pass" => DmarcReportDisposition.Pass,
            "quarantine" => DmarcReportDisposition.Quarantine,
            "reject" => DmarcReportDisposition.Reject,
            _ => null,
        };

        private static DmarcAlignmentMode? Alignment(string text) => Token(text) switch
        {
            "r" or "relaxed" => DmarcAlignmentMode.Relaxed,
            "s" or "strict" => DmarcAlignmentMode.Strict,
            _ => null,
        };

        private static DmarcResult? PassFail(string text) => Token(text) switch
        {
            "pass" => DmarcResult.Pass,
            "fail" => DmarcResult.Fail,
            _ => null,
        };

        private static DkimAuthResult? DkimResult(string text) => Token(text) switch
        {
            "none" => DkimAuthResult.None,
            "pass" => DkimAuthResult.Pass,
            "fail" => DkimAuthResult.Fail,
            "policy" => DkimAuthResult.Policy,
            "neutral" => DkimAuthResult.Neutral,
            "temperror" => DkimAuthResult.TempError,
            "permerror" => DkimAuthResult.PermError,
            _ => null,
        };

        private static SpfResult? SpfAuthResult(string text) => Token(text) switch
        {
            "none" => SpfResult.None,
            "neutral" => SpfResult.Neutral,
            "pass" => SpfResult.Pass,
            "fail" or "hardfail" => SpfResult.Fail,
            "softfail" => SpfResult.SoftFail,
            "temperror" or "error" => SpfResult.TempError,
            "permerror" or "unknown" => SpfResult.PermError,
            _ => null,
        };

        private static SmtpToolsException Missing(string what, XmlReader reader) =>
            new SmtpToolsException(ErrorIds.ReportElementMissing, FailureKind.InvalidData,
                $"not a complete DMARC aggregate report: <{what}> is missing or empty (near line {Line(reader)}).");

        private static SmtpToolsException Invalid(string what, XmlReader reader) =>
            new SmtpToolsException(ErrorIds.ReportValueInvalid, FailureKind.InvalidData, $"{what} (near line {Line(reader)}).");

        private static int Line(XmlReader reader) => (reader as IXmlLineInfo)?.LineNumber ?? 0;
    }
}
