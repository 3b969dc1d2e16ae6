using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Spf
{
    /// <summary>The same engine against a real DNS server: the integration Knot serving tests/Integration/zones/spf.test.zone.</summary>
    public class SpfIntegrationTests
    {
        private static DnsResolver Resolver(string server = null, int timeoutSec = 5) => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { server ?? SpfTestZone.Dns }),
            Timeout = TimeSpan.FromSeconds(timeoutSec),
            Retries = server == null ? 2 : 0,
        });

        private static Task<SpfCheckResult> Check(string ip, string sender, string helo = "client.example", string server = null) =>
            new SpfChecker(Resolver(server)).CheckHostAsync(new SpfCheckRequest { IPAddress = IPAddress.Parse(ip), Sender = sender, HeloDomain = helo }, CancellationToken.None);

        [Theory]
        [InlineData("192.0.2.7", "a@good.spf.test", SpfResult.Pass, "ip4:192.0.2.0/24")]
        [InlineData("198.51.100.20", "a@good.spf.test", SpfResult.Pass, "include:_spf.provider.spf.test")]
        [InlineData("203.0.113.5", "a@good.spf.test", SpfResult.Fail, "-all")]
        [InlineData("2001:db8:100::1", "a@good.spf.test", SpfResult.Pass, "include:_spf.provider.spf.test")]
        [InlineData("::ffff:192.0.2.7", "a@good.spf.test", SpfResult.Pass, "ip4:192.0.2.0/24")]
        [InlineData("198.51.100.20", "a@split.spf.test", SpfResult.Pass, "include:_spf.provider.spf.test")]
        [InlineData("203.0.113.5", "a@redirect.spf.test", SpfResult.SoftFail, "~all")]
        [InlineData("192.0.2.25", "a@mx.spf.test", SpfResult.Pass, "mx")]
        [InlineData("2001:db8::25", "a@mx.spf.test", SpfResult.Pass, "mx")]
        [InlineData("192.0.2.26", "a@mx.spf.test", SpfResult.Fail, "-all")]
        [InlineData("192.0.2.77", "a@macro.spf.test", SpfResult.Pass, "exists:%{i}._ip.spf.test")]
        [InlineData("203.0.113.39", "a@big.spf.test", SpfResult.Pass, "ip4:203.0.113.39")]
        public async Task CheckHostAgainstKnot(string ip, string sender, SpfResult expected, string mechanism)
        {
            var outcome = await Check(ip, sender);
            Assert.Equal(expected, outcome.Result);
            Assert.Equal(mechanism, outcome.MatchedMechanism);
        }

        [Theory]
        [InlineData("a@norecord.spf.test", SpfResult.None)]
        [InlineData("a@multi.spf.test", SpfResult.PermError)]
        [InlineData("a@loop1.spf.test", SpfResult.PermError)]
        [InlineData("a@toomany.spf.test", SpfResult.PermError)]
        [InlineData("a@void.spf.test", SpfResult.PermError)]
        [InlineData("a@syntax.spf.test", SpfResult.PermError)]
        [InlineData("a@includenone.spf.test", SpfResult.PermError)]
        public async Task ErrorsAgainstKnot(string sender, SpfResult expected)
        {
            var outcome = await Check("203.0.113.200", sender);
            Assert.Equal(expected, outcome.Result);
            Assert.False(string.IsNullOrEmpty(outcome.Reason));
        }

        [Fact]
        public async Task ExplanationComesFromTheExpRecord()
        {
            var outcome = await Check("192.0.2.78", "someone@macro.spf.test");
            Assert.Equal(SpfResult.Fail, outcome.Result);
            Assert.Equal("192.0.2.78 may not send mail for macro.spf.test (sender someone@macro.spf.test)", outcome.Explanation);
        }

        [Fact]
        public async Task LookupLimitCountsEveryTerm()
        {
            var outcome = await Check("203.0.113.200", "a@toomany.spf.test");
            Assert.Equal(11, outcome.DnsLookupCount);
            Assert.Contains("more than 10", outcome.Reason);
            var voids = await Check("203.0.113.200", "a@void.spf.test");
            Assert.Equal(3, voids.VoidLookupCount);
        }

        [Fact]
        public async Task TimeoutIsTempError()
        {
            using var silent = new SilentDnsServer();
            var outcome = await new SpfChecker(Resolver(silent.Endpoint, 1)).CheckHostAsync(
                new SpfCheckRequest { IPAddress = IPAddress.Parse("192.0.2.7"), Sender = "a@good.spf.test" }, CancellationToken.None);
            Assert.Equal(SpfResult.TempError, outcome.Result);
            var audit = await new SpfAuditor(Resolver(silent.Endpoint, 1)).AuditAsync("good.spf.test", CancellationToken.None);
            Assert.Equal(SpfRecordStatus.TempError, audit.Status);
            Assert.Contains(audit.Findings, f => f.Id == "SpfLookupFailed");
        }

        [Fact]
        public async Task AuditOfTheZone()
        {
            var resolver = Resolver();
            var auditor = new SpfAuditor(resolver);
            async Task<SpfRecord> A(string name) => await auditor.AuditAsync(name + ".spf.test", CancellationToken.None);

            var good = await A("good");
            Assert.Equal(SpfRecordStatus.Valid, good.Status);
            Assert.Equal(1, good.DnsLookupCount);
            Assert.Equal("_spf.provider.spf.test", good.Includes.Single().Domain);

            var split = await A("split");
            Assert.Equal(new[] { "v=spf1 ip4:192.0.2.10 ", "include:_spf.provider.spf.test -all" }, split.RecordStrings);
            Assert.Equal("v=spf1 ip4:192.0.2.10 include:_spf.provider.spf.test -all", split.Record);

            var big = await A("big"); // the answer is larger than UDP allows: TCP fallback
            Assert.StartsWith("v=spf1 ip4:203.0.113.1 ", big.Record);
            Assert.Contains(big.Findings, f => f.Id == "SpfRecordTooLong");

            Assert.Equal(SpfRecordStatus.NoRecord, (await A("norecord")).Status);
            Assert.Contains((await A("multi")).Findings, f => f.Id == "SpfMultipleRecords");
            Assert.Contains((await A("loop1")).Findings, f => f.Id == "SpfIncludeLoop");
            var toomany = await A("toomany");
            Assert.Equal(12, toomany.DnsLookupCount);
            Assert.Contains(toomany.Findings, f => f.Id == "SpfTooManyDnsLookups" && f.Message.Contains("include:p2.spf.test 4"));
            Assert.Contains((await A("void")).Findings, f => f.Id == "SpfTooManyVoidLookups");
            Assert.Contains((await A("ptr")).Findings, f => f.Id == "SpfPtrDeprecated");
            Assert.Contains((await A("passall")).Findings, f => f.Id == "SpfPassAll");
            Assert.Contains((await A("noall")).Findings, f => f.Id == "SpfMissingAll");
            Assert.Contains((await A("syntax")).Findings, f => f.Id == "SpfSyntaxError" && f.Message.Contains("foo:bar"));
            Assert.Contains((await A("badmacro")).Findings, f => f.Id == "SpfMalformedMacro");
            Assert.Contains((await A("includenone")).Findings, f => f.Id == "SpfIncludeWithoutRecord");
            Assert.Contains((await A("manyaddr")).Findings, f => f.Id == "SpfTooManyAddresses");

            // the shared cache: the provider's record was fetched once for good, split and redirect
            long before = resolver.QueriesSent;
            await A("redirect");
            Assert.Equal(1, resolver.QueriesSent - before);
        }
    }
}
