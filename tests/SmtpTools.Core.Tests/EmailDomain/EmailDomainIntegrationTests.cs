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

        // domain, the check that shows the misconfiguration, its status, a finding it must have, the grade. (DANE needs -ProbeMx, not here yet.)
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
            foreach (var row in r.Checks.Where(c => c.Check != check && !(dmarcBroken && c.Check == EmailDomainCheck.Bimi)))
                Assert.True(row.Status == EmailDomainCheckStatus.Pass, $"{domain}: {row.Check} is {row.Status} ({row.CheckStatus}) {row.Message}");
            if (check == null)
            {
                Assert.Empty(r.GradeReasons);
                Assert.Equal((2, "enforce", "Valid", "Valid", "Validated", (bool?)false), (r.MxCount.Value, r.MtaStsMode, r.TlsRpt, r.Bimi, r.Dnssec, r.Listed));
                return;
            }
            Assert.Equal(status, r.GetCheck(check.Value).Status);
            Assert.Contains(r.Findings, f => f.Check == check && f.Id == finding);
            Assert.NotEmpty(r.GradeReasons);
        }

        [Fact]
        public async Task A_bogus_DNSSEC_zone_through_the_validating_resolver_is_TempError_everywhere_and_ungraded()
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var r = await Auditor(dns).AuditAsync("grade-dnssec-bogus.test", CancellationToken.None);
            Assert.All(r.Checks.Where(c => c.Check != EmailDomainCheck.Dnssec), c => Assert.Equal(EmailDomainCheckStatus.TempError, c.Status));
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
