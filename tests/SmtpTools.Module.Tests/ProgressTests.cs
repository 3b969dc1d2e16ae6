using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>Every bulk cmdlet reports Write-Progress as a running count and completes it at the end.</summary>
    public sealed class ProgressTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;

        public ProgressTests(PsSession session) { _s = session; }

        [Theory]
        [InlineData("Get-SpfRecord", "Get-SpfRecord good.spf.test, toomany.spf.test -Server $dns", "2 domain(s) audited")]
        [InlineData("Test-SpfRecord", "Test-SpfRecord -IPAddress 192.0.2.1 -Sender a@good.spf.test -Server $dns", "1 check(s) done")]
        [InlineData("Test-DmarcPolicy", "Test-DmarcPolicy dmarc.test, sub.dmarc.test -Server $dns", "2 input(s) checked")]
        [InlineData("Test-DkimRecord", "Test-DkimRecord dkim.test -Selector nothere -Server $dns", "1 domain(s) checked")]
        [InlineData("Test-MtaStsPolicy", "Test-MtaStsPolicy enforce.sts.test, none.sts.test -Server $dns -NoFetch", "2 domain(s) checked")]
        [InlineData("Test-TlsRptRecord", "Test-TlsRptRecord enforce.sts.test -Server $dns", "1 domain(s) checked")]
        [InlineData("Test-BimiRecord", "Test-BimiRecord good.bimi.test -Server $dns -NoFetch", "1 domain(s) checked")]
        [InlineData("Test-SmtpConnection", "Test-SmtpConnection 127.0.0.1 -Port $closed, $closed -Security None", "2 endpoint(s) probed")]
        [InlineData("Test-MxRecord", "Test-MxRecord multi.mx.test, cname.mx.test -Server $dns", "2 domain(s) checked")]
        [InlineData("Test-SmtpDane", "Test-SmtpDane notlsa.dane.test, mx.dane-insecure.test -Server $dns", "2 domain(s) checked")]
        [InlineData("Test-DnssecStatus", "Test-DnssecStatus mx.test -Server $dns", "1 domain(s) checked")]
        [InlineData("Test-DnsBlocklist", "Test-DnsBlocklist -IPAddress 192.0.2.1 -Domain spam-domain.test -Zone ip.bl.test, dbl.bl.test -Server $dns", "2 input(s) checked")]
        [InlineData("Test-EmailDomain", "Test-EmailDomain grade-good.test, grade-no-spf.test, grade-no-dkim.test -Server $dns -Check Spf, Dmarc, Dkim, Mx", "3 domain(s) checked")]
        public void ProgressIsACountThatCompletes(string cmdlet, string script, string finalStatus)
        {
            var r = _s.Run("$ProgressPreference = 'Continue'; " + script, new Dictionary<string, object>
            {
                ["dns"] = IntegrationServers.Get("SMTPTOOLS_DNS"),
                ["closed"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_CLOSED_PORT"),
            });
            Assert.True(r.Terminating == null, r.ToString());
            var mine = r.Progress.Where(p => p.Activity == cmdlet).ToList();
            Assert.NotEmpty(mine);
            Assert.All(mine.Where(p => p.RecordType == ProgressRecordType.Processing), p => Assert.Equal(-1, p.PercentComplete));
            var last = mine.Last();
            Assert.Equal(ProgressRecordType.Completed, last.RecordType);
            Assert.Equal(finalStatus, last.StatusDescription);
        }
    }
}
