using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dns
{
    /// <summary>
    /// Issue 11 item 4: the resolver against a hostile or broken DNS server (tests/Shared/FakeDnsServer). Garbage,
    /// pointer loops and replies with the wrong id or question never become an answer or an exception; SERVFAIL and
    /// timeouts are retried and never cached; a CNAME loop is a failure, not "no record".
    /// </summary>
    public sealed class DnsResolverFaultTests : IDisposable
    {
        private readonly FakeDnsServer _dns = new FakeDnsServer();

        public DnsResolverFaultTests()
        {
            _dns.AddTxt("victim.fake.test", "v=spf1 -all")
                .AddTxt("spoof.fake.test", "v=spf1 +all")
                .AddA("host.fake.test", "198.18.0.10")
                .AddCname("loopa.fake.test", "loopb.fake.test")
                .AddCname("loopb.fake.test", "loopa.fake.test")
                .AddCname("alias.fake.test", "victim.fake.test");
        }

        public void Dispose() => _dns.Dispose();

        private DnsResolver Resolver(int retries = 2, double timeoutSec = 1) => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { _dns.Endpoint }),
            Timeout = TimeSpan.FromSeconds(timeoutSec),
            Retries = retries,
        });

        private static Task<SpfCheckResult> Check(DnsResolver resolver, string sender) =>
            new SpfChecker(resolver).CheckHostAsync(new SpfCheckRequest { IPAddress = IPAddress.Parse("198.18.7.7"), Sender = sender, HeloDomain = "client.fake.test" }, CancellationToken.None);

        private static void AssertShortError<T>(DnsAnswer<T> answer)
        {
            Assert.False(string.IsNullOrEmpty(answer.Error));
            Assert.True(answer.Error.Length < 200, "error text too long: " + answer.Error);
            Assert.DoesNotContain("\n", answer.Error);
            Assert.DoesNotMatch("[0-9A-Fa-f]{2}[ -][0-9A-Fa-f]{2}[ -][0-9A-Fa-f]{2}", answer.Error); // no packet dump
        }

        [Theory]
        [InlineData(DnsFault.Garbage)]
        [InlineData(DnsFault.PointerLoop)]
        [InlineData(DnsFault.WrongId)]
        [InlineData(DnsFault.WrongQuestion)]
        public async Task A_hostile_reply_is_a_temporary_failure_never_an_answer_nor_an_exception(DnsFault fault)
        {
            _dns.Script = (name, type, before) => fault;
            var resolver = Resolver(retries: 1);
            var answer = await resolver.GetTxtAsync("victim.fake.test", CancellationToken.None);
            Assert.True(answer.IsTemporaryFailure, answer.ToString());
            Assert.Empty(answer.Records);
            AssertShortError(answer);

            var outcome = await Check(resolver, "a@victim.fake.test");
            Assert.Equal(SpfResult.TempError, outcome.Result);
            Assert.DoesNotMatch("[0-9A-Fa-f]{2}[ -][0-9A-Fa-f]{2}[ -][0-9A-Fa-f]{2}", outcome.Reason);
        }

        [Theory]
        [InlineData(DnsFault.WrongIdThenAnswer)]
        [InlineData(DnsFault.WrongQuestionThenAnswer)]
        [InlineData(DnsFault.ForeignRecord)]
        public async Task A_spoofed_reply_is_ignored_and_the_real_answer_used(DnsFault fault)
        {
            _dns.Script = (name, type, before) => fault;
            var resolver = Resolver();
            var answer = await resolver.GetTxtAsync("victim.fake.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, answer.Status);
            Assert.Equal("v=spf1 -all", Assert.Single(answer.Records).Text);
            // One question on the wire: the spoof did not cost a retry either.
            Assert.Equal(1, _dns.Count("TXT", "victim.fake.test"));

            var outcome = await Check(Resolver(), "a@victim.fake.test");
            Assert.Equal(SpfResult.Fail, outcome.Result); // the spoof says +all: Pass would mean it was believed
        }

        [Fact]
        public async Task A_cname_loop_is_a_failure_not_an_empty_answer()
        {
            var resolver = Resolver(retries: 0);
            var answer = await resolver.GetTxtAsync("loopa.fake.test", CancellationToken.None);
            Assert.True(answer.IsTemporaryFailure, answer.ToString());
            Assert.Contains("CNAME", answer.Error);
            AssertShortError(answer);

            var outcome = await Check(resolver, "a@loopa.fake.test");
            Assert.Equal(SpfResult.TempError, outcome.Result);

            var audit = await new SpfAuditor(resolver).AuditAsync("loopa.fake.test", CancellationToken.None);
            Assert.Equal(SpfRecordStatus.TempError, audit.Status);
            Assert.Contains(audit.Findings, f => f.Id == "SpfLookupFailed");
            Assert.DoesNotContain(audit.Findings, f => f.Id == "SpfNoRecord");
        }

        [Fact]
        public async Task A_cname_chain_is_followed()
        {
            var answer = await Resolver().GetTxtAsync("alias.fake.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, answer.Status);
            Assert.Equal("v=spf1 -all", Assert.Single(answer.Records).Text);
            Assert.Equal(new[] { "victim.fake.test" }, answer.Aliases);
        }

        [Fact]
        public async Task Servfail_is_retried_within_the_budget()
        {
            _dns.Script = (name, type, before) => before < 2 ? DnsFault.ServFail : DnsFault.Answer;
            var answer = await Resolver(retries: 2).GetTxtAsync("victim.fake.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, answer.Status);
            Assert.Equal(3, _dns.Count("TXT", "victim.fake.test"));
        }

        [Fact]
        public async Task A_failure_is_not_cached_but_an_answer_is()
        {
            _dns.Script = (name, type, before) => before < 2 ? DnsFault.ServFail : DnsFault.Answer;
            var resolver = Resolver(retries: 1);
            var first = await resolver.GetTxtAsync("victim.fake.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.ServerFailure, first.Status);
            AssertShortError(first);
            var second = await resolver.GetTxtAsync("victim.fake.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, second.Status);
            var third = await resolver.GetTxtAsync("victim.fake.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, third.Status);
            Assert.Equal(3, _dns.Count("TXT", "victim.fake.test"));
        }

        [Fact]
        public async Task Silence_is_a_timeout_after_every_try()
        {
            _dns.Script = (name, type, before) => DnsFault.Silence;
            var sw = Stopwatch.StartNew();
            var answer = await Resolver(retries: 1, timeoutSec: 1).GetAddressesAsync("host.fake.test", AddressFamily.InterNetwork, CancellationToken.None);
            Assert.Equal(DnsResponseStatus.Timeout, answer.Status);
            AssertShortError(answer);
            // Two tries; within each, the question may be sent again after the retransmission timeout (a bounded few times).
            Assert.InRange(_dns.Count("A", "host.fake.test"), 2, 8);
            Assert.InRange(sw.Elapsed.TotalSeconds, 1.8, 6);
        }

        [Fact]
        public async Task Timeouts_are_retried_and_a_late_answer_counts()
        {
            _dns.Script = (name, type, before) => before == 0 ? DnsFault.Silence : DnsFault.Answer;
            var answer = await Resolver(retries: 1, timeoutSec: 1).GetAddressesAsync("host.fake.test", AddressFamily.InterNetwork, CancellationToken.None);
            Assert.Equal(IPAddress.Parse("198.18.0.10"), Assert.Single(answer.Records));
        }

        [Fact]
        public async Task A_truncated_reply_is_asked_again_over_tcp()
        {
            _dns.Script = (name, type, before) => DnsFault.Truncate;
            var answer = await Resolver().GetTxtAsync("victim.fake.test", CancellationToken.None);
            Assert.Equal("v=spf1 -all", Assert.Single(answer.Records).Text);
        }

        [Fact]
        public async Task The_cache_is_bounded_and_keeps_what_is_used()
        {
            var resolver = new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { _dns.Endpoint }), CacheSize = 100 });
            for (int i = 0; i < 1000; i++)
            {
                var answer = await resolver.GetTxtAsync($"n{i}.fake.test", CancellationToken.None);
                Assert.Equal(DnsResponseStatus.NonExistentDomain, answer.Status);
                if (i % 10 == 0) Assert.Equal("v=spf1 -all", Assert.Single((await resolver.GetTxtAsync("victim.fake.test", CancellationToken.None)).Records).Text);
                Assert.InRange(resolver.CachedCount, 1, 100);
            }
            // Questions the resolver made (the server's log would also count datagrams resent after a slow first reply
            // on a loaded machine): the name used all along was asked once and never dropped, every other name once.
            Assert.Equal(1001, resolver.QueriesSent);
            Assert.Equal(1000, _dns.Log.Where(q => q.StartsWith("TXT n", StringComparison.Ordinal)).Distinct().Count());
        }

        [Fact]
        public async Task A_lost_datagram_is_sent_again_long_before_the_timeout()
        {
            _dns.Script = (name, type, before) => before == 0 ? DnsFault.Silence : DnsFault.Answer;
            var sw = Stopwatch.StartNew();
            var answer = await Resolver(retries: 0, timeoutSec: 5).GetAddressesAsync("host.fake.test", AddressFamily.InterNetwork, CancellationToken.None);
            Assert.Equal(IPAddress.Parse("198.18.0.10"), Assert.Single(answer.Records));
            Assert.True(sw.Elapsed.TotalSeconds < 2.5, $"answered after {sw.Elapsed.TotalSeconds:0.00} s: the lost question waited for the 5 s timeout");
        }

        [Fact]
        public async Task A_failing_server_gets_fewer_questions_at_once()
        {
            _dns.Script = (name, type, before) => name.StartsWith("slow", StringComparison.Ordinal) ? DnsFault.Silence : DnsFault.ServFail;
            var resolver = new DnsResolver(new DnsResolverOptions
            {
                Servers = DnsServerEndpoint.ParseAll(new[] { _dns.Endpoint }), Timeout = TimeSpan.FromSeconds(0.5), Retries = 0, MaxConcurrentQueries = 64,
            });
            Assert.Equal(64, resolver.Window);
            await Task.WhenAll(Enumerable.Range(0, 64).Select(i => resolver.GetTxtAsync($"slow{i}.fake.test", CancellationToken.None)));
            Assert.InRange(resolver.Window, 8, 32); // halved (once per burst), never below an eighth
            // While the window is small, the rest wait their turn instead of all going out at once.
            var more = Enumerable.Range(0, 64).Select(i => resolver.GetTxtAsync($"slow-more{i}.fake.test", CancellationToken.None)).ToList();
            await Task.Delay(150);
            Assert.True(_dns.Log.Count(q => q.Contains("slow-more")) <= 32, "the halved window let every question out at once");
            await Task.WhenAll(more);
        }
    }
}
