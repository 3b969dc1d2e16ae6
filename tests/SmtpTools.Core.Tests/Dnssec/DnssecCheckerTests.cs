using System;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Dnssec;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dnssec
{
    /// <summary>
    /// The DNSSEC status engine against the real servers (tests/Integration/README.md, "DNSSEC"): unbound validating
    /// in front of Knot, which signs dnssec.test, signs dnssec-expired.test with long-expired signatures and
    /// dnssec-badanchor.test with a key unbound does not trust; and against Knot itself, which does not validate.
    /// </summary>
    public class DnssecCheckerTests
    {
        internal static DnsResolver Resolver(string server, int retries = 1, double timeoutSec = 3) => new DnsResolver(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { server }),
            Timeout = TimeSpan.FromSeconds(timeoutSec),
            Retries = retries,
        });

        private static string Unbound => IntegrationServers.Get("SMTPTOOLS_RESOLVER");
        private static string Knot => IntegrationServers.Get("SMTPTOOLS_DNS");

        private static Task<DnssecStatusResult> Check(string domain, string server) => new DnssecChecker(Resolver(server)).CheckAsync(domain, CancellationToken.None);

        [Theory]
        [InlineData("dnssec.test", "dnssec.test")]
        [InlineData("www.dnssec.test", "dnssec.test")]         // a name below the apex: NODATA, validated by its signed proof
        [InlineData("nothing-here.dnssec.test", "dnssec.test")] // NXDOMAIN, validated the same way
        [InlineData("grade-good.test", "grade-good.test")]
        [InlineData("mx1.mail.test", "mail.test")]
        public async Task A_signed_zone_with_a_trust_anchor_is_validated(string domain, string zone)
        {
            var result = await Check(domain, Unbound);
            Assert.Equal(DnssecStatus.Validated, result.Status);
            Assert.Equal(zone, result.Zone);
            Assert.True(result.IsValidated);
            Assert.True(result.IsSigned);
            Assert.True(result.SignatureCount > 0);
            Assert.True(result.SignatureExpiration > DateTime.UtcNow, result.SignatureExpiration?.ToString("o"));
            Assert.Empty(result.Findings);
        }

        [Theory]
        [InlineData("multi.mx.test", "mx.test")]
        [InlineData("grade-unsigned.test", "grade-unsigned.test")]
        [InlineData("ip.bl.test", "bl.test")]
        public async Task An_unsigned_zone_is_unsigned_with_an_information_finding(string domain, string zone)
        {
            var result = await Check(domain, Unbound);
            Assert.Equal(DnssecStatus.Unsigned, result.Status);
            Assert.Equal(zone, result.Zone);
            Assert.False(result.IsSigned);
            Assert.Equal(0, result.SignatureCount);
            Assert.Equal("DnssecUnsigned", Assert.Single(result.Findings).Id);
            Assert.Equal(0, result.WarningCount + result.ErrorCount);
        }

        [Fact]
        public async Task A_signed_zone_asked_of_a_server_that_does_not_validate_is_signed_but_not_validated()
        {
            var result = await Check("dnssec.test", Knot);
            Assert.Equal(DnssecStatus.SignedNotValidated, result.Status);
            Assert.True(result.IsSigned);
            Assert.False(result.IsValidated);
            Assert.Equal("DnssecSignedNotValidated", Assert.Single(result.Findings).Id);
            Assert.Contains("does not validate", result.Detail);
        }

        [Fact]
        public async Task Expired_signatures_are_bogus_and_the_detail_says_they_expired()
        {
            var result = await Check("dnssec-expired.test", Unbound);
            Assert.Equal(DnssecStatus.Bogus, result.Status);
            Assert.True(result.IsSigned);
            Assert.True(result.SignatureExpiration < DateTime.UtcNow);
            Assert.Contains("expired", result.Detail);
            var finding = Assert.Single(result.Findings);
            Assert.Equal(("DnssecBogus", FindingSeverity.Error), (finding.Id, finding.Severity));
            Assert.Equal(1, result.ErrorCount);
        }

        [Fact]
        public async Task A_key_the_trust_anchor_does_not_name_is_bogus_with_current_signatures()
        {
            var result = await Check("dnssec-badanchor.test", Unbound);
            Assert.Equal(DnssecStatus.Bogus, result.Status);
            Assert.True(result.SignatureExpiration > DateTime.UtcNow);
            Assert.Contains("key rollover", result.Detail);
            Assert.Equal("DnssecBogus", Assert.Single(result.Findings).Id);
        }

        [Fact]
        public async Task The_bogus_zone_answers_from_knot_directly_so_the_verdict_depends_on_the_resolver()
        {
            Assert.Equal(DnssecStatus.SignedNotValidated, (await Check("dnssec-badanchor.test", Knot)).Status);
        }

        [Fact]
        public async Task Two_checks_of_one_domain_in_a_pipeline_cost_one_question()
        {
            using var resolver = Resolver(Unbound);
            var checker = new DnssecChecker(resolver);
            await checker.CheckAsync("dnssec.test", CancellationToken.None);
            long sent = resolver.QueriesSent;
            await checker.CheckAsync("DNSSEC.test.", CancellationToken.None);
            Assert.Equal(sent, resolver.QueriesSent);
        }
    }

    /// <summary>The failures a status must never be read from, against a scripted server.</summary>
    public sealed class DnssecCheckerFaultTests : IDisposable
    {
        private readonly FakeDnsServer _dns = new FakeDnsServer();

        public DnssecCheckerFaultTests() => _dns.AddSoa("zone.fake.test");

        public void Dispose() => _dns.Dispose();

        // A short timeout only where the server stays silent; elsewhere room for a loaded machine.
        private Task<DnssecStatusResult> Check(double timeoutSec = 5) =>
            new DnssecChecker(DnssecCheckerTests.Resolver(_dns.Endpoint, retries: 0, timeoutSec: timeoutSec)).CheckAsync("zone.fake.test", CancellationToken.None);

        [Theory]
        [InlineData(DnsFault.Silence, "No reply")]
        [InlineData(DnsFault.Refused, "REFUSED")]
        [InlineData(DnsFault.ServFail, "also with validation turned off")]
        public async Task A_timeout_a_refusal_or_SERVFAIL_with_and_without_CD_is_TempError_never_a_verdict(DnsFault fault, string reason)
        {
            _dns.Script = (name, type, before) => fault;
            // The short timeout only for silence: a SERVFAIL is asked again with CD after a back-off, and on a loaded
            // machine that reply took longer than 0.5 s (the detail then said "no reply" instead of the SERVFAIL).
            var result = await Check(timeoutSec: fault == DnsFault.Silence ? 0.5 : 5);
            Assert.Equal(DnssecStatus.TempError, result.Status);
            Assert.Contains(reason, result.Detail);
            Assert.Equal("DnssecLookupFailed", Assert.Single(result.Findings).Id);
        }

        [Theory]
        [InlineData(true, -2, "expired")]
        [InlineData(true, 20, "valid only from")]      // inception 14 days before expiry: 6 days ahead
        [InlineData(true, 7, "key rollover")]
        [InlineData(false, 7, "no signatures came back")]
        public async Task Servfail_that_disappears_with_CD_is_bogus_and_the_signatures_tell_why(bool signatures, int expiresInDays, string why)
        {
            _dns.Sign("zone.fake.test", secure: false, bogus: true, expires: DateTime.UtcNow.AddDays(expiresInDays), signatures: signatures);
            var result = await Check();
            Assert.Equal(DnssecStatus.Bogus, result.Status);
            Assert.Equal(signatures, result.IsSigned);
            Assert.Contains(why, result.Detail);
            Assert.Equal("DnssecBogus", Assert.Single(result.Findings).Id);
        }

        [Fact]
        public async Task An_invalid_domain_is_an_InvalidDomainName_error_before_any_question()
        {
            var ex = await Assert.ThrowsAsync<Errors.SmtpToolsException>(() =>
                new DnssecChecker(DnssecCheckerTests.Resolver(_dns.Endpoint)).CheckAsync("not a domain", CancellationToken.None));
            Assert.Equal("InvalidDomainName", ex.ErrorId);
            Assert.Empty(_dns.Log);
        }
    }
}
