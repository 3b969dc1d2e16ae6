using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Issue 11 item 4 through the cmdlets: a hostile or broken DNS server (tests/Shared/FakeDnsServer) gives TempError
    /// results, never an UnexpectedError record and never an answer the server was not asked for.
    /// </summary>
    public sealed class DnsFaultTests : IClassFixture<PsSession>, System.IDisposable
    {
        private readonly PsSession _s;
        private readonly FakeDnsServer _dns = new FakeDnsServer();

        public DnsFaultTests(PsSession session)
        {
            _s = session;
            _dns.AddTxt("victim.fake.test", "v=spf1 include:_spf.provider.fake.test -all")
                .AddTxt("_spf.provider.fake.test", "v=spf1 ip4:198.18.1.0/24 -all")
                .AddTxt("other.fake.test", "v=spf1 include:_spf.provider.fake.test ~all")
                .AddTxt("_dmarc.victim.fake.test", "v=DMARC1; p=reject")
                .AddCname("loopa.fake.test", "loopb.fake.test")
                .AddCname("loopb.fake.test", "loopa.fake.test");
        }

        public void Dispose() => _dns.Dispose();

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object> { ["dns"] = _dns.Endpoint });

        private static string P(PSObject o, string name) => o.Properties[name].Value?.ToString();

        [Theory]
        [InlineData(DnsFault.Garbage)]
        [InlineData(DnsFault.PointerLoop)]
        [InlineData(DnsFault.WrongId)]
        [InlineData(DnsFault.WrongQuestion)]
        public void Hostile_replies_give_TempError_results_not_error_records(DnsFault fault)
        {
            _dns.Script = (name, type, before) => fault;
            var r = Run("'victim.fake.test' | Get-SpfRecord -Server $dns -TimeoutSec 1; " +
                        "Test-SpfRecord -IPAddress 198.18.7.7 -Sender a@victim.fake.test -Server $dns -TimeoutSec 1; " +
                        "Test-DmarcPolicy victim.fake.test -Server $dns -TimeoutSec 1");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(3, r.Output.Count);
            Assert.Equal("TempError", P(r.Output[0], "Status"));
            Assert.Equal("TempError", P(r.Output[1], "Result"));
            Assert.Equal("TempError", P(r.Output[2], "Status"));
            Assert.DoesNotMatch("[0-9A-Fa-f]{2}[ -][0-9A-Fa-f]{2}[ -][0-9A-Fa-f]{2}", P(r.Output[1], "Reason")); // no packet dump
        }

        [Theory]
        [InlineData(DnsFault.WrongQuestionThenAnswer)]
        [InlineData(DnsFault.WrongIdThenAnswer)]
        [InlineData(DnsFault.ForeignRecord)]
        public void A_spoofed_pass_is_never_believed(DnsFault fault)
        {
            _dns.Script = (name, type, before) => fault;
            var r = Run("Test-SpfRecord -IPAddress 198.18.7.7 -Sender a@victim.fake.test -Server $dns -TimeoutSec 2");
            Assert.True(r.Errors.Count == 0, r.ToString());
            Assert.Equal("Fail", P(r.Output.Single(), "Result"));
            Assert.Equal("-all", P(r.Output.Single(), "MatchedMechanism"));
        }

        [Fact]
        public void A_cname_loop_is_TempError_not_NoRecord()
        {
            var r = Run("'loopa.fake.test' | Get-SpfRecord -Server $dns; Test-SpfRecord 198.18.7.7 a@loopa.fake.test -Server $dns");
            Assert.True(r.Errors.Count == 0, r.ToString());
            Assert.Equal("TempError", P(r.Output[0], "Status"));
            Assert.Contains("SpfLookupFailed", P(r.Output[0], "FindingIds"));
            Assert.DoesNotContain("SpfNoRecord", P(r.Output[0], "FindingIds"));
            Assert.Equal("TempError", P(r.Output[1], "Result"));
            Assert.Contains("CNAME loop", P(r.Output[1], "Reason"));
        }

        [Fact]
        public void One_servfail_does_not_spoil_the_run()
        {
            // The provider's include fails twice, then answers: retried within the budget, and never cached as a failure.
            _dns.Script = (name, type, before) => name == "_spf.provider.fake.test" && before < 2 ? DnsFault.ServFail : DnsFault.Answer;
            var r = Run("'victim.fake.test', 'other.fake.test' | Get-SpfRecord -Server $dns -ThrottleLimit 1");
            Assert.True(r.Errors.Count == 0, r.ToString());
            Assert.Equal(new[] { "Valid", "Valid" }, r.Output.Select(o => P(o, "Status")));
            Assert.Equal(3, _dns.Count("TXT", "_spf.provider.fake.test"));
        }
    }
}
