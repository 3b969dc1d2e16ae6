using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Bounces;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Import;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Bounces
{
    /// <summary>What Import-SmtpBounce's engine returns beyond the corpus scores: the fields, non-bounces, mbox files.</summary>
    public sealed class BounceImporterTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "smtptools-bounce-tests-" + Guid.NewGuid().ToString("n"));
        public BounceImporterTests() => Directory.CreateDirectory(_folder);
        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private static string Corpus(string name) => Path.Combine(BounceCorpus.Folder, "files", name);

        private string Write(string name, string content)
        {
            string path = Path.Combine(_folder, name);
            File.WriteAllText(path, content.Replace("\n", "\r\n"), Encoding.ASCII);
            return path;
        }

        private static Task<System.Collections.Generic.IReadOnlyList<SmtpBounce>> Import(string path, bool includeNonBounce = false, RecordingSink sink = null) =>
            new BounceImporter(new BounceImportOptions { IncludeNonBounce = includeNonBounce }, sink).ImportFileAsync(path, CancellationToken.None);

        [Fact]
        public async Task A_dsn_gives_every_field_of_the_recipient_and_the_returned_message()
        {
            var b = Assert.Single(await Import(Corpus("lhost-postfix-16.eml")));
            Assert.Equal("kijitora@example.go.jp", b.Recipient);
            Assert.Equal(SmtpBounceAction.Failed, b.Action);
            Assert.Equal("5.1.6", b.Status);
            Assert.True(b.StatusFromMessage);
            Assert.Equal(550, b.ReplyCode);
            Assert.Equal(SmtpBounceReason.UserUnknown, b.Reason);
            Assert.True(b.IsHardBounce);
            Assert.True(b.IsPermanent);
            Assert.Equal("Rfc3464", b.Source);
            Assert.StartsWith("550 5.1.6 recipient no longer on server", b.DiagnosticCode);
            Assert.NotNull(b.ReportingMta);
            Assert.NotNull(b.RemoteMta);
            Assert.Equal("<0000000000000.FFFFFF000000@mx0.example.jp>", b.OriginalMessageId);
            Assert.Equal("Nyaaaaan", b.OriginalSubject);
            Assert.Equal(Corpus("lhost-postfix-16.eml"), b.SourceFile);
            Assert.Equal(DateTimeKind.Utc, b.BounceDate?.Kind);
        }

        [Fact]
        public async Task A_text_bounce_names_its_heuristic_and_splits_recipients()
        {
            var bounces = await Import(Corpus("lhost-qmail-17.eml"));
            Assert.Equal(new[] { "userunknown@libsisimai.net", "mailboxfull@libsisimai.net" }, bounces.Select(b => b.Recipient));
            Assert.All(bounces, b => Assert.Equal("Qmail", b.Source));
            Assert.Equal((SmtpBounceReason.UserUnknown, "5.1.1", true), (bounces[0].Reason, bounces[0].Status, bounces[0].IsHardBounce));
            Assert.Equal((SmtpBounceReason.MailboxFull, "5.2.2", false), (bounces[1].Reason, bounces[1].Status, bounces[1].IsHardBounce));
            Assert.Contains("Mailbox full", bounces[1].DiagnosticCode);
            Assert.DoesNotContain("Mailbox full", bounces[0].DiagnosticCode);
            Assert.Equal("kijitora@nq.example.jp", bounces[0].OriginalFrom);
        }

        [Fact]
        public async Task Non_bounces_are_skipped_with_a_verbose_line_or_returned_when_asked()
        {
            var sink = new RecordingSink();
            Assert.Empty(await Import(Corpus("rfc3834-05.eml"), sink: sink));
            Assert.Contains(sink.VerboseLines, l => l.Contains("not a bounce") && l.Contains("AutoReply"));

            var reply = Assert.Single(await Import(Corpus("rfc3834-05.eml"), includeNonBounce: true));
            Assert.Equal((SmtpBounceReason.NotABounce, "foo@bar.net", "AutoReply", false), (reply.Reason, reply.Recipient, reply.Source, reply.IsHardBounce));

            var feedback = await Import(Corpus("arf-16.eml"), includeNonBounce: true);
            Assert.Equal(7, feedback.Count);
            Assert.All(feedback, b => Assert.Equal((SmtpBounceReason.NotABounce, "FeedbackReport"), (b.Reason, b.Source)));
            Assert.Empty(await Import(Corpus("arf-16.eml")));

            var delivered = Assert.Single(await Import(Corpus("lhost-amazonses-12.eml"), includeNonBounce: true));
            Assert.Equal((SmtpBounceReason.NotABounce, "success@simulator.amazonses.com", "2.6.0"), (delivered.Reason, delivered.Recipient, delivered.Status));
        }

        [Fact]
        public async Task An_ordinary_message_is_not_a_bounce_even_when_it_names_addresses()
        {
            var path = Write("note.eml", "From: alice@example.com\nTo: bob@example.org\nSubject: lunch\nMessage-ID: <1@example.com>\n\nAsk carol@example.net too, please.\n");
            Assert.Empty(await Import(path));
            Assert.Equal(SmtpBounceReason.NotABounce, Assert.Single(await Import(path, includeNonBounce: true)).Reason);
        }

        private const string DelayedDsn =
            "From: MAILER-DAEMON@mx.example.net\nTo: sender@example.com\nSubject: Delayed Mail (still being retried)\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nStill trying.\n" +
            "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; later@example.org\n" +
            "Action: delayed\nStatus: 4.0.0\n\n--b\nContent-Type: text/rfc822-headers\n\nFrom: sender@example.com\nMessage-ID: <abc@example.com>\nSubject: Hello\n\n--b--\n";

        [Fact]
        public async Task A_delay_notice_without_a_cause_is_Delayed_and_not_permanent()
        {
            var b = Assert.Single(await Import(Write("delayed.eml", DelayedDsn)));
            Assert.Equal((SmtpBounceAction.Delayed, SmtpBounceReason.Delayed, false, false), (b.Action, b.Reason, b.IsPermanent, b.IsHardBounce));
            Assert.Equal("<abc@example.com>", b.OriginalMessageId);
            Assert.Equal("mx.example.net", b.ReportingMta);
        }

        [Fact]
        public async Task Every_message_of_an_mbox_file_is_read()
        {
            string second = DelayedDsn.Replace("later@example.org", "other@example.org");
            var path = Write("bounces.mbox", "From MAILER-DAEMON Thu Jul  2 12:05:05 2020\n" + DelayedDsn + "\nFrom MAILER-DAEMON Thu Jul  2 12:06:05 2020\n" + second);
            var bounces = await Import(path);
            Assert.Equal(new[] { "later@example.org", "other@example.org" }, bounces.Select(b => b.Recipient));
        }

        [Fact]
        public async Task An_empty_file_is_an_error()
        {
            var path = Path.Combine(_folder, "empty.eml");
            File.WriteAllBytes(path, Array.Empty<byte>());
            var error = await Assert.ThrowsAsync<SmtpToolsException>(() => Import(path));
            Assert.Equal(ErrorIds.InputEmpty, error.ErrorId);
        }

        [Fact]
        public async Task A_bounce_finds_the_send_log_entry_by_message_id()
        {
            var bounces = await Import(Corpus("lhost-qmail-17.eml"));
            var log = new SendLogIndex();
            var sent = new { MessageId = " 20240624090401.44656.qmail@nq.example.jp ", To = "userunknown@libsisimai.net" };
            log.Add(sent.MessageId, sent);
            log.Add("<other@example.com>", new object());
            log.Add(null, new object());
            Assert.Equal(2, log.Count);
            Assert.Equal(2, log.Attach(bounces));
            Assert.All(bounces, b => Assert.Same(sent, b.SendLogEntry));
            Assert.Null(log.Find("<unknown@example.com>"));
            Assert.Null(log.Find(null));
            Assert.Same(sent, log.Find("<20240624090401.44656.QMAIL@nq.example.jp>"));
        }

        [Theory]
        [InlineData("550 5.1.1 <a@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)", "5.1.1", "RCPT", SmtpBounceReason.UserUnknown)]
        [InlineData("550 user unknown (in reply to end of DATA command)", null, "DATA", SmtpBounceReason.Filtered)]
        [InlineData("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", "5.7.1", null, SmtpBounceReason.Blocked)]
        [InlineData("552 5.2.2 Mailbox full", "5.2.2", null, SmtpBounceReason.MailboxFull)]
        [InlineData("550-5.7.26 This mail is unauthenticated, which poses a security\n550-5.7.26 risk: it fails DMARC", "5.7.26", null, SmtpBounceReason.SecurityError)]
        [InlineData("552 5.3.4 Message size exceeds fixed limit", "5.3.4", null, SmtpBounceReason.MessageTooBig)]
        [InlineData("421 4.7.0 Try again later, too many connections from your IP", "4.7.0", null, SmtpBounceReason.RateLimited)]
        [InlineData("Host or domain name not found. Name service error for name=example.invalid", null, null, SmtpBounceReason.HostUnknown)]
        [InlineData("something nobody has ever written", "5.1.1", null, SmtpBounceReason.UserUnknown)]
        [InlineData("something nobody has ever written", null, null, SmtpBounceReason.Undefined)]
        public void The_classifier_reads_text_before_codes(string diagnostic, string status, string command, SmtpBounceReason expected)
        {
            Assert.Equal(expected, BounceClassifier.Classify(status, StatusCodes.FindReply(diagnostic), command, diagnostic, diagnostic, SmtpBounceAction.Failed));
        }

        [Theory]
        [InlineData("host 192.0.2.25 said: 550 5.1.1 user unknown", "5.1.1")]
        [InlineData("received from 192.0.2.25 at 10.2.3 on 2.2.2019", null)]
        [InlineData("Out: 250 2.1.5 Ok\nOut: 451 4.3.0 Error: queue file write error", "4.3.0")]
        [InlineData("Unable to contact LDAP server. (#4.4.3)", "4.4.3")]
        public void Enhanced_codes_are_found_where_servers_put_them(string text, string expected)
        {
            Assert.Equal(expected, StatusCodes.FindEnhanced(text));
        }
    }
}
