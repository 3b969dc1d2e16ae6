using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dane;
using SmtpTools.Core.Dns;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dane
{
    /// <summary>
    /// DANE against the real servers (tests/Integration/README.md, "DANE"): TLSA records served by Knot from signed and
    /// unsigned zones, validated (or not) by unbound, matched against the chain the test Postfix presents after STARTTLS.
    /// The records are published for every Postfix port, so the STARTTLS port stands in for port 25.
    /// </summary>
    public class DaneIntegrationTests
    {
        private static int StartTlsPort => IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT");

        private static async Task<DaneResult[]> Check(string host, int? port = null, string server = "SMTPTOOLS_RESOLVER", bool asDomain = false)
        {
            using var resolver = new DnsResolver(new DnsResolverOptions
            {
                Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get(server) }), Timeout = TimeSpan.FromSeconds(3), Retries = 1,
            });
            var checker = new DaneChecker(resolver, new SslStreamHandshaker(), port ?? StartTlsPort);
            return asDomain ? await checker.CheckDomainAsync(host, CancellationToken.None) : await checker.CheckHostAsync(host, CancellationToken.None);
        }

        [Theory]
        [InlineData("ee-cert-full.dane.test", "3 0 0")]
        [InlineData("ee-cert-sha256.dane.test", "3 0 1")]
        [InlineData("ee-cert-sha512.dane.test", "3 0 2")]
        [InlineData("ee-spki-full.dane.test", "3 1 0")]
        [InlineData("ee-spki-sha256.dane.test", "3 1 1")]
        [InlineData("ee-spki-sha512.dane.test", "3 1 2")]
        [InlineData("ta-cert-full.dane.test", "2 0 0")]
        [InlineData("ta-cert-sha256.dane.test", "2 0 1")]
        [InlineData("ta-cert-sha512.dane.test", "2 0 2")]
        [InlineData("ta-spki-full.dane.test", "2 1 0")]
        [InlineData("ta-spki-sha256.dane.test", "2 1 1")]
        [InlineData("ta-spki-sha512.dane.test", "2 1 2")]
        [InlineData("mixed.dane.test", "3 1 1")]
        public async Task Records_of_the_presented_certificate_or_its_ca_match(string host, string parameters)
        {
            var row = Assert.Single(await Check(host));
            Assert.Equal(DaneStatus.Match, row.Status);
            Assert.StartsWith(parameters + " ", row.MatchedRecord);
            Assert.True(row.TlsaValidated);
            Assert.True(row.AddressValidated);
            Assert.Equal("127.0.0.1", row.Address);
            Assert.Equal($"_{StartTlsPort}._tcp.{host}", row.TlsaName);
            Assert.Equal(new[] { "CN=mail.smtptools.test", "CN=SmtpTools Test CA" }, row.PresentedChain);
            Assert.Empty(row.Findings);
        }

        [Fact]
        public async Task Mixed_names_which_record_matched_and_which_did_not()
        {
            var row = Assert.Single(await Check("mixed.dane.test"));
            Assert.Equal(2, row.TlsaRecords.Length);
            Assert.Single(row.TlsaRecords, r => r.IsMatch);
            Assert.Contains(row.TlsaRecords, r => !r.IsMatch && r.Detail.StartsWith("does not match the server's public key", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("nomatch-ee.dane.test", "does not match the server's public key, which gives 3 1 1 ")]
        [InlineData("nomatch-ta.dane.test", "matches none of the 1 certificate(s) the server sent above its own")]
        public async Task Records_of_another_certificate_do_not_match(string host, string why)
        {
            var row = Assert.Single(await Check(host));
            Assert.Equal(DaneStatus.NoMatch, row.Status);
            Assert.Equal("DaneNoMatch", row.FindingIds);
            Assert.Contains(why, row.Detail);
            Assert.Null(row.MatchedRecord);
        }

        [Fact]
        public async Task Dane_ee_of_a_self_signed_certificate_matches_only_the_port_that_presents_it()
        {
            Assert.Equal(DaneStatus.Match, Assert.Single(await Check("selfsigned.dane.test", IntegrationServers.GetInt("SMTPTOOLS_SMTP_UNTRUSTED_PORT"))).Status);
            Assert.Equal(DaneStatus.NoMatch, Assert.Single(await Check("selfsigned.dane.test")).Status);
        }

        [Fact]
        public async Task Pkix_usages_only_are_no_usable_tlsa()
        {
            var row = Assert.Single(await Check("pkix-only.dane.test"));
            Assert.Equal(DaneStatus.NoTlsa, row.Status);
            Assert.Equal("DaneNoUsableRecord", row.FindingIds);
            Assert.Equal(new[] { "PKIX-EE", "PKIX-TA" }, row.TlsaRecords.Select(r => r.UsageName).OrderBy(x => x));
            Assert.Empty(row.PresentedChain); // nothing to match: not even connected
        }

        [Fact]
        public async Task No_tlsa_in_a_signed_zone_is_a_validated_no_tlsa()
        {
            var row = Assert.Single(await Check("notlsa.dane.test"));
            Assert.Equal(DaneStatus.NoTlsa, row.Status);
            Assert.True(row.TlsaValidated);
            Assert.Contains("a validated denial", row.Detail);
        }

        [Fact]
        public async Task Tlsa_in_an_unsigned_zone_is_unverifiable()
        {
            var row = Assert.Single(await Check("mx.dane-insecure.test"));
            Assert.Equal(DaneStatus.Unverifiable, row.Status);
            Assert.StartsWith("Unverifiable: answers not DNSSEC-validated", row.Detail);
            Assert.Single(row.TlsaRecords);
        }

        [Fact]
        public async Task Matching_tlsa_asked_of_a_resolver_that_does_not_validate_is_unverifiable_not_a_match()
        {
            // Knot answers the signed zone itself, without the AD bit: the same records, no proof.
            var row = Assert.Single(await Check("ee-spki-sha256.dane.test", server: "SMTPTOOLS_DNS"));
            Assert.Equal(DaneStatus.Unverifiable, row.Status);
            Assert.False(row.TlsaValidated);
            Assert.Null(row.MatchedRecord);
        }

        [Fact]
        public async Task Tlsa_in_a_bogus_zone_is_TempError()
        {
            var row = Assert.Single(await Check("mx.dnssec-badanchor.test"));
            Assert.Equal(DaneStatus.TempError, row.Status);
            Assert.Equal("DaneLookupFailed", row.FindingIds);
        }

        [Fact]
        public async Task A_port_without_starttls_fails_a_host_that_publishes_tlsa()
        {
            var row = Assert.Single(await Check("ee-spki-sha256.dane.test", IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT")));
            Assert.Equal(DaneStatus.TlsFailed, row.Status);
            Assert.Equal("DaneStartTlsNotOffered", row.FindingIds);
        }

        [Fact]
        public async Task A_domain_gets_one_row_per_mx_host_in_preference_order()
        {
            var rows = await Check("grade-good.test", asDomain: true);
            Assert.Equal(new[] { "mx1.mail.test", "mx2.mail.test" }, rows.Select(r => r.MxHost));
            Assert.All(rows, r => Assert.Equal(DaneStatus.Match, r.Status));
            Assert.All(rows, r => Assert.Equal("grade-good.test", r.Domain));
            Assert.Equal(rows.Select(r => r.Preference).OrderBy(p => p), rows.Select(r => r.Preference));
        }

        [Fact]
        public async Task The_mx_host_with_a_tlsa_record_of_another_certificate_is_the_one_that_fails()
        {
            var row = Assert.Single(await Check("mx-badtlsa.mail.test"));
            Assert.Equal(DaneStatus.NoMatch, row.Status);
        }
    }
}
