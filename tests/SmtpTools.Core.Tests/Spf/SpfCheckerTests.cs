using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Spf;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Spf
{
    /// <summary>check_host() behaviour the OpenSPF suite does not pin down: options, request mapping, counts.</summary>
    public class SpfCheckerTests
    {
        private static InMemoryDnsResolver Zone() => new InMemoryDnsResolver()
            .AddTxt("example.test", "v=spf1 ip4:192.0.2.0/24 a:host.example.test -all exp=why.example.test")
            .AddA("host.example.test", "198.51.100.1")
            .AddTxt("why.example.test", "%{c} rejected by %{r} for %{o}")
            .AddTxt("helo.example.test", "v=spf1 ip6:2001:db8::/32 -all");

        private static Task<SpfCheckResult> Check(SpfCheckRequest request, SpfCheckOptions options = null, InMemoryDnsResolver dns = null) =>
            new SpfChecker(dns ?? Zone(), options).CheckHostAsync(request, CancellationToken.None);

        [Fact]
        public async Task ExplanationUsesReceiverNameAndClientAddress()
        {
            var outcome = await Check(new SpfCheckRequest { IPAddress = IPAddress.Parse("203.0.113.9"), Sender = "x@example.test", ReceiverName = "mx.receiver.test" });
            Assert.Equal(SpfResult.Fail, outcome.Result);
            Assert.Equal("-all", outcome.MatchedMechanism);
            Assert.Equal("203.0.113.9 rejected by mx.receiver.test for example.test", outcome.Explanation);
            Assert.Equal(1, outcome.DnsLookupCount); // a: only; exp= does not count
        }

        [Fact]
        public async Task DefaultExplanationWhenThereIsNoExp()
        {
            var dns = new InMemoryDnsResolver().AddTxt("plain.test", "v=spf1 -all");
            var outcome = await Check(new SpfCheckRequest { IPAddress = IPAddress.Parse("192.0.2.1"), Sender = "x@plain.test" }, dns: dns);
            Assert.Equal("192.0.2.1 is not one of plain.test's designated mail servers.", outcome.Explanation);
        }

        [Fact]
        public async Task HeloIdentityAndDomainOverride()
        {
            var helo = await Check(new SpfCheckRequest { IPAddress = IPAddress.Parse("2001:db8::5"), Sender = "", HeloDomain = "helo.example.test" });
            Assert.Equal(SpfResult.Pass, helo.Result);
            Assert.Equal("helo.example.test", helo.Domain);

            var overridden = await Check(new SpfCheckRequest { IPAddress = IPAddress.Parse("198.51.100.1"), Sender = "x@unrelated.test", Domain = "example.test" });
            Assert.Equal(SpfResult.Pass, overridden.Result);
            Assert.Equal("a:host.example.test", overridden.MatchedMechanism);
        }

        [Fact]
        public async Task LimitsAreOptions()
        {
            var strict = await Check(new SpfCheckRequest { IPAddress = IPAddress.Parse("198.51.100.1"), Sender = "x@example.test" }, new SpfCheckOptions { MaxDnsLookups = 0 });
            Assert.Equal(SpfResult.PermError, strict.Result);
            Assert.Contains("a:host.example.test", strict.Reason);
        }

        [Fact]
        public async Task NeedsAnAddressAndHonoursCancellation()
        {
            await Assert.ThrowsAsync<ArgumentNullException>(() => Check(new SpfCheckRequest { Sender = "x@example.test" }));
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                new SpfChecker(Zone()).CheckHostAsync(new SpfCheckRequest { IPAddress = IPAddress.Loopback, Sender = "x@example.test" }, cts.Token));
        }
    }
}
