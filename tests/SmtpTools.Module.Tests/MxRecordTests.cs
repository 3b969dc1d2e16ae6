using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>Test-MxRecord and Test-DnssecStatus through the real engine, against the validating unbound of the test servers.</summary>
    public sealed class MxRecordTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public MxRecordTests(PsSession session) { _s = session; }

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object>
        {
            ["dns"] = IntegrationServers.Get("SMTPTOOLS_RESOLVER"),
            ["knot"] = IntegrationServers.Get("SMTPTOOLS_DNS"),
        });

        private static object P(PSObject o, string name) => o.Properties[name].Value;

        [Fact]
        public void Domains_by_value_keep_their_order_and_type_and_a_bad_one_is_an_error_in_its_place()
        {
            var r = Run(@"'multi.mx.test', 'not a domain', 'nullmx-spf.mx.test', 'cname.mx.test' | Test-MxRecord -Server $dns 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error:' + $_.FullyQualifiedErrorId.Split(',')[0] + ':' + $_.CategoryInfo.Category } else { $_ } }");
            Assert.Null(r.Terminating);
            Assert.Equal("error:InvalidDomainName:InvalidArgument", r.Output[1].BaseObject);
            var results = new[] { r.Output[0], r.Output[2], r.Output[3] };
            Assert.All(results, o => Assert.Equal("SmtpTools.MxRecordResult", o.TypeNames[0]));
            Assert.Equal(new[] { "multi.mx.test", "nullmx-spf.mx.test", "cname.mx.test" }, results.Select(o => (string)P(o, "Domain")));
            Assert.Equal(new[] { "Valid", "NullMx", "Warning" }, results.Select(o => P(o, "Status").ToString()));
            Assert.Equal("10 mx1.multi.mx.test;20 mx2.multi.mx.test;30 mx3.multi.mx.test", P(results[0], "HostNames"));
            var host = PSObject.AsPSObject(((object[])P(results[0], "Hosts"))[0]);
            Assert.Equal("SmtpTools.MxHost", host.TypeNames[0]);
            var address = PSObject.AsPSObject(((object[])P(host, "Addresses"))[0]);
            Assert.Equal(("192.0.2.11", "Confirmed"), ((string)P(address, "Address"), P(address, "ReverseDns").ToString()));
            Assert.Equal("MxNullMx;MxNullMxWithSpf", P(results[1], "FindingIds"));
            Assert.Equal("Unsigned", P(results[0], "DnssecStatus").ToString());
        }

        [Fact]
        public void Csv_rows_bind_by_Domain_Name_or_DomainName()
        {
            var r = Run("[pscustomobject]@{ Name = 'implicit.mx.test' }, [pscustomobject]@{ DomainName = 'nomail.mx.test' }, [pscustomobject]@{ Domain = 'dnssec.test' } | Test-MxRecord -DnsServer $dns");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "ImplicitMx", "NoMail", "Valid" }, r.Output.Select(o => P(o, "Status").ToString()));
            Assert.Equal("Validated", P(r.Output[2], "DnssecStatus").ToString());
        }

        [Fact]
        public void Quiet_is_whether_the_domain_accepts_mail()
        {
            var r = Run("'multi.mx.test', 'nullmx.mx.test', 'noaddronly.mx.test', 'implicit.mx.test' | Test-MxRecord -Server $dns -Quiet");
            Assert.Equal(new object[] { true, false, false, true }, r.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void SkipReverseDns_leaves_the_addresses_unchecked()
        {
            var r = Run("Test-MxRecord multi.mx.test -Server $dns -SkipReverseDns");
            var o = r.Single();
            Assert.Equal(0, P(o, "ForwardConfirmedCount"));
            var host = PSObject.AsPSObject(((object[])P(o, "Hosts"))[0]);
            Assert.Equal("NotChecked", P(PSObject.AsPSObject(((object[])P(host, "Addresses"))[0]), "ReverseDns").ToString());
        }

        [Fact]
        public void A_timeout_is_TempError_with_a_finding_and_the_next_domain_still_gets_its_result()
        {
            using var silent = new SilentDnsServer();
            var r = _s.Run("'multi.mx.test', 'cname.mx.test' | Test-MxRecord -Server $silent -TimeoutSec 1", new Dictionary<string, object> { ["silent"] = silent.Endpoint });
            Assert.Empty(r.Errors);
            Assert.Equal(2, r.Output.Count);
            Assert.All(r.Output, o =>
            {
                Assert.Equal("TempError", P(o, "Status").ToString());
                Assert.Contains("MxLookupFailed", (string)P(o, "FindingIds"));
                Assert.Equal(false, P(o, "AcceptsMail"));
            });
        }

        [Fact]
        public void The_table_view_shows_status_mail_hosts_and_dnssec_unclipped_at_120_columns()
        {
            var r = Run("'implicit.mx.test', 'dnssec.test', 'nullmx.mx.test' | Test-MxRecord -Server $knot | Out-Default");
            Assert.Empty(r.Errors);
            string text = r.HostText;
            Assert.Contains("ImplicitMx", text);
            Assert.Contains("SignedNotValidated", text);
            Assert.Contains("0 . (null MX)", text);
            Assert.Contains("10 mx1.mail.test", text);
            Assert.DoesNotContain("Signed…", text);
        }

        [Fact]
        public void Test_DnssecStatus_reports_each_status_and_quiet_is_validated()
        {
            var r = Run("'dnssec.test', 'mx.test', 'dnssec-expired.test', 'dnssec-badanchor.test' | Test-DnssecStatus -Server $dns");
            Assert.Empty(r.Errors);
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.DnssecStatusResult", o.TypeNames[0]));
            Assert.Equal(new[] { "Validated", "Unsigned", "Bogus", "Bogus" }, r.Output.Select(o => P(o, "Status").ToString()));
            Assert.Contains("expired", (string)P(r.Output[2], "Detail"));
            Assert.Equal("DnssecBogus", P(r.Output[3], "FindingIds"));

            var quiet = Run("'dnssec.test', 'mx.test' | Test-DnssecStatus -Server $dns -Quiet");
            Assert.Equal(new object[] { true, false }, quiet.Output.Select(o => o.BaseObject));
            var knot = Run("Test-DnssecStatus dnssec.test -Server $knot");
            Assert.Equal("SignedNotValidated", P(knot.Single(), "Status").ToString());
        }
    }
}
