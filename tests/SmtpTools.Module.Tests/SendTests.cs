using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Send-SmtpMessage in the real engine against the integration Postfix: mail merge from objects over one
    /// session, -PassThru results, error records carrying the result, -WhatIf, the summary warning, the table view,
    /// and no secret in any stream. TLS tests need SSL_CERT_FILE=$SMTPTOOLS_CA_BUNDLE.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class SendTests : IClassFixture<PsSession>, IDisposable
    {
        private const string Secret = "Passw0rd!alice";
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("send-module-").FullName;

        public SendTests(PsSession session) { _s = session; }

        public void Dispose() => Directory.Delete(_dir, true);

        private static string Prop(PSObject o, string name) => o.Properties[name].Value?.ToString();

        /// <summary>Runs script with $server, $port (submission), $plain, $alice, $bob, $carol, $cred (alice's PSCredential) and $dir set.</summary>
        private PsResult Run(string script, string password = null) => _s.Run(
            "$ss = [securestring]::new(); foreach ($c in $pw.ToCharArray()) { $ss.AppendChar($c) }; $cred = [pscredential]::new($alice, $ss)\n" + script,
            new Dictionary<string, object>
            {
                ["server"] = IntegrationServers.Get("SMTPTOOLS_SMTP_HOST"),
                ["port"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT"),
                ["plain"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT"),
                ["closed"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_CLOSED_PORT"),
                ["alice"] = IntegrationServers.Get("SMTPTOOLS_USER_ALICE"),
                ["bob"] = IntegrationServers.Get("SMTPTOOLS_USER_BOB"),
                ["carol"] = IntegrationServers.Get("SMTPTOOLS_USER_CAROL"),
                ["pw"] = password ?? IntegrationServers.Get("SMTPTOOLS_PASSWORD_ALICE"),
                ["dir"] = _dir,
            });

        internal static void NoSecretAnywhere(PsResult r, string secret)
        {
            var everything = string.Join("\n", r.Output.Select(o => string.Join("|", o.Properties.Select(p => p.Value?.ToString()))))
                + string.Join("\n", r.Errors.Select(e => e + " " + e.Exception + " " + e.ErrorDetails?.Message))
                + string.Join("\n", r.Warnings) + string.Join("\n", r.Verbose) + string.Join("\n", r.Debug)
                + string.Join("\n", r.Progress.Select(p => p.StatusDescription + p.CurrentOperation)) + r.HostText + r.Terminating;
            Assert.DoesNotContain(secret, everything);
            var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret));
            Assert.DoesNotContain(base64, everything);
        }

        [Fact]
        public void MailMergeFromObjectsGoesOverOneSmtpSession()
        {
            var r = Run(@"
$rows = 1..8 | ForEach-Object { [pscustomobject]@{ To = $(if ($_ % 2) { $bob } else { $carol }); Subject = ""Merge row $_""; Body = ""Dear reader $_"" } }
$rows | Send-SmtpMessage -SmtpServer $server -Port $port -Security StartTls -Credential $cred -From $alice -PassThru -Verbose");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(8, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.SmtpSendResult", o.TypeNames[0]));
            Assert.All(r.Output, o => Assert.Equal("Sent", Prop(o, "Status")));
            Assert.Equal(Enumerable.Range(1, 8).Select(i => "Merge row " + i), r.Output.Select(o => Prop(o, "Subject")));
            Assert.Equal(IntegrationServers.Get("SMTPTOOLS_USER_CAROL"), Prop(r.Output[1], "RecipientList"));
            Assert.Contains(r.Verbose, v => v.StartsWith("8 message(s) over 1 SMTP session(s)"));
            // All went well: the closing count is verbose output, not a warning (issue 12 item 8).
            Assert.Empty(r.Warnings);
            Assert.Contains("Send-SmtpMessage: 8 sent, 0 partially sent, 0 failed.", r.Verbose);

            // Postfix's own log: all eight queue ids were accepted in one session that carried eight DATA commands.
            var ids = r.Output.Select(o => PostfixLog.QueueIdOf(Prop(o, "ServerResponse"))).ToList();
            var ends = PostfixLog.SessionEnds(ids);
            Assert.Single(ends.Values.Select(v => v.Line).Distinct());
            Assert.Contains("data=8 ", ends.Values.First().Text);

            var third = r.Output[2];
            Assert.NotNull(Maildir.Find("bob", Prop(third, "MessageId")));
            Assert.Equal("1", Prop(third, "Attempts"));
            Assert.StartsWith("Tls", Prop(third, "TlsProtocol"));
            Assert.Equal(IntegrationServers.Get("SMTPTOOLS_SMTP_HOST") + ":" + IntegrationServers.Get("SMTPTOOLS_SMTP_SUBMISSION_PORT"), Prop(third, "SmtpServer"));
        }

        [Fact]
        public void WithoutPassThruNothingIsWrittenButMailArrives()
        {
            var r = Run("Send-SmtpMessage -To $bob -From $alice -Subject 'quiet' -Body 'no output' -SmtpServer $server -Port $port -Credential $cred -Verbose");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Empty(r.Output);
            var sentLine = Assert.Single(r.Verbose, v => v.Contains("250 2.0.0 Ok: queued as"));
            var id = sentLine.Substring(0, sentLine.IndexOf(':'));
            Assert.NotNull(Maildir.Find("bob", id));
        }

        [Fact]
        public void FailedMessageIsAnErrorRecordWithTheResultAndThePipelineGoesOn()
        {
            var r = Run(@"
@([pscustomobject]@{ To = 'someone@example.net'; Subject = 'outside' }, [pscustomobject]@{ To = $bob; Subject = 'inside' }) |
  Send-SmtpMessage -SmtpServer $server -Port $plain -Security None -From $alice -Body 'x' -PassThru");
            Assert.Null(r.Terminating);
            var error = Assert.Single(r.Errors);
            Assert.StartsWith("SmtpRecipientsRefused", error.FullyQualifiedErrorId);
            var target = PSObject.AsPSObject(error.TargetObject);
            Assert.Equal("SmtpTools.SmtpSendResult", target.TypeNames[0]);
            Assert.Equal("Failed", Prop(target, "Status"));
            Assert.Equal("Recipient", Prop(target, "FailedPhase"));
            Assert.Contains("-Credential", Prop(target, "Hint"));
            Assert.Contains("-Credential", error.ErrorDetails.RecommendedAction);
            Assert.Contains("Relay access denied", error.ErrorDetails.Message);

            Assert.Equal(new[] { "Failed", "Sent" }, r.Output.Select(o => Prop(o, "Status")));
            Assert.Equal("Send-SmtpMessage: 1 sent, 0 partially sent, 1 failed.", Assert.Single(r.Warnings));
        }

        [Fact]
        public void RefusedRecipientMakesAPartiallySentResultAndAWarning()
        {
            var r = Run("Send-SmtpMessage -To $bob, 'nobody@smtptools.test' -From $alice -Subject 'partial' -Body 'x' -SmtpServer $server -Port $plain -Security None -PassThru");
            Assert.Empty(r.Errors);
            var o = r.Single();
            Assert.Equal("PartiallySent", Prop(o, "Status"));
            Assert.Equal("1", Prop(o, "RejectedCount"));
            var rejected = PSObject.AsPSObject(((object[])o.Properties["RejectedRecipients"].Value).Single());
            Assert.Equal("nobody@smtptools.test", Prop(rejected, "Address"));
            Assert.Equal("550", Prop(rejected, "StatusCode"));
            Assert.Equal("5.1.1", Prop(rejected, "EnhancedStatusCode"));
            Assert.Contains(r.Warnings, w => w.Contains("nobody@smtptools.test"));
            Assert.Contains("Send-SmtpMessage: 0 sent, 1 partially sent, 0 failed.", r.Warnings);
        }

        [Fact]
        public void WhatIfSendsNothingAndDoesNotEvenConnect()
        {
            // The closed port proves no connection is attempted.
            var r = Run("Send-SmtpMessage -To $bob -From $alice -Subject 'whatif' -Body 'x' -SmtpServer $server -Port $closed -Security None -WhatIf -PassThru");
            Assert.Null(r.Terminating);
            Assert.Empty(r.Errors);
            var o = r.Single();
            Assert.Equal("Skipped", Prop(o, "Status"));
            Assert.Equal("0", Prop(o, "Attempts"));
            Assert.Contains("What if:", r.HostText);
            Assert.Contains(IntegrationServers.Get("SMTPTOOLS_USER_BOB"), r.HostText);
        }

        [Fact]
        public void WrongPasswordIsTerminatingAndNeverShowsThePassword()
        {
            const string wrong = "Wr0ngP@ss-zz9";
            var r = Run(@"
@([pscustomobject]@{ To = $bob; Subject = 'a' }, [pscustomobject]@{ To = $bob; Subject = 'b' }) |
  Send-SmtpMessage -SmtpServer $server -Port $port -Credential $cred -From $alice -Body 'x' -PassThru -Verbose -Debug", wrong);
            Assert.Empty(r.Output);
            var error = r.Terminating is ActionPreferenceStopException || r.Terminating is RuntimeException rt && rt.ErrorRecord != null
                ? ((RuntimeException)r.Terminating).ErrorRecord : Assert.Single(r.Errors);
            Assert.StartsWith("SmtpAuthenticationFailed", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            NoSecretAnywhere(r, wrong);
        }

        [Fact]
        public void NoCredentialInAnyStreamEvenWithDebugTranscript()
        {
            var r = Run("Send-SmtpMessage -To $bob -From $alice -Subject 'secrets' -Body 'x' -SmtpServer $server -Port $port -Credential $cred -PassThru -Verbose -Debug -WarningAction Continue");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            // The transcript is there (so the check below means something), with AUTH masked.
            Assert.Contains(r.Debug, d => d.StartsWith("C: AUTH "));
            Assert.Contains(r.Debug, d => d.StartsWith("C: MAIL FROM:<"));
            NoSecretAnywhere(r, Secret);
        }

        [Fact]
        public void MissingAttachmentFailsOnlyThatMessage()
        {
            File.WriteAllText(Path.Combine(_dir, "present.txt"), "here");
            var r = Run(@"
$null = $ExecutionContext.SessionState.Path.SetLocation($dir)
@([pscustomobject]@{ To = $bob; Subject = 'missing'; Attachment = 'absent.pdf' }, [pscustomobject]@{ To = $bob; Subject = 'present'; Attachment = 'present.txt' }) |
  Send-SmtpMessage -PickupDirectory ""$dir/pickup"" -From $alice -Body 'x' -PassThru");
            var error = Assert.Single(r.Errors);
            Assert.Contains("absent.pdf", error.ToString());
            Assert.StartsWith("FileNotFound,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("Message", Prop(PSObject.AsPSObject(error.TargetObject), "FailedPhase"));
            Assert.Equal(new[] { "Failed", "Sent" }, r.Output.Select(o => Prop(o, "Status")));
            var eml = File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(_dir, "pickup"))));
            Assert.Contains("present.txt", eml);
        }

        [Fact]
        public void HeaderColumnTextBindsAsHeadersInAMailMerge()
        {
            var r = Run(@"
$rows = [pscustomobject]@{ To = $bob; Subject = 'h1'; Header = 'X-Campaign: spring' },
        [pscustomobject]@{ To = $carol; Subject = 'h2'; Header = ""X-Campaign: autumn`nX-Batch: 7"" }
$rows | Send-SmtpMessage -From $alice -Body 'x' -PickupDirectory ""$dir/headers"" -PassThru");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            var first = File.ReadAllText(Prop(r.Output[0], "PickupPath"));
            var second = File.ReadAllText(Prop(r.Output[1], "PickupPath"));
            Assert.Contains("X-Campaign: spring\r\n", first);
            Assert.Contains("X-Campaign: autumn\r\n", second);
            Assert.Contains("X-Batch: 7\r\n", second);

            var bad = Run("Send-SmtpMessage -To $bob -From $alice -Subject s -Body x -Header 'no colon here' -PickupDirectory \"$dir/headers\"");
            Assert.Contains("ParameterArgumentTransformationError", Assert.Single(bad.Errors).FullyQualifiedErrorId);
            Assert.Contains("'no colon here' is not a header line", bad.Errors[0].ToString());
        }

        [Fact]
        public void PickupDirectoryWritesEmlFilesWithFileInfoAttachments()
        {
            File.WriteAllBytes(Path.Combine(_dir, "a.pdf"), new byte[] { 1, 2, 3 });
            File.WriteAllBytes(Path.Combine(_dir, "b.pdf"), new byte[] { 4, 5, 6 });
            var r = Run(@"& {
$ProgressPreference = 'Continue'
[IO.DirectoryInfo]::new($dir).GetFiles('*.pdf') |
  Send-SmtpMessage -To $bob -Bcc $carol -From $alice -Subject 'pickup' -Body 'see file' -PickupDirectory ""$dir/out"" -PassThru }");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            // Write-Progress counts the piped messages (at most five times a second), then completes.
            Assert.Contains(r.Progress, p => p.Activity == "Send-SmtpMessage" && p.StatusDescription == "2 message(s) done" && p.RecordType == ProgressRecordType.Completed);
            Assert.Equal(ProgressRecordType.Completed, r.Progress.Last(p => p.Activity == "Send-SmtpMessage").RecordType);
            Assert.Equal(2, r.Output.Count);
            foreach (var o in r.Output)
            {
                Assert.Equal("Sent", Prop(o, "Status"));
                Assert.Null(Prop(o, "SmtpServer"));
                var text = File.ReadAllText(Prop(o, "PickupPath"));
                Assert.StartsWith("X-Sender: " + IntegrationServers.Get("SMTPTOOLS_USER_ALICE") + "\r\n", text);
                Assert.Contains("X-Receiver: " + IntegrationServers.Get("SMTPTOOLS_USER_CAROL"), text);
                Assert.DoesNotContain("\r\nBcc:", text);
                Assert.Contains("Subject: pickup\r\n", text);
                Assert.Contains("Content-Type: application/pdf", text);
                Assert.Contains("Message-Id: <" + Prop(o, "MessageId") + ">", text, StringComparison.OrdinalIgnoreCase);
            }
            var names = r.Output.Select(o => File.ReadAllText(Prop(o, "PickupPath"))).Select(t => t.Contains("a.pdf") ? "a" : t.Contains("b.pdf") ? "b" : "?").OrderBy(x => x);
            Assert.Equal(new[] { "a", "b" }, names);
        }

        [Fact]
        public void SendMailMessageStyleParametersShapeTheMessage()
        {
            File.WriteAllBytes(Path.Combine(_dir, "logo.png"), new byte[] { 0x89, 0x50, 0x4E, 0x47 });
            // Positional To, Subject, Body like Send-MailMessage; latin1, High priority, a header, an inline image.
            var r = Run(@"
$null = $ExecutionContext.SessionState.Path.SetLocation($dir)
Send-SmtpMessage 'Bob <bob@example.test>' 'Café' '<p>crème <img src=""cid:logo""></p>' -BodyAsHtml -From alice@example.test -ReplyTo replies@example.test `
  -Encoding latin1 -Priority High -Header @{ 'X-Campaign' = 'spring' } -InlineAttachment @{ logo = 'logo.png' } -PickupDirectory ""$dir/styled"" -PassThru");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            var text = File.ReadAllText(Prop(r.Single(), "PickupPath"));
            Assert.Contains("Subject: =?iso-8859-1?", text);
            Assert.Contains("charset=iso-8859-1", text);
            Assert.Contains("X-Priority: 1", text);
            Assert.Contains("Importance: high", text);
            Assert.Contains("X-Campaign: spring", text);
            Assert.Contains("Reply-To: replies@example.test", text);
            Assert.Contains("multipart/related", text);
            Assert.Contains("Content-Id: <logo>", text, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void DeliveryNotificationOptionAsksPostfixForAReport()
        {
            var r = Run("Send-SmtpMessage -To $bob -From $alice -Subject 'dsn' -Body 'x' -SmtpServer $server -Port $port -Credential $cred -DeliveryNotificationOption OnSuccess, OnFailure -PassThru");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            var report = Maildir.Find("alice", Prop(r.Single(), "MessageId"));
            Assert.True(report != null, "Postfix sent alice a delivery report");
            Assert.Contains("report-type=delivery-status", File.ReadAllText(report));
        }

        [Fact]
        public void MessagePathSendsAnExistingMessageAsIs()
        {
            var id = Guid.NewGuid().ToString("N") + "@smtptools.test";
            var eml = Path.Combine(_dir, "ready.eml");
            File.WriteAllText(eml, $"From: {IntegrationServers.Get("SMTPTOOLS_USER_ALICE")}\r\nTo: {IntegrationServers.Get("SMTPTOOLS_USER_BOB")}\r\nSubject: prepared elsewhere\r\nMessage-ID: <{id}>\r\nX-Keep: me\r\n\r\nprepared body\r\n");
            var r = Run($"Send-SmtpMessage -MessagePath '{eml}' -SmtpServer $server -Port $port -Credential $cred -PassThru");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(id, Prop(r.Single(), "MessageId"));
            var file = Maildir.Find("bob", id);
            Assert.NotNull(file);
            var text = File.ReadAllText(file);
            Assert.Contains("X-Keep: me", text);
            Assert.Contains("prepared body", text);
        }

        [Fact]
        public void DkimSigningFromTheCmdlet()
        {
            var key = _s.Run($"New-DkimKey -Domain smtptools.test -Selector cmd -Path '{_dir}'");
            var keyPath = Prop(key.Single(), "PrivateKeyPath");
            var r = Run($"Send-SmtpMessage -To $bob -From $alice -Subject 'signed' -Body 'x' -SmtpServer $server -Port $port -Credential $cred -DkimKeyPath '{keyPath}' -DkimSelector cmd -PassThru");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal("True", Prop(r.Single(), "DkimSigned"));
            var text = File.ReadAllText(Maildir.Find("bob", Prop(r.Single(), "MessageId")));
            Assert.Contains("DKIM-Signature: v=1; a=rsa-sha256;", text);
            Assert.Contains("d=smtptools.test; s=cmd;", text);
        }

        [Fact]
        public void UntrustedCertificateIsTerminatingUnlessSkipped()
        {
            var untrusted = IntegrationServers.Get("SMTPTOOLS_SMTP_UNTRUSTED_PORT");
            var r = Run($"Send-SmtpMessage -To $bob -From $alice -Subject 'u' -Body 'x' -SmtpServer $server -Port {untrusted} -Security StartTls");
            var error = r.Terminating is RuntimeException rt ? rt.ErrorRecord : Assert.Single(r.Errors);
            Assert.StartsWith("TlsHandshakeFailed", error.FullyQualifiedErrorId);
            var ok = Run($"Send-SmtpMessage -To $bob -From $alice -Subject 'u' -Body 'x' -SmtpServer $server -Port {untrusted} -Security StartTls -SkipCertificateCheck -PassThru");
            Assert.Equal("Sent", Prop(ok.Single(), "Status"));
        }

        [Fact]
        public async System.Threading.Tasks.Task StopEndsTheCmdletAndClosesTheConnection()
        {
            // A server that accepts and never speaks; the cmdlet waits for its greeting with a one-hour timeout,
            // so only Ctrl+C (PowerShell.Stop) can end it.
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
                using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
                runspace.Open();
                using var ps = PowerShell.Create();
                ps.Runspace = runspace;
                ps.AddScript($"Import-Module '{ModulePaths.Manifest}'; Send-SmtpMessage -To b@example.test -From a@example.test -Subject s -Body b -SmtpServer 127.0.0.1 -Port {port} -Security None -TimeoutSec 3600");
                var invocation = ps.BeginInvoke();
                // Bounded only so that a broken build fails instead of hanging.
                using var server = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(120));
                ps.Stop();
                Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
                Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(invocation));
                // The cmdlet closed its socket: the server side reads end-of-stream, or a reset when the close aborted
                // the connection (both mean closed; a timeout would not). The bound only fails instead of hanging.
                server.ReceiveTimeout = 60000;
                try { Assert.Equal(0, server.GetStream().Read(new byte[64], 0, 64)); }
                catch (System.IO.IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException se && se.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset) { }
            }
            finally { listener.Stop(); }
        }

        [Fact]
        public void TransientFailuresAreRetriedAndADroppedSessionIsReopenedMidPipeline()
        {
            // Scripted server: the first DATA gets 451, the second message's session is cut off at RCPT (before any data).
            using var fake = new FakeSmtpServer();
            int drops = 0;
            fake.Script = (verb, arg, n) => verb == "DATA-END" && n == 1 ? "451 4.3.0 Error: queue file write error"
                : verb == "RCPT" && arg == "b@example.test" && System.Threading.Interlocked.Increment(ref drops) == 1 ? FakeSmtpServer.Drop : null;
            var r = _s.Run($@"
@([pscustomobject]@{{ To = 'a@example.test'; Subject = 'one' }}, [pscustomobject]@{{ To = 'b@example.test'; Subject = 'two' }}, [pscustomobject]@{{ To = 'c@example.test'; Subject = 'three' }}) |
  Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From s@example.test -Body x -PassThru -Verbose");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(new[] { "Sent", "Sent", "Sent" }, r.Output.Select(o => Prop(o, "Status")));
            Assert.Equal(new[] { "2", "2", "1" }, r.Output.Select(o => Prop(o, "Attempts")));
            Assert.Contains(r.Verbose, v => v.Contains("451") && v.Contains("retrying"));
            Assert.Contains(r.Verbose, v => v.Contains("connection lost"));
            Assert.Contains(r.Verbose, v => v.StartsWith("3 message(s) over 2 SMTP session(s)"));
            // Each message reached the server exactly once. Delivery order is not input order: while b waits to be
            // retried, c may take the free session (results are still written in input order, checked above).
            Assert.Equal(new[] { "a@example.test", "b@example.test", "c@example.test" }, fake.Delivered.Select(d => d.Recipients.Single()).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(2, fake.Connections);
        }

        [Fact]
        public void TableView()
        {
            var text = _s.Render($"Send-SmtpMessage -To bob@smtptools.test -From alice@smtptools.test -Subject 'table view' -Body 'x' -PickupDirectory '{Path.Combine(_dir, "tv")}' -PassThru");
            Assert.Contains("Status", text);
            Assert.Contains("Tries", text);
            Assert.Contains("Response", text);
            Assert.Contains("Sent", text);
            Assert.Contains("table view", text);
            Assert.Contains("bob@smtptools.test", text);
            Assert.DoesNotContain("MessageId", text);
        }

        [Fact]
        public void ParametersBindLikeSendMailMessage()
        {
            var r = _s.Run(@"
$c = Get-Command Send-SmtpMessage
$c.Parameters['SmtpServer'].Aliases -contains 'ComputerName'
$c.Parameters['Attachment'].Aliases -contains 'FullName'
$c.Parameters['Credential'].Attributes.Where({ $_ -is [System.Management.Automation.CredentialAttribute] }).Count -eq 1
$c.Parameters['Priority'].ParameterType.FullName
$c.Parameters['Port'].ParameterType.FullName
$c.Parameters['To'].Attributes.Where({ $_ -is [Parameter] -and $_.ValueFromPipelineByPropertyName }).Count -gt 0");
            Assert.Equal(new[] { "True", "True", "True", "System.Net.Mail.MailPriority", "System.Int32", "True" }, r.Output.Select(o => o.ToString()));
        }
    }
}
