using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.EmailDomain;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.EmailDomain
{
    /// <summary>
    /// Test-EmailDomain's engine against the grade-*.test zones of the integration Knot (tests/Integration/README.md,
    /// "Test-EmailDomain grading"): each zone differs from grade-good.test in one way, and the report shows it in the
    /// expected check, finding and grade.
    /// </summary>
    public sealed class EmailDomainIntegrationTests
    {
        private static DnsResolver Resolver(string server) => new(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get(server) }),
            Timeout = TimeSpan.FromSeconds(3),
            Retries = 1,
        });

        /// <summary>All checks, through the validating resolver (DNSSEC), with the test blocklist (the built-in lists are never asked from tests).</summary>
        private static EmailDomainAuditor Auditor(DnsResolver dns) =>
            new(dns, new EmailDomainOptions { BlocklistZones = new[] { new DnsBlocklistZone("ip.bl.test") }, HttpsIdleTimeout = TimeSpan.FromSeconds(10) });

        // domain, the check that shows the misconfiguration, its status, a finding it must have, the grade (without -ProbeMx:
        // SmtpTls is NotRun, and DANE judges what DNS shows; see ProbeMxTable for the checks that connect).
        public static IEnumerable<object[]> Table() => new[]
        {
            new object[] { "grade-good.test", null, null, null, EmailDomainGrade.A },
            new object[] { "grade-no-spf.test", EmailDomainCheck.Spf, EmailDomainCheckStatus.Missing, "SpfNoRecord", EmailDomainGrade.C },
            new object[] { "grade-spf-plusall.test", EmailDomainCheck.Spf, EmailDomainCheckStatus.Fail, "SpfPassAll", EmailDomainGrade.C },
            new object[] { "grade-spf-permerror.test", EmailDomainCheck.Spf, EmailDomainCheckStatus.Fail, "SpfSyntaxError", EmailDomainGrade.C },
            new object[] { "grade-no-dmarc.test", EmailDomainCheck.Dmarc, EmailDomainCheckStatus.Missing, "DmarcNoRecord", EmailDomainGrade.C },
            new object[] { "grade-dmarc-none.test", EmailDomainCheck.Dmarc, EmailDomainCheckStatus.Warning, "DmarcPolicyNone", EmailDomainGrade.C },
            new object[] { "grade-no-dkim.test", EmailDomainCheck.Dkim, EmailDomainCheckStatus.Missing, "DkimNoSelectorFound", EmailDomainGrade.B },
            new object[] { "grade-no-mx.test", EmailDomainCheck.Mx, EmailDomainCheckStatus.Warning, "MxImplicit", EmailDomainGrade.B },
            new object[] { "grade-mx-cname.test", EmailDomainCheck.Mx, EmailDomainCheckStatus.Warning, "MxTargetIsCname", EmailDomainGrade.B },
            new object[] { "grade-mtasts-broken.test", EmailDomainCheck.MtaSts, EmailDomainCheckStatus.Fail, "MtaStsPolicyHttpStatus", EmailDomainGrade.C },
            new object[] { "grade-mtasts-testing.test", EmailDomainCheck.MtaSts, EmailDomainCheckStatus.Warning, "MtaStsModeTesting", EmailDomainGrade.B },
            new object[] { "grade-no-tlsrpt.test", EmailDomainCheck.TlsRpt, EmailDomainCheckStatus.Missing, "TlsRptNoRecord", EmailDomainGrade.B },
            new object[] { "grade-unsigned.test", EmailDomainCheck.Dnssec, EmailDomainCheckStatus.Missing, "DnssecUnsigned", EmailDomainGrade.B },
            new object[] { "grade-listed.test", EmailDomainCheck.Blocklist, EmailDomainCheckStatus.Fail, "DnsBlocklistListed", EmailDomainGrade.C },
        };

        [Theory]
        [MemberData(nameof(Table))]
        public async Task Each_misconfiguration_shows_in_its_check_finding_and_grade(string domain, EmailDomainCheck? check, EmailDomainCheckStatus? status, string finding, EmailDomainGrade grade)
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var r = await Auditor(dns).AuditAsync(domain, CancellationToken.None);
            Assert.Equal(domain, r.Domain);
            Assert.Equal(EmailDomainAuditor.AllChecks, r.Checks.Select(c => c.Check));
            Assert.True(grade == r.Grade, $"{domain}: grade {r.Grade}, expected {grade}; reasons: {string.Join(" ", r.GradeReasons)}; findings: {r.FindingIds}");
            // BIMI needs an enforcing DMARC policy, so it fails with DMARC; everything else is as on grade-good.test.
            bool dmarcBroken = check == EmailDomainCheck.Dmarc;
            // The MX hosts of grade-no-mx.test (itself) and grade-listed.test publish no TLSA records: DANE not in use, no grade cap.
            bool noDane = domain == "grade-no-mx.test" || domain == "grade-listed.test";
            Assert.Equal(noDane ? EmailDomainCheckStatus.Missing : EmailDomainCheckStatus.Pass, r.GetCheck(EmailDomainCheck.Dane).Status);
            foreach (var row in r.Checks.Where(c => c.Check != check && c.Check != EmailDomainCheck.SmtpTls && c.Check != EmailDomainCheck.Dane && !(dmarcBroken && c.Check == EmailDomainCheck.Bimi)))
                Assert.True(row.Status == EmailDomainCheckStatus.Pass, $"{domain}: {row.Check} is {row.Status} ({row.CheckStatus}) {row.Message}");
            // Nothing connected to the MX hosts, and the report says so rather than passing them.
            var smtpTls = r.GetCheck(EmailDomainCheck.SmtpTls);
            Assert.Equal((EmailDomainCheckStatus.NotRun, "NotRun"), (smtpTls.Status, r.SmtpTls));
            Assert.Contains("-ProbeMx", smtpTls.Summary);
            Assert.Empty(r.SmtpTlsResults);
            if (check == null)
            {
                Assert.Empty(r.GradeReasons);
                Assert.Equal((2, "enforce", "Valid", "Valid", "Validated", (bool?)false), (r.MxCount.Value, r.MtaStsMode, r.TlsRpt, r.Bimi, r.Dnssec, r.Listed));
                // Validated TLSA records on both MX hosts, and no claim of a match nobody saw.
                Assert.Equal("TlsaValidated", r.Dane);
                Assert.Equal(new[] { "mx1.mail.test", "mx2.mail.test" }, r.DaneResults.Select(d => d.MxHost));
                Assert.All(r.DaneResults, d => Assert.Equal((DaneStatus.NotChecked, true, true), (d.Status, d.TlsaValidated, d.AddressValidated)));
                Assert.All(r.DaneResults, d => Assert.Contains("not matched", d.Detail));
                // mx1 publishes two records; in whatever order the resolver returns them, the report lists them sorted.
                var records = r.GetCheck(EmailDomainCheck.Dane).Records;
                Assert.Equal(3, records.Length);
                Assert.Equal(records.OrderBy(x => x, StringComparer.Ordinal), records);
                return;
            }
            Assert.Equal(status, r.GetCheck(check.Value).Status);
            Assert.Contains(r.Findings, f => f.Check == check && f.Id == finding);
            Assert.NotEmpty(r.GradeReasons);
        }

        private static int Port(string name) => IntegrationServers.GetInt(name);

        /// <summary>-ProbeMx against the test Postfix: its STARTTLS port stands in for port 25 (TLSA records are published for every Postfix port).</summary>
        private static EmailDomainAuditor ProbingAuditor(DnsResolver dns, string port = "SMTPTOOLS_SMTP_SUBMISSION_PORT", params EmailDomainCheck[] checks) =>
            new(dns, new EmailDomainOptions
            {
                BlocklistZones = new[] { new DnsBlocklistZone("ip.bl.test") }, HttpsIdleTimeout = TimeSpan.FromSeconds(10),
                ProbeMx = true, SmtpPort = Port(port), SmtpTimeout = TimeSpan.FromSeconds(10), Checks = checks,
            });

        // domain, the port probed, Dane (flat), SmtpTls (flat), the finding that shows it, the grade.
        public static IEnumerable<object[]> ProbeMxTable() => new[]
        {
            new object[] { "grade-good.test", "SMTPTOOLS_SMTP_SUBMISSION_PORT", "Match", "Passed", null, EmailDomainGrade.A },
            new object[] { "grade-dane-mismatch.test", "SMTPTOOLS_SMTP_SUBMISSION_PORT", "NoMatch", "Passed", "DaneNoMatch", EmailDomainGrade.C },
            // No STARTTLS: DANE senders defer (TlsFailed) and MTA-STS senders do not deliver.
            new object[] { "grade-good.test", "SMTPTOOLS_SMTP_PLAIN_PORT", "TlsFailed", "NoStartTls", "DaneStartTlsNotOffered", EmailDomainGrade.D },
            // STARTTLS accepted, then no TLS: no TLSA records for that port, so DANE is not in use there.
            new object[] { "grade-good.test", "SMTPTOOLS_SMTP_BROKEN_TLS_PORT", "NoTlsa", "TlsFailed", "SmtpTlsHandshakeFailed", EmailDomainGrade.C },
        };

        [Theory]
        [MemberData(nameof(ProbeMxTable))]
        public async Task ProbeMx_matches_DANE_and_checks_STARTTLS_on_every_MX_host(string domain, string port, string dane, string smtpTls, string finding, EmailDomainGrade grade)
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var r = await ProbingAuditor(dns, port).AuditAsync(domain, CancellationToken.None);
            Assert.True((dane, smtpTls, grade) == (r.Dane, r.SmtpTls, r.Grade),
                $"{domain} on {port}: Dane {r.Dane}, SmtpTls {r.SmtpTls}, grade {r.Grade}; reasons: {string.Join(" ", r.GradeReasons)}; findings: {r.FindingIds}");
            // One probe per MX host (the result of Test-SmtpConnection), each MX host judged for DANE.
            Assert.Equal(r.Mx.Hosts.Select(h => h.Name), r.SmtpTlsResults.Select(p => p.SmtpServer));
            Assert.All(r.SmtpTlsResults, p => Assert.Equal(Port(port), p.Port));
            Assert.Equal(r.Mx.Hosts.Select(h => h.Name), r.DaneResults.Select(d => d.MxHost));
            if (finding == null) Assert.Empty(r.GradeReasons);
            else Assert.Contains(r.Findings, f => f.Id == finding);
            if (dane == "Match")
                Assert.All(r.DaneResults, d => Assert.Equal(new[] { "CN=mail.smtptools.test", "CN=SmtpTools Test CA" }, d.PresentedChain));
        }

        [Fact]
        public async Task Without_ProbeMx_a_mismatching_TLSA_record_is_validated_but_never_called_a_match()
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var r = await Auditor(dns).AuditAsync("grade-dane-mismatch.test", CancellationToken.None);
            Assert.Equal(("TlsaValidated", EmailDomainCheckStatus.Pass), (r.Dane, r.GetCheck(EmailDomainCheck.Dane).Status));
            var row = Assert.Single(r.DaneResults);
            Assert.Equal(DaneStatus.NotChecked, row.Status);
            Assert.Null(row.MatchedRecord);
            Assert.Contains("not matched", r.GetCheck(EmailDomainCheck.Dane).Summary);
        }

        [Theory]
        [InlineData("dane-insecure.test", "Unverifiable", EmailDomainCheckStatus.Warning, "DaneUnverifiable")]
        [InlineData("notlsa.dane.test", "NoTlsa", EmailDomainCheckStatus.Missing, null)]
        [InlineData("pkix-only.dane.test", "NoTlsa", EmailDomainCheckStatus.Warning, "DaneNoUsableRecord")]
        [InlineData("dnssec-badanchor.test", "TempError", EmailDomainCheckStatus.TempError, "DaneLookupFailed")]
        public async Task DANE_verdicts_DNS_decides_alone(string domain, string dane, EmailDomainCheckStatus status, string finding)
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var r = await new EmailDomainAuditor(dns, new EmailDomainOptions { Checks = new[] { EmailDomainCheck.Dane } }).AuditAsync(domain, CancellationToken.None);
            Assert.Equal((dane, status), (r.Dane, r.GetCheck(EmailDomainCheck.Dane).Status));
            if (finding == null) Assert.Empty(r.Findings);
            else Assert.Equal(finding, Assert.Single(r.Findings).Id);
        }

        [Fact]
        public async Task Domains_on_the_same_MX_hosts_share_one_probe_per_host()
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var auditor = ProbingAuditor(dns, "SMTPTOOLS_SMTP_SUBMISSION_PORT", EmailDomainCheck.Dane, EmailDomainCheck.SmtpTls);
            var a = await auditor.AuditAsync("grade-good.test", CancellationToken.None);
            var b = await auditor.AuditAsync("grade-no-spf.test", CancellationToken.None);
            Assert.Equal(("Match", "Passed"), (b.Dane, b.SmtpTls));
            Assert.Same(a.SmtpTlsResults[0], b.SmtpTlsResults[0]);
            // The DANE rows are the domain's own.
            Assert.Equal(("grade-good.test", "grade-no-spf.test"), (a.DaneResults[0].Domain, b.DaneResults[0].Domain));
        }

        [Fact]
        public async Task A_bogus_DNSSEC_zone_through_the_validating_resolver_is_TempError_everywhere_and_ungraded()
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var r = await Auditor(dns).AuditAsync("grade-dnssec-bogus.test", CancellationToken.None);
            Assert.Equal(EmailDomainCheckStatus.NotRun, r.GetCheck(EmailDomainCheck.SmtpTls).Status);
            Assert.All(r.Checks.Where(c => c.Check != EmailDomainCheck.Dnssec && c.Check != EmailDomainCheck.SmtpTls), c => Assert.Equal(EmailDomainCheckStatus.TempError, c.Status));
            Assert.Equal(EmailDomainCheckStatus.Fail, r.GetCheck(EmailDomainCheck.Dnssec).Status);
            Assert.Equal("Bogus", r.Dnssec);
            Assert.Equal(EmailDomainGrade.Unknown, r.Grade);

            // The same zone through Knot itself (no validation) answers: the failure is the validation, not the records.
            using var knot = Resolver("SMTPTOOLS_DNS");
            var direct = await new EmailDomainAuditor(knot, new EmailDomainOptions { Checks = EmailDomainAuditorTests.RecordChecks }).AuditAsync("grade-dnssec-bogus.test", CancellationToken.None);
            Assert.Equal(EmailDomainGrade.A, direct.Grade);
        }

        [Fact]
        public async Task Many_domains_share_one_cache()
        {
            using var dns = Resolver("SMTPTOOLS_DNS");
            var auditor = new EmailDomainAuditor(dns, new EmailDomainOptions { BlocklistZones = new[] { new DnsBlocklistZone("ip.bl.test") } });
            await auditor.AuditAsync("grade-good.test", CancellationToken.None);
            var first = dns.QueriesSent;
            await auditor.AuditAsync("grade-good.test", CancellationToken.None);
            Assert.Equal(first, dns.QueriesSent);
        }
    }
}
