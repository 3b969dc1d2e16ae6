using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Test-SmtpDane in the hosted engine against the real servers: dane.test through the validating unbound, every
    /// address of the MX hosts on the test Postfix listeners (tests/Integration/README.md, "DANE"). The engine's cases are
    /// in the Core tests; these prove the cmdlet: binding, order, errors in place, -Quiet, TempError, the view.
    /// </summary>
    public sealed class SmtpDaneTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public SmtpDaneTests(PsSession session) { _s = session; }

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object>
        {
            ["resolver"] = IntegrationServers.Get("SMTPTOOLS_RESOLVER"),
            ["port"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT"),
        });

        private static object P(PSObject o, string name) => o.Properties[name].Value;

        [Fact]
        public void Domains_by_value_keep_their_order_and_a_bad_one_is_an_error_in_its_place()
        {
            var r = Run(@"'split.dane.test', 'not a domain', 'notlsa.dane.test', 'ee-spki-sha256.dane.test' | Test-SmtpDane -Server $resolver -Port $port 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error:' + $_.FullyQualifiedErrorId.Split(',')[0] + ':' + $_.CategoryInfo.Category } else { $_ } }");
            Assert.Null(r.Terminating);
            Assert.Equal("error:InvalidDomainName:InvalidArgument", r.Output[1].BaseObject);
            var results = new[] { r.Output[0], r.Output[2], r.Output[3] };
            Assert.All(results, o => Assert.Equal("SmtpTools.DaneDomainResult", o.TypeNames[0]));
            Assert.Equal(new[] { "split.dane.test", "notlsa.dane.test", "ee-spki-sha256.dane.test" }, results.Select(o => (string)P(o, "Domain")));
            Assert.Equal(new[] { "NoMatch", "NoTlsa", "Match" }, results.Select(o => P(o, "Status").ToString()));
            Assert.Equal(3, P(results[0], "AddressCount"));
            Assert.Equal("split.dane.test NoMatch", P(results[0], "MxStatusList"));
            var host = PSObject.AsPSObject(((object[])P(results[0], "MxHosts"))[0]);
            Assert.Equal("SmtpTools.DaneMxResult", host.TypeNames[0]);
            var second = IntegrationServers.Get("SMTPTOOLS_SMTP_SECOND_ADDRESS");
            var rows = ((object[])P(results[0], "Results")).Select(PSObject.AsPSObject).ToList();
            Assert.Equal("NoMatch", P(rows.Single(a => (string)P(a, "Address") == second), "Status").ToString());
            Assert.Equal("Match", P(rows.Single(a => (string)P(a, "Address") == "127.0.0.1"), "Status").ToString());
        }

        [Fact]
        public void Csv_rows_bind_by_Domain_Name_or_DomainName_and_Quiet_is_a_match_on_every_address()
        {
            var r = Run("[pscustomobject]@{ Name = 'ee-spki-sha256.dane.test' }, [pscustomobject]@{ DomainName = 'split.dane.test' }, [pscustomobject]@{ Domain = 'mx.dane-insecure.test' } | Test-SmtpDane -DnsServer $resolver -Port $port -Quiet");
            Assert.Empty(r.Errors);
            Assert.Equal(new object[] { true, false, false }, r.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void A_silent_dns_server_is_TempError_with_a_finding_for_every_domain()
        {
            using var silent = new SilentDnsServer();
            var r = _s.Run("'split.dane.test', 'twoaddr.dane.test' | Test-SmtpDane -Server $silent -TimeoutSec 1", new Dictionary<string, object> { ["silent"] = silent.Endpoint });
            Assert.Empty(r.Errors);
            Assert.Equal(2, r.Output.Count);
            Assert.All(r.Output, o =>
            {
                Assert.Equal("TempError", P(o, "Status").ToString());
                Assert.Equal("DaneLookupFailed", P(o, "FindingIds"));
            });
        }

        [Fact]
        public void The_table_view_shows_the_status_the_matches_and_each_host()
        {
            var r = Run("'split.dane.test', 'partial.dane.test' | Test-SmtpDane -Server $resolver -Port $port | Out-Default");
            Assert.Empty(r.Errors);
            Assert.Contains("split.dane.test NoMatch", r.HostText);
            Assert.Contains("twoaddr.dane.test Match, notlsa.dane.test NoTlsa", r.HostText);
            Assert.Contains("Matched", r.HostText);
        }

        [Fact]
        public void An_invalid_helo_name_stops_the_cmdlet_before_anything_is_sent()
        {
            var r = Run("Test-SmtpDane split.dane.test -Server $resolver -Port $port -HeloName \"bad`r`nRCPT TO:<x@y>\"");
            var error = r.Terminating is RuntimeException rt && rt.ErrorRecord != null ? rt.ErrorRecord : Assert.Single(r.Errors);
            Assert.Equal("InvalidHeloName", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("HeloName", error.ToString());
            Assert.Empty(r.Output);
        }
    }
}
