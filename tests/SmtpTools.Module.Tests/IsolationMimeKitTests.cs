using System;
using System.Collections.Generic;
using System.IO;
using SmtpTools.Module.Tests.Infrastructure;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Issue #2 point 4 with a MimeKit cmdlet: a stand-in MimeKit/MailKit 1.0.0.0 is in the default context (loaded by
    /// StandInAssemblies), Send-SmtpMessage builds a message with SmtpTools' MimeKit and writes it to a pickup folder.
    /// </summary>
    public sealed class IsolationMimeKitTests : IDisposable
    {
        /// <summary>The one script this test runs; $dir is the pickup folder.</summary>
        private const string MimeKitCmdletScript =
            "Send-SmtpMessage -From 'sender@isolation.test' -To 'rcpt@isolation.test' -Subject 'isolation check' -Body 'built by SmtpTools MimeKit' -PickupDirectory $dir";

        private readonly string _dir = Directory.CreateTempSubdirectory("isolation-mimekit-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        [Fact]
        public void SendSmtpMessageToPickupDirectoryUsesThePrivateMimeKit()
        {
            IsolationTests.AssertStandInsOwnTheDefaultContext();

            using var session = new PsSession();
            Assert.True(session.Run("Get-Command Send-SmtpMessage -ErrorAction SilentlyContinue").Output.Count == 1,
                "Send-SmtpMessage is not exported by the module");
            var result = session.Run(MimeKitCmdletScript, new Dictionary<string, object> { ["dir"] = _dir }).ThrowOnError();

            var file = Assert.Single(Directory.GetFiles(_dir, "*.eml"));
            var text = File.ReadAllText(file);
            Assert.Contains("Subject: isolation check", text);
            Assert.Contains("built by SmtpTools MimeKit", text);

            IsolationTests.AssertModuleCopiesArePrivate("SmtpTools.Core", "MimeKit");
            IsolationTests.AssertStandInsOwnTheDefaultContext();
        }
    }
}
