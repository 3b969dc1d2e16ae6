using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// Export-EmailDomainReport: reports as a self-contained HTML page, JSON, Markdown or CSV. Only the parts of a report
    /// that survive serialization are read (the flat columns, GradeReasons, Checks, Findings), so reports rebuilt from a
    /// job, Import-Clixml or the JSON export give the same file as live ones.
    /// </summary>
    public static class EmailDomainReportWriter
    {
        /// <summary>The flat columns of the CSV export and the JSON objects, in order: the report's own names.</summary>
        public static IReadOnlyList<string> FlatColumns { get; } = new[]
        {
            nameof(EmailDomainReport.Domain), nameof(EmailDomainReport.Grade), nameof(EmailDomainReport.SpfStatus),
            nameof(EmailDomainReport.DmarcPolicy), nameof(EmailDomainReport.DmarcStatus), nameof(EmailDomainReport.DkimSelectorsFound),
            nameof(EmailDomainReport.MxCount), nameof(EmailDomainReport.MtaStsMode), nameof(EmailDomainReport.TlsRpt),
            nameof(EmailDomainReport.Bimi), nameof(EmailDomainReport.Dnssec), nameof(EmailDomainReport.Listed),
            nameof(EmailDomainReport.Dane), nameof(EmailDomainReport.SmtpTls),
            nameof(EmailDomainReport.ErrorCount), nameof(EmailDomainReport.WarningCount), nameof(EmailDomainReport.FindingIds),
        };

        private static readonly Dictionary<string, System.Reflection.PropertyInfo> FlatProperties =
            FlatColumns.ToDictionary(c => c, c => typeof(EmailDomainReport).GetProperty(c));

        /// <summary>The value of a flat column of a report (string, int, bool, an enum or null).</summary>
        public static object ColumnValue(EmailDomainReport r, string column) =>
            FlatProperties.TryGetValue(column, out var p) ? p.GetValue(r) : throw new ArgumentOutOfRangeException(nameof(column));

        /// <summary>The value of a flat column as text, as Export-Csv writes it ("" for null).</summary>
        public static string Column(EmailDomainReport r, string column) => Convert.ToString(ColumnValue(r, column), CultureInfo.InvariantCulture) ?? "";

        public static void Write(IReadOnlyList<EmailDomainReport> reports, EmailDomainReportFormat format, TextWriter writer, string title = null)
        {
            if (reports == null) throw new ArgumentNullException(nameof(reports));
            if (writer == null) throw new ArgumentNullException(nameof(writer));
            switch (format)
            {
                case EmailDomainReportFormat.Html: EmailDomainHtml.Write(reports, writer, title ?? DefaultTitle); break;
                case EmailDomainReportFormat.Json: WriteJson(reports, writer); break;
                case EmailDomainReportFormat.Markdown: WriteMarkdown(reports, writer, title ?? DefaultTitle); break;
                case EmailDomainReportFormat.Csv: WriteCsv(reports, writer); break;
                default: throw new ArgumentOutOfRangeException(nameof(format));
            }
        }

        public const string DefaultTitle = "Email domain report";

        /// <summary>The format a file name implies (.html/.htm, .json, .md/.markdown, .csv); null when it implies none.</summary>
        public static EmailDomainReportFormat? FormatOf(string path)
        {
            switch (Path.GetExtension(path ?? "").ToLowerInvariant())
            {
                case ".html": case ".htm": return EmailDomainReportFormat.Html;
                case ".json": return EmailDomainReportFormat.Json;
                case ".md": case ".markdown": return EmailDomainReportFormat.Markdown;
                case ".csv": return EmailDomainReportFormat.Csv;
                default: return null;
            }
        }

        // --- CSV (RFC 4180) ------------------------------------------------------------------------------------------

        private static void WriteCsv(IReadOnlyList<EmailDomainReport> reports, TextWriter w)
        {
            w.Write(string.Join(",", FlatColumns.Select(Csv)) + "\r\n");
            foreach (var r in reports) w.Write(string.Join(",", FlatColumns.Select(c => Csv(Column(r, c)))) + "\r\n");
        }

        private static string Csv(string value)
        {
            value = value ?? "";
            // A cell starting with = + - @ is a formula to a spreadsheet: a quote mark keeps it text (CSV injection).
            if (value.Length > 0 && "=+-@".IndexOf(value[0]) >= 0) value = "'" + value;
            return value.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
        }

        // --- JSON ----------------------------------------------------------------------------------------------------

        /// <summary>
        /// A JSON array with one object per report: the flat columns, GradeReasons, CheckedAt (ISO 8601 UTC), Checks and
        /// Findings with the property names of the .NET types; enums as their names. Documented in
        /// Export-EmailDomainReport's help; Compare-EmailDomainReport reads it back (ConvertFrom-Json).
        /// </summary>
        private static void WriteJson(IReadOnlyList<EmailDomainReport> reports, TextWriter w)
        {
            var j = new JsonText(w);
            j.BeginArray();
            foreach (var r in reports)
            {
                j.BeginObject();
                foreach (var column in FlatColumns)
                {
                    var value = ColumnValue(r, column);
                    if (value is int n) j.Property(column, n);
                    else if (value is bool b) j.Property(column, b);
                    else j.Property(column, value?.ToString());
                }
                j.Property(nameof(r.GradeReasons), r.GradeReasons);
                j.Property(nameof(r.CheckedAt), r.CheckedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                j.Name(nameof(r.Checks));
                j.BeginArray();
                foreach (var c in r.Checks ?? Array.Empty<EmailDomainCheckResult>())
                {
                    j.BeginObject();
                    j.Property(nameof(c.Check), c.Check.ToString());
                    j.Property(nameof(c.Status), c.Status.ToString());
                    j.Property(nameof(c.CheckStatus), c.CheckStatus);
                    j.Property(nameof(c.Summary), c.Summary);
                    j.Property(nameof(c.Records), c.Records);
                    j.Property(nameof(c.Message), c.Message);
                    j.Property(nameof(c.DurationMs), c.DurationMs);
                    j.Property(nameof(c.FindingCount), c.FindingCount);
                    j.Property(nameof(c.ErrorCount), c.ErrorCount);
                    j.Property(nameof(c.WarningCount), c.WarningCount);
                    j.EndObject();
                }
                j.EndArray();
                j.Name(nameof(r.Findings));
                j.BeginArray();
                foreach (var f in r.Findings ?? Array.Empty<EmailDomainFinding>())
                {
                    j.BeginObject();
                    j.Property(nameof(f.Check), f.Check.ToString());
                    j.Property(nameof(f.Id), f.Id);
                    j.Property(nameof(f.Severity), f.Severity.ToString());
                    j.Property(nameof(f.Message), f.Message);
                    j.Property(nameof(f.Reference), f.Reference);
                    j.Property(nameof(f.Count), f.Count);
                    j.EndObject();
                }
                j.EndArray();
                j.EndObject();
            }
            j.EndArray();
            w.Write('\n');
        }

        // --- Markdown ------------------------------------------------------------------------------------------------

        private static void WriteMarkdown(IReadOnlyList<EmailDomainReport> reports, TextWriter w, string title)
        {
            w.Write($"# {Md(title)}\n\n");
            w.Write($"{reports.Count} domain(s); {GradeCounts(reports)}.\n\n");
            w.Write("| Domain | Grade | SPF | DMARC | DKIM selectors | MX | MTA-STS | TLS-RPT | DNSSEC | Listed | DANE | SMTP TLS | Errors | Warnings |\n|---|---|---|---|---|---:|---|---|---|---|---|---|---:|---:|\n");
            foreach (var r in reports)
                w.Write($"| {Md(r.Domain)} | {r.Grade} | {Md(r.SpfStatus)} | {Md(r.DmarcPolicy == null ? r.DmarcStatus : "p=" + r.DmarcPolicy)} | {Md(r.DkimSelectorsFound)} | {r.MxCount} | {Md(r.MtaStsMode)} | {Md(r.TlsRpt)} | {Md(r.Dnssec)} | {Listed(r.Listed)} | {Md(r.Dane)} | {Md(r.SmtpTls)} | {r.ErrorCount} | {r.WarningCount} |\n");
            foreach (var r in reports)
            {
                w.Write($"\n## {Md(r.Domain)}: grade {r.Grade}\n\n");
                foreach (var reason in r.GradeReasons ?? Array.Empty<string>()) w.Write($"- {Md(reason)}\n");
                if ((r.GradeReasons ?? Array.Empty<string>()).Length > 0) w.Write("\n");
                w.Write("| Check | Status | Summary | Records as published |\n|---|---|---|---|\n");
                foreach (var c in r.Checks ?? Array.Empty<EmailDomainCheckResult>())
                    w.Write($"| {c.Check} | {c.Status} ({Md(c.CheckStatus)}) | {Md(c.Summary ?? c.Message)} | {string.Join("<br>", (c.Records ?? Array.Empty<string>()).Select(x => "`" + x.Replace("`", "'").Replace("|", "\\|") + "`"))} |\n");
                var findings = r.Findings ?? Array.Empty<EmailDomainFinding>();
                if (findings.Length == 0) continue;
                w.Write("\n| Severity | Check | Finding | Message | Reference |\n|---|---|---|---|---|\n");
                foreach (var f in findings)
                    w.Write($"| {f.Severity} | {f.Check} | `{f.Id}` | {Md(f.Message)} | {Md(f.Reference)} |\n");
            }
        }

        internal static string Listed(bool? listed) => listed == null ? "" : listed.Value ? "listed" : "no";

        internal static string GradeCounts(IReadOnlyList<EmailDomainReport> reports) =>
            string.Join(", ", reports.GroupBy(r => r.Grade).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));

        private static string Md(string text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            var sb = new StringBuilder(text.Length);
            foreach (var ch in text)
            {
                if (ch == '\r' || ch == '\n') { sb.Append(' '); continue; }
                if ("|\\`*_[]<>#".IndexOf(ch) >= 0) sb.Append('\\');
                sb.Append(ch);
            }
            return sb.ToString();
        }

        /// <summary>A minimal streaming JSON writer (Core targets netstandard2.0 without System.Text.Json).</summary>
        private sealed class JsonText
        {
            private readonly TextWriter _w;
            private readonly Stack<bool> _first = new Stack<bool>();
            private bool _afterName;

            public JsonText(TextWriter w) { _w = w; }

            private void Separator()
            {
                if (_afterName) { _afterName = false; return; }
                if (_first.Count == 0) return;
                if (!_first.Peek()) _w.Write(',');
                _first.Pop();
                _first.Push(false);
            }

            public void BeginArray() { Separator(); _w.Write('['); _first.Push(true); }
            public void EndArray() { _first.Pop(); _w.Write(']'); }
            public void BeginObject() { Separator(); _w.Write('{'); _first.Push(true); }
            public void EndObject() { _first.Pop(); _w.Write('}'); }
            public void Name(string name) { Separator(); String(name); _w.Write(':'); _afterName = true; }
            public void Property(string name, string value) { Name(name); Value(value); }
            public void Property(string name, long value) { Name(name); Separator(); _w.Write(value.ToString(CultureInfo.InvariantCulture)); }
            public void Property(string name, bool value) { Name(name); Separator(); _w.Write(value ? "true" : "false"); }
            public void Property(string name, IEnumerable<string> values)
            {
                Name(name);
                BeginArray();
                foreach (var v in values ?? Array.Empty<string>()) Value(v);
                EndArray();
            }

            private void Value(string value)
            {
                Separator();
                if (value == null) _w.Write("null");
                else String(value);
            }

            private void String(string s)
            {
                _w.Write('"');
                foreach (var ch in s)
                {
                    switch (ch)
                    {
                        case '"': _w.Write("\\\""); break;
                        case '\\': _w.Write("\\\\"); break;
                        case '\n': _w.Write("\\n"); break;
                        case '\r': _w.Write("\\r"); break;
                        case '\t': _w.Write("\\t"); break;
                        default:
                            // < > & escaped too, so the JSON can be pasted into a <script> block or HTML safely.
                            if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == '\u2028' || ch == '\u2029') _w.Write("\\u" + ((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                            else _w.Write(ch);
                            break;
                    }
                }
                _w.Write('"');
            }
        }
    }
}
