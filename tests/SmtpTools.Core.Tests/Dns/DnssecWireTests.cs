using System;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dns
{
    /// <summary>
    /// The resolver's DNSSEC bits on the wire, against tests/Shared/FakeDnsServer (which parses our queries with its own
    /// code and answers as a validating resolver would): AD in every query, DO and CD only where asked, the AD bit and
    /// RRSIGs of replies read, TLSA records parsed.
    /// </summary>
    public sealed class DnssecWireTests : IDisposable
    {
        private readonly FakeDnsServer _dns = new FakeDnsServer();
        private readonly DnsResolver _resolver;
        private static readonly DateTime Expires = new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc);

        public DnssecWireTests()
        {
            _dns.AddSoa("secure.fake.test").AddTxt("secure.fake.test", "v=spf1 -all").AddA("www.secure.fake.test", "198.18.0.1")
                .AddCname("alias.secure.fake.test", "www.plain.fake.test")
                .AddSoa("plain.fake.test").AddA("www.plain.fake.test", "198.18.0.2")
                .AddSoa("bogus.fake.test").AddA("bogus.fake.test", "198.18.0.3")
                .AddTlsa("_25._tcp.mx.secure.fake.test", 3, 1, 1, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
                .AddTlsa("_25._tcp.mx.secure.fake.test", 2, 0, 2, "ff00");
            _dns.Sign("secure.fake.test", expires: Expires).Sign("bogus.fake.test", secure: false, bogus: true);
            _resolver = new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { _dns.Endpoint }), Timeout = TimeSpan.FromSeconds(2), Retries = 0 });
        }

        public void Dispose()
        {
            _resolver.Dispose();
            _dns.Dispose();
        }

        private (bool Ad, bool Cd, bool Do) FlagsOf(string question) =>
            _dns.FlagLog.Where(f => f.Question == question).Select(f => (f.Ad, f.Cd, f.Do)).Single();

        [Fact]
        public async Task Every_query_asks_for_the_AD_bit_but_only_TLSA_and_the_DNSSEC_probe_set_DO_and_only_the_probe_without_validation_sets_CD()
        {
            await _resolver.GetTxtAsync("secure.fake.test", CancellationToken.None);
            await _resolver.GetTlsaAsync("_25._tcp.mx.secure.fake.test", CancellationToken.None);
            await _resolver.GetSecurityFactsAsync("plain.fake.test", false, CancellationToken.None);
            await _resolver.GetSecurityFactsAsync("bogus.fake.test", true, CancellationToken.None);

            Assert.Equal((true, false, false), FlagsOf("TXT secure.fake.test"));
            Assert.Equal((true, false, true), FlagsOf("TLSA _25._tcp.mx.secure.fake.test"));
            Assert.Equal((true, false, true), FlagsOf("SOA plain.fake.test"));
            Assert.Equal((true, true, true), FlagsOf("SOA bogus.fake.test"));
        }

        [Fact]
        public async Task The_AD_bit_is_read()
        {
            Assert.True((await _resolver.GetTxtAsync("secure.fake.test", CancellationToken.None)).Authenticated);
            Assert.True((await _resolver.GetAddressesAsync("www.secure.fake.test", AddressFamily.InterNetwork, CancellationToken.None)).Authenticated);
            Assert.False((await _resolver.GetAddressesAsync("www.plain.fake.test", AddressFamily.InterNetwork, CancellationToken.None)).Authenticated);
        }

        [Theory]
        [InlineData("alias.secure.fake.test", "www.plain.fake.test", false)]  // validated alias, unsigned target
        [InlineData("alias.plain.fake.test", "www.secure.fake.test", false)]  // unsigned alias, validated target
        [InlineData("alias2.secure.fake.test", "www.secure.fake.test", true)]
        public async Task A_chain_the_resolver_follows_itself_is_authenticated_only_when_every_answer_was(string alias, string target, bool authenticated)
        {
            _dns.AddCname("alias.plain.fake.test", "www.secure.fake.test").AddCname("alias2.secure.fake.test", "www.secure.fake.test");
            _dns.Script = (name, type, before) => name.StartsWith("alias", StringComparison.Ordinal) ? DnsFault.CnameOnly : DnsFault.Answer;
            var chain = await _resolver.GetAddressesAsync(alias, AddressFamily.InterNetwork, CancellationToken.None);
            Assert.Equal(new[] { target }, chain.Aliases);
            Assert.Single(chain.Records);
            Assert.Equal(authenticated, chain.Authenticated);
            Assert.Equal(1, _dns.Count("A", target)); // the resolver asked for the target itself
        }

        [Fact]
        public async Task Tlsa_records_are_read_as_published()
        {
            var answer = await _resolver.GetTlsaAsync("_25._tcp.mx.secure.fake.test", CancellationToken.None);
            Assert.True(answer.Authenticated);
            Assert.Equal(new[] { "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "2 0 2 ff00" }, answer.Records.Select(r => r.ToString()));
            var first = answer.Records[0];
            Assert.Equal((3, 1, 1, 32), (first.Usage, first.Selector, first.MatchingType, first.Data.Length));
        }

        [Fact]
        public async Task No_tlsa_record_is_an_empty_answer_that_says_whether_its_absence_was_validated()
        {
            var secure = await _resolver.GetTlsaAsync("_25._tcp.other.secure.fake.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NonExistentDomain, secure.Status);
            Assert.Empty(secure.Records);
            Assert.True(secure.Authenticated); // a validated denial: DANE may conclude "no TLSA"
            var plain = await _resolver.GetTlsaAsync("_25._tcp.www.plain.fake.test", CancellationToken.None);
            Assert.False(plain.Authenticated);
        }

        [Fact]
        public async Task The_security_facts_of_a_signed_name_count_its_signatures_and_read_their_expiration()
        {
            var answer = await _resolver.GetSecurityFactsAsync("secure.fake.test", false, CancellationToken.None);
            Assert.True(answer.Authenticated);
            var facts = Assert.Single(answer.Records);
            Assert.Equal("secure.fake.test", facts.Zone);
            Assert.Equal(1, facts.SignatureCount);
            Assert.Equal(Expires, facts.SignaturesExpire);
            Assert.Equal(Expires.AddDays(-14), facts.SignaturesIncepted);
        }

        [Fact]
        public async Task Below_the_apex_the_zone_comes_from_the_signed_SOA_of_the_negative_answer()
        {
            var answer = await _resolver.GetSecurityFactsAsync("www.secure.fake.test", false, CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, answer.Status);
            var facts = Assert.Single(answer.Records);
            Assert.Equal("secure.fake.test", facts.Zone);
            Assert.Equal(1, facts.SignatureCount);
            var plain = Assert.Single((await _resolver.GetSecurityFactsAsync("nothing.plain.fake.test", false, CancellationToken.None)).Records);
            Assert.Equal(("plain.fake.test", 0), (plain.Zone, plain.SignatureCount));
        }

        [Fact]
        public async Task A_bogus_zone_fails_with_validation_and_answers_without_and_the_two_questions_are_cached_apart()
        {
            var validated = await _resolver.GetSecurityFactsAsync("bogus.fake.test", false, CancellationToken.None);
            Assert.Equal(DnsResponseStatus.ServerFailure, validated.Status);
            var unchecked1 = await _resolver.GetSecurityFactsAsync("bogus.fake.test", true, CancellationToken.None);
            var unchecked2 = await _resolver.GetSecurityFactsAsync("bogus.fake.test", true, CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, unchecked1.Status);
            Assert.Equal(1, Assert.Single(unchecked1.Records).SignatureCount);
            Assert.Same(unchecked1, unchecked2);
            Assert.Equal(2, _dns.Count("SOA", "bogus.fake.test")); // one failure (not cached), one CD answer (cached)
        }
    }
}
