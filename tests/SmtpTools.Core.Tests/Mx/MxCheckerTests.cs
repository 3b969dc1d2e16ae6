using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Mx;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Mx
{
    /// <summary>Test-MxRecord's engine on an in-memory zone: the failure paths and rules the test servers cannot stage.</summary>
    public class MxCheckerTests
    {
        private static InMemoryDnsResolver Zone() => new InMemoryDnsResolver()
            .AddMx("example.test", 10, "mx1.example.test").AddMx("example.test", 20, "mx2.example.test")
            .AddA("mx1.example.test", "192.0.2.1").AddA("mx2.example.test", "192.0.2.2")
            .AddPtr(IPAddress.Parse("192.0.2.1"), "mx1.example.test").AddPtr(IPAddress.Parse("192.0.2.2"), "mx2.example.test");

        private static Task<MxRecordResult> Check(InMemoryDnsResolver zone, string domain = "example.test") =>
            new MxChecker(zone).CheckAsync(domain, CancellationToken.None);

        [Fact]
        public async Task A_clean_domain_is_valid()
        {
            var result = await Check(Zone());
            Assert.Equal(MxStatus.Valid, result.Status);
            Assert.Empty(result.Findings);
            Assert.Equal(2, result.ForwardConfirmedCount);
        }

        [Theory]
        [InlineData(DnsResponseStatus.Timeout)]
        [InlineData(DnsResponseStatus.ServerFailure)]
        public async Task A_failed_mx_lookup_is_TempError_never_no_mx(DnsResponseStatus failure)
        {
            var result = await Check(Zone().AddFailure("example.test", failure));
            Assert.Equal(MxStatus.TempError, result.Status);
            Assert.False(result.AcceptsMail);
            Assert.False(result.IsImplicitMx);
            Assert.Equal("MxLookupFailed", result.Findings.Single(f => f.Id.StartsWith("Mx", StringComparison.Ordinal)).Id);
            Assert.DoesNotContain(result.Findings, f => f.Id == "MxImplicit" || f.Id == "MxNoMailHost");
        }

        [Fact]
        public async Task A_host_whose_address_lookup_fails_keeps_the_rest_and_makes_the_result_TempError()
        {
            var result = await Check(Zone().AddTimeout("mx2.example.test"));
            Assert.Equal(MxStatus.TempError, result.Status);
            Assert.True(result.AcceptsMail);
            Assert.Equal(new[] { true, false }, result.Hosts.Select(h => h.IsUsable));
            Assert.Contains("A mx2.example.test", result.Findings.Single(f => f.Id == "MxLookupFailed").Message);
            Assert.DoesNotContain(result.Findings, f => f.Id == "MxHostWithoutAddress"); // unknown, not "no address"
        }

        [Fact]
        public async Task A_failed_ptr_lookup_is_TempError_for_that_address_not_a_missing_ptr()
        {
            var result = await Check(Zone().AddTimeout(IPAddress.Parse("192.0.2.2").GetArpaName()));
            Assert.Equal(MxStatus.TempError, result.Status);
            Assert.Equal(new[] { ReverseDnsStatus.Confirmed, ReverseDnsStatus.TempError }, result.Hosts.Select(h => h.Addresses.Single().ReverseDns));
            Assert.DoesNotContain(result.Findings, f => f.Id == "MxReverseDnsMissing");
        }

        [Fact]
        public async Task A_failed_lookup_of_the_ptr_name_is_TempError_not_a_mismatch()
        {
            var zone = Zone();
            zone.AddPtr(IPAddress.Parse("192.0.2.3"), "slow.example.test").AddMx("other.test", 10, "mx3.example.test").AddA("mx3.example.test", "192.0.2.3").AddTimeout("slow.example.test");
            var result = await Check(zone, "other.test");
            Assert.Equal(ReverseDnsStatus.TempError, result.Hosts.Single().Addresses.Single().ReverseDns);
            Assert.DoesNotContain(result.Findings, f => f.Id == "MxReverseDnsMismatch");
        }

        [Theory]
        [InlineData("v=spf1 -all", false)]
        [InlineData("v=spf1 ~all", false)]
        [InlineData("v=spf1 ?all", false)]
        [InlineData("v=spf1 include:_spf.provider.test -all", true)]
        [InlineData("v=spf1 redirect=_spf.provider.test", true)]
        [InlineData("v=spf1 +all", true)]
        [InlineData("v=spf1 a mx -all", true)]
        public async Task A_null_mx_is_flagged_when_spf_authorises_senders(string spf, bool flagged)
        {
            var zone = new InMemoryDnsResolver().AddMx("nomail.test", 0, ".").AddTxt("nomail.test", spf).AddTxt("nomail.test", "unrelated=1");
            var result = await Check(zone, "nomail.test");
            Assert.Equal(MxStatus.NullMx, result.Status);
            Assert.Equal(flagged, result.Findings.Any(f => f.Id == "MxNullMxWithSpf"));
        }

        [Fact]
        public async Task A_null_mx_with_another_preference_is_named()
        {
            var result = await Check(new InMemoryDnsResolver().AddMx("nomail.test", 5, "."), "nomail.test");
            Assert.Equal(MxStatus.NullMx, result.Status);
            Assert.Contains("\"5 .\"", result.Findings.Single(f => f.Id == "MxNullMxPreference").Message);
        }

        [Fact]
        public async Task A_failed_spf_lookup_beside_a_null_mx_is_TempError()
        {
            var result = await Check(new InMemoryDnsResolver().AddMx("nomail.test", 0, ".").AddFailure("nomail.test", DnsResponseStatus.ServerFailure), "nomail.test");
            Assert.Equal(MxStatus.TempError, result.Status);
        }

        [Fact]
        public async Task An_ipv6_literal_is_an_ip_literal_too()
        {
            var result = await Check(new InMemoryDnsResolver().AddMx("v6.test", 10, "2001:db8::25"), "v6.test");
            Assert.True(result.Hosts.Single().IsIPLiteral);
            Assert.Equal(MxStatus.NoMail, result.Status);
        }

        [Fact]
        public async Task A_validated_domain_reports_it_and_a_bogus_one_fails_with_the_reason()
        {
            Assert.Equal(DnssecStatus.Validated, (await Check(Zone().AddSigning("example.test", InMemoryDnsResolver.Signing.Validated))).DnssecStatus);
            var bogus = await Check(Zone().AddSigning("example.test", InMemoryDnsResolver.Signing.Bogus));
            Assert.Equal((MxStatus.TempError, DnssecStatus.Bogus), (bogus.Status, bogus.DnssecStatus));
            Assert.Contains(bogus.Findings, f => f.Id == "DnssecBogus");
        }

        [Theory]
        [InlineData("")]
        [InlineData("user@example.test")]
        [InlineData("192.0.2.1")]
        public async Task Input_that_is_not_a_domain_is_refused_before_any_question(string input)
        {
            var zone = Zone();
            var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => Check(zone, input));
            Assert.Equal(("InvalidDomainName", FailureKind.InvalidArgument), (ex.ErrorId, ex.Kind));
            Assert.Empty(zone.Log);
        }

        [Fact]
        public async Task Cancellation_stops_the_check()
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new MxChecker(Zone()).CheckAsync("example.test", cts.Token));
        }
    }
}
