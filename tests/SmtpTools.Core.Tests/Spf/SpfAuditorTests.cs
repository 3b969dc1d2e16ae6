using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Spf
{
    public class SpfAuditorTests
    {
        private static Task<SpfRecord> Audit(InMemoryDnsResolver dns, string domain) => new SpfAuditor(dns).AuditAsync(domain, CancellationToken.None);

        private static void AssertFinding(SpfRecord audit, string id, FindingSeverity severity, string reference, params string[] messageParts)
        {
            var f = audit.Findings.FirstOrDefault(x => x.Id == id);
            Assert.True(f != null, $"no {id} among: {string.Join(" | ", audit.Findings)}");
            Assert.Equal(severity, f.Severity);
            Assert.Equal(reference, f.Reference);
            foreach (var part in messageParts) Assert.Contains(part, f.Message);
        }

        [Fact]
        public async Task CleanRecordWithIncludeIsValidAndCountsTheTree()
        {
            var dns = new InMemoryDnsResolver()
                .AddTxt("example.test", "v=spf1 ip4:192.0.2.0/24 include:_spf.provider.test mx -all")
                .AddTxt("_spf.provider.test", "v=spf1 ip4:198.51.100.0/24 a:relay.provider.test ~all")
                .AddA("relay.provider.test", "198.51.100.9")
                .AddMx("example.test", 10, "mail.example.test").AddA("mail.example.test", "192.0.2.25");
            var a = await Audit(dns, "Example.TEST.");
            Assert.Equal("example.test", a.Domain);
            Assert.Equal(SpfRecordStatus.Valid, a.Status);
            Assert.True(a.IsValid);
            Assert.Empty(a.Findings);
            Assert.Equal("-", a.AllQualifier);
            Assert.Equal(3, a.DnsLookupCount); // include (1) + a inside (1) + mx (1)
            Assert.Equal(new[] { 0, 2, 1, 0 }, a.Mechanisms.Select(m => m.DnsLookups));
            var include = Assert.Single(a.Includes);
            Assert.Equal("_spf.provider.test", include.Domain);
            Assert.Equal("include", include.IncludedVia);
            Assert.Equal("~", include.AllQualifier);
            Assert.Equal(1, include.DnsLookupCount);
        }

        [Fact]
        public async Task NoRecordIsAFindingNotAnError()
        {
            var a = await Audit(new InMemoryDnsResolver().AddA("nospf.test", "192.0.2.1").AddTxt("nospf.test", "hello"), "nospf.test");
            Assert.Equal(SpfRecordStatus.NoRecord, a.Status);
            Assert.Null(a.Record);
            Assert.False(a.IsValid);
            AssertFinding(a, "SpfNoRecord", FindingSeverity.Warning, "RFC 7208 4.5");
        }

        [Fact]
        public async Task TimeoutIsTempErrorNeverNoRecord()
        {
            var a = await Audit(new InMemoryDnsResolver().AddTimeout("slow.test"), "slow.test");
            Assert.Equal(SpfRecordStatus.TempError, a.Status);
            Assert.DoesNotContain(a.Findings, f => f.Id == "SpfNoRecord");
            AssertFinding(a, "SpfLookupFailed", FindingSeverity.Error, "RFC 7208 4.4", "slow.test");

            var nested = await Audit(new InMemoryDnsResolver().AddTxt("a.test", "v=spf1 include:b.test -all").AddFailure("b.test", DnsResponseStatus.ServerFailure), "a.test");
            Assert.Equal(SpfRecordStatus.TempError, nested.Status);
            Assert.DoesNotContain(nested.Findings, f => f.Id == "SpfIncludeWithoutRecord");
        }

        [Fact]
        public async Task MultipleRecordsArePermError()
        {
            var a = await Audit(new InMemoryDnsResolver().AddTxt("m.test", "v=spf1 -all").AddTxt("m.test", "v=spf1 +all").AddTxt("m.test", "other"), "m.test");
            Assert.Equal(SpfRecordStatus.Invalid, a.Status);
            Assert.False(a.IsValid);
            Assert.Equal(2, a.Records.Length);
            AssertFinding(a, "SpfMultipleRecords", FindingSeverity.Error, "RFC 7208 4.5", "2 SPF records");
        }

        [Fact]
        public async Task SyntaxAndMacroErrorsNameTheTerm()
        {
            var a = await Audit(new InMemoryDnsResolver().AddTxt("s.test", "v=spf1 ip4:192.0.2.300 exists:%{q}.s.test -all"), "s.test");
            AssertFinding(a, "SpfSyntaxError", FindingSeverity.Error, "RFC 7208 4.6.1", "ip4:192.0.2.300");
            AssertFinding(a, "SpfMalformedMacro", FindingSeverity.Error, "RFC 7208 7.1", "exists:%{q}.s.test");
            Assert.False(a.IsValid);
        }

        [Fact]
        public async Task TooManyLookupsSaysWhatEachIncludeCosts()
        {
            var dns = new InMemoryDnsResolver().AddTxt("big.test", "v=spf1 include:p1.test include:p2.test include:p3.test -all");
            foreach (var p in new[] { "p1.test", "p2.test", "p3.test" })
                dns.AddTxt(p, "v=spf1 a mx include:leaf.test -all").AddA(p, "192.0.2.1").AddMx(p, 10, "mx." + p).AddA("mx." + p, "192.0.2.2");
            dns.AddTxt("leaf.test", "v=spf1 ip4:192.0.2.9 -all");
            var a = await Audit(dns, "big.test");
            Assert.Equal(12, a.DnsLookupCount);
            AssertFinding(a, "SpfTooManyDnsLookups", FindingSeverity.Error, "RFC 7208 4.6.4", "12 DNS lookups", "include:p1.test 4", "include:p3.test 4");
            Assert.False(a.IsValid);
            Assert.Equal(SpfRecordStatus.Invalid, a.Status);
            // leaf.test is included three times: audited once, counted every time
            Assert.Same(a.Includes[0].Includes[0], a.Includes[1].Includes[0]);
        }

        [Fact]
        public async Task VoidLookupsAreCounted()
        {
            var a = await Audit(new InMemoryDnsResolver().AddTxt("v.test", "v=spf1 a:nx1.v.test mx:nx2.v.test a:nx3.v.test -all"), "v.test");
            Assert.Equal(3, a.VoidLookupCount);
            AssertFinding(a, "SpfTooManyVoidLookups", FindingSeverity.Error, "RFC 7208 4.6.4");
        }

        [Fact]
        public async Task LoopsAreDetected()
        {
            var dns = new InMemoryDnsResolver().AddTxt("l1.test", "v=spf1 include:l2.test -all").AddTxt("l2.test", "v=spf1 redirect=l1.test");
            var a = await Audit(dns, "l1.test");
            AssertFinding(a, "SpfIncludeLoop", FindingSeverity.Error, "RFC 7208 4.6.4", "l1.test -> l2.test -> l1.test");
            Assert.Equal("redirect", Assert.Single(a.Includes).Modifiers.Single().Name);
            Assert.False(a.IsValid);
        }

        [Fact]
        public async Task IncludeOfDomainWithoutSpfIsPermError()
        {
            var a = await Audit(new InMemoryDnsResolver().AddTxt("i.test", "v=spf1 include:none.test -all").AddA("none.test", "192.0.2.1"), "i.test");
            AssertFinding(a, "SpfIncludeWithoutRecord", FindingSeverity.Error, "RFC 7208 5.2", "none.test");
            Assert.False(a.IsValid);
        }

        [Theory]
        [InlineData("v=spf1 +all", "SpfPassAll", FindingSeverity.Error, "RFC 7208 5.1")]
        [InlineData("v=spf1 ip4:192.0.2.1 ?all", "SpfNeutralAll", FindingSeverity.Warning, "RFC 7208 5.1")]
        [InlineData("v=spf1 ip4:192.0.2.1", "SpfMissingAll", FindingSeverity.Warning, "RFC 7208 4.7")]
        [InlineData("v=spf1 ptr -all", "SpfPtrDeprecated", FindingSeverity.Warning, "RFC 7208 5.5")]
        [InlineData("v=spf1 -all redirect=x.test", "SpfRedirectIgnored", FindingSeverity.Warning, "RFC 7208 6.1")]
        public async Task PolicyFindings(string record, string id, FindingSeverity severity, string reference)
        {
            var a = await Audit(new InMemoryDnsResolver().AddTxt("f.test", record), "f.test");
            AssertFinding(a, id, severity, reference);
        }

        [Fact]
        public async Task RedirectChainEndingInAllIsNotMissingAll()
        {
            var dns = new InMemoryDnsResolver().AddTxt("r.test", "v=spf1 ip4:192.0.2.1 redirect=target.test").AddTxt("target.test", "v=spf1 -all");
            var a = await Audit(dns, "r.test");
            Assert.Empty(a.Findings);
            Assert.Equal(1, a.DnsLookupCount);
            Assert.Equal(1, a.Modifiers.Single().DnsLookups);
        }

        [Fact]
        public async Task TargetReachedByIncludeAndRedirectKeepsEachEdgeKind()
        {
            var dns = new InMemoryDnsResolver().AddTxt("both.test", "v=spf1 include:p.test redirect=p.test").AddTxt("p.test", "v=spf1 ip4:192.0.2.1 ?all");
            var a = await Audit(dns, "both.test");
            Assert.Equal(new[] { "include", "redirect" }, a.Includes.Select(i => i.IncludedVia));
            Assert.All(a.Includes, i => Assert.Equal("p.test", i.Domain));
            // the policy ends in p.test's ?all through the redirect
            AssertFinding(a, "SpfNeutralAll", FindingSeverity.Warning, "RFC 7208 5.1");
            Assert.Equal(2, a.DnsLookupCount);
        }

        [Fact]
        public async Task SizeLimitsAndManyAddresses()
        {
            string longRecord = "v=spf1 " + string.Join(" ", Enumerable.Range(1, 40).Select(i => $"ip4:203.0.113.{i}")) + " a:pool.test -all";
            var dns = new InMemoryDnsResolver().AddTxt("z.test", longRecord.Substring(0, 300), longRecord.Substring(300));
            for (int i = 0; i < 12; i++) dns.AddA("pool.test", $"192.0.2.{i + 1}");
            var a = await Audit(dns, "z.test");
            AssertFinding(a, "SpfRecordTooLong", FindingSeverity.Warning, "RFC 7208 3.4");
            AssertFinding(a, "SpfStringTooLong", FindingSeverity.Error, "RFC 7208 3.3", "string 1");
            AssertFinding(a, "SpfTooManyAddresses", FindingSeverity.Warning, "RFC 7208 4.6.4", "pool.test has 12 addresses");
            Assert.Equal(2, a.RecordStrings.Length);
            Assert.Equal(longRecord, a.Record);
        }

        [Fact]
        public async Task MoreThanTenMxRecords()
        {
            var dns = new InMemoryDnsResolver().AddTxt("mx.test", "v=spf1 mx -all");
            for (int i = 0; i < 11; i++) dns.AddMx("mx.test", i, $"m{i}.mx.test").AddA($"m{i}.mx.test", $"192.0.2.{i + 1}");
            var a = await Audit(dns, "mx.test");
            AssertFinding(a, "SpfTooManyMxRecords", FindingSeverity.Error, "RFC 7208 4.6.4", "11 MX records");
            Assert.False(a.IsValid);
        }

        [Fact]
        public async Task MacroTargetsAreNotFollowedButDomainMacrosAre()
        {
            var dns = new InMemoryDnsResolver().AddTxt("m.test", "v=spf1 include:%{l}.users.m.test include:_spf.%{d} -all").AddTxt("_spf.m.test", "v=spf1 -all");
            var a = await Audit(dns, "m.test");
            AssertFinding(a, "SpfMacroNotFollowed", FindingSeverity.Information, "RFC 7208 7", "%{l}.users.m.test");
            Assert.Equal("_spf.m.test", Assert.Single(a.Includes).Domain);
            Assert.True(a.IsValid);
        }

        [Fact]
        public async Task CancellationStopsTheAudit()
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new SpfAuditor(new InMemoryDnsResolver()).AuditAsync("x.test", cts.Token));
        }
    }
}
