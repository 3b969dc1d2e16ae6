using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Test-SmtpConnection -Dane through the real engine: TLSA from Knot validated by unbound, the certificates from the
    /// test Postfix's STARTTLS port (the test zones publish TLSA records for each Postfix port; tests/Integration/README.md).
    /// </summary>
    public sealed class DaneTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public DaneTests(PsSession session) { _s = session; }

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object>
        {
            ["dns"] = IntegrationServers.Get("SMTPTOOLS_RESOLVER"),
            ["knot"] = IntegrationServers.Get("SMTPTOOLS_DNS"),
            ["port"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT"),
        });

        private static object P(PSObject o, string name) => o.Properties[name].Value;

        [Fact]
        public void Every_mx_host_of_a_domain_gets_its_dane_verdict_and_findings()
        {
            var r = Run("Test-SmtpConnection -Domain grade-good.test -Port $port -DnsServer $dns -Dane; Test-SmtpConnection mx-badtlsa.mail.test -Port $port -DnsServer $dns -Dane");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "mx1.mail.test", "mx2.mail.test", "mx-badtlsa.mail.test" }, r.Output.Select(o => (string)P(o, "SmtpServer")));
            Assert.Equal(new[] { "Match", "Match", "NoMatch" }, r.Output.Select(o => P(o, "DaneStatus").ToString()));
            Assert.StartsWith("3 1 1 ", (string)P(r.Output[1], "DaneMatchedRecord"));
            // PKIX is fine for mx-badtlsa (its name is in the certificate): the Fail is DANE's.
            Assert.Equal(new[] { "Pass", "Pass", "Fail" }, r.Output.Select(o => P(o, "Status").ToString()));
            Assert.Contains("DaneNoMatch", (string)P(r.Output[2], "FindingIds"));
            var dane = PSObject.AsPSObject(P(r.Output[0], "Dane"));
            Assert.Equal("SmtpTools.DaneResult", dane.TypeNames[0]);
            Assert.Equal("grade-good.test", P(dane, "Domain"));
            Assert.Equal($"_{IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT")}._tcp.mx1.mail.test", P(dane, "TlsaName"));
            Assert.Equal(new[] { "CN=mail.smtptools.test", "CN=SmtpTools Test CA" }, ((object[])P(dane, "PresentedChain")).Cast<string>());
        }

        [Fact]
        public void A_resolver_that_does_not_validate_is_unverifiable_and_without_dane_nothing_changes()
        {
            var r = Run("Test-SmtpConnection mx1.mail.test -Port $port -DnsServer $knot -Dane; Test-SmtpConnection mx1.mail.test -Port $port -DnsServer $dns");
            Assert.Equal("Unverifiable", P(r.Output[0], "DaneStatus").ToString());
            Assert.StartsWith("Unverifiable: answers not DNSSEC-validated", (string)P(PSObject.AsPSObject(P(r.Output[0], "Dane")), "Detail"));
            Assert.Contains("DaneUnverifiable", (string)P(r.Output[0], "FindingIds"));
            Assert.Null(P(r.Output[1], "Dane"));
            Assert.Null(P(r.Output[1], "DaneStatus"));
            Assert.DoesNotContain("Dane", (string)P(r.Output[1], "FindingIds"));
        }

        [Fact]
        public void The_dane_view_shows_host_status_and_the_matched_parameters_at_120_columns()
        {
            var r = Run("(Test-SmtpConnection ta-spki-sha256.dane.test, mx.dane-insecure.test -Port $port -DnsServer $dns -Dane).Dane | Out-Default");
            Assert.Empty(r.Errors);
            Assert.Contains("ta-spki-sha256.dane.test", r.HostText);
            Assert.Contains("Unverifiable", r.HostText);
            Assert.Contains("2 1 1", r.HostText);
        }
    }
}
