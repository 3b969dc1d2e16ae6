using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using SmtpTools.Module.Tests.Infrastructure;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>Import-SmtpTlsReport against the built module and the RFC 8460 samples in tests/testdata/reports.</summary>
    public sealed class ImportSmtpTlsReportTests : ImportTestBase, IClassFixture<PsSession>
    {
        private static readonly string Samples = ImportDmarcReportTests.Samples;
        private static readonly Lazy<JsonElement> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Samples, "expected.json"))).RootElement.GetProperty("files"));

        public ImportSmtpTlsReportTests(PsSession session)
            : base(session, "import-tls-", new Dictionary<string, object> { ["samples"] = Samples }) { }

        [Theory]
        [InlineData("smtp_tls/rfc8460.json")]
        [InlineData("smtp_tls/smtp_tls.json")]
        [InlineData("smtp_tls/google.com_smtp_tls_report.eml")]
        public void EachPolicyIsOneObjectWithTheFailuresNested(string sample)
        {
            var expected = Expected.Value.GetProperty(sample);
            string path = Path.Combine(Samples, sample);
            var r = Run("Import-SmtpTlsReport -LiteralPath $p", new() { ["p"] = path }).ThrowOnError();
            var policies = expected.GetProperty("policies").EnumerateArray().ToList();
            Assert.Equal(policies.Count, r.Output.Count);
            for (int i = 0; i < policies.Count; i++)
            {
                var o = r.Output[i];
                var e = policies[i];
                Assert.Equal("SmtpTools.SmtpTlsPolicyResult", o.TypeNames[0]);
                Assert.Equal(expected.GetProperty("organization_name").GetString(), o.Properties["OrganizationName"].Value);
                Assert.Equal(expected.GetProperty("report_id").GetString(), o.Properties["ReportId"].Value);
                Assert.Equal(DateTime.Parse(expected.GetProperty("begin_utc").GetString()).ToUniversalTime(), (DateTime)o.Properties["Begin"].Value);
                Assert.Equal(e.GetProperty("policy_domain").GetString(), o.Properties["PolicyDomain"].Value);
                Assert.Equal(e.GetProperty("policy_type").GetString().Replace("-", ""), o.Properties["PolicyType"].Value.ToString().ToLowerInvariant());
                Assert.Equal(e.GetProperty("total_successful_session_count").GetInt64(), (long)o.Properties["SuccessfulSessionCount"].Value);
                Assert.Equal(e.GetProperty("total_failure_session_count").GetInt64(), (long)o.Properties["FailedSessionCount"].Value);
                Assert.Equal(path, o.Properties["SourceFile"].Value);
                var details = e.GetProperty("failure_details").EnumerateArray().ToList();
                var nested = ((IEnumerable)o.Properties["FailureDetails"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
                Assert.Equal(details.Count, nested.Count);
                for (int j = 0; j < details.Count; j++)
                {
                    Assert.Equal(details[j].GetProperty("result_type").GetString(), nested[j].Properties["ResultType"].Value);
                    Assert.Equal(details[j].GetProperty("failed_session_count").GetInt64(), (long)nested[j].Properties["FailedSessionCount"].Value);
                    Assert.Equal(details[j].GetProperty("sending_mta_ip").GetString(), nested[j].Properties["SendingMtaIP"].Value);
                }
                // The flat CSV column: the distinct result types.
                Assert.Equal(string.Join(";", details.Select(d => d.GetProperty("result_type").GetString()).Distinct()), o.Properties["FailureResultTypes"].Value);
            }
        }

        [Fact]
        public void AReportWithSeveralPoliciesGivesOneObjectPerPolicyOrOneReportWithAsReport()
        {
            File.WriteAllText(Path.Combine(_dir, "two.json"), TwoPolicyReport("two-1"));
            using (var gz = new GZipStream(File.Create(Path.Combine(_dir, "three.json.gz")), CompressionLevel.Fastest))
                gz.Write(Encoding.UTF8.GetBytes(TwoPolicyReport("three-1")));

            var rows = Run("Import-SmtpTlsReport $dir").ThrowOnError();
            Assert.Equal(new[] { "a.example|Sts|90|10|mx1.a.example", "b.example|Tlsa|5|0|", "a.example|Sts|90|10|mx1.a.example", "b.example|Tlsa|5|0|" },
                rows.Output.Select(o => $"{o.Properties["PolicyDomain"].Value}|{o.Properties["PolicyType"].Value}|{o.Properties["SuccessfulSessionCount"].Value}|{o.Properties["FailedSessionCount"].Value}|{o.Properties["FailedMxHostnames"].Value}"));
            Assert.Equal(new[] { "three-1", "three-1", "two-1", "two-1" }, rows.Output.Select(o => (string)o.Properties["ReportId"].Value));

            var reports = Run("Import-SmtpTlsReport $dir -AsReport").ThrowOnError();
            Assert.Equal(2, reports.Output.Count);
            Assert.All(reports.Output, o => Assert.Equal("SmtpTools.SmtpTlsReport", o.TypeNames[0]));
            Assert.All(reports.Output, o => Assert.Equal(2, ((Array)o.Properties["Policies"].Value).Length));
        }

        [Fact]
        public void ADmarcReportOrBrokenJsonIsAnErrorAndTheNextFileIsRead()
        {
            File.WriteAllText(Path.Combine(_dir, "a-broken.json"), "{\"organization-name\": \"x\", \"policies\": [");
            File.Copy(Path.Combine(Samples, "aggregate", "rfc9990-sample.xml"), Path.Combine(_dir, "b-dmarc.xml"));
            File.Copy(Path.Combine(Samples, "smtp_tls", "rfc8460.json"), Path.Combine(_dir, "c.json"));
            var r = Run("Import-SmtpTlsReport $dir");
            Assert.Equal("Company-X", Assert.Single(r.Output).Properties["OrganizationName"].Value);
            Assert.Equal(new[] { "InputNotWellFormed", "UnexpectedReportKind" }, r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Contains("Import-DmarcReport", r.Errors[1].ToString());
            Assert.All(r.Errors, e => Assert.Equal("SmtpTools.Commands.ImportSmtpTlsReportCommand", e.FullyQualifiedErrorId.Split(',')[1]));
        }

        [Fact]
        public void ProgressCountsPolicyResults() =>
            AssertProgressCompletes("Import-SmtpTlsReport", "Import-SmtpTlsReport ([IO.Path]::Combine($samples, 'smtp_tls'))",
                _ => "3 of 3 file(s) read, 3 policy result(s)");

        private static string TwoPolicyReport(string id) => @"{
  ""organization-name"": ""Reporter Inc."", ""contact-info"": ""tlsrpt@reporter.example"", ""report-id"": """ + id + @""",
  ""date-range"": { ""start-datetime"": ""2026-01-01T00:00:00Z"", ""end-datetime"": ""2026-01-01T23:59:59Z"" },
  ""policies"": [
    { ""policy"": { ""policy-type"": ""sts"", ""policy-string"": [""version: STSv1"", ""mode: enforce""], ""policy-domain"": ""a.example"", ""mx-host"": [""mx1.a.example""] },
      ""summary"": { ""total-successful-session-count"": 90, ""total-failure-session-count"": 10 },
      ""failure-details"": [ { ""result-type"": ""certificate-expired"", ""sending-mta-ip"": ""192.0.2.1"", ""receiving-mx-hostname"": ""mx1.a.example"", ""failed-session-count"": 10 } ] },
    { ""policy"": { ""policy-type"": ""tlsa"", ""policy-string"": [""3 1 1 AABB""], ""policy-domain"": ""b.example"" },
      ""summary"": { ""total-successful-session-count"": 5, ""total-failure-session-count"": 0 } }
  ]
}";
    }
}
