using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Ctrl+C (Stop-Pipeline) while a cmdlet waits on a server that never answers: the pipeline stops long before the
    /// cmdlet's own timeout (60 s per DNS try, 120 s for SMTP), and the session stays usable afterwards.
    /// </summary>
    public sealed class StopTests : IClassFixture<PsSession>
    {
        private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(15);
        private readonly PsSession _s;

        public StopTests(PsSession session) { _s = session; }

        [Theory]
        [InlineData("Get-SpfRecord -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-SpfRecord -IPAddress 192.0.2.1 -Sender a@stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-DmarcPolicy -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-DkimRecord -Domain stop.example.test -Selector s1 -Server $dns -TimeoutSec 60")]
        [InlineData("Test-MxRecord -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-DnssecStatus -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-DnsBlocklist -IPAddress 192.0.2.1 -Zone bl.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-MtaStsPolicy -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-TlsRptRecord -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-BimiRecord -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-SmtpDane -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        [InlineData("Test-EmailDomain -Domain stop.example.test -Server $dns -TimeoutSec 60")]
        public void DnsCmdletStopsWhileTheServerIsSilent(string script)
        {
            using var silent = new SilentDnsServer();
            var (inTime, state, _) = _s.RunAndStop(script, () => silent.HasQuestion, StopWithin, new Dictionary<string, object> { ["dns"] = silent.Endpoint });
            Assert.True(inTime, "the pipeline did not stop within " + StopWithin);
            Assert.Equal(PSInvocationState.Stopped, state);
            AssertSessionStillWorks();
        }

        [Fact]
        public void SmtpProbeStopsWhileTheServerNeverSpeaks()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                int port = ((IPEndPoint)listener.LocalEndpoint).Port;
                var (inTime, state, _) = _s.RunAndStop($"Test-SmtpConnection -SmtpServer 127.0.0.1 -Port {port} -Security None -TimeoutSec 120",
                    () => listener.Pending(), StopWithin);
                Assert.True(inTime, "the pipeline did not stop within " + StopWithin);
                Assert.Equal(PSInvocationState.Stopped, state);
                AssertSessionStillWorks();
            }
            finally { listener.Stop(); }
        }

        private void AssertSessionStillWorks()
        {
            var r = _s.Run("Test-DmarcPolicy -Record 'v=DMARC1; p=reject'");
            Assert.Equal("Reject", r.Single().Properties["Policy"].Value.ToString());
        }
    }
}
