using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Blocklists;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Tests.Support;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Blocklists
{
    /// <summary>
    /// Test-DnsBlocklist's engine against the test lists of tests/Integration/zones/bl.test.zone through the validating
    /// unbound (README "Test-DnsBlocklist"). Only these loopback lists are ever asked: the built-in lists appear in tests as
    /// data only.
    /// </summary>
    public class DnsBlocklistIntegrationTests
    {
        internal static readonly DnsBlocklistZone IpList = new DnsBlocklistZone
        {
            Name = "ip.bl.test",
            ReturnCodes = new Hashtable { ["127.0.0.2"] = "spam source", ["127.0.0.3"] = "snowshoe spam", ["127.0.0.4"] = "exploited host", ["127.0.0.10"] = "dynamic or end-user range" },
        };

        internal static readonly DnsBlocklistZone DomainList = new DnsBlocklistZone
        {
            Name = "dbl.bl.test",
            ReturnCodes = new Hashtable { ["127.0.1.2"] = "spam domain", ["127.0.1.4"] = "phishing domain", ["127.0.1.5"] = "malware domain" },
        };

        private static DnsResolver Resolver(int cacheSize = 10000) => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get("SMTPTOOLS_RESOLVER") }),
            Timeout = TimeSpan.FromSeconds(3),
            Retries = 1,
            CacheSize = cacheSize,
        });

        private static DnsBlocklistChecker Checker(IDnsResolver resolver, bool includeMx = false, RecordingSink sink = null, params DnsBlocklistZone[] zones) =>
            new DnsBlocklistChecker(resolver, new DnsBlocklistOptions { Zones = zones.Length == 0 ? new[] { IpList, DomainList } : zones, IncludeMx = includeMx }, sink);

        private static async Task<DnsBlocklistResult> Address(string ip, params DnsBlocklistZone[] zones)
        {
            using var resolver = Resolver();
            return await Checker(resolver, zones: zones).CheckAddressAsync(ip, CancellationToken.None);
        }

        private static async Task<DnsBlocklistResult> Domain(string domain, params DnsBlocklistZone[] zones)
        {
            using var resolver = Resolver();
            return (await Checker(resolver, zones: zones).CheckDomainAsync(domain, CancellationToken.None)).Single();
        }

        [Fact]
        public async Task A_subject_no_list_asked_can_list_is_NotChecked_with_a_finding_not_NotListed()
        {
            // The IPv6 and IPv4 addresses against the domain list only, the domain against the IP list only.
            foreach (var r in new[] { await Address("2001:db8::66", DomainList), await Address("192.0.2.66", DomainList), await Domain("spam-domain.test", IpList) })
            {
                Assert.Equal(DnsBlocklistStatus.NotChecked, r.Status);
                Assert.False(r.IsListed);
                var f = Assert.Single(r.Findings);
                Assert.True(f.Is(FindingCatalog.DnsBlocklistNotApplicable), f.Id);
                Assert.Contains("was not checked", f.Message);
            }
        }

        [Theory]
        [InlineData("192.0.2.66", "127.0.0.2", "spam source")]
        [InlineData("192.0.2.67", "127.0.0.4", "exploited host")]
        [InlineData("192.0.2.68", "127.0.0.4|127.0.0.10", "exploited host|dynamic or end-user range")]
        [InlineData("198.18.0.1", "127.0.0.3", "snowshoe spam")]
        [InlineData("2001:db8::66", "127.0.0.2", "spam source")]
        [InlineData("::ffff:192.0.2.66", "127.0.0.2", "spam source")] // an IPv4-mapped address is the IPv4 address
        public async Task A_listed_address_is_listed_with_the_reason_of_each_code(string ip, string codes, string reasons)
        {
            var result = await Address(ip);
            Assert.Equal((DnsBlocklistStatus.Listed, true, "ip.bl.test", 1), (result.Status, result.IsListed, result.ListedOn, result.ListedCount));
            var listing = Assert.Single(result.Listings); // the domain list is not asked about an address
            Assert.Equal(codes.Split('|').OrderBy(x => x), listing.ReturnCodes.OrderBy(x => x));
            Assert.Equal(reasons.Split('|').OrderBy(x => x), listing.Reasons.OrderBy(x => x));
            Assert.Equal("DnsBlocklistListed", Assert.Single(result.Findings).Id);
            Assert.Equal(1, result.ErrorCount);
        }

        [Fact]
        public async Task The_txt_record_of_a_listing_is_its_text()
        {
            var result = await Address("192.0.2.66");
            Assert.Equal("192.0.2.66 sent spam, see https://bl.test/lookup?ip=192.0.2.66", result.Listings.Single().Text);
            Assert.Equal("66.2.0.192.ip.bl.test", result.Listings.Single().QueryName);
            Assert.Contains("the list says: 192.0.2.66 sent spam", result.Findings.Single().Message);
            Assert.Equal("ip.bl.test: spam source", result.Reasons);
        }

        [Theory]
        [InlineData("192.0.2.1")]
        [InlineData("2001:db8::1")]
        public async Task An_address_the_list_does_not_hold_is_not_listed(string ip)
        {
            var result = await Address(ip);
            Assert.Equal((DnsBlocklistStatus.NotListed, false, 1), (result.Status, result.IsListed, result.CheckedCount));
            Assert.Empty(result.Findings);
        }

        [Fact]
        public async Task An_answer_outside_127_8_is_not_a_listing()
        {
            var result = await Address("198.18.0.2");
            Assert.Equal(DnsBlocklistStatus.NotListed, result.Status);
            var finding = Assert.Single(result.Findings);
            Assert.Equal("DnsBlocklistAnswerIgnored", finding.Id);
            Assert.Contains("198.18.0.2", finding.Message);
        }

        [Fact]
        public async Task An_error_code_for_one_address_is_a_refused_query_never_a_listing()
        {
            var result = await Address("198.18.0.3");
            Assert.False(result.IsListed);
            Assert.Equal(DnsBlocklistStatus.Unknown, result.Status);
            var listing = result.Listings.Single();
            Assert.Equal(DnsBlocklistListStatus.QueryRefused, listing.Status);
            Assert.Contains("query refused by the list (public or open resolver?)", listing.Detail);
            Assert.Contains("127.255.255.254 = query via a public or open resolver", listing.Detail);
            Assert.Equal("DnsBlocklistQueryRefused", result.Findings.Single().Id);
        }

        [Theory]
        [InlineData("spam-domain.test", "127.0.1.2", "spam domain", "spam-domain.test is a spam domain")]
        [InlineData("phish-domain.test", "127.0.1.4", "phishing domain", null)]
        [InlineData("malware-domain.test", "127.0.1.5", "malware domain", null)]
        public async Task A_listed_domain_is_listed_with_its_reason(string domain, string code, string reason, string text)
        {
            var result = await Domain(domain);
            Assert.Equal((DnsBlocklistStatus.Listed, "dbl.bl.test"), (result.Status, result.ListedOn));
            var listing = Assert.Single(result.Listings); // the IP list is not asked about a domain
            Assert.Equal((code, reason, text), (listing.ReturnCodes.Single(), listing.Reasons.Single(), listing.Text));
            Assert.Equal(DnsBlocklistType.Domain, result.SubjectType);
        }

        [Fact]
        public async Task A_clean_domain_is_not_listed_and_a_refused_one_is_unknown()
        {
            Assert.Equal(DnsBlocklistStatus.NotListed, (await Domain("clean-domain.test")).Status);
            var refused = await Domain("refused-domain.test");
            Assert.Equal((DnsBlocklistStatus.Unknown, DnsBlocklistListStatus.QueryRefused), (refused.Status, refused.Listings.Single().Status));
        }

        [Theory]
        [InlineData("rewrite.bl.test", DnsBlocklistListStatus.ListUnusable, "198.18.255.1, outside 127.0.0.0/8: a resolver that rewrites NXDOMAIN")]
        [InlineData("listall.bl.test", DnsBlocklistListStatus.ListUnusable, "which no list may list: it answers \"listed\" for everything")]
        [InlineData("dead.bl.test", DnsBlocklistListStatus.ListUnusable, "is not listed (NXDOMAIN): a dead list, a mistyped name")]
        [InlineData("refused.bl.test", DnsBlocklistListStatus.QueryRefused, "127.255.255.254 = query via a public or open resolver")]
        [InlineData("ratelimited.bl.test", DnsBlocklistListStatus.QueryRefused, "127.255.255.255 = too many queries")]
        [InlineData("typo.bl.test", DnsBlocklistListStatus.QueryRefused, "127.255.255.252 = typing error in the list name")]
        public async Task A_list_that_fails_its_test_points_is_reported_and_never_lists_anything(string zone, DnsBlocklistListStatus status, string detail)
        {
            using var resolver = Resolver();
            var sink = new RecordingSink();
            var checker = Checker(resolver, sink: sink, zones: new DnsBlocklistZone(zone));
            // The listed address and domain of the working lists: an unusable list must not "list" them either.
            var results = new[] { await checker.CheckAddressAsync("192.0.2.66", CancellationToken.None), await checker.CheckAddressAsync("192.0.2.1", CancellationToken.None) }
                .Concat(await checker.CheckDomainAsync("spam-domain.test", CancellationToken.None));
            foreach (var result in results)
            {
                Assert.False(result.IsListed, zone);
                Assert.Equal(DnsBlocklistStatus.Unknown, result.Status);
                var listing = result.Listings.Single();
                Assert.Equal(status, listing.Status);
                Assert.Contains(detail, listing.Detail);
                Assert.Null(listing.QueryName); // the subject itself was never asked
                Assert.Equal(status == DnsBlocklistListStatus.QueryRefused ? "DnsBlocklistQueryRefused" : "DnsBlocklistUnusable", result.Findings.Single().Id);
            }
            Assert.Contains(detail, Assert.Single(sink.Warnings)); // warned once per run, not per subject
        }

        [Fact]
        public async Task The_kind_of_a_list_comes_from_its_test_points()
        {
            var asIp = new DnsBlocklistZone("ip.bl.test");
            var asDomain = new DnsBlocklistZone("dbl.bl.test");
            var address = await Address("192.0.2.66", asIp, asDomain);
            Assert.Equal(new[] { "ip.bl.test" }, address.Listings.Select(l => l.Zone));
            Assert.Equal("listed (127.0.0.2)", address.Listings.Single().Reasons.Single()); // no codes given: the code itself
            var domain = await Domain("spam-domain.test", asIp, asDomain);
            Assert.Equal(new[] { "dbl.bl.test" }, domain.Listings.Select(l => l.Zone));
        }

        [Fact]
        public async Task Only_domain_lists_for_an_address_means_not_checked()
        {
            var result = await Address("192.0.2.66", DomainList);
            Assert.Equal(DnsBlocklistStatus.NotChecked, result.Status);
            Assert.Empty(result.Listings);
            Assert.Contains("IPv4 addresses", Assert.Single(result.Findings).Message);
        }

        [Fact]
        public async Task Include_mx_checks_the_domain_and_each_mx_address_in_preference_order()
        {
            using var resolver = Resolver();
            var results = await Checker(resolver, includeMx: true).CheckDomainAsync("listedmx.mx.test", CancellationToken.None);
            Assert.Equal(new[] { "listedmx.mx.test", "192.0.2.66", "192.0.2.11", "2001:db8::11" }, results.Select(r => r.Subject));
            Assert.All(results, r => Assert.Equal("listedmx.mx.test", r.Input));
            Assert.Equal(new string[] { null, "MX mx.listedmx.mx.test", "MX mx1.multi.mx.test", "MX mx1.multi.mx.test" }, results.Select(r => r.Source));
            Assert.Equal(new[] { DnsBlocklistStatus.NotListed, DnsBlocklistStatus.Listed, DnsBlocklistStatus.NotListed, DnsBlocklistStatus.NotListed }, results.Select(r => r.Status));
        }

        [Fact]
        public async Task Include_mx_of_a_domain_without_mx_checks_its_own_address()
        {
            using var resolver = Resolver();
            var results = await Checker(resolver, includeMx: true).CheckDomainAsync("implicit.mx.test", CancellationToken.None);
            Assert.Equal(new[] { "implicit.mx.test", "192.0.2.30" }, results.Select(r => r.Subject));
            Assert.Equal("implicit MX implicit.mx.test", results[1].Source);
        }

        [Fact]
        public async Task The_test_points_are_asked_once_per_list_per_run()
        {
            using var resolver = Resolver(cacheSize: 0); // no cache: every question the engine makes is sent
            var checker = Checker(resolver, zones: IpList);
            await Task.WhenAll(Enumerable.Range(1, 20).Select(i => checker.CheckAddressAsync("192.0.2." + (100 + i), CancellationToken.None)));
            await checker.CheckAddressAsync("192.0.2.1", CancellationToken.None);
            Assert.Equal(2 + 21, resolver.QueriesSent); // 127.0.0.2 and 127.0.0.1, then one question per address
        }

        [Fact]
        public async Task An_address_given_as_a_domain_is_checked_as_an_address()
        {
            using var resolver = Resolver();
            var result = (await Checker(resolver).CheckDomainAsync("192.0.2.66", CancellationToken.None)).Single();
            Assert.Equal((DnsBlocklistType.IPAddress, DnsBlocklistStatus.Listed), (result.SubjectType, result.Status));
        }
    }
}
