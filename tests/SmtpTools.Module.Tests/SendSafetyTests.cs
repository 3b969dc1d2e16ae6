using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Issue 11 through the cmdlets, in the real engine against fault-injecting loopback servers: credentials only over
    /// TLS, -TimeoutSec that holds, no duplicate after a lost final reply (status Unconfirmed), no command or header
    /// injection, and an attachment wildcard that matches nothing.
    /// </summary>
    public sealed class SendSafetyTests : IClassFixture<PsSession>, IDisposable
    {
        private const string Password = "Cleartext-Passw0rd!";
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("send-safety-").FullName;

        public SendSafetyTests(PsSession session) { _s = session; }

        public void Dispose() => Directory.Delete(_dir, true);

        private static string Prop(PSObject o, string name) => o.Properties[name].Value?.ToString();

        /// <summary>Runs the script with $port (the fake server), $dir and $cred (a PSCredential with <see cref="Password"/>); a hang fails the test.</summary>
        private PsResult Run(string script, int port = 0)
        {
            var run = Task.Run(() => _s.Run(
                "$ss = [securestring]::new(); foreach ($c in $pw.ToCharArray()) { $ss.AppendChar($c) }; $cred = [pscredential]::new('user@example.test', $ss)\n" + script,
                new Dictionary<string, object> { ["port"] = port, ["dir"] = _dir, ["pw"] = Password }));
            Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "the cmdlet did not finish within 120 s");
            return run.Result;
        }

        private static ErrorRecord TerminatingOrSingleError(PsResult r) =>
            r.Terminating is RuntimeException rt && rt.ErrorRecord != null ? rt.ErrorRecord : Assert.Single(r.Errors);

        [Fact]
        public void CredentialsAgainstAServerWithoutStartTlsStopBeforeAnythingIsSent()
        {
            // Default -Security (Auto) and -Security StartTlsWhenAvailable used to send AUTH PLAIN and the message in clear text.
            using var fake = new FakeSmtpServer(tls: FakeTls.None) { AuthMechanisms = "PLAIN LOGIN" };
            foreach (var security in new[] { "", "-Security StartTlsWhenAvailable" })
            {
                var r = Run($"Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port {security} -Credential $cred -From user@example.test -To b@example.test -Subject s -Body b -PassThru", fake.Port);
                Assert.Empty(r.Output);
                var error = TerminatingOrSingleError(r);
                Assert.Equal("SmtpStartTlsNotOffered", error.FullyQualifiedErrorId.Split(',')[0]);
                Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
                Assert.Contains("does not offer STARTTLS", error.ToString());
                Assert.Contains("-Security SslOnConnect", error.ErrorDetails.RecommendedAction);
            }
            Assert.DoesNotContain(fake.Commands, c => c.StartsWith("AUTH") || c.StartsWith("MAIL"));
            Assert.Empty(fake.Delivered);

            // Chosen explicitly, plain text is still possible (a trusted lab network).
            var chosen = Run("Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -Security None -Credential $cred -From user@example.test -To b@example.test -Subject s -Body b -PassThru", fake.Port);
            Assert.Equal("Sent", Prop(chosen.Single(), "Status"));
            Assert.Contains(fake.PlainCommands, c => c.StartsWith("AUTH PLAIN"));
        }

        [Fact]
        public void OverStartTlsTheCredentialsGoOnlyAfterTheHandshake()
        {
            using var fake = new FakeSmtpServer(tls: FakeTls.StartTls) { AuthMechanisms = "PLAIN" };
            var r = Run("Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -SkipCertificateCheck -Credential $cred -From user@example.test -To b@example.test -Subject s -Body b -PassThru", fake.Port);
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.StartsWith("Tls", Prop(r.Single(), "TlsProtocol"));
            Assert.Contains(fake.Commands, c => c.StartsWith("AUTH PLAIN"));
            Assert.DoesNotContain(fake.PlainCommands, c => c.StartsWith("AUTH") || c.StartsWith("MAIL"));
        }

        [Fact]
        public void TimeoutSecBoundsEveryWaitAndAStalledMessageDoesNotStopThePipeline()
        {
            // Message 2: the server stops answering at RCPT (before any data: retried on a new session).
            // Message 3: the server keeps the data and never sends its final reply (Unconfirmed, not resent).
            int rcptStalls = 0;
            using var fake = new FakeSmtpServer();
            fake.Script = (verb, arg, n) =>
                verb == "RCPT" && arg == "two@example.test" && System.Threading.Interlocked.Increment(ref rcptStalls) == 1 ? FakeSmtpServer.Stall
                : verb == "DATA-END" && arg.Contains("Subject: three") ? FakeSmtpServer.AcceptThenStall : null;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var r = Run(@"
'one', 'two', 'three', 'four' | ForEach-Object { [pscustomobject]@{ To = ""$_@example.test""; Subject = $_ } } |
  Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -Security None -From s@example.test -Body x -TimeoutSec 2 -PassThru", fake.Port);
            watch.Stop();
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(new[] { "Sent", "Sent", "Unconfirmed", "Sent" }, r.Output.Select(o => Prop(o, "Status")));
            Assert.Equal(new[] { "1", "2", "1", "1" }, r.Output.Select(o => Prop(o, "Attempts")));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), watch.Elapsed.ToString());
            // Each message reached the server exactly once, the unconfirmed one included (the server may record them in
            // another order: a session abandoned at a stall is closed, and its delivery logged, after the next one's).
            Assert.Equal(new[] { "four", "one", "three", "two" }, fake.Delivered.Select(d => d.Recipients.Single().Split('@')[0]).OrderBy(n => n, StringComparer.Ordinal));

            var unconfirmed = r.Output[2];
            Assert.Equal("Data", Prop(unconfirmed, "FailedPhase"));
            Assert.Null(Prop(unconfirmed, "ServerResponse"));
            Assert.Contains("-RetryUnconfirmed", Prop(unconfirmed, "Hint"));
            // A warning, not an error: a script that resends its errors must not resend this one.
            Assert.Contains(r.Warnings, w => w.Contains(Prop(unconfirmed, "MessageId")) && w.Contains("unconfirmed") && w.Contains("within 2 s"));
            Assert.Contains("Send-SmtpMessage: 3 sent, 0 partially sent, 1 unconfirmed, 0 failed.", r.Warnings);
        }

        [Fact]
        public void RetryUnconfirmedResendsAfterALostFinalReply()
        {
            using var fake = new FakeSmtpServer();
            fake.Script = (verb, arg, n) => verb == "DATA-END" && n == 1 ? FakeSmtpServer.AcceptThenDrop : null;
            var r = Run("Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -Security None -From s@example.test -To a@example.test -Subject again -Body x -RetryUnconfirmed -PassThru", fake.Port);
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            var o = r.Single();
            Assert.Equal("Sent", Prop(o, "Status"));
            Assert.Equal("2", Prop(o, "Attempts"));
            Assert.Contains(r.Warnings, w => w.Contains("twice"));
            Assert.Equal(2, fake.Delivered.Count);
        }

        [Fact]
        public void UnconfirmedHasItsOwnRowInTheTableView()
        {
            using var fake = new FakeSmtpServer();
            fake.Script = (verb, arg, n) => verb == "DATA-END" ? FakeSmtpServer.AcceptThenDrop : null;
            var text = _s.Render($"Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From s@example.test -To view@example.test -Subject 'lost reply' -Body x -PassThru -WarningAction SilentlyContinue");
            var row = text.Split('\n').Single(l => l.Contains("view@example.test"));
            Assert.StartsWith("Unconfirmed", row.TrimStart());
            Assert.Contains("no final reply", row);
        }

        [Fact]
        public void LineBreaksInAddressesAndHeadersAreRefusedAndNothingIsWritten()
        {
            var pickup = Path.Combine(_dir, "inject");
            var r = Run($@"
$rows = [pscustomobject]@{{ To = ""a@example.test`r`nb@evil.test""; Subject = 'to' }},
        [pscustomobject]@{{ To = 'a@example.test'; Cc = ""c@example.test`nd@evil.test""; Subject = 'cc' }},
        [pscustomobject]@{{ To = 'a@example.test'; Subject = 'csv header'; Header = ""X-Campaign: spring`nBcc: hidden@evil.test"" }},
        [pscustomobject]@{{ To = 'a@example.test'; Subject = 'fine' }}
$rows | Send-SmtpMessage -From s@example.test -Body x -PickupDirectory '{pickup}' -PassThru
Send-SmtpMessage -From s@example.test -To a@example.test -Subject hashtable -Body x -Header @{{ To = 'other@evil.test' }} -PickupDirectory '{pickup}' -PassThru");
            Assert.Null(r.Terminating);
            Assert.Equal(new[] { "Failed", "Failed", "Failed", "Sent", "Failed" }, r.Output.Select(o => Prop(o, "Status")));
            Assert.Equal(new[] { "AddressInvalid", "AddressInvalid", "HeaderNotAllowed", "HeaderNotAllowed" }, r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0].Split('.').Last()));
            Assert.All(r.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
            var written = Assert.Single(Directory.GetFiles(pickup));
            Assert.DoesNotContain("evil.test", File.ReadAllText(written));
        }

        [Fact]
        public void TestSmtpConnectionRefusesValuesThatWouldInjectACommand()
        {
            using var fake = new FakeSmtpServer();
            var helo = Run("Test-SmtpConnection 127.0.0.1 -Port $port -HeloName \"client.example.test`r`nMAIL FROM:<spoof@example.test>\"", fake.Port);
            var error = TerminatingOrSingleError(helo);
            Assert.Equal("InvalidHeloName", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("\\r\\n", error.ToString());

            var sender = Run("Test-SmtpConnection 127.0.0.1 -Port $port -Sender \"a@example.test`nRCPT TO:<victim@example.test>\"", fake.Port);
            Assert.Equal("AddressInvalid", TerminatingOrSingleError(sender).FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(0, fake.Connections);

            var fine = Run("Test-SmtpConnection 127.0.0.1 -Port $port -Security None -HeloName client.example.test", fake.Port);
            Assert.Equal("None", Prop(fine.Single(), "FailedPhase"));
            Assert.Contains("EHLO client.example.test", fake.Commands);
        }

        [Fact]
        public void AnAttachmentWildcardThatMatchesNothingFailsThatMessage()
        {
            File.WriteAllText(Path.Combine(_dir, "report.pdf"), "pdf");
            var pickup = Path.Combine(_dir, "wild");
            var r = Run($@"
$null = $ExecutionContext.SessionState.Path.SetLocation($dir)
[pscustomobject]@{{ To = 'a@example.test'; Subject = 'typo'; Attachment = '*.pfd' }}, [pscustomobject]@{{ To = 'a@example.test'; Subject = 'ok'; Attachment = '*.pdf' }} |
  Send-SmtpMessage -From s@example.test -Body x -PickupDirectory '{pickup}' -PassThru");
            var error = Assert.Single(r.Errors);
            Assert.StartsWith("FileNotFound", error.FullyQualifiedErrorId);
            Assert.Contains("'*.pfd' matches no file", error.ToString());
            Assert.Equal(new[] { "Failed", "Sent" }, r.Output.Select(o => Prop(o, "Status")));
            Assert.Contains("report.pdf", File.ReadAllText(Assert.Single(Directory.GetFiles(pickup))));
        }

        [Fact]
        public void AnImplicitTlsPortOtherThan465GivesAHint()
        {
            using var fake = new FakeSmtpServer(tls: FakeTls.Implicit);
            var send = Run("Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -From s@example.test -To a@example.test -Subject s -Body x -TimeoutSec 1", fake.Port);
            var error = TerminatingOrSingleError(send);
            Assert.StartsWith("SmtpConnectFailed", error.FullyQualifiedErrorId);
            Assert.Contains("-Security SslOnConnect", error.ErrorDetails.RecommendedAction);

            var probe = Run("Test-SmtpConnection 127.0.0.1 -Port $port -TimeoutSec 1", fake.Port).Single();
            Assert.Equal("Banner", Prop(probe, "FailedPhase"));
            Assert.Contains("SmtpImplicitTlsPort", Prop(probe, "FindingIds"));
            Assert.Contains("-Security SslOnConnect", Prop(probe, "Error"));

            var sent = Run("Send-SmtpMessage -SmtpServer 127.0.0.1 -Port $port -Security SslOnConnect -SkipCertificateCheck -From s@example.test -To a@example.test -Subject s -Body x -PassThru", fake.Port);
            Assert.Equal("Sent", Prop(sent.Single(), "Status"));
        }
    }
}
