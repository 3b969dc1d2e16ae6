using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dane;
using SmtpTools.Core.Dns;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dane
{
    /// <summary>
    /// Test-SmtpDane's engine against the real servers: every address of every MX host connected to through the module's
    /// own STARTTLS client (<see cref="StartTlsHandshaker"/>) and judged on its own. The dane.test hosts with several addresses
    /// (tests/Integration/README.md, "DANE"): 127.0.0.1 and ::1 present the test Postfix's certificate, the second
    /// loopback address the self-signed one, and nothing listens on the dead address.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class DanePerAddressIntegrationTests
    {
        private static int StartTlsPort => IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT");
        private static string Second => IntegrationServers.Get("SMTPTOOLS_SMTP_SECOND_ADDRESS");
        private static string Dead => IntegrationServers.Get("SMTPTOOLS_SMTP_DEAD_ADDRESS");
        // Without ::1 on lo the listener is not there and the AAAA address cannot be reached.
        private static DaneStatus V6 => IntegrationServers.Get("SMTPTOOLS_SMTP_IPV6") == "yes" ? DaneStatus.Match : DaneStatus.TempError;

        private static DnsResolver Resolver(string server = "SMTPTOOLS_RESOLVER") => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get(server) }), Timeout = TimeSpan.FromSeconds(3), Retries = 1,
        });

        private static async Task<DaneDomainResult> Check(string domain, string server = "SMTPTOOLS_RESOLVER", int? port = null)
        {
            using var resolver = Resolver(server);
            using var handshaker = new StartTlsHandshaker(TimeSpan.FromSeconds(10));
            return await new DaneChecker(resolver, handshaker, port ?? StartTlsPort).CheckAsync(domain, CancellationToken.None);
        }

        private static DaneResult At(DaneMxResult host, string address) => Assert.Single(host.Addresses, a => a.Address == address);

        [Fact]
        public async Task Every_address_of_a_host_is_connected_to_and_judged_on_its_own()
        {
            var r = await Check("split.dane.test");
            var host = Assert.Single(r.MxHosts);
            Assert.Equal(new[] { "127.0.0.1", Second, "::1" }.OrderBy(a => a), host.Addresses.Select(a => a.Address).OrderBy(a => a));
            var good = At(host, "127.0.0.1");
            Assert.Equal(DaneStatus.Match, good.Status);
            Assert.Equal("CN=mail.smtptools.test", good.PresentedChain[0]);
            var bad = At(host, Second);
            Assert.Equal(DaneStatus.NoMatch, bad.Status);
            Assert.Equal("CN=untrusted.smtptools.test", bad.PresentedChain[0]);
            Assert.NotEqual(good.CertificateSha256, bad.CertificateSha256);
            Assert.Equal(V6, At(host, "::1").Status);
            // The host is as good as its worst address, and so is the domain.
            Assert.Equal(DaneStatus.NoMatch, host.Status);
            Assert.Equal(DaneStatus.NoMatch, r.Status);
            Assert.Equal(3, r.AddressCount);
            Assert.Equal(V6 == DaneStatus.Match ? 2 : 1, r.MatchCount);
            Assert.Contains($"addresses of split.dane.test match; {Second}:", host.Detail);
            Assert.Equal("DaneNoMatch", r.FindingIds);
            Assert.Equal("DaneNoMatch", bad.FindingIds);
            Assert.Empty(good.Findings);
            Assert.Equal(3, r.Results.Length);
            Assert.Contains($"{Second} NoMatch", host.AddressList);
        }

        [Fact]
        public async Task Every_address_presenting_a_matching_chain_is_a_match_for_the_host_and_the_domain()
        {
            var r = await Check("twoaddr.dane.test");
            var host = Assert.Single(r.MxHosts);
            Assert.Equal(("twoaddr.dane.test", (int?)10), (host.MxHost, host.Preference));
            Assert.Equal(DaneStatus.Match, At(host, "127.0.0.1").Status);
            Assert.Equal(V6, At(host, "::1").Status);
            if (V6 != DaneStatus.Match) return;
            Assert.Equal(DaneStatus.Match, host.Status);
            Assert.Equal(DaneStatus.Match, r.Status);
            Assert.Equal((2, 2), (r.AddressCount, r.MatchCount));
            Assert.Empty(r.Findings);
            Assert.StartsWith("Every address of every MX host of twoaddr.dane.test (2 address(es) of 1 host(s))", r.Detail);
        }

        [Fact]
        public async Task An_address_nobody_listens_on_is_TempError_beside_the_match_of_the_other()
        {
            var r = await Check("partdown.dane.test");
            var host = Assert.Single(r.MxHosts);
            Assert.Equal(DaneStatus.Match, At(host, "127.0.0.1").Status);
            var dead = At(host, Dead);
            Assert.Equal(DaneStatus.TempError, dead.Status);
            Assert.Equal("DaneConnectionFailed", dead.FindingIds);
            Assert.Equal(DaneStatus.TempError, host.Status);
            Assert.Equal(DaneStatus.TempError, r.Status);
        }

        [Fact]
        public async Task A_domain_gets_every_mx_host_in_preference_order_each_with_its_addresses()
        {
            var r = await Check("multimx.dane.test");
            Assert.Equal(new[] { "twoaddr.dane.test", "ee-spki-sha256.dane.test" }, r.MxHosts.Select(h => h.MxHost));
            Assert.Equal(new int?[] { 10, 20 }, r.MxHosts.Select(h => h.Preference));
            Assert.All(r.Results, a => Assert.Equal("multimx.dane.test", a.Domain));
            Assert.Equal(DaneStatus.Match, r.MxHosts[1].Status);
            Assert.Equal(V6 == DaneStatus.Match ? DaneStatus.Match : DaneStatus.TempError, r.Status);
            Assert.Equal($"twoaddr.dane.test {r.MxHosts[0].Status};ee-spki-sha256.dane.test Match", r.MxStatusList);
        }

        [Fact]
        public async Task One_bad_address_of_the_second_host_makes_the_domain_NoMatch()
        {
            var r = await Check("onebad.dane.test");
            Assert.Equal(DaneStatus.NoMatch, r.Status);
            Assert.Equal(DaneStatus.NoMatch, r.MxHosts.Single(h => h.MxHost == "split.dane.test").Status);
            Assert.StartsWith(V6 == DaneStatus.Match ? "1 of 2 MX host(s) match on every address; split.dane.test is NoMatch:" : "0 of 2", r.Detail);
        }

        [Fact]
        public async Task A_host_without_tlsa_beside_one_with_dane_is_NoTlsa_for_the_domain_with_a_finding()
        {
            var r = await Check("partial.dane.test");
            Assert.Equal(DaneStatus.NoTlsa, r.MxHosts.Single(h => h.MxHost == "notlsa.dane.test").Status);
            Assert.Equal(DaneStatus.NoTlsa, r.Status);
            Assert.Equal((2, 1), (r.MxHostCount, r.DaneHostCount));
            var f = Assert.Single(r.Findings, x => x.Is(FindingCatalog.DaneNotOnEveryMx));
            Assert.StartsWith("DANE is in use on twoaddr.dane.test but not on notlsa.dane.test (NoTlsa):", f.Message);
            // The host without TLSA is decided by DNS: nothing is connected to.
            Assert.All(r.MxHosts.Single(h => h.MxHost == "notlsa.dane.test").Addresses, a => Assert.Empty(a.PresentedChain));
        }

        [Fact]
        public async Task A_domain_whose_only_host_has_no_tlsa_is_NoTlsa_without_the_partial_finding()
        {
            var r = await Check("notlsa.dane.test");
            Assert.Equal(DaneStatus.NoTlsa, r.Status);
            Assert.DoesNotContain(r.Findings, f => f.Is(FindingCatalog.DaneNotOnEveryMx));
            Assert.Equal("No MX host of notlsa.dane.test publishes usable TLSA records: DANE is not in use.", r.Detail);
        }

        [Fact]
        public async Task Every_address_asked_of_a_resolver_that_does_not_validate_is_Unverifiable_and_not_connected_to()
        {
            var r = await Check("split.dane.test", server: "SMTPTOOLS_DNS");
            var host = Assert.Single(r.MxHosts);
            Assert.Equal(3, host.Addresses.Length);
            Assert.All(host.Addresses, a => Assert.Equal(DaneStatus.Unverifiable, a.Status));
            Assert.All(host.Addresses, a => Assert.Empty(a.PresentedChain));
            Assert.Single(r.Findings, f => f.Is(FindingCatalog.DaneUnverifiable)); // one per host, not one per address
            Assert.Equal(DaneStatus.Unverifiable, r.Status);
        }

        [Fact]
        public async Task A_bogus_zone_is_TempError_and_a_null_mx_is_not_checked()
        {
            var bogus = await Check("mx.dnssec-badanchor.test");
            Assert.Equal(DaneStatus.TempError, bogus.Status);
            Assert.Contains("DaneLookupFailed", bogus.FindingIds);
            var nullMx = await Check("nullmx.mx.test");
            Assert.Equal(DaneStatus.NotChecked, nullMx.Status);
            Assert.Empty(nullMx.MxHosts);
            Assert.Contains("null MX", nullMx.Detail);
        }

        [Theory]
        [InlineData("ee-cert-sha512.dane.test", null, DaneStatus.Match, "")]
        [InlineData("ta-spki-full.dane.test", null, DaneStatus.Match, "")]
        [InlineData("nomatch-ta.dane.test", null, DaneStatus.NoMatch, "DaneNoMatch")]
        [InlineData("selfsigned.dane.test", "SMTPTOOLS_SMTP_UNTRUSTED_PORT", DaneStatus.Match, "")]
        [InlineData("ee-spki-sha256.dane.test", "SMTPTOOLS_SMTP_PLAIN_PORT", DaneStatus.TlsFailed, "DaneStartTlsNotOffered")]
        public async Task The_module_handshaker_gives_the_verdicts_of_the_independent_test_client(string domain, string portKey, DaneStatus status, string findings)
        {
            var r = await Check(domain, port: portKey == null ? null : IntegrationServers.GetInt(portKey));
            var row = Assert.Single(r.Results);
            Assert.Equal(status, row.Status);
            Assert.Equal(findings, row.FindingIds);
            Assert.Equal(status, r.Status);
        }

        [Fact]
        public async Task Each_address_presents_its_own_chain_even_right_after_another_address_of_the_same_host()
        {
            // Postfix shares TLS session tickets across its listeners and .NET caches sessions by host name: a resumed
            // session would show the first address's certificate for the second. Self-signed first, then the CA-signed one.
            using var handshaker = new StartTlsHandshaker(TimeSpan.FromSeconds(10));
            var first = await handshaker.HandshakeAsync("split.dane.test", IPAddress.Parse(Second), StartTlsPort, CancellationToken.None);
            var second = await handshaker.HandshakeAsync("split.dane.test", IPAddress.Loopback, StartTlsPort, CancellationToken.None);
            var third = await handshaker.HandshakeAsync("split.dane.test", IPAddress.IPv6Loopback, StartTlsPort, CancellationToken.None);
            Assert.Equal("CN=untrusted.smtptools.test", TlsaMatcher.SubjectOf(first.PresentedChain[0]));
            Assert.Equal("CN=mail.smtptools.test", TlsaMatcher.SubjectOf(second.PresentedChain[0]));
            Assert.Equal(2, second.PresentedChain.Count); // the leaf and the CA Postfix sends: a full handshake
            if (V6 == DaneStatus.Match) Assert.Equal("CN=mail.smtptools.test", TlsaMatcher.SubjectOf(third.PresentedChain[0]));
        }

        [Fact]
        public async Task Without_starttls_or_with_nothing_listening_the_handshake_says_how_far_it_got()
        {
            using var handshaker = new StartTlsHandshaker(TimeSpan.FromSeconds(5));
            var plain = await handshaker.HandshakeAsync("mail.smtptools.test", IPAddress.Loopback, IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT"), CancellationToken.None);
            Assert.Equal((StartTlsOutcome.StartTlsNotOffered, "EHLO did not list STARTTLS"), (plain.Outcome, plain.Error));
            var closed = await handshaker.HandshakeAsync("mail.smtptools.test", IPAddress.Loopback, IntegrationServers.GetInt("SMTPTOOLS_SMTP_CLOSED_PORT"), CancellationToken.None);
            Assert.Equal(StartTlsOutcome.ConnectFailed, closed.Outcome);
            var broken = await handshaker.HandshakeAsync("mail.smtptools.test", IPAddress.Loopback, IntegrationServers.GetInt("SMTPTOOLS_SMTP_BROKEN_TLS_PORT"), CancellationToken.None);
            Assert.Equal(StartTlsOutcome.TlsFailed, broken.Outcome);
            var silent = await new StartTlsHandshaker(TimeSpan.FromSeconds(1)).HandshakeAsync("mail.smtptools.test", IPAddress.Loopback, IntegrationServers.GetInt("SMTPTOOLS_SMTP_SILENT_PORT"), CancellationToken.None);
            Assert.Equal((StartTlsOutcome.ConnectFailed, "no answer within 1 s"), (silent.Outcome, silent.Error));
        }

        [Fact]
        public async Task Cancelling_stops_a_handshake_waiting_for_a_silent_server()
        {
            using var handshaker = new StartTlsHandshaker(TimeSpan.FromSeconds(60));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                handshaker.HandshakeAsync("mail.smtptools.test", IPAddress.Loopback, IntegrationServers.GetInt("SMTPTOOLS_SMTP_SILENT_PORT"), cts.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        }

        [Fact]
        public async Task One_handshake_per_host_address_and_port_for_the_handshakers_lifetime()
        {
            using var handshaker = new StartTlsHandshaker(TimeSpan.FromSeconds(10));
            var first = handshaker.HandshakeAsync("twoaddr.dane.test", IPAddress.Loopback, StartTlsPort, CancellationToken.None);
            var again = handshaker.HandshakeAsync("TwoAddr.dane.test", IPAddress.Loopback, StartTlsPort, CancellationToken.None);
            Assert.Same(first, again);
            Assert.Equal(StartTlsOutcome.Completed, (await first).Outcome);
            var other = handshaker.HandshakeAsync("twoaddr.dane.test", IPAddress.Loopback, IntegrationServers.GetInt("SMTPTOOLS_SMTP_UNTRUSTED_PORT"), CancellationToken.None);
            Assert.NotSame(first, other);
        }
    }
}
