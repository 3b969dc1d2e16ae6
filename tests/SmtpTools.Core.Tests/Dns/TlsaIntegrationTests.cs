using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;
using SmtpTools.Core.Dns;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dns
{
    /// <summary>
    /// GetTlsaAsync against the validating unbound of the test servers, with DnsClient (an independent implementation)
    /// as the oracle for the records: what DANE (RFC 7672) will read — the records, and whether they were validated.
    /// </summary>
    public class TlsaIntegrationTests
    {
        private static DnsResolver Resolver() => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get("SMTPTOOLS_RESOLVER") }),
            Timeout = TimeSpan.FromSeconds(3),
            Retries = 1,
        });

        private static readonly Lazy<LookupClient> Oracle = new Lazy<LookupClient>(() =>
            new LookupClient(new LookupClientOptions(new NameServer(IPAddress.Loopback, IntegrationServers.GetInt("SMTPTOOLS_RESOLVER_PORT")))
            {
                UseCache = false, Retries = 1, Timeout = TimeSpan.FromSeconds(3), ThrowDnsErrors = false, RequestDnsSecRecords = true,
            }));

        [Theory]
        [InlineData("_25._tcp.mx1.mail.test", 2)]
        [InlineData("_25._tcp.ee-cert-full.dane.test", 1)]   // a whole certificate: the largest answer
        [InlineData("_25._tcp.ta-spki-sha512.dane.test", 1)]
        [InlineData("_25._tcp.mixed.dane.test", 2)]
        public async Task Validated_tlsa_records_are_read_as_the_oracle_reads_them(string name, int count)
        {
            using var resolver = Resolver();
            var answer = await resolver.GetTlsaAsync(name, CancellationToken.None);
            Assert.Equal(DnsResponseStatus.NoError, answer.Status);
            Assert.True(answer.Authenticated, name + " was not validated");
            var oracle = (await Oracle.Value.QueryAsync(name, QueryType.TLSA)).Answers.OfType<TlsaRecord>()
                .Select(t => $"{(int)t.CertificateUsage} {(int)t.Selector} {(int)t.MatchingType} {Convert.ToHexString(t.CertificateAssociationData.ToArray()).ToLowerInvariant()}")
                .OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(count, oracle.Count);
            Assert.Equal(oracle, answer.Records.Select(r => r.ToString()).OrderBy(x => x, StringComparer.Ordinal));
        }

        [Fact]
        public async Task No_tlsa_in_a_signed_zone_is_a_validated_denial()
        {
            using var resolver = Resolver();
            var answer = await resolver.GetTlsaAsync("_25._tcp.notlsa.dane.test", CancellationToken.None);
            Assert.True(answer.IsSuccess);
            Assert.Empty(answer.Records);
            Assert.True(answer.Authenticated);
        }

        [Fact]
        public async Task Tlsa_in_an_unsigned_zone_is_not_authenticated()
        {
            using var resolver = Resolver();
            var answer = await resolver.GetTlsaAsync("_25._tcp.mx.dane-insecure.test", CancellationToken.None);
            Assert.Single(answer.Records);
            Assert.False(answer.Authenticated);
        }

        [Fact]
        public async Task Tlsa_in_a_bogus_zone_is_a_failure_never_records()
        {
            using var resolver = Resolver();
            var answer = await resolver.GetTlsaAsync("_25._tcp.mx.dnssec-badanchor.test", CancellationToken.None);
            Assert.Equal(DnsResponseStatus.ServerFailure, answer.Status);
            Assert.Empty(answer.Records);
        }

        [Fact]
        public async Task The_addresses_and_mx_of_a_signed_zone_are_authenticated_too()
        {
            using var resolver = Resolver();
            Assert.True((await resolver.GetMxAsync("grade-good.test", CancellationToken.None)).Authenticated);
            Assert.True((await resolver.GetAddressesAsync("mx1.mail.test", System.Net.Sockets.AddressFamily.InterNetwork, CancellationToken.None)).Authenticated);
            Assert.False((await resolver.GetMxAsync("grade-unsigned.test", CancellationToken.None)).Authenticated);
        }
    }
}
