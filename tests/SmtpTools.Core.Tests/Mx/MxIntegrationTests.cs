using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Mx;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Mx
{
    /// <summary>
    /// Test-MxRecord's engine against the real servers: every mx.test domain of tests/Integration/README.md through the
    /// validating unbound (which forwards to Knot), with the outcome the README promises.
    /// </summary>
    public class MxIntegrationTests
    {
        private static string Unbound => IntegrationServers.Get("SMTPTOOLS_RESOLVER");

        private static async Task<MxRecordResult> Check(string domain, MxCheckOptions options = null)
        {
            using var resolver = new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { Unbound }), Timeout = TimeSpan.FromSeconds(3), Retries = 1 });
            return await new MxChecker(resolver, options).CheckAsync(domain, CancellationToken.None);
        }

        private static string Ids(MxRecordResult r) => string.Join(",", r.Findings.Select(f => f.Id).OrderBy(x => x, StringComparer.Ordinal));

        [Theory]
        [InlineData("multi.mx.test", MxStatus.Valid, true, "10 mx1.multi.mx.test;20 mx2.multi.mx.test;30 mx3.multi.mx.test", "")]
        [InlineData("samepref.mx.test", MxStatus.Valid, true, "10 mx1.multi.mx.test;10 mx2.multi.mx.test", "MxEqualPreference")]
        [InlineData("duphost.mx.test", MxStatus.Warning, true, "10 mx1.multi.mx.test;20 mx1.multi.mx.test", "MxDuplicateHost")]
        [InlineData("cname.mx.test", MxStatus.Warning, true, "10 alias.cname.mx.test", "MxTargetIsCname")]
        [InlineData("ipliteral.mx.test", MxStatus.NoMail, false, "10 192.0.2.25", "MxNoUsableHost,MxTargetIsIPAddress")]
        [InlineData("noaddr.mx.test", MxStatus.Warning, true, "10 mx1.multi.mx.test;20 empty.noaddr.mx.test;30 missing.noaddr.mx.test", "MxHostWithoutAddress")]
        [InlineData("noaddronly.mx.test", MxStatus.NoMail, false, "10 empty.noaddr.mx.test", "MxHostWithoutAddress,MxNoUsableHost")]
        [InlineData("implicit.mx.test", MxStatus.ImplicitMx, true, "0 implicit.mx.test", "MxImplicit,MxReverseDnsMissing")]
        [InlineData("nomail.mx.test", MxStatus.NoMail, false, "", "MxNoMailHost")]
        [InlineData("does-not-exist.mx.test", MxStatus.NoMail, false, "", "MxDomainNotFound")]
        [InlineData("nullmx.mx.test", MxStatus.NullMx, false, "", "MxNullMx")]
        [InlineData("nullmx-spf.mx.test", MxStatus.NullMx, false, "", "MxNullMx,MxNullMxWithSpf")]
        [InlineData("nullmx-mixed.mx.test", MxStatus.Invalid, true, "10 mx1.multi.mx.test", "MxNullMxNotAlone")]
        [InlineData("fcrdns.mx.test", MxStatus.Warning, true,
            "10 match.fcrdns.mx.test;20 mismatch.fcrdns.mx.test;30 noptr.fcrdns.mx.test;40 other.fcrdns.mx.test;50 half.fcrdns.mx.test",
            "MxReverseDnsMismatch,MxReverseDnsMissing")]
        [InlineData("dnssec.test", MxStatus.Valid, true, "10 mx1.mail.test", "")]
        public async Task Each_test_domain_gets_the_documented_verdict(string domain, MxStatus status, bool acceptsMail, string hosts, string findings)
        {
            var result = await Check(domain);
            Assert.Equal((status, acceptsMail), (result.Status, result.AcceptsMail));
            // Hosts of equal preference come in the order the resolver gives (unbound rotates them).
            Assert.Equal(hosts.Split(';').OrderBy(x => x, StringComparer.Ordinal), result.HostNames.Split(';').OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(result.Hosts.Select(h => h.Preference).OrderBy(p => p), result.Hosts.Select(h => h.Preference));
            Assert.Equal(findings, Ids(result));
            Assert.Equal(result.Hosts.Length, result.HostCount);
            Assert.DoesNotContain(result.Findings, f => string.IsNullOrEmpty(f.Reference));
        }

        [Fact]
        public async Task Hosts_come_in_preference_order_with_their_IPv4_and_IPv6_addresses_each_forward_confirmed()
        {
            var result = await Check("multi.mx.test");
            Assert.Equal(new[] { "mx1.multi.mx.test", "mx2.multi.mx.test", "mx3.multi.mx.test" }, result.Hosts.Select(h => h.Name));
            Assert.Equal("192.0.2.11;2001:db8::11", result.Hosts[0].AddressList);
            Assert.Equal(new[] { "IPv4", "IPv6" }, result.Hosts[0].Addresses.Select(a => a.AddressFamily));
            Assert.All(result.Hosts.SelectMany(h => h.Addresses), a =>
            {
                Assert.Equal(ReverseDnsStatus.Confirmed, a.ReverseDns);
                Assert.Equal(a.ConfirmedName, Assert.Single(a.PtrNames));
            });
            Assert.Equal("192.0.2.11;2001:db8::11;192.0.2.12;192.0.2.13", result.Addresses);
            Assert.Equal((4, 4, 3), (result.AddressCount, result.ForwardConfirmedCount, result.UsableHostCount));
            Assert.Equal(DnssecStatus.Unsigned, result.DnssecStatus);
        }

        [Fact]
        public async Task Reverse_dns_is_judged_per_address()
        {
            var result = await Check("fcrdns.mx.test");
            var byAddress = result.Hosts.SelectMany(h => h.Addresses).ToDictionary(a => a.Address);
            Assert.Equal((ReverseDnsStatus.Confirmed, "match.fcrdns.mx.test"), (byAddress["192.0.2.40"].ReverseDns, byAddress["192.0.2.40"].ConfirmedName));
            Assert.Equal(ReverseDnsStatus.Confirmed, byAddress["2001:db8::40"].ReverseDns);
            Assert.Equal((ReverseDnsStatus.Mismatch, "elsewhere.fcrdns.mx.test"), (byAddress["192.0.2.41"].ReverseDns, byAddress["192.0.2.41"].PtrNames.Single()));
            Assert.Equal((ReverseDnsStatus.Mismatch, "gone.fcrdns.mx.test"), (byAddress["2001:db8::41"].ReverseDns, byAddress["2001:db8::41"].PtrNames.Single()));
            Assert.Equal(ReverseDnsStatus.NoPtr, byAddress["192.0.2.42"].ReverseDns);
            // Confirmed although the PTR names another host: relay.fcrdns resolves back to the address.
            Assert.Equal((ReverseDnsStatus.Confirmed, "relay.fcrdns.mx.test"), (byAddress["192.0.2.43"].ReverseDns, byAddress["192.0.2.43"].ConfirmedName));
            Assert.Equal(ReverseDnsStatus.Confirmed, byAddress["192.0.2.44"].ReverseDns);
            Assert.Equal(ReverseDnsStatus.NoPtr, byAddress["192.0.2.45"].ReverseDns);
            Assert.Equal(4, result.ForwardConfirmedCount);

            var mismatch = result.Findings.Single(f => f.Id == "MxReverseDnsMismatch");
            Assert.Equal(2, mismatch.Count);
            Assert.Contains("192.0.2.41 (mismatch.fcrdns.mx.test) has the PTR name(s) elsewhere.fcrdns.mx.test (192.0.2.99)", mismatch.Message);
            Assert.Contains("gone.fcrdns.mx.test (no address)", mismatch.Message);
            Assert.Equal(2, result.Findings.Single(f => f.Id == "MxReverseDnsMissing").Count);
        }

        [Fact]
        public async Task A_cname_target_is_followed_to_its_addresses_and_named()
        {
            var host = Assert.Single((await Check("cname.mx.test")).Hosts);
            Assert.True(host.IsAlias && host.IsUsable);
            Assert.Equal("mx1.multi.mx.test", host.CanonicalName);
            Assert.Equal("192.0.2.11;2001:db8::11", host.AddressList);
        }

        [Fact]
        public async Task A_duplicate_host_is_reported_once_and_both_listings_carry_its_addresses()
        {
            var result = await Check("duphost.mx.test");
            Assert.All(result.Hosts, h => Assert.Equal("192.0.2.11;2001:db8::11", h.AddressList));
            Assert.Equal(2, result.AddressCount); // one host, two addresses, not four
            Assert.Contains("listed 2 times (preferences 10, 20)", result.Findings.Single().Message);
        }

        [Fact]
        public async Task The_null_mx_with_an_authorising_spf_record_names_what_it_authorises()
        {
            var result = await Check("nullmx-spf.mx.test");
            Assert.True(result.IsNullMx);
            Assert.Empty(result.Hosts);
            Assert.Contains("ip4:192.0.2.0/24", result.Findings.Single(f => f.Id == "MxNullMxWithSpf").Message);
        }

        [Fact]
        public async Task The_implicit_mx_is_the_domain_itself()
        {
            var result = await Check("implicit.mx.test");
            var host = Assert.Single(result.Hosts);
            Assert.True(host.IsImplicit && result.IsImplicitMx);
            Assert.Equal("192.0.2.30", host.AddressList);
        }

        [Fact]
        public async Task A_signed_domain_is_validated_and_its_mx_forward_confirmed()
        {
            var result = await Check("dnssec.test");
            Assert.Equal(DnssecStatus.Validated, result.DnssecStatus);
            Assert.Equal(ReverseDnsStatus.Confirmed, result.Hosts.Single().Addresses.Single().ReverseDns);
        }

        [Fact]
        public async Task A_bogus_domain_is_TempError_and_says_DNSSEC_is_why()
        {
            var result = await Check("dnssec-expired.test");
            Assert.Equal(MxStatus.TempError, result.Status);
            Assert.Equal(DnssecStatus.Bogus, result.DnssecStatus);
            Assert.Equal("DnssecBogus,MxLookupFailed", Ids(result));
            Assert.Contains("SERVFAIL", result.Findings.Single(f => f.Id == "MxLookupFailed").Message);
        }

        [Fact]
        public async Task Without_reverse_dns_and_dnssec_only_mx_and_address_questions_are_asked()
        {
            using var resolver = new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { Unbound }) });
            var result = await new MxChecker(resolver, new MxCheckOptions { ReverseDns = false, Dnssec = false }).CheckAsync("multi.mx.test", CancellationToken.None);
            Assert.Equal(7, resolver.QueriesSent); // MX, then A and AAAA of three hosts
            Assert.Equal(DnssecStatus.NotChecked, result.DnssecStatus);
            Assert.Equal(0, result.ForwardConfirmedCount);
            Assert.All(result.Hosts.SelectMany(h => h.Addresses), a => Assert.Equal(ReverseDnsStatus.NotChecked, a.ReverseDns));
        }
    }
}
