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
            Timeout = TimeSpan.FromSeconds(2),
            Retries = 1,
        });

        // domain, the check that shows the misconfiguration, its status, a finding it must have (null: none), the grade.
        public static IEnumerable<object[]> Table() => new[]
        {
            new object[] { "grade-good.test", null, null, null, EmailDomainGrade.A },
            new object[] { "grade-no-spf.test", EmailDomainCheck.Spf, EmailDomainCheckStatus.Missing, "SpfNoRecord", EmailDomainGrade.C },
            new object[] { "grade-spf-plusall.test", EmailDomainCheck.Spf, EmailDomainCheckStatus.Fail, "SpfPassAll", EmailDomainGrade.C },
            new object[] { "grade-spf-permerror.test", EmailDomainCheck.Spf, EmailDomainCheckStatus.Fail, "SpfSyntaxError", EmailDomainGrade.C },
            new object[] { "grade-no-dmarc.test", EmailDomainCheck.Dmarc, EmailDomainCheckStatus.Missing, "DmarcNoRecord", EmailDomainGrade.C },
            new object[] { "grade-dmarc-none.test", EmailDomainCheck.Dmarc, EmailDomainCheckStatus.Warning, "DmarcPolicyNone", EmailDomainGrade.C },
            new object[] { "grade-no-dkim.test", EmailDomainCheck.Dkim, EmailDomainCheckStatus.Missing, "DkimNoSelectorFound", EmailDomainGrade.B },
        };

        [Theory]
        [MemberData(nameof(Table))]
        public async Task Each_misconfiguration_shows_in_its_check_finding_and_grade(string domain, EmailDomainCheck? check, EmailDomainCheckStatus? status, string finding, EmailDomainGrade grade)
        {
            using var dns = Resolver("SMTPTOOLS_DNS");
            var r = await new EmailDomainAuditor(dns).AuditAsync(domain, CancellationToken.None);
            Assert.Equal(domain, r.Domain);
            Assert.True(grade == r.Grade, $"{domain}: grade {r.Grade}, expected {grade}; reasons: {string.Join(" ", r.GradeReasons)}; findings: {r.FindingIds}");
            foreach (var row in r.Checks.Where(c => c.Check != check))
                Assert.True(row.Status == EmailDomainCheckStatus.Pass, $"{domain}: {row.Check} is {row.Status} ({row.CheckStatus})");
            if (check == null) return;
            Assert.Equal(status, r.GetCheck(check.Value).Status);
            Assert.Contains(r.Findings, f => f.Check == check && f.Id == finding);
        }

        [Fact]
        public async Task A_bogus_DNSSEC_zone_through_the_validating_resolver_is_TempError_everywhere_and_ungraded()
        {
            using var dns = Resolver("SMTPTOOLS_RESOLVER");
            var r = await new EmailDomainAuditor(dns).AuditAsync("grade-dnssec-bogus.test", CancellationToken.None);
            Assert.All(r.Checks, c => Assert.Equal(EmailDomainCheckStatus.TempError, c.Status));
            Assert.Equal(EmailDomainGrade.Unknown, r.Grade);

            // The same zone through Knot itself (no validation) is fine: the failure is the validation, not the records.
            using var knot = Resolver("SMTPTOOLS_DNS");
            Assert.Equal(EmailDomainGrade.A, (await new EmailDomainAuditor(knot).AuditAsync("grade-dnssec-bogus.test", CancellationToken.None)).Grade);
        }

        [Fact]
        public async Task Many_domains_share_one_cache()
        {
            using var dns = Resolver("SMTPTOOLS_DNS");
            var auditor = new EmailDomainAuditor(dns);
            await auditor.AuditAsync("grade-good.test", CancellationToken.None);
            var first = dns.QueriesSent;
            await auditor.AuditAsync("grade-good.test", CancellationToken.None);
            Assert.Equal(first, dns.QueriesSent);
        }
    }
}
