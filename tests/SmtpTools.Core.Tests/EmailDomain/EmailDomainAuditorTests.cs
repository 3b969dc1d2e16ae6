using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.EmailDomain;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.EmailDomain
{
    /// <summary>The engine of Test-EmailDomain on an in-memory zone: the report's parts, failure isolation, the grade rubric.</summary>
    public sealed class EmailDomainAuditorTests
    {
        internal const string DkimKey = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkmDnTwjXlagFLUH0ALlKo4FZcS8tYY8QuE/k1TIpI6sCm+SlaGybi3NsJ6uBgeVuzaF6q1EsQ7ZTePbQFrB2lujW0nnn1KK1P2Qu+pcnhrWtY6Vz6X/diuQEaeytAnhgAgi19y7yz1YJU1k5hzZU/covLeN3Vgay0LyUNEL5rF/p8H2eU9N+/XoYbOOF95DZ/VGhWfelNwZet0f6D6akXUShDrv8Kwb931iSoG3Uc0CXmEOGhYJtOnL7FTmUV2SiTP+oNUAndkI7q3m53LF3T5vQQ3P8cEan2LVGIAMF90Z5TCPXKE51qArh882j0m94cjuSqmTSegeoSto2mfjmLwIDAQAB";

        /// <summary>A domain as grade-good.test publishes it (SPF -all, DMARC p=reject, a DKIM key at selector1), with changes.</summary>
        internal static InMemoryDnsResolver Zone(string domain = "good.example", string spf = "v=spf1 ip4:192.0.2.0/24 -all",
            string dmarc = "v=DMARC1; p=reject; rua=mailto:dmarc@good.example", bool dkim = true, InMemoryDnsResolver zone = null)
        {
            zone ??= new InMemoryDnsResolver();
            zone.AddName(domain);
            if (spf != null) zone.AddTxt(domain, spf);
            if (dmarc != null) zone.AddTxt("_dmarc." + domain, dmarc.Replace("good.example", domain));
            if (dkim) zone.AddTxt("selector1._domainkey." + domain, DkimKey);
            return zone;
        }

        /// <summary>The checks an in-memory zone of SPF, DMARC and DKIM records can answer fully (the transport checks have their own tests).</summary>
        internal static readonly EmailDomainCheck[] RecordChecks = { EmailDomainCheck.Spf, EmailDomainCheck.Dmarc, EmailDomainCheck.Dkim };

        private static Task<EmailDomainReport> Audit(IDnsResolver dns, string domain = "good.example", EmailDomainOptions options = null)
        {
            options ??= new EmailDomainOptions();
            options.Checks ??= RecordChecks;
            return new EmailDomainAuditor(dns, options).AuditAsync(domain, CancellationToken.None);
        }

        [Fact]
        public async Task A_well_configured_domain_has_every_part_and_grade_A()
        {
            var r = await Audit(Zone());
            Assert.Equal("good.example", r.Domain);
            Assert.Equal(EmailDomainGrade.A, r.Grade);
            Assert.Empty(r.GradeReasons);
            Assert.Equal(new[] { EmailDomainCheck.Spf, EmailDomainCheck.Dmarc, EmailDomainCheck.Dkim }, r.Checks.Select(c => c.Check));
            Assert.All(r.Checks, c => Assert.Equal(EmailDomainCheckStatus.Pass, c.Status));
            Assert.Equal("Valid", r.SpfStatus);
            Assert.Equal("reject", r.DmarcPolicy);
            Assert.Equal("Valid", r.DmarcStatus);
            Assert.Equal("selector1", r.DkimSelectorsFound);
            // The full results are the single-check cmdlets' objects.
            Assert.Equal("v=spf1 ip4:192.0.2.0/24 -all", r.Spf.Record);
            Assert.Equal(DmarcDisposition.Reject, r.Dmarc.Policy);
            Assert.Equal("selector1", Assert.Single(r.Dkim).Selector);
            Assert.Equal(new[] { "v=spf1 ip4:192.0.2.0/24 -all" }, r.GetCheck(EmailDomainCheck.Spf).Records);
            Assert.Equal("p=reject", r.GetCheck(EmailDomainCheck.Dmarc).Summary);
        }

        [Fact]
        public async Task Findings_are_flattened_with_their_check()
        {
            var r = await Audit(Zone(spf: "v=spf1 +all", dmarc: "v=DMARC1; p=none"));
            Assert.Contains(r.Findings, f => f.Check == EmailDomainCheck.Spf && f.Id == FindingCatalog.SpfPassAll.Id && f.Severity == FindingSeverity.Error);
            Assert.Contains(r.Findings, f => f.Check == EmailDomainCheck.Dmarc && f.Id == FindingCatalog.DmarcPolicyNone.Id);
            Assert.Equal(r.Spf.Findings.Length + r.Dmarc.Findings.Length + r.Dkim.Sum(d => d.Findings.Length), r.Findings.Length);
            Assert.Equal(r.Findings.Count(f => f.Severity == FindingSeverity.Error), r.ErrorCount);
            Assert.Contains("SpfPassAll", r.FindingIds.Split(';'));
            Assert.Equal(r.Spf.FindingCount, r.GetCheck(EmailDomainCheck.Spf).FindingCount);
        }

        [Fact]
        public async Task A_timeout_in_one_check_is_TempError_for_that_check_only()
        {
            var zone = Zone();
            zone.AddTimeout("selector1._domainkey.good.example");
            var r = await Audit(zone, options: new EmailDomainOptions { DkimSelectors = new[] { "selector1" } });
            Assert.Equal(EmailDomainCheckStatus.TempError, r.GetCheck(EmailDomainCheck.Dkim).Status);
            Assert.Equal(EmailDomainCheckStatus.Pass, r.GetCheck(EmailDomainCheck.Spf).Status);
            Assert.Equal(EmailDomainCheckStatus.Pass, r.GetCheck(EmailDomainCheck.Dmarc).Status);
            Assert.Equal(EmailDomainGrade.B, r.Grade);
            Assert.Contains(r.GradeReasons, x => x.Contains("Dkim could not be checked"));
        }

        [Fact]
        public async Task A_check_that_hangs_past_its_deadline_is_TempError_and_the_report_is_still_written()
        {
            var dns = new HangingResolver(Zone(), hangOn: "_dmarc.good.example");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var r = await Audit(dns, options: new EmailDomainOptions { CheckTimeout = TimeSpan.FromMilliseconds(300) });
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
            var row = r.GetCheck(EmailDomainCheck.Dmarc);
            Assert.Equal(EmailDomainCheckStatus.TempError, row.Status);
            Assert.Contains("did not finish", row.Message);
            Assert.Null(r.Dmarc);
            Assert.Equal(EmailDomainCheckStatus.Pass, r.GetCheck(EmailDomainCheck.Spf).Status);
            Assert.Equal(EmailDomainGrade.Unknown, r.Grade);
        }

        [Fact]
        public async Task Cancellation_by_the_user_is_not_swallowed()
        {
            var dns = new HangingResolver(Zone(), hangOn: "_dmarc.good.example");
            using var cts = new CancellationTokenSource(200);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new EmailDomainAuditor(dns, new EmailDomainOptions { Checks = RecordChecks }).AuditAsync("good.example", cts.Token));
        }

        [Fact]
        public async Task Only_the_selected_checks_run()
        {
            var zone = Zone();
            var r = await Audit(zone, options: new EmailDomainOptions { Checks = new[] { EmailDomainCheck.Dkim, EmailDomainCheck.Spf } });
            Assert.Equal(new[] { EmailDomainCheck.Spf, EmailDomainCheck.Dkim }, r.Checks.Select(c => c.Check));
            Assert.Null(r.Dmarc);
            Assert.Null(r.DmarcStatus);
            Assert.DoesNotContain(zone.Log, q => q.Contains("_dmarc"));
        }

        [Fact]
        public async Task Dkim_probes_the_selectors_Microsoft_365_derives_from_the_domain()
        {
            var zone = Zone(domain: "contoso.onmicrosoft.com", dkim: false);
            zone.AddTxt("selector2-contoso-onmicrosoft-com._domainkey.contoso.onmicrosoft.com", DkimKey);
            var r = await Audit(zone, "contoso.onmicrosoft.com");
            Assert.Equal("selector2-contoso-onmicrosoft-com", r.DkimSelectorsFound);
            Assert.Equal(EmailDomainCheckStatus.Pass, r.GetCheck(EmailDomainCheck.Dkim).Status);
            Assert.Contains(zone.Log, q => q == "TXT selector1-contoso-onmicrosoft-com._domainkey.contoso.onmicrosoft.com");
            Assert.Contains(zone.Log, q => q == "TXT ctct1._domainkey.contoso.onmicrosoft.com");
        }

        [Fact]
        public async Task Every_check_runs_by_default_and_each_has_its_row_and_result()
        {
            var zone = Zone();
            zone.AddMx("good.example", 10, "mx.good.example").AddA("mx.good.example", "192.0.2.10");
            var r = await new EmailDomainAuditor(zone, new EmailDomainOptions { BlocklistZones = new[] { new DnsBlocklistZone("ip.bl.example") } })
                .AuditAsync("good.example", CancellationToken.None);
            Assert.Equal(EmailDomainAuditor.AllChecks, r.Checks.Select(c => c.Check));
            Assert.Equal(1, r.MxCount);
            Assert.Equal("NotFound", r.MtaStsMode);   // no _mta-sts record: nothing fetched
            Assert.Equal("NotFound", r.TlsRpt);
            Assert.Equal("NotFound", r.Bimi);
            Assert.NotNull(r.Mx);
            Assert.NotNull(r.MtaSts);
            Assert.NotNull(r.TlsRptRecord);
            Assert.NotNull(r.BimiRecord);
            Assert.NotNull(r.DnssecStatus);
            Assert.NotNull(r.Blocklist);
            Assert.Contains(zone.Log, q => q == "TXT _smtp._tls.good.example");
            // The blocklist's test points are asked of the given list only.
            Assert.Contains(zone.Log, q => q.EndsWith("2.0.0.127.ip.bl.example"));
            Assert.DoesNotContain(zone.Log, q => q.Contains("spamhaus", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public async Task An_invalid_domain_name_is_an_error_not_a_report()
        {
            var ex = await Assert.ThrowsAsync<Errors.SmtpToolsException>(() => Audit(Zone(), "not a domain"));
            Assert.Equal(ErrorIds.InvalidDomainName, ex.ErrorId);
        }

        public static IEnumerable<object[]> Rubric() => new[]
        {
            // name, spf, dmarc, dkim, expected grade, expected reason fragment
            new object[] { "good", "v=spf1 -all", "v=DMARC1; p=reject; rua=mailto:dmarc@good.example", true, EmailDomainGrade.A, null },
            new object[] { "quarantine", "v=spf1 -all", "v=DMARC1; p=quarantine; rua=mailto:dmarc@good.example", true, EmailDomainGrade.A, null },
            new object[] { "no-dkim", "v=spf1 -all", "v=DMARC1; p=reject; rua=mailto:dmarc@good.example", false, EmailDomainGrade.B, "No DKIM key" },
            new object[] { "no-spf", null, "v=DMARC1; p=reject; rua=mailto:dmarc@good.example", true, EmailDomainGrade.C, "No SPF record" },
            new object[] { "plusall", "v=spf1 +all", "v=DMARC1; p=reject; rua=mailto:dmarc@good.example", true, EmailDomainGrade.C, "+all" },
            new object[] { "permerror", "v=spf1 ip4:192.0.2.300 -all", "v=DMARC1; p=reject; rua=mailto:dmarc@good.example", true, EmailDomainGrade.C, "SPF record is broken" },
            new object[] { "no-dmarc", "v=spf1 -all", null, true, EmailDomainGrade.C, "No DMARC policy" },
            new object[] { "p-none", "v=spf1 -all", "v=DMARC1; p=none", true, EmailDomainGrade.C, "p=none" },
            new object[] { "open", null, null, true, EmailDomainGrade.F, "anyone can send" },
            new object[] { "plusall-none", "v=spf1 +all", "v=DMARC1; p=none", true, EmailDomainGrade.F, "anyone can send" },
        };

        [Theory]
        [MemberData(nameof(Rubric))]
        public async Task The_grade_follows_the_documented_rubric(string name, string spf, string dmarc, bool dkim, EmailDomainGrade grade, string reason)
        {
            var domain = name + ".example";
            var r = await Audit(Zone(domain, spf, dmarc, dkim), domain);
            Assert.Equal(grade, r.Grade);
            if (reason == null) Assert.Empty(r.GradeReasons);
            else Assert.Contains(r.GradeReasons, x => x.Contains(reason));
        }

        [Fact]
        public async Task Spf_or_dmarc_TempError_gives_grade_Unknown()
        {
            var zone = Zone();
            zone.AddFailure("good.example", DnsResponseStatus.ServerFailure);
            var r = await Audit(zone);
            Assert.Equal(EmailDomainCheckStatus.TempError, r.GetCheck(EmailDomainCheck.Spf).Status);
            Assert.Equal(EmailDomainGrade.Unknown, r.Grade);
            Assert.Contains(r.GradeReasons, x => x.StartsWith("Spf could not be checked"));
        }

        /// <summary>Answers from the zone, except that questions for one name never come back (until cancelled).</summary>
        private sealed class HangingResolver : IDnsResolver
        {
            private readonly IDnsResolver _inner;
            private readonly string _hangOn;
            public HangingResolver(IDnsResolver inner, string hangOn) { _inner = inner; _hangOn = hangOn; }
            public long QueriesSent => _inner.QueriesSent;

            private async Task<T> Maybe<T>(string name, Func<Task<T>> answer, CancellationToken ct)
            {
                if (string.Equals(name, _hangOn, StringComparison.OrdinalIgnoreCase)) await Task.Delay(Timeout.Infinite, ct);
                return await answer();
            }

            public Task<DnsAnswer<DnsTxtRecord>> GetTxtAsync(string name, CancellationToken ct) => Maybe(name, () => _inner.GetTxtAsync(name, ct), ct);
            public Task<DnsAnswer<IPAddress>> GetAddressesAsync(string name, AddressFamily family, CancellationToken ct) => Maybe(name, () => _inner.GetAddressesAsync(name, family, ct), ct);
            public Task<DnsAnswer<DnsMxRecord>> GetMxAsync(string name, CancellationToken ct) => Maybe(name, () => _inner.GetMxAsync(name, ct), ct);
            public Task<DnsAnswer<string>> GetPtrAsync(IPAddress address, CancellationToken ct) => _inner.GetPtrAsync(address, ct);
            public Task<DnsAnswer<DnsTlsaRecord>> GetTlsaAsync(string name, CancellationToken ct) => Maybe(name, () => _inner.GetTlsaAsync(name, ct), ct);
            public Task<DnsAnswer<DnsSecurityFacts>> GetSecurityFactsAsync(string name, bool checkingDisabled, CancellationToken ct) => Maybe(name, () => _inner.GetSecurityFactsAsync(name, checkingDisabled, ct), ct);
        }
    }
}
