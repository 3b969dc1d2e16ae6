using System.Collections.Generic;
using System.IO;
using System.Linq;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// -Debug works in a host that cannot prompt (runbooks, scheduled tasks, pwsh -NonInteractive; here the test host,
    /// whose prompts throw): it means $DebugPreference = 'Continue' for every cmdlet of the module, instead of a
    /// "Continue with this operation?" prompt before each verbose message.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class DebugSwitchTests : IClassFixture<PsSession>, System.IDisposable
    {
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("debug-switch-").FullName;
        private readonly FakeSmtpServer _smtp = new FakeSmtpServer();

        public DebugSwitchTests(PsSession session) { _s = session; }

        public void Dispose()
        {
            _smtp.Dispose();
            Directory.Delete(_dir, true);
        }

        /// <summary>One call per exported cmdlet, each one that writes verbose output.</summary>
        public static IEnumerable<object[]> Calls() => new[]
        {
            new object[] { "New-DkimKey", "New-DkimKey -Domain smtptools.test -Selector \"dbg$([guid]::NewGuid().ToString('N').Substring(0, 8))\" -Path $dir" },
            new object[] { "Test-DkimRecord", "Test-DkimRecord -Domain dkim.test -Selector good -Server $dns" },
            new object[] { "Get-SpfRecord", "Get-SpfRecord -Domain good.spf.test -Server $dns" },
            new object[] { "Test-SpfRecord", "Test-SpfRecord -IPAddress 192.0.2.25 -Sender a@good.spf.test -Server $dns" },
            new object[] { "Test-DmarcPolicy", "Test-DmarcPolicy -Domain dmarc.test -Server $dns" },
            new object[] { "Test-SmtpConnection", "Test-SmtpConnection 127.0.0.1 -Port $port -Security None" },
            new object[] { "Send-SmtpMessage", "Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -Security None -From a@example.test -To b@example.test -Subject s -Body b" },
        };

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object>
        {
            ["dir"] = _dir, ["dns"] = IntegrationServers.Get("SMTPTOOLS_DNS"), ["port"] = _smtp.Port,
        });

        [Theory]
        [MemberData(nameof(Calls))]
        public void DebugDoesNotPromptBeforeVerboseMessages(string cmdlet, string call)
        {
            var r = Run("$VerbosePreference = 'SilentlyContinue'; " + call + " -Debug | Out-Null");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, cmdlet + ": " + r);
            Assert.Empty(r.Verbose); // as with $DebugPreference = 'Continue': verbose output follows $VerbosePreference

            var verbose = Run("$VerbosePreference = 'Continue'; try { " + call + " -Debug | Out-Null } finally { $VerbosePreference = 'SilentlyContinue' }");
            Assert.True(verbose.Errors.Count == 0 && verbose.Terminating == null, cmdlet + ": " + verbose);
            Assert.NotEmpty(verbose.Verbose);
        }

        [Fact]
        public void DebugShowsTheSmtpTranscriptWithoutPrompting()
        {
            var send = Run("Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -Security None -From a@example.test -To b@example.test -Subject s -Body b -Debug");
            Assert.True(send.Errors.Count == 0 && send.Terminating == null, send.ToString());
            Assert.Contains(send.Debug, d => d.StartsWith("C: MAIL FROM:<a@example.test>"));
            var probe = Run("Test-SmtpConnection 127.0.0.1 -Port $port -Security None -Debug | Out-Null");
            Assert.True(probe.Errors.Count == 0 && probe.Terminating == null, probe.ToString());
            Assert.Contains(probe.Debug, d => d.Contains("C: EHLO "));
        }
    }
}
