using System.Collections.Generic;
using System.Linq;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;
using static SmtpTools.Module.Tests.Infrastructure.PsObjects;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Issue 14's rule for every transport cmdlet: a DNS timeout is a TempError status with a finding, never "no record",
    /// and neither it nor a bad input stops the pipeline (results and the error in input order).
    /// </summary>
    public sealed class TransportDnsFailureTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public TransportDnsFailureTests(PsSession session) { _s = session; }

        [Theory]
        [InlineData("Test-MxRecord", "MxLookupFailed")]
        [InlineData("Test-DnssecStatus", "DnssecLookupFailed")]
        [InlineData("Test-MtaStsPolicy -NoFetch", "MtaStsDnsTempError")]
        [InlineData("Test-TlsRptRecord", "TlsRptDnsTempError")]
        [InlineData("Test-BimiRecord -NoFetch", "BimiDnsTempError")]
        [InlineData("Test-SmtpDane", "DaneLookupFailed")]
        [InlineData("Test-DnsBlocklist -Zone dbl.bl.test", "DnsBlocklistLookupFailed")]
        public void A_silent_dns_server_is_TempError_with_a_finding_and_a_bad_input_is_an_error_in_its_place(string cmdlet, string finding)
        {
            using var silent = new SilentDnsServer();
            var r = _s.Run($@"'a.example.test', 'not a domain', 'b.example.test' | {cmdlet} -Server $silent -TimeoutSec 1 2>&1 | ForEach-Object {{
                if ($_ -is [System.Management.Automation.ErrorRecord]) {{ 'error:' + $_.FullyQualifiedErrorId.Split(',')[0] }} else {{ $_ }} }}",
                new Dictionary<string, object> { ["silent"] = silent.Endpoint });
            Assert.True(r.Terminating == null, r.ToString());
            Assert.Equal(3, r.Output.Count);
            Assert.Equal("error:InvalidDomainName", r.Output[1].BaseObject);
            foreach (var o in new[] { r.Output[0], r.Output[2] })
            {
                Assert.Equal("TempError", S(o, "Status"));
                Assert.Contains(finding, Ids(o));
            }
            Assert.Equal(new[] { "a.example.test", "b.example.test" }, new[] { r.Output[0], r.Output[2] }.Select(o => S(o, o.Properties["Domain"] != null ? "Domain" : "Input")));
        }
    }
}
