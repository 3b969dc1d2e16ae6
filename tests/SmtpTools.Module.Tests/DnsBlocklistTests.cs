using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Test-DnsBlocklist through the real engine against the loopback test lists (tests/Integration/zones/bl.test.zone).
    /// Every run names its -Zone: the built-in lists are never asked from a test.
    /// </summary>
    public sealed class DnsBlocklistTests : IClassFixture<PsSession>
    {
        private const string Zones = "$ip = @{ Name = 'ip.bl.test'; ReturnCodes = @{ '127.0.0.2' = 'spam source'; '127.0.0.4' = 'exploited host' } }; ";
        private readonly PsSession _s;
        public DnsBlocklistTests(PsSession session) { _s = session; }

        private PsResult Run(string script) => _s.Run(Zones + script, new Dictionary<string, object> { ["dns"] = IntegrationServers.Get("SMTPTOOLS_RESOLVER") });

        private static object P(PSObject o, string name) => o.Properties[name].Value;

        [Fact]
        public void Addresses_and_domains_are_checked_against_the_lists_of_their_kind_with_reasons()
        {
            var r = Run("Test-DnsBlocklist -IPAddress 192.0.2.66, 192.0.2.1 -Domain spam-domain.test -Zone $ip, dbl.bl.test -Server $dns");
            Assert.Empty(r.Errors);
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.DnsBlocklistResult", o.TypeNames[0]));
            Assert.Equal(new[] { "192.0.2.66", "192.0.2.1", "spam-domain.test" }, r.Output.Select(o => (string)P(o, "Subject")));
            Assert.Equal(new[] { "Listed", "NotListed", "Listed" }, r.Output.Select(o => P(o, "Status").ToString()));
            Assert.Equal("ip.bl.test: spam source", P(r.Output[0], "Reasons"));
            Assert.Equal("dbl.bl.test", P(r.Output[2], "ListedOn"));
            var listing = PSObject.AsPSObject(((object[])P(r.Output[0], "Listings")).Single());
            Assert.Equal("SmtpTools.DnsBlocklistListing", listing.TypeNames[0]);
            Assert.StartsWith("192.0.2.66 sent spam", (string)P(listing, "Text"));
        }

        [Fact]
        public void An_unusable_list_is_warned_about_once_and_never_lists_anything()
        {
            var r = Run("Test-DnsBlocklist -IPAddress 192.0.2.66, 192.0.2.67 -Zone rewrite.bl.test, refused.bl.test -Server $dns");
            Assert.Empty(r.Errors);
            Assert.All(r.Output, o => Assert.Equal(("Unknown", false), (P(o, "Status").ToString(), (bool)P(o, "IsListed"))));
            Assert.Equal(2, r.Warnings.Count);
            Assert.Contains(r.Warnings, w => w.StartsWith("rewrite.bl.test: list unusable via this resolver"));
            Assert.Contains(r.Warnings, w => w.StartsWith("refused.bl.test: query refused by the list (public or open resolver?)"));
        }

        [Fact]
        public void IncludeMx_adds_a_row_per_mx_address_and_quiet_answers_per_input()
        {
            var r = Run("'listedmx.mx.test' | Test-DnsBlocklist -IncludeMx -Zone $ip, dbl.bl.test -Server $dns");
            Assert.Equal(new[] { "listedmx.mx.test", "192.0.2.66", "192.0.2.11", "2001:db8::11" }, r.Output.Select(o => (string)P(o, "Subject")));
            Assert.Equal("MX mx.listedmx.mx.test", P(r.Output[1], "Source"));
            Assert.True((bool)P(r.Output[1], "IsListed"));

            var quiet = Run("'listedmx.mx.test', 'multi.mx.test' | Test-DnsBlocklist -IncludeMx -Zone $ip, dbl.bl.test -Server $dns -Quiet");
            Assert.Equal(new object[] { false, true }, quiet.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void Csv_rows_bind_by_IPAddress_and_an_address_piped_as_text_is_checked_as_an_address()
        {
            var r = Run("[pscustomobject]@{ IPAddress = '192.0.2.66' }, [pscustomobject]@{ IP = 'bad' }, '198.18.0.1', [pscustomobject]@{ Name = 'spam-domain.test' } | Test-DnsBlocklist -Zone $ip, dbl.bl.test -Server $dns 2>&1 | ForEach-Object { " +
                "if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error:' + $_.FullyQualifiedErrorId.Split(',')[0] } else { $_.Subject + ':' + $_.Status } }");
            Assert.Equal(new object[] { "192.0.2.66:Listed", "error:InvalidIPAddress", "198.18.0.1:Listed", "spam-domain.test:Listed" }, r.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void A_bad_zone_stops_the_cmdlet_before_any_question()
        {
            var r = Run("Test-DnsBlocklist -IPAddress 192.0.2.1, 192.0.2.2 -Zone 'not a zone' -Server $dns");
            Assert.Empty(r.Output);
            var error = Assert.Single(r.Errors);
            Assert.StartsWith("InvalidDnsBlocklistZone,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains("ReturnCodes", error.ErrorDetails?.RecommendedAction ?? error.ToString() + error.ErrorDetails);
        }

        [Fact]
        public void Both_parameters_work_together_and_an_address_row_binds_only_IPAddress()
        {
            var r = Run("Test-DnsBlocklist -IPAddress 192.0.2.66 -Domain spam-domain.test -Zone $ip, dbl.bl.test -Server $dns");
            Assert.Equal(new[] { "192.0.2.66", "spam-domain.test" }, r.Output.Select(o => (string)P(o, "Subject")));
            var rows = Run("[pscustomobject]@{ IPAddress = '192.0.2.66'; Note = 'x' }, [pscustomobject]@{ Domain = 'spam-domain.test'; IPAddress = '192.0.2.1' } | Test-DnsBlocklist -Zone $ip -Server $dns");
            Assert.Empty(rows.Errors);
            Assert.Equal(new[] { "192.0.2.66", "192.0.2.1" }, rows.Output.Select(o => (string)P(o, "Subject"))); // a row with both is an address
        }

        [Fact]
        public void The_table_view_shows_status_and_reasons_unclipped_at_120_columns()
        {
            var r = Run("Test-DnsBlocklist -IPAddress 192.0.2.66, 198.18.0.3 -Domain listedmx.mx.test -IncludeMx -Zone $ip, dbl.bl.test -Server $dns | Out-Default");
            Assert.Empty(r.Errors);
            string text = r.HostText;
            Assert.Contains("MX mx.listedmx.mx.test", text);
            Assert.Contains("ip.bl.test: spam source", text);
            Assert.Contains("NotListed", text);
            Assert.Contains("Unknown", text);
        }
    }
}
