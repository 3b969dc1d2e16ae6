using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dane;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Tests.Support;
using Xunit;
using static SmtpTools.Core.Tests.Dane.TestPki;

namespace SmtpTools.Core.Tests.Dane
{
    /// <summary>
    /// DaneChecker's decisions from DNS (what is validated, what failed) and from the handshake, with an in-memory zone
    /// and a handshaker that hands out chosen chains and records who was contacted.
    /// </summary>
    public class DaneCheckerTests
    {
        private readonly TestPki _pki = new TestPki();
        private readonly InMemoryDnsResolver _dns = new InMemoryDnsResolver().AddSigning("example.test", InMemoryDnsResolver.Signing.Validated);
        private readonly FakeHandshaker _tls = new FakeHandshaker();

        private DaneChecker Checker() => new DaneChecker(_dns, _tls, 25, () => Now);

        private System.Security.Cryptography.X509Certificates.X509Certificate2 Serve(string address, string host)
        {
            var leaf = _pki.Server(_pki.Root, host);
            _tls.Chains[address] = StartTlsHandshake.Completed(Chain(leaf, _pki.Root));
            return leaf;
        }

        [Fact]
        public async Task Each_address_is_matched_on_its_own()
        {
            _dns.AddMx("example.test", 10, "mx.example.test").AddA("mx.example.test", "192.0.2.1").AddA("mx.example.test", "192.0.2.2");
            var good = Serve("192.0.2.1", "mx.example.test");
            Serve("192.0.2.2", "mx.example.test"); // another key: a forgotten server after a key rollover
            _dns.AddTlsa("_25._tcp.mx.example.test", 3, 1, 1, Tlsa(3, 1, 1, good).Data);

            var rows = await Checker().CheckDomainAsync("example.test", CancellationToken.None);

            Assert.Equal(new[] { "192.0.2.1", "192.0.2.2" }, rows.Select(r => r.Address));
            Assert.Equal(new[] { DaneStatus.Match, DaneStatus.NoMatch }, rows.Select(r => r.Status));
            Assert.All(rows, r => { Assert.Equal("example.test", r.Domain); Assert.Equal(10, r.Preference); Assert.True(r.TlsaValidated); });
            Assert.Equal(Tlsa(3, 1, 1, good).ToString(), rows[0].MatchedRecord);
            Assert.Empty(rows[0].Findings);
            Assert.Equal("DaneNoMatch", rows[1].FindingIds);
            Assert.Equal(new[] { "CN=mx.example.test", "CN=Test Root" }, rows[0].PresentedChain);
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(good.RawData)), rows[0].CertificateSha256);
        }

        [Fact]
        public async Task Hosts_come_in_mx_preference_order_and_a_host_listed_twice_once()
        {
            _dns.AddMx("example.test", 20, "b.example.test").AddMx("example.test", 10, "a.example.test").AddMx("example.test", 30, "a.example.test")
                .AddA("a.example.test", "192.0.2.1").AddA("b.example.test", "192.0.2.2");
            var rows = await Checker().CheckDomainAsync("example.test", CancellationToken.None);
            Assert.Equal(new[] { "a.example.test", "b.example.test" }, rows.Select(r => r.MxHost));
            Assert.Equal(new int?[] { 10, 20 }, rows.Select(r => r.Preference));
            Assert.All(rows, r => Assert.Equal(DaneStatus.NoTlsa, r.Status));
            Assert.All(rows, r => Assert.Contains("a validated denial", r.Detail));
            Assert.Empty(_tls.Contacted); // nothing to match: no connection
        }

        [Fact]
        public async Task Tlsa_records_without_the_ad_bit_are_unverifiable_never_a_pass()
        {
            var leaf = _pki.Server(_pki.Root, "mx.unsigned.test");
            _dns.AddA("mx.unsigned.test", "192.0.2.9").AddTlsa("_25._tcp.mx.unsigned.test", 3, 1, 1, Tlsa(3, 1, 1, leaf).Data);
            _tls.Chains["192.0.2.9"] = StartTlsHandshake.Completed(Chain(leaf));
            var row = Assert.Single(await Checker().CheckHostAsync("mx.unsigned.test", CancellationToken.None));
            Assert.Equal(DaneStatus.Unverifiable, row.Status);
            Assert.StartsWith("Unverifiable: answers not DNSSEC-validated", row.Detail);
            Assert.Equal("DaneUnverifiable", row.FindingIds);
            Assert.False(row.TlsaValidated);
            Assert.Null(row.MatchedRecord);
            Assert.Empty(_tls.Contacted);
        }

        [Fact]
        public async Task Validated_tlsa_for_a_host_whose_addresses_are_not_validated_is_unverifiable_rfc7672_2_2_2()
        {
            // The TLSA owner is in a signed zone, the host's addresses come from an unsigned one (an out-of-zone MX).
            _dns.AddSigning("_25._tcp.mx.hoster.test", InMemoryDnsResolver.Signing.Validated)
                .AddA("mx.hoster.test", "192.0.2.7").AddTlsa("_25._tcp.mx.hoster.test", 3, 1, 1, new byte[32]);
            var row = Assert.Single(await Checker().CheckHostAsync("mx.hoster.test", CancellationToken.None));
            Assert.True(row.TlsaValidated);
            Assert.False(row.AddressValidated);
            Assert.Equal(DaneStatus.Unverifiable, row.Status);
            Assert.Contains("addresses of mx.hoster.test are not", row.Detail);
        }

        [Theory]
        [InlineData(DnsResponseStatus.ServerFailure)]
        [InlineData(DnsResponseStatus.Timeout)]
        [InlineData(DnsResponseStatus.Refused)]
        public async Task A_failed_tlsa_lookup_is_TempError_never_no_tlsa(DnsResponseStatus failure)
        {
            _dns.AddA("mx.example.test", "192.0.2.1").AddFailure("_25._tcp.mx.example.test", failure);
            var row = Assert.Single(await Checker().CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.TempError, row.Status);
            Assert.Equal("DaneLookupFailed", row.FindingIds);
            Assert.Empty(_tls.Contacted);
        }

        [Fact]
        public async Task A_bogus_zone_is_TempError()
        {
            _dns.AddSigning("bogus.test", InMemoryDnsResolver.Signing.Bogus).AddA("mx.bogus.test", "192.0.2.1").AddTlsa("_25._tcp.mx.bogus.test", 3, 1, 1, new byte[32]);
            var row = Assert.Single(await Checker().CheckHostAsync("mx.bogus.test", CancellationToken.None));
            Assert.Equal(DaneStatus.TempError, row.Status);
            Assert.Contains("bogus", row.Detail);
        }

        [Fact]
        public async Task A_failed_address_lookup_with_usable_tlsa_is_TempError()
        {
            _dns.AddTlsa("_25._tcp.mx.example.test", 3, 1, 1, new byte[32]).AddFailure("mx.example.test", DnsResponseStatus.Timeout);
            var row = Assert.Single(await Checker().CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.TempError, row.Status);
            Assert.Null(row.Address);
            Assert.Contains("address lookup of mx.example.test failed", row.Detail);
        }

        [Fact]
        public async Task Only_pkix_records_are_no_usable_tlsa_with_a_finding()
        {
            _dns.AddA("mx.example.test", "192.0.2.1").AddTlsa("_25._tcp.mx.example.test", 1, 1, 1, new byte[32]).AddTlsa("_25._tcp.mx.example.test", 0, 0, 1, new byte[32]);
            var row = Assert.Single(await Checker().CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.NoTlsa, row.Status);
            Assert.Equal("DaneNoUsableRecord", row.FindingIds);
            Assert.Equal(0, row.UsableRecordCount);
            Assert.Equal(2, row.TlsaRecords.Length);
            Assert.Contains("PKIX-EE is not usable for SMTP", row.Detail);
            Assert.Empty(_tls.Contacted);
        }

        [Theory]
        [InlineData(StartTlsOutcome.StartTlsNotOffered, DaneStatus.TlsFailed, "DaneStartTlsNotOffered")]
        [InlineData(StartTlsOutcome.TlsFailed, DaneStatus.TlsFailed, "DaneTlsFailed")]
        [InlineData(StartTlsOutcome.ConnectFailed, DaneStatus.TempError, "DaneConnectionFailed")]
        public async Task A_host_with_usable_tlsa_that_gives_no_tls_fails_the_way_a_sender_would(StartTlsOutcome outcome, DaneStatus status, string finding)
        {
            _dns.AddA("mx.example.test", "192.0.2.1").AddTlsa("_25._tcp.mx.example.test", 3, 1, 1, new byte[32]);
            _tls.Chains["192.0.2.1"] = StartTlsHandshake.Failed(outcome, "what the prober said");
            var row = Assert.Single(await Checker().CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal(status, row.Status);
            Assert.Equal(finding, row.FindingIds);
            Assert.Contains("what the prober said", row.Detail);
        }

        [Fact]
        public async Task The_port_names_the_tlsa_owner_and_is_the_port_connected_to()
        {
            var leaf = Serve("192.0.2.1", "mx.example.test");
            _dns.AddA("mx.example.test", "192.0.2.1").AddTlsa("_2587._tcp.mx.example.test", 3, 1, 1, Tlsa(3, 1, 1, leaf).Data);
            var row = Assert.Single(await new DaneChecker(_dns, _tls, 2587, () => Now).CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.Match, row.Status);
            Assert.Equal("_2587._tcp.mx.example.test", row.TlsaName);
            Assert.Equal("mx.example.test 192.0.2.1 2587", Assert.Single(_tls.Contacted));
        }

        [Fact]
        public async Task A_validated_alias_uses_the_tlsa_records_of_its_target_and_both_names_for_dane_ta_rfc7672_2_2_2()
        {
            // mx.example.test is a CNAME to the provider's host; the certificate names only the customer's MX name.
            _dns.AddSigning("provider.test", InMemoryDnsResolver.Signing.Validated)
                .AddCname("mx.example.test", "smtp.provider.test").AddA("smtp.provider.test", "192.0.2.1")
                .AddTlsa("_25._tcp.smtp.provider.test", 2, 1, 1, Tlsa(2, 1, 1, _pki.Root).Data)
                .AddTlsa("_25._tcp.mx.example.test", 3, 1, 1, new byte[32]);
            Serve("192.0.2.1", "mx.example.test");
            var row = Assert.Single(await Checker().CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.Match, row.Status);
            Assert.Equal("_25._tcp.smtp.provider.test", row.TlsaName);
            Assert.Equal("mx.example.test", row.MxHost);
        }

        [Fact]
        public async Task A_validated_alias_whose_target_has_no_tlsa_uses_the_hosts_own()
        {
            _dns.AddSigning("provider.test", InMemoryDnsResolver.Signing.Validated)
                .AddCname("mx.example.test", "smtp.provider.test").AddA("smtp.provider.test", "192.0.2.1");
            var leaf = Serve("192.0.2.1", "smtp.provider.test");
            _dns.AddTlsa("_25._tcp.mx.example.test", 3, 1, 1, Tlsa(3, 1, 1, leaf).Data);
            var row = Assert.Single(await Checker().CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.Match, row.Status);
            Assert.Equal("_25._tcp.mx.example.test", row.TlsaName);
        }

        [Fact]
        public async Task An_alias_into_an_unsigned_zone_is_unverifiable_whatever_its_target_publishes()
        {
            _dns.AddCname("mx.example.test", "smtp.unsigned.test").AddA("smtp.unsigned.test", "192.0.2.1")
                .AddTlsa("_25._tcp.smtp.unsigned.test", 3, 1, 1, new byte[32])
                .AddTlsa("_25._tcp.mx.example.test", 3, 1, 1, new byte[32]);
            var row = Assert.Single(await Checker().CheckHostAsync("mx.example.test", CancellationToken.None));
            Assert.Equal("_25._tcp.mx.example.test", row.TlsaName);
            Assert.Equal(DaneStatus.Unverifiable, row.Status);
            Assert.Empty(_tls.Contacted);
        }

        [Fact]
        public async Task A_null_mx_domain_has_one_row_that_says_dane_does_not_apply()
        {
            _dns.AddMx("example.test", 0, ".");
            var row = Assert.Single(await Checker().CheckDomainAsync("example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.NotChecked, row.Status);
            Assert.Null(row.MxHost);
            Assert.Contains("null MX", row.Detail);
        }

        [Theory]
        [InlineData("192.0.2.1")]
        [InlineData("2001:db8::1")]
        public async Task An_address_given_as_host_is_not_checked_and_nothing_is_asked(string address)
        {
            var row = Assert.Single(await Checker().CheckHostAsync(address, CancellationToken.None));
            Assert.Equal(DaneStatus.NotChecked, row.Status);
            Assert.Contains("DANE needs the MX host's name", row.Detail);
            Assert.Empty(_dns.Log);
            Assert.Empty(_tls.Contacted);
        }

        [Fact]
        public async Task A_failed_mx_lookup_is_one_TempError_row()
        {
            _dns.AddTimeout("example.test");
            var row = Assert.Single(await Checker().CheckDomainAsync("example.test", CancellationToken.None));
            Assert.Equal(DaneStatus.TempError, row.Status);
            Assert.Equal("DaneLookupFailed", row.FindingIds);
        }

        [Fact]
        public async Task Evaluate_refuses_to_guess_without_the_handshake_it_needs()
        {
            _dns.AddA("mx.example.test", "192.0.2.1").AddTlsa("_25._tcp.mx.example.test", 3, 1, 1, new byte[32]);
            var checker = Checker();
            var dns = await checker.LookupAsync("mx.example.test", 25, CancellationToken.None);
            Assert.True(dns.NeedsHandshake);
            Assert.Throws<ArgumentNullException>(() => checker.Evaluate(dns, IPAddress.Parse("192.0.2.1"), null));
        }

        private sealed class FakeHandshaker : IStartTlsHandshaker
        {
            public ConcurrentDictionary<string, StartTlsHandshake> Chains { get; } = new();
            public ConcurrentQueue<string> Contacted { get; } = new();

            public Task<StartTlsHandshake> HandshakeAsync(string hostName, IPAddress address, int port, CancellationToken cancellationToken)
            {
                Contacted.Enqueue($"{hostName} {address} {port}");
                return Task.FromResult(Chains.TryGetValue(address.ToString(), out var h) ? h : StartTlsHandshake.Failed(StartTlsOutcome.ConnectFailed, "connection refused"));
            }
        }
    }
}
