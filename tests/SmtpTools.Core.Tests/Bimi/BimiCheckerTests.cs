using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Bimi;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Http;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Bimi
{
    /// <summary>The record discovery and DMARC rules of the BIMI checker, DNS only (-NoFetch), with an in-memory zone.</summary>
    public sealed class BimiCheckerTests
    {
        private static Task<BimiRecord> Check(InMemoryDnsResolver dns, string domain, string selector = null)
        {
            var fetcher = new HttpsFetcher(dns, null, null, (a, p, t) => throw new IOException("no network in unit tests"), () => DateTime.UtcNow);
            return new BimiChecker(dns, fetcher, new BimiOptions { FetchFiles = false }).CheckAsync(domain, selector, CancellationToken.None);
        }

        private static string[] Ids(BimiRecord r) => r.Findings.Select(f => f.Id).ToArray();
        private const string Record = "v=BIMI1; l=https://images.example.com/logo.svg; a=https://images.example.com/vmc.pem";

        [Fact]
        public async Task RecordOfTheOrganizationalDomainApplies()
        {
            var dns = new InMemoryDnsResolver().AddTxt("default._bimi.example.com", Record).AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");
            var r = await Check(dns, "news.example.com");
            Assert.Equal(BimiStatus.RecordOnly, r.Status);
            Assert.Equal("example.com", r.RecordDomain);
            Assert.Equal(new[] { "BimiRecordInherited" }, Ids(r));
            Assert.Equal("example.com", r.DmarcPolicyDomain);
            Assert.True(r.DmarcEnforced);
        }

        [Fact]
        public async Task OwnDeclinationWinsOverTheOrganizationalRecord()
        {
            var dns = new InMemoryDnsResolver().AddTxt("default._bimi.example.com", Record).AddTxt("default._bimi.news.example.com", "v=BIMI1; l=; a=;")
                .AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");
            var r = await Check(dns, "news.example.com");
            Assert.Equal(BimiStatus.Declined, r.Status);
            Assert.Equal("news.example.com", r.RecordDomain);
            Assert.Null(r.DmarcEnforced);
        }

        [Theory]
        [InlineData("v=DMARC1; p=reject; sp=none", "has sp=none")]
        [InlineData("v=DMARC1; p=none; sp=reject", "example.com has p=none")]
        [InlineData("v=DMARC1; p=quarantine; pct=99", "quarantines only pct=99")]
        public async Task OrganizationalPolicyMustBeEnforcedToo(string orgRecord, string reason)
        {
            var dns = new InMemoryDnsResolver().AddTxt("default._bimi.news.example.com", Record)
                .AddTxt("_dmarc.news.example.com", "v=DMARC1; p=reject").AddTxt("_dmarc.example.com", orgRecord);
            var r = await Check(dns, "news.example.com");
            Assert.Equal(BimiStatus.DmarcNotEnforced, r.Status);
            Assert.Equal("reject", r.DmarcPolicy);
            Assert.Contains(reason, r.Findings.Single(f => f.Id == "BimiDmarcNotEnforced").Message);
        }

        [Fact]
        public async Task InheritedSubdomainPolicyIsTheOneThatCounts()
        {
            var dns = new InMemoryDnsResolver().AddTxt("default._bimi.news.example.com", Record).AddTxt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
            var r = await Check(dns, "news.example.com");
            Assert.True(r.DmarcEnforced);
            Assert.Equal("quarantine", r.DmarcPolicy);
        }

        [Fact]
        public async Task RejectBelow100PercentStillEnforces()
        {
            // BIMI draft 8.1 asks pct=100 of quarantine only: the rest of a partial reject is quarantined.
            var dns = new InMemoryDnsResolver().AddTxt("default._bimi.example.com", Record).AddTxt("_dmarc.example.com", "v=DMARC1; p=reject; pct=50");
            var r = await Check(dns, "example.com");
            Assert.True(r.DmarcEnforced);
            Assert.Equal("reject (pct=50)", r.DmarcPolicy);
        }

        [Fact]
        public async Task DmarcTimeoutIsTempError()
        {
            var dns = new InMemoryDnsResolver().AddTxt("default._bimi.example.com", Record).AddTimeout("_dmarc.example.com");
            var r = await Check(dns, "example.com");
            Assert.Equal(BimiStatus.TempError, r.Status);
            Assert.Equal(new[] { "BimiDmarcTempError" }, Ids(r));
            Assert.Null(r.DmarcEnforced);
        }

        [Fact]
        public async Task SelectorIsValidatedAndLowerCased()
        {
            var dns = new InMemoryDnsResolver().AddTxt("brand._bimi.example.com", Record).AddTxt("_dmarc.example.com", "v=DMARC1; p=reject");
            var r = await Check(dns, "example.com", "Brand");
            Assert.Equal("brand", r.Selector);
            Assert.Equal(BimiStatus.RecordOnly, r.Status);
            var e = await Assert.ThrowsAsync<SmtpToolsException>(() => Check(dns, "example.com", "bad selector"));
            Assert.Equal(ErrorIds.InvalidBimiSelector, e.ErrorId);
            Assert.Contains("is not a BIMI selector: it contains a space", e.Message);
        }
    }
}
