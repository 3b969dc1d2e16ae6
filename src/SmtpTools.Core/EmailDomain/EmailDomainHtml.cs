using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// The HTML export: one self-contained page (inline CSS and script, no external script, font, style sheet or image,
    /// so it works offline and as a mail attachment) with a sortable, filterable summary table of all domains and a
    /// section per domain: each check's status and records as published, the findings with severity, explanation and
    /// RFC reference. Readable on a phone (tables scroll sideways) and printable (the filter is hidden, every section shown).
    /// </summary>
    internal static class EmailDomainHtml
    {
        public static void Write(IReadOnlyList<EmailDomainReport> reports, TextWriter w, string title)
        {
            var generated = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            w.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            w.Write("<meta name=\"generator\" content=\"SmtpTools Export-EmailDomainReport\">\n");
            w.Write($"<title>{E(title)}</title>\n<style>{Style}</style>\n</head>\n<body>\n");
            w.Write($"<header><h1>{E(title)}</h1><p class=\"meta\">{reports.Count} domain(s), generated {E(generated)}. {E(EmailDomainReportWriter.GradeCounts(reports))}</p></header>\n");

            w.Write("<main>\n<section id=\"summary\" aria-label=\"Summary\">\n");
            w.Write("<p class=\"tools\"><label>Filter <input type=\"search\" id=\"filter\" placeholder=\"domain, grade, finding id…\" autocomplete=\"off\"></label> <span id=\"shown\"></span></p>\n");
            w.Write("<div class=\"scroll\"><table id=\"domains\">\n<thead><tr>");
            w.Write("<th data-type=\"text\" aria-sort=\"none\"><button type=\"button\">Domain</button></th>");
            w.Write("<th data-type=\"grade\" aria-sort=\"none\"><button type=\"button\">Grade</button></th>");
            w.Write("<th data-type=\"text\" aria-sort=\"none\"><button type=\"button\">SPF</button></th>");
            w.Write("<th data-type=\"text\" aria-sort=\"none\"><button type=\"button\">DMARC</button></th>");
            w.Write("<th data-type=\"text\" aria-sort=\"none\"><button type=\"button\">DKIM selectors</button></th>");
            foreach (var label in new[] { "MX", "MTA-STS", "TLS-RPT", "DNSSEC", "Listed", "DANE", "SMTP TLS" })
                w.Write($"<th data-type=\"{(label == "MX" ? "number" : "text")}\" aria-sort=\"none\"><button type=\"button\">{label}</button></th>");
            w.Write("<th data-type=\"number\" aria-sort=\"none\"><button type=\"button\">Errors</button></th>");
            w.Write("<th data-type=\"number\" aria-sort=\"none\"><button type=\"button\">Warnings</button></th>");
            w.Write("<th data-type=\"text\" aria-sort=\"none\"><button type=\"button\">Findings</button></th>");
            w.Write("</tr></thead>\n<tbody>\n");
            for (int i = 0; i < reports.Count; i++)
            {
                var r = reports[i];
                var id = Anchor(r, i);
                w.Write($"<tr data-domain=\"{E(r.Domain)}\" data-target=\"{id}\" data-search=\"{E(SearchText(r))}\">");
                w.Write($"<td><a href=\"#{id}\">{E(r.Domain)}</a></td>");
                w.Write($"<td data-value=\"{(int)r.Grade}\"><span class=\"grade g-{r.Grade}\">{r.Grade}</span></td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.Spf), r.SpfStatus)}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.Dmarc), r.DmarcPolicy == null ? r.DmarcStatus : "p=" + r.DmarcPolicy)}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.Dkim), r.DkimSelectorsFound == "" ? "none found" : r.DkimSelectorsFound)}</td>");
                w.Write($"<td class=\"num\">{Status(r.GetCheck(EmailDomainCheck.Mx), r.MxCount?.ToString(CultureInfo.InvariantCulture))}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.MtaSts), r.MtaStsMode)}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.TlsRpt), r.TlsRpt)}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.Dnssec), r.Dnssec)}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.Blocklist), EmailDomainReportWriter.Listed(r.Listed))}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.Dane), r.Dane)}</td>");
                w.Write($"<td>{Status(r.GetCheck(EmailDomainCheck.SmtpTls), r.SmtpTls)}</td>");
                w.Write($"<td class=\"num\">{r.ErrorCount}</td><td class=\"num\">{r.WarningCount}</td>");
                w.Write($"<td class=\"ids\">{E(r.FindingIds).Replace(";", "; ")}</td></tr>\n");
            }
            w.Write("</tbody>\n</table></div>\n</section>\n");

            for (int i = 0; i < reports.Count; i++) WriteDomain(reports[i], Anchor(reports[i], i), w);
            w.Write("</main>\n");
            w.Write("<footer><p>Grades: A everything checked is correct; B protected against spoofing, something recommended missing; C spoofable or broken in one respect; D two or more C problems; F anyone can send as the domain; Unknown SPF or DMARC could not be checked. See Get-Help Test-EmailDomain.</p></footer>\n");
            w.Write($"<script>{Script}</script>\n</body>\n</html>\n");
        }

        private static void WriteDomain(EmailDomainReport r, string id, TextWriter w)
        {
            w.Write($"<section class=\"domain\" id=\"{id}\" data-domain=\"{E(r.Domain)}\" data-search=\"{E(SearchText(r))}\">\n");
            w.Write($"<h2><span class=\"grade g-{r.Grade}\">{r.Grade}</span> {E(r.Domain)}</h2>\n");
            w.Write($"<p class=\"meta\">Checked {E(r.CheckedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))}.</p>\n");
            var reasons = r.GradeReasons ?? Array.Empty<string>();
            if (reasons.Length > 0)
                w.Write("<ul class=\"reasons\">" + string.Concat(reasons.Select(x => $"<li>{E(x)}</li>")) + "</ul>\n");

            w.Write("<div class=\"scroll\"><table class=\"checks\"><thead><tr><th>Check</th><th>Status</th><th>Summary</th><th>Records as published</th></tr></thead><tbody>\n");
            foreach (var c in r.Checks ?? Array.Empty<EmailDomainCheckResult>())
            {
                var records = c.Records ?? Array.Empty<string>();
                w.Write($"<tr data-check=\"{c.Check}\"><th scope=\"row\">{c.Check}</th>");
                w.Write($"<td><span class=\"st st-{c.Status}\">{c.Status}</span>{(c.CheckStatus == null || c.CheckStatus == c.Status.ToString() ? "" : $" <small>{E(c.CheckStatus)}</small>")}</td>");
                w.Write($"<td>{E(c.Summary)}{(c.Message == null ? "" : $"<div class=\"msg\">{E(c.Message)}</div>")}</td>");
                w.Write($"<td>{(records.Length == 0 ? "<span class=\"none\">none</span>" : string.Concat(records.Select(x => $"<code>{E(x)}</code>")))}</td></tr>\n");
            }
            w.Write("</tbody></table></div>\n");

            var findings = r.Findings ?? Array.Empty<EmailDomainFinding>();
            if (findings.Length == 0) w.Write("<p class=\"none\">No findings.</p>\n");
            else
            {
                w.Write("<div class=\"scroll\"><table class=\"findings\"><thead><tr><th>Severity</th><th>Check</th><th>Finding</th><th>Explanation</th><th>Reference</th></tr></thead><tbody>\n");
                foreach (var f in findings.OrderByDescending(f => f.Severity))
                {
                    var meaning = FindingCatalog.Find(f.Id)?.Meaning;
                    w.Write($"<tr data-finding=\"{E(f.Id)}\" class=\"sev-{f.Severity}\"><td><span class=\"sev sev-{f.Severity}\">{f.Severity}</span></td>");
                    w.Write($"<td>{f.Check}</td><td><code>{E(f.Id)}</code>{(f.Count > 1 ? $" <small>×{f.Count}</small>" : "")}</td>");
                    w.Write($"<td>{E(f.Message)}{(meaning == null || meaning == f.Message ? "" : $"<div class=\"meaning\">{E(meaning)}</div>")}</td>");
                    w.Write($"<td>{Reference(f.Reference)}</td></tr>\n");
                }
                w.Write("</tbody></table></div>\n");
            }
            w.Write("<p class=\"top\"><a href=\"#summary\">Back to the summary</a></p>\n</section>\n");
        }

        private static string Status(EmailDomainCheckResult row, string text) =>
            row == null ? "<span class=\"none\">not checked</span>" : $"<span class=\"st st-{row.Status}\">{E(string.IsNullOrEmpty(text) ? row.Status.ToString() : text)}</span>";

        private static string SearchText(EmailDomainReport r) =>
            string.Join(" ", new[] { r.Domain, "grade:" + r.Grade, r.SpfStatus, r.DmarcPolicy, r.DmarcStatus, r.DkimSelectorsFound, r.MtaStsMode, r.Dnssec, r.Listed == true ? "listed" : null, r.Dane, r.SmtpTls }
                .Concat((r.Findings ?? Array.Empty<EmailDomainFinding>()).Select(f => f.Id))).ToLowerInvariant();

        private static string Anchor(EmailDomainReport r, int index) =>
            "d" + index.ToString(CultureInfo.InvariantCulture) + "-" + Regex.Replace(r.Domain ?? "", "[^A-Za-z0-9.-]", "-");

        private static readonly Regex RfcSection = new Regex(@"RFC\s?(\d{3,5})(?:\s+([A-Z]?\d+(?:\.\d+)*))?", RegexOptions.CultureInvariant);

        /// <summary>The reference text with each "RFC n s.s" linked to its section at rfc-editor.org (a link, not a resource the page loads).</summary>
        private static string Reference(string reference)
        {
            if (string.IsNullOrEmpty(reference)) return "";
            var parts = new List<string>();
            int last = 0;
            foreach (Match m in RfcSection.Matches(reference))
            {
                parts.Add(E(reference.Substring(last, m.Index - last)));
                var anchor = m.Groups[2].Success ? (char.IsLetter(m.Groups[2].Value[0]) ? "#appendix-" : "#section-") + m.Groups[2].Value : "";
                parts.Add($"<a href=\"https://www.rfc-editor.org/rfc/rfc{m.Groups[1].Value}{anchor}\">{E(m.Value)}</a>");
                last = m.Index + m.Length;
            }
            parts.Add(E(reference.Substring(last)));
            return string.Concat(parts);
        }

        private static string E(string text) => text == null ? "" : WebUtility.HtmlEncode(text);

        private const string Style = @"
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d5dae0;--bg:#fff;--head:#f3f5f7;--A:#1a7f37;--B:#4d8a1a;--C:#b7791f;--D:#c2571a;--F:#b42318;--U:#6e7781}
*{box-sizing:border-box}
body{margin:0;padding:1rem;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .3rem;display:flex;align-items:center;gap:.5rem;word-break:break-all}
.meta,.none,small{color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4rem 0}
table{border-collapse:collapse;width:100%;min-width:36rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--head);position:sticky;top:0}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:' \25B2'}th[aria-sort=descending] button::after{content:' \25BC'}
td.num{text-align:right}td.ids{font-size:.85em;word-break:break-word}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;display:block;white-space:pre-wrap;word-break:break-all}
td code{display:inline}.checks td code{display:block}
.grade{display:inline-block;min-width:2rem;text-align:center;font-weight:700;color:#fff;border-radius:.3rem;padding:0 .35rem}
.g-A{background:var(--A)}.g-B{background:var(--B)}.g-C{background:var(--C)}.g-D{background:var(--D)}.g-F{background:var(--F)}.g-Unknown{background:var(--U)}
.st{font-weight:600}.st-Pass{color:var(--A)}.st-Warning{color:var(--C)}.st-Fail,.st-Missing{color:var(--F)}.st-TempError,.st-Error,.st-NotRun{color:var(--U)}
.sev{font-weight:600}.sev-Error{color:var(--F)}.sev-Warning{color:var(--C)}.sev-Information{color:var(--muted)}
.meaning,.msg{color:var(--muted);font-size:.9em}
.reasons{margin:.3rem 0 .6rem 1.2rem;padding:0}
.tools input{font:inherit;padding:.3rem .5rem;min-width:16rem;max-width:100%}
.hidden{display:none}
footer{margin-top:2rem;color:var(--muted);font-size:.85em}
@media (max-width:40rem){body{padding:.5rem;font-size:14px}.tools input{min-width:0;width:100%}}
@media print{.tools,.top{display:none}.hidden{display:revert}body{padding:0;font-size:11px}thead th{position:static}section.domain{break-inside:avoid-page}a{color:inherit;text-decoration:none}.scroll{overflow:visible}table{min-width:0}}
";

        // Sorting and filtering without any library. Sets data-ready on <html> when done (the browser test waits for it).
        private const string Script = @"
(function () {
  'use strict';
  var table = document.getElementById('domains');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, index, type) {
    var cell = row.cells[index];
    if (type === 'grade') return Number(cell.getAttribute('data-value'));
    if (type === 'number') return Number(cell.textContent);
    return cell.textContent.trim().toLowerCase();
  }
  headers.forEach(function (th, index) {
    th.querySelector('button').addEventListener('click', function () {
      var type = th.getAttribute('data-type');
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var sorted = rows.slice().sort(function (a, b) {
        var x = key(a, index, type), y = key(b, index, type);
        var c = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? c : -c;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.domain'));
  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var count = 0;
    function matches(el) {
      var text = el.getAttribute('data-search');
      return words.every(function (w) { return text.indexOf(w) >= 0; });
    }
    rows.forEach(function (row) { var ok = matches(row); row.classList.toggle('hidden', !ok); if (ok) count++; });
    sections.forEach(function (s) { s.classList.toggle('hidden', !matches(s)); });
    shown.textContent = words.length ? count + ' of ' + rows.length + ' shown' : '';
  }
  // A link can open the page filtered: report.html#filter=grade:c
  if (location.hash.indexOf('#filter=') === 0) filter.value = decodeURIComponent(location.hash.slice(8));
  filter.addEventListener('input', apply);
  apply();
  document.documentElement.setAttribute('data-ready', String(rows.length));
})();
";
    }
}
