using System;
using System.Collections;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Blocklists;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Blocklists
{
    /// <summary>
    /// The blocklist definitions and how answers are read, as data (the built-in lists are never asked from tests), and
    /// the engine against a scripted server for what the real one cannot stage.
    /// </summary>
    public sealed class DnsBlocklistTests : IDisposable
    {
        private readonly FakeDnsServer _dns = new FakeDnsServer();

        public void Dispose() => _dns.Dispose();

        private static BlocklistZone Zone(DnsBlocklistZone definition) => BlocklistZone.From(new[] { definition }).Single();

        private static BlocklistAnswer Read(DnsBlocklistZone definition, params string[] answers) =>
            BlocklistAnswer.Read(Zone(definition), answers.Select(IPAddress.Parse));

        [Fact]
        public void The_default_lists_are_three_ip_lists_and_two_domain_lists_with_documented_codes()
        {
            var lists = DnsBlocklistZone.Default;
            Assert.Equal(new[] { "zen.spamhaus.org", "bl.spamcop.net", "psbl.surriel.com", "dbl.spamhaus.org", "multi.surbl.org" }, lists.Select(l => l.Name));
            Assert.Equal(new[] { DnsBlocklistType.IPAddress, DnsBlocklistType.IPAddress, DnsBlocklistType.IPAddress, DnsBlocklistType.Domain, DnsBlocklistType.Domain }, lists.Select(l => l.Type));
            Assert.All(lists, l => Assert.NotEmpty(l.ReturnCodes));
            Assert.NotSame(DnsBlocklistZone.Default[0], DnsBlocklistZone.Default[0]); // a copy each time: changing one changes nothing else
        }

        [Theory]
        [InlineData("zen.spamhaus.org", "zen.spamhaus.org")]
        [InlineData("ZEN.Spamhaus.org.", "zen.spamhaus.org")]
        [InlineData("0123456789abcdef.zen.dq.spamhaus.net", "zen.spamhaus.org")]
        [InlineData("0123456789abcdef.dbl.dq.spamhaus.net", "dbl.spamhaus.org")]
        [InlineData("bl.example.net", null)]
        public void A_plain_name_of_a_built_in_list_gets_its_definition(string name, string known)
        {
            Assert.Equal(known, DnsBlocklistZone.FindDefault(name)?.Name);
        }

        [Theory]
        [InlineData("127.0.0.2", "spam source (Spamhaus SBL)")]
        [InlineData("127.0.0.10", "end-user address range that should not send mail directly (Spamhaus PBL, listed by the ISP)")]
        [InlineData("127.0.0.77", "listed (127.0.0.77)")]
        public void Zen_codes_are_named_and_unknown_codes_shown_as_they_are(string code, string reason)
        {
            var answer = Read(new DnsBlocklistZone("zen.spamhaus.org"), code);
            Assert.True(answer.IsListed);
            Assert.Equal(reason, answer.Reasons.Single());
        }

        [Theory]
        [InlineData("127.255.255.254", "query via a public or open resolver")]
        [InlineData("127.255.255.255", "too many queries from this resolver")]
        [InlineData("127.255.255.252", "typing error in the list name")]
        [InlineData("127.255.255.1", "an error code of the list")]
        public void The_127_255_255_codes_are_refusals_on_every_list(string code, string meaning)
        {
            foreach (var list in new[] { new DnsBlocklistZone("zen.spamhaus.org"), new DnsBlocklistZone("bl.example.net") })
            {
                var answer = Read(list, code, "127.0.0.2");
                Assert.False(answer.IsListed);
                Assert.Equal((code, meaning), answer.Refusals.Single());
            }
        }

        [Fact]
        public void A_lists_own_error_codes_are_refusals_there_only()
        {
            Assert.Equal(("127.0.1.255", "IP address queries are not allowed (a domain list)"), Read(new DnsBlocklistZone("dbl.spamhaus.org"), "127.0.1.255").Refusals.Single());
            Assert.True(Read(new DnsBlocklistZone("bl.example.net"), "127.0.1.255").IsListed);
            Assert.True(Read(new DnsBlocklistZone("multi.surbl.org"), "127.0.0.1").IsRefused);
        }

        [Fact]
        public void A_bitmask_list_names_every_bit()
        {
            var answer = Read(new DnsBlocklistZone("multi.surbl.org"), "127.0.0.88"); // 8 + 16 + 64
            Assert.Equal(new[] { "phishing (SURBL PH)", "malware (SURBL MW)", "spam and abuse (SURBL ABUSE)" }, answer.Reasons);
            Assert.Equal(new[] { "listed (bit 2 of 127.0.0.2)" }, Read(new DnsBlocklistZone("multi.surbl.org"), "127.0.0.2").Reasons);
        }

        [Fact]
        public void Only_127_8_counts()
        {
            var answer = Read(new DnsBlocklistZone("bl.example.net"), "198.18.255.1", "10.0.0.2");
            Assert.False(answer.IsListed);
            Assert.Equal(new[] { "198.18.255.1", "10.0.0.2" }, answer.Outside);
        }

        [Theory]
        [InlineData("192.0.2.66", "66.2.0.192.bl.test")]
        [InlineData("2001:db8::66", "6.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test")]
        public void Addresses_are_asked_reversed(string ip, string name)
        {
            Assert.Equal(name, BlocklistAnswer.QueryName(IPAddress.Parse(ip), "bl.test"));
        }

        [Fact]
        public void A_users_codes_replace_the_built_in_ones_and_a_bad_definition_is_refused()
        {
            var own = Zone(new DnsBlocklistZone { Name = "zen.spamhaus.org", ReturnCodes = new Hashtable { ["127.0.0.2"] = "ours" } });
            Assert.Equal("ours", own.Codes.Single().Value);
            foreach (var bad in new[] { new DnsBlocklistZone("not a zone"), new DnsBlocklistZone { Name = "bl.test", ReturnCodes = new Hashtable { ["10.0.0.2"] = "x" } } })
            {
                var ex = Assert.Throws<SmtpToolsException>(() => BlocklistZone.From(new[] { bad }));
                Assert.Equal(("InvalidDnsBlocklistZone", FailureKind.InvalidArgument), (ex.ErrorId, ex.Kind));
                Assert.NotNull(ex.Hint);
            }
        }

        [Theory]
        [InlineData("1.2")]
        [InlineData("example.test")]
        [InlineData("192.0.2.300")]
        [InlineData("")]
        public async Task Input_that_is_not_an_address_is_refused_before_any_question(string input)
        {
            var checker = new DnsBlocklistChecker(Resolver(), new DnsBlocklistOptions { Zones = new[] { new DnsBlocklistZone("bl.fake.test") } });
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => checker.CheckAddressAsync(input, CancellationToken.None));
            Assert.Equal("InvalidIPAddress", ex.ErrorId);
            Assert.Empty(_dns.Log);
        }

        private DnsResolver Resolver() => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { _dns.Endpoint }), Timeout = TimeSpan.FromSeconds(0.5), Retries = 0, CacheSize = 0,
        });

        [Fact]
        public async Task A_test_point_that_times_out_makes_that_answer_TempError_and_is_asked_again_for_the_next_subject()
        {
            _dns.AddA("2.0.0.127.bl.fake.test", "127.0.0.2").AddA("9.2.0.192.bl.fake.test", "127.0.0.2");
            bool healed = false;
            _dns.Script = (name, type, before) => name == "2.0.0.127.bl.fake.test" && !Volatile.Read(ref healed) ? DnsFault.Silence : DnsFault.Answer;
            using var resolver = Resolver();
            var checker = new DnsBlocklistChecker(resolver, new DnsBlocklistOptions { Zones = new[] { new DnsBlocklistZone { Name = "bl.fake.test", Type = DnsBlocklistType.IPAddress } } });
            var first = await checker.CheckAddressAsync("192.0.2.9", CancellationToken.None);
            Assert.Equal(DnsBlocklistStatus.TempError, first.Status);
            Assert.Equal("DnsBlocklistLookupFailed", first.Findings.Single().Id);
            Volatile.Write(ref healed, true);
            var second = await checker.CheckAddressAsync("192.0.2.9", CancellationToken.None);
            Assert.Equal(DnsBlocklistStatus.Listed, second.Status);
        }

        [Fact]
        public async Task A_failed_question_about_the_subject_is_TempError_not_not_listed()
        {
            _dns.AddA("2.0.0.127.bl.fake.test", "127.0.0.2");
            _dns.Script = (name, type, before) => name.StartsWith("9.2.0.192", StringComparison.Ordinal) ? DnsFault.ServFail : DnsFault.Answer;
            using var resolver = Resolver();
            var checker = new DnsBlocklistChecker(resolver, new DnsBlocklistOptions { Zones = new[] { new DnsBlocklistZone("bl.fake.test") } });
            var result = await checker.CheckAddressAsync("192.0.2.9", CancellationToken.None);
            Assert.Equal((DnsBlocklistStatus.TempError, DnsBlocklistListStatus.TempError), (result.Status, result.Listings.Single().Status));
            Assert.Contains("SERVFAIL", result.Listings.Single().Detail);
        }
    }
}
