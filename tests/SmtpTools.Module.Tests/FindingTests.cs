using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>Issue 11 item 8: a finding repeated thousands of times reaches the output once, with its Count.</summary>
    public sealed class FindingTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;
        public FindingTests(PsSession session) { _s = session; }

        [Fact]
        public void A_finding_repeated_2500_times_is_one_finding_with_the_count()
        {
            var r = _s.Run(@"$record = 'v=DMARC1; p=reject; rua=mailto:d@example.test; ' + ((1..2500 | ForEach-Object { ""x$_=y"" }) -join '; ')
                Test-DmarcPolicy -Record $record");
            var policy = r.Single();
            var findings = ((object[])policy.Properties["Findings"].Value).Select(PSObject.AsPSObject).ToList();
            var unknown = Assert.Single(findings, f => (string)f.Properties["Id"].Value == "DmarcUnknownTag");
            Assert.Equal(2500, unknown.Properties["Count"].Value);
            Assert.Contains("2,500 DmarcUnknownTag findings", (string)unknown.Properties["Message"].Value);
            Assert.Equal(findings.Count, policy.Properties["FindingCount"].Value);
            Assert.True(findings.Count < 5, string.Join(";", findings.Select(f => f.Properties["Id"].Value)));
            Assert.Equal("DmarcUnknownTag", ((string)policy.Properties["FindingIds"].Value).Split(';').Single(id => id.StartsWith("DmarcUnknown")));
            Assert.All(findings.Where(f => f != unknown), f => Assert.Equal(1, f.Properties["Count"].Value));
        }
    }
}
