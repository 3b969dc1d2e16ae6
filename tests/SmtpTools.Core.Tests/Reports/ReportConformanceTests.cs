using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;
using SmtpTools.Core.Reports;
using Xunit;

namespace SmtpTools.Core.Tests.Reports
{
    /// <summary>
    /// testdata/reports (parsedmarc's samples, Apache-2.0): every file its own test, named by its path, checked against
    /// expected.json. Invalid files must fail with an error that names the problem, never with an empty result.
    /// </summary>
    public class ReportConformanceTests
    {
        internal static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "testdata", "reports");

        private static readonly Lazy<Dictionary<string, JsonElement>> Expected = new(() =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
            return doc.RootElement.GetProperty("files").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        });

        public static TheoryData<string> Files
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var name in Expected.Value.Keys.OrderBy(k => k, StringComparer.Ordinal)) data.Add(name);
                return data;
            }
        }

        [Fact]
        public void Every_sample_file_has_a_case_and_no_case_disappears()
        {
            Assert.Equal(21, Expected.Value.Count);
            var onDisk = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/'))
                .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".txt", StringComparison.Ordinal) && f != "expected.json")
                .OrderBy(f => f, StringComparer.Ordinal);
            Assert.Equal(Expected.Value.Keys.OrderBy(k => k, StringComparer.Ordinal), onDisk);
        }

        private static async Task<(CollectingReceiver Receiver, SmtpToolsException Error)> Import(string name, ReportImportOptions options = null)
        {
            var receiver = new CollectingReceiver();
            try
            {
                await new ReportImporter(options).ImportFileAsync(Path.Combine(Folder, name), receiver, CancellationToken.None);
                return (receiver, null);
            }
            catch (SmtpToolsException e)
            {
                return (receiver, e);
            }
        }

        [Theory]
        [MemberData(nameof(Files))]
        public async Task Sample_imports_as_expected(string name)
        {
            var expected = Expected.Value[name];
            var (receiver, error) = await Import(name);
            if (expected.GetProperty("invalid").GetBoolean())
            {
                Assert.NotNull(error);
                Assert.Contains(error.ErrorId, new[] { ErrorIds.InputEmpty, ErrorIds.InputNotWellFormed });
                Assert.Empty(receiver.Aggregates);
                return;
            }
            Assert.Null(error);
            switch (expected.GetProperty("type").GetString())
            {
                case "aggregate": CheckAggregate(expected, receiver, name); break;
                case "failure": CheckFailure(expected, Assert.Single(receiver.Failures), name); break;
                case "smtp_tls": CheckTls(expected, Assert.Single(receiver.TlsReports), name); break;
                default: throw new InvalidDataException("unknown type in expected.json for " + name);
            }
        }

        private static string Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;

        private static DateTime Utc(JsonElement e, string name) =>
            DateTime.Parse(e.GetProperty(name).GetString(), null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

        private static string Lower(object value) => value?.ToString().ToLowerInvariant();

        private static void CheckAggregate(JsonElement expected, CollectingReceiver receiver, string name)
        {
            var report = Assert.Single(receiver.Aggregates);
            Assert.Equal(Path.Combine(Folder, name), report.SourceFile);
            Assert.Equal(expected.GetProperty("format").GetString(), report.Format == DmarcReportFormat.Rfc9990 ? "rfc9990" : "rfc7489");
            Assert.Equal(Str(expected, "version"), report.Version);
            Assert.Equal(Str(expected, "report_id"), report.ReportId);
            Assert.Equal(Str(expected, "org_name"), report.OrgName);
            Assert.Equal(Str(expected, "org_email"), report.ReportEmail);
            Assert.Equal(Str(expected, "extra_contact_info"), report.ExtraContactInfo);
            Assert.Equal(Str(expected, "generator"), report.Generator);
            Assert.Equal(expected.GetProperty("errors").EnumerateArray().Select(e => e.GetString()), report.Errors);
            Assert.Equal(Utc(expected, "begin_utc"), report.Begin);
            Assert.Equal(DateTimeKind.Utc, report.Begin.Kind);
            Assert.Equal(Utc(expected, "end_utc"), report.End);

            var policy = expected.GetProperty("policy_published");
            Assert.Equal(Str(policy, "domain"), report.PolicyDomain);
            Assert.Equal(Str(policy, "p"), Lower(report.Policy));
            Assert.Equal(Str(policy, "sp"), Lower(report.SubdomainPolicy));
            Assert.Equal(Str(policy, "np"), Lower(report.NonexistentSubdomainPolicy));
            Assert.Equal(Str(policy, "pct"), report.Percentage?.ToString());
            Assert.Equal(Str(policy, "adkim"), report.DkimAlignment == null ? null : report.DkimAlignment == DmarcAlignmentMode.Strict ? "s" : "r");
            Assert.Equal(Str(policy, "aspf"), report.SpfAlignment == null ? null : report.SpfAlignment == DmarcAlignmentMode.Strict ? "s" : "r");
            Assert.Equal(Str(policy, "fo"), report.FailureOptions);
            Assert.Equal(Str(policy, "testing"), report.Testing == null ? null : report.Testing.Value ? "y" : "n");
            Assert.Equal(Str(policy, "discovery_method"), report.DiscoveryMethod);

            Assert.Equal(expected.GetProperty("record_count").GetInt32(), report.RowCount);
            Assert.Equal(expected.GetProperty("message_count").GetInt64(), report.MessageCount);
            Assert.Equal(report.RowCount, receiver.Rows.Count);
            Assert.Equal(report.MessageCount, receiver.Rows.Sum(r => r.Count));
            Assert.Equal(expected.GetProperty("distinct_source_ips").GetInt32(), receiver.Rows.Select(r => r.SourceIP).Distinct().Count());
            var totals = expected.GetProperty("totals");
            foreach (var d in totals.GetProperty("by_disposition").EnumerateObject())
                Assert.Equal(d.Value.GetInt64(), receiver.Rows.Where(r => Lower(r.Disposition) == d.Name).Sum(r => r.Count));

            var records = expected.TryGetProperty("records", out var all) ? all.EnumerateArray().ToList() : null;
            if (records == null)
            {
                var head = expected.GetProperty("records_head").EnumerateArray().ToList();
                var tail = expected.GetProperty("records_tail").EnumerateArray().ToList();
                for (int i = 0; i < head.Count; i++) CheckRow(head[i], receiver.Rows[i]);
                for (int i = 0; i < tail.Count; i++) CheckRow(tail[i], receiver.Rows[receiver.Rows.Count - tail.Count + i]);
            }
            else
            {
                Assert.Equal(records.Count, receiver.Rows.Count);
                for (int i = 0; i < records.Count; i++) CheckRow(records[i], receiver.Rows[i]);
            }
            foreach (var row in receiver.Rows)
            {
                Assert.Equal(report.OrgName, row.OrgName);
                Assert.Equal(report.ReportEmail, row.ReportEmail);
                Assert.Equal(report.End, row.End);
                Assert.Equal(report.Policy, row.Policy);
                Assert.Equal(report.SourceFile, row.SourceFile);
                Assert.Equal(report.ReportId, row.ReportId);
                Assert.Equal(report.PolicyDomain, row.PolicyDomain);
                Assert.Equal(report.Begin, row.Begin);
            }
        }

        private static void CheckRow(JsonElement expected, DmarcReportRow row)
        {
            Assert.Equal(Str(expected, "source_ip"), row.SourceIP);
            Assert.Equal(expected.GetProperty("count").GetInt64(), row.Count);
            Assert.Equal(Str(expected, "disposition"), Lower(row.Disposition));
            Assert.Equal(Str(expected, "dkim"), Lower(row.DkimResult));
            Assert.Equal(Str(expected, "spf"), Lower(row.SpfResult));
            Assert.Equal(Str(expected, "dkim") == "pass" || Str(expected, "spf") == "pass", row.DmarcPass);
            Assert.Equal(Str(expected, "header_from"), row.HeaderFrom);
            Assert.Equal(NullIfEmpty(Str(expected, "envelope_from")), row.EnvelopeFrom);
            Assert.Equal(NullIfEmpty(Str(expected, "envelope_to")), row.EnvelopeTo);
            var reasons = expected.GetProperty("reasons").EnumerateArray().ToList();
            Assert.Equal(reasons.Select(r => Str(r, "type") ?? ""), row.OverrideReasons.Select(r => r.Type));
            Assert.Equal(reasons.Select(r => NullIfEmpty(Str(r, "comment"))), row.OverrideReasons.Select(r => r.Comment));
            var dkim = expected.GetProperty("auth_dkim").EnumerateArray().ToList();
            Assert.Equal(dkim.Select(d => Str(d, "domain")), row.DkimAuth.Select(d => d.Domain));
            Assert.Equal(dkim.Select(d => NullIfEmpty(Str(d, "selector"))), row.DkimAuth.Select(d => d.Selector));
            Assert.Equal(dkim.Select(d => Str(d, "result")), row.DkimAuth.Select(d => Lower(d.Result)));
            Assert.Equal(string.Join(";", dkim.Select(d => Str(d, "domain"))), row.DkimDomains);
            var spf = expected.GetProperty("auth_spf").EnumerateArray().ToList();
            Assert.Equal(spf.Select(s => Str(s, "domain")), row.SpfAuth.Select(s => s.Domain));
            Assert.Equal(spf.Select(s => NullIfEmpty(Str(s, "scope"))), row.SpfAuth.Select(s => s.Scope));
            Assert.Equal(spf.Select(s => Str(s, "result")), row.SpfAuth.Select(s => Lower(s.Result)));
            Assert.Equal(string.Join(";", spf.Select(s => Str(s, "result"))), row.SpfAuthResults);
        }

        private static string NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;

        private static void CheckFailure(JsonElement expected, DmarcFailureReport report, string name)
        {
            Assert.Equal(Str(expected, "feedback_type"), report.FeedbackType);
            Assert.Equal(Str(expected, "user_agent"), report.UserAgent);
            Assert.Equal(Str(expected, "version"), report.Version);
            Assert.Equal(Str(expected, "original_mail_from"), report.OriginalMailFrom);
            Assert.Equal(expected.GetProperty("original_rcpt_to").EnumerateArray().Select(e => e.GetString()), report.OriginalRcptTo);
            Assert.Equal(Utc(expected, "arrival_date_utc"), report.ArrivalDate);
            Assert.Equal(Str(expected, "source_ip"), report.SourceIP);
            Assert.Equal(Str(expected, "reported_domain"), report.ReportedDomain);
            Assert.Equal(expected.GetProperty("authentication_results").EnumerateArray().Select(e => e.GetString()), report.AuthenticationResults);
            Assert.Equal(Str(expected, "auth_failure"), report.AuthFailure);
            Assert.Equal(Str(expected, "delivery_result"), report.DeliveryResult);
            Assert.Equal(Str(expected, "dkim_domain"), report.DkimDomain);
            Assert.Equal(Str(expected, "identity_alignment"), report.IdentityAlignment);
            Assert.Equal(Str(expected, "original_envelope_id"), report.OriginalEnvelopeId);
            var mail = expected.GetProperty("report_email");
            Assert.Equal(Str(mail, "from_address"), report.ReportEmail);
            Assert.Equal(Utc(mail, "date_utc"), report.ReportDate);
            var original = expected.GetProperty("original_message");
            Assert.Equal(Str(original, "from_address"), report.OriginalFrom);
            Assert.Equal(original.GetProperty("to_addresses").EnumerateArray().Select(e => e.GetString()), report.OriginalTo);
            Assert.Equal(Str(original, "subject"), report.OriginalSubject);
            Assert.Equal(Str(original, "message_id"), report.OriginalMessageId);
            Assert.Equal(Utc(original, "date_utc"), report.OriginalDate);
            Assert.Equal(Path.Combine(Folder, name), report.SourceFile);
        }

        private static void CheckTls(JsonElement expected, SmtpTlsReport report, string name)
        {
            Assert.Equal(Str(expected, "organization_name"), report.OrganizationName);
            Assert.Equal(Str(expected, "contact_info"), report.ContactInfo);
            Assert.Equal(Str(expected, "report_id"), report.ReportId);
            Assert.Equal(Utc(expected, "begin_utc"), report.Begin);
            Assert.Equal(Utc(expected, "end_utc"), report.End);
            var policies = expected.GetProperty("policies").EnumerateArray().ToList();
            Assert.Equal(expected.GetProperty("policy_count").GetInt32(), report.Policies.Length);
            Assert.Equal(expected.GetProperty("total_successful_session_count").GetInt64(), report.Policies.Sum(p => p.SuccessfulSessionCount));
            Assert.Equal(expected.GetProperty("total_failure_session_count").GetInt64(), report.Policies.Sum(p => p.FailedSessionCount));
            for (int i = 0; i < policies.Count; i++)
            {
                var e = policies[i];
                var p = report.Policies[i];
                Assert.Equal(report.ReportId, p.ReportId);
                Assert.Equal(report.OrganizationName, p.OrganizationName);
                Assert.Equal(report.Begin, p.Begin);
                Assert.Equal(report.End, p.End);
                Assert.Equal(report.SourceFile, p.SourceFile);
                Assert.Equal(Str(e, "policy_type"), p.PolicyType switch { SmtpTlsPolicyType.Sts => "sts", SmtpTlsPolicyType.Tlsa => "tlsa", SmtpTlsPolicyType.NoPolicyFound => "no-policy-found", _ => null });
                Assert.Equal(Str(e, "policy_domain"), p.PolicyDomain);
                Assert.Equal(e.GetProperty("policy_string").ValueKind == JsonValueKind.Array ? e.GetProperty("policy_string").EnumerateArray().Select(s => s.GetString()) : Array.Empty<string>(), p.PolicyString);
                Assert.Equal(Str(e, "mx_host"), p.MxHost);
                Assert.Equal(e.GetProperty("total_successful_session_count").GetInt64(), p.SuccessfulSessionCount);
                Assert.Equal(e.GetProperty("total_failure_session_count").GetInt64(), p.FailedSessionCount);
                var details = e.GetProperty("failure_details").EnumerateArray().ToList();
                Assert.Equal(details.Count, p.FailureDetails.Length);
                for (int j = 0; j < details.Count; j++)
                {
                    var d = details[j];
                    var a = p.FailureDetails[j];
                    Assert.Equal(Str(d, "result_type"), a.ResultType);
                    Assert.Equal(Str(d, "sending_mta_ip"), a.SendingMtaIP);
                    Assert.Equal(Str(d, "receiving_mx_hostname"), a.ReceivingMxHostname);
                    Assert.Equal(Str(d, "receiving_mx_helo"), a.ReceivingMxHelo);
                    Assert.Equal(Str(d, "receiving_ip"), a.ReceivingIP);
                    Assert.Equal(d.GetProperty("failed_session_count").GetInt64(), a.FailedSessionCount);
                    Assert.Equal(Str(d, "failure_reason_code"), a.FailureReasonCode);
                    Assert.Equal(Str(d, "additional_information"), a.AdditionalInformation);
                }
                Assert.Equal(e.GetProperty("failure_details_session_sum").GetInt64(), p.FailureDetails.Sum(d => d.FailedSessionCount));
            }
            Assert.Equal(Path.Combine(Folder, name), report.SourceFile);
        }

        [Fact]
        public async Task Crlf_and_lf_copies_of_a_failure_report_give_identical_values()
        {
            var lf = Assert.Single((await Import("failure/dmarc_ruf_report_linkedin.eml")).Receiver.Failures);
            var crlf = Assert.Single((await Import("failure/dmarc_ruf_report_linkedin.crlf.eml")).Receiver.Failures);
            foreach (var property in typeof(DmarcFailureReport).GetProperties().Where(p => p.Name != nameof(DmarcFailureReport.SourceFile)))
            {
                var a = property.GetValue(lf);
                var b = property.GetValue(crlf);
                if (a is string[] x) Assert.Equal(x, (string[])b);
                else Assert.Equal(a, b);
            }
        }

        [Fact]
        public async Task A_tls_report_given_to_the_dmarc_import_is_an_error_that_names_the_right_command()
        {
            var (receiver, error) = await Import("smtp_tls/rfc8460.json", new ReportImportOptions { Kinds = ReportKinds.Dmarc });
            Assert.Equal(ErrorIds.UnexpectedReportKind, error?.ErrorId);
            Assert.Contains("Import-SmtpTlsReport", error.Message);
            Assert.Empty(receiver.TlsReports);
        }
    }
}
