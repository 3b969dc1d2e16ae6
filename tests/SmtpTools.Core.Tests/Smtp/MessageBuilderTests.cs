using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MimeKit;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Smtp;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp
{
    public sealed class MessageBuilderTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("msgbuild-").FullName;

        public void Dispose() => Directory.Delete(_dir, true);

        private string File(string name, byte[] content)
        {
            var path = Path.Combine(_dir, name);
            System.IO.File.WriteAllBytes(path, content);
            return path;
        }

        private static MimeMessage RoundTrip(MimeMessage message)
        {
            var stream = new MemoryStream();
            message.WriteTo(stream);
            stream.Position = 0;
            return MimeMessage.Load(stream);
        }

        private static string Raw(MimeMessage message)
        {
            using var stream = new MemoryStream();
            message.WriteTo(stream);
            return Encoding.ASCII.GetString(stream.ToArray());
        }

        [Fact]
        public void AddressHeadersSubjectDateAndMessageId()
        {
            var m = MessageBuilder.Build(new OutgoingMessage
            {
                From = "Zoë Ångström <zoe@example.test>",
                To = { "bob@example.test", "Carol <carol@example.test>; dave@example.test" },
                Cc = { "erin@example.test" },
                Bcc = { "hidden@example.test" },
                ReplyTo = { "replies@example.test" },
                Subject = "Grüße — 你好",
                Body = "hello",
            });
            var raw = Raw(m);
            var back = RoundTrip(m);
            Assert.Equal("Zoë Ångström", back.From.Mailboxes.Single().Name);
            Assert.Equal(new[] { "bob@example.test", "carol@example.test", "dave@example.test" }, back.To.Mailboxes.Select(x => x.Address));
            Assert.Equal("erin@example.test", back.Cc.Mailboxes.Single().Address);
            Assert.Equal("replies@example.test", back.ReplyTo.Mailboxes.Single().Address);
            Assert.Equal("Grüße — 你好", back.Subject);
            Assert.Contains("Subject: =?utf-8?", raw); // encoded-word, the header itself stays ASCII
            Assert.EndsWith("@example.test", back.MessageId);
            Assert.True(back.Date > DateTimeOffset.Now.AddMinutes(-5));
            // Bcc is in the built message (the envelope needs it); MailKit and the pickup writer hide it on the wire.
            Assert.Contains("hidden@example.test", MessageBuilder.EnvelopeRecipients(m).Select(r => r.Address));
            Assert.Equal(5, MessageBuilder.EnvelopeRecipients(m).Count);
            Assert.Equal("zoe@example.test", MessageBuilder.EnvelopeSender(m).Address);
            Assert.Equal("text/plain", m.Body.ContentType.MimeType);
        }

        [Fact]
        public void TextAndHtmlMakeMultipartAlternativeTextFirst()
        {
            var m = RoundTrip(MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" }, TextBody = "plain words", HtmlBody = "<p>rich words</p>",
            }));
            var alt = Assert.IsType<MultipartAlternative>(m.Body);
            Assert.Equal(2, alt.Count);
            Assert.Equal("text/plain", alt[0].ContentType.MimeType);
            Assert.Equal("text/html", alt[1].ContentType.MimeType);
            Assert.Equal("plain words", m.TextBody.Trim());
            Assert.Equal("<p>rich words</p>", m.HtmlBody.Trim());
        }

        [Fact]
        public void BodyAsHtmlIsASingleHtmlPart()
        {
            var m = MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", To = { "b@example.test" }, Body = "<b>x</b>", BodyAsHtml = true });
            Assert.Equal("text/html", m.Body.ContentType.MimeType);
            Assert.Equal("utf-8", m.Body.ContentType.Charset);
        }

        [Fact]
        public void AttachmentsAreMixedBase64AndByteIdentical()
        {
            var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7 % 256)).ToArray();
            var pdf = File("report.pdf", bytes);
            var txt = File("notes.txt", Encoding.UTF8.GetBytes("line 1\nline 2 ü\n"));
            var m = RoundTrip(MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" }, Body = "see attached", Attachments = { pdf, txt },
            }));
            var mixed = Assert.IsType<Multipart>(m.Body);
            Assert.Equal("multipart/mixed", mixed.ContentType.MimeType);
            Assert.Equal("text/plain", mixed[0].ContentType.MimeType);
            var attachments = m.Attachments.OfType<MimePart>().ToList();
            Assert.Equal(new[] { "report.pdf", "notes.txt" }, attachments.Select(a => a.FileName));
            Assert.Equal("application/pdf", attachments[0].ContentType.MimeType);
            Assert.All(attachments, a => Assert.Equal(ContentEncoding.Base64, a.ContentTransferEncoding));
            Assert.All(attachments, a => Assert.True(a.IsAttachment));
            using var decoded = new MemoryStream();
            attachments[0].Content.DecodeTo(decoded);
            Assert.Equal(bytes, decoded.ToArray());
        }

        [Fact]
        public void InlineImagesAreRelatedToTheHtmlByContentId()
        {
            var png = File("logo.png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 });
            var m = RoundTrip(MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" },
                TextBody = "logo", HtmlBody = "<img src=\"cid:logo1\">",
                InlineAttachments = new Dictionary<string, string> { ["logo1"] = png },
            }));
            var alt = Assert.IsType<MultipartAlternative>(m.Body);
            var related = Assert.IsType<MultipartRelated>(alt[1]);
            Assert.Equal("text/html", related.Root.ContentType.MimeType);
            var image = related.OfType<MimePart>().Single(p => p.ContentType.MimeType == "image/png");
            Assert.Equal("logo1", image.ContentId);
            Assert.Equal("inline", image.ContentDisposition.Disposition);
            Assert.Empty(m.Attachments);
        }

        [Fact]
        public void InlineWithoutHtmlIsRejected()
        {
            var png = File("x.png", new byte[] { 1 });
            var ex = Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" }, Body = "text only", InlineAttachments = new Dictionary<string, string> { ["x"] = png },
            }));
            Assert.Equal("MessageInvalid", ex.ErrorId);
        }

        [Fact]
        public void EncodingSetsTheCharsetOfTextAndHeaders()
        {
            var latin1 = Encoding.GetEncoding(28591);
            var m = MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" }, Subject = "Café", Body = "crème brûlée", Encoding = latin1,
            });
            var part = Assert.IsType<TextPart>(m.Body);
            Assert.Equal("iso-8859-1", part.ContentType.Charset);
            Assert.Contains("=?iso-8859-1?", Raw(m));
            Assert.Equal("crème brûlée", RoundTrip(m).TextBody.TrimEnd());
            Assert.Equal("Café", RoundTrip(m).Subject);
        }

        [Theory]
        [InlineData(OutgoingPriority.High, "urgent", "high", "1 (Highest)")]
        [InlineData(OutgoingPriority.Low, "non-urgent", "low", "5 (Lowest)")]
        public void PriorityWritesTheThreeHeadersClientsRead(OutgoingPriority priority, string prio, string importance, string xPriority)
        {
            var m = MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", To = { "b@example.test" }, Body = "x", Priority = priority });
            Assert.Equal(prio, m.Headers[HeaderId.Priority]);
            Assert.Equal(importance, m.Headers[HeaderId.Importance]);
            Assert.Equal(xPriority, m.Headers[HeaderId.XPriority]);
        }

        [Fact]
        public void NormalPriorityAddsNoPriorityHeaders()
        {
            var m = MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", To = { "b@example.test" }, Body = "x" });
            Assert.False(m.Headers.Contains(HeaderId.Priority));
            Assert.False(m.Headers.Contains(HeaderId.XPriority));
        }

        [Fact]
        public void ExtraHeadersAreAddedOrReplaceExistingOnes()
        {
            var m = MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" }, Body = "x", Priority = OutgoingPriority.High,
                Headers = new Dictionary<string, string> { ["X-Campaign"] = "spring-2026", ["X-Priority"] = "2 (High)" },
            });
            Assert.Equal("spring-2026", m.Headers["X-Campaign"]);
            Assert.Equal("2 (High)", m.Headers["X-Priority"]);
            Assert.Single(m.Headers, h => h.Id == HeaderId.XPriority);
        }

        [Theory]
        [InlineData("Bcc", "hidden@evil.test", "HeaderNotAllowed")]
        [InlineData("To", "other@evil.test", "HeaderNotAllowed")]
        [InlineData("cc", "other@evil.test", "HeaderNotAllowed")]
        [InlineData("From", "ceo@example.test", "HeaderNotAllowed")]
        [InlineData("Sender", "ceo@example.test", "HeaderNotAllowed")]
        [InlineData("Reply-To", "attacker@evil.test", "HeaderNotAllowed")]
        [InlineData("Subject", "replaced", "HeaderNotAllowed")]
        [InlineData("Message-ID", "<forged@example.test>", "HeaderNotAllowed")]
        [InlineData("Date", "Mon, 1 Jan 2001 00:00:00 +0000", "HeaderNotAllowed")]
        [InlineData("DKIM-Signature", "v=1; a=rsa-sha256; d=example.test", "HeaderNotAllowed")]
        [InlineData("Resent-To", "other@evil.test", "HeaderNotAllowed")]
        [InlineData("Content-Type", "text/html", "HeaderNotAllowed")]
        [InlineData("MIME-Version", "2.0", "HeaderNotAllowed")]
        [InlineData("X-Campaign", "spring\r\nBcc: hidden@evil.test", "HeaderInvalid")]
        [InlineData("X-Campaign", "spring\nBcc: hidden@evil.test", "HeaderInvalid")]
        [InlineData("X Campaign", "spring", "HeaderInvalid")]
        [InlineData("X-Campaign:", "spring", "HeaderInvalid")]
        public void HeadersTheCmdletOwnsAndMalformedHeadersAreRefused(string name, string value, string errorId)
        {
            var ex = Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" }, Body = "x",
                Headers = new Dictionary<string, string> { [name] = value },
            }));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Contains(name.TrimEnd(':'), ex.Message);
            Assert.DoesNotContain("\n", ex.Message); // line breaks are shown escaped
        }

        [Theory]
        [InlineData("To")]
        [InlineData("Cc")]
        [InlineData("Bcc")]
        [InlineData("ReplyTo")]
        [InlineData("From")]
        public void ALineBreakInAnAddressIsRefusedInsteadOfAddingARecipient(string field)
        {
            var source = new OutgoingMessage { From = "a@example.test", To = { "b@example.test" }, Body = "x" };
            const string injected = "c@example.test\r\nd@evil.test";
            switch (field)
            {
                case "To": source.To.Add(injected); break;
                case "Cc": source.Cc.Add(injected); break;
                case "Bcc": source.Bcc.Add(injected); break;
                case "ReplyTo": source.ReplyTo.Add(injected); break;
                case "From": source.From = "a@example.test\r\nRCPT TO:<d@evil.test>"; break;
            }
            var ex = Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(source));
            Assert.Equal("AddressInvalid", ex.ErrorId);
            Assert.Contains("-" + field, ex.Message);
            Assert.Contains("\\r\\n", ex.Message); // shown escaped, so the error text itself has no line break
        }

        /// <summary>A domain of exactly <paramref name="length"/> octets: 49-letter labels, ending in ".test".</summary>
        private static string Domain(int length)
        {
            var labels = new StringBuilder();
            while (labels.Length < length) labels.Append(new string('d', 49)).Append('.');
            var head = labels.ToString(0, length - 5).TrimEnd('.');
            return head.PadRight(length - 5, 'e') + ".test";
        }

        [Theory]
        [InlineData(65, 20, "its local part is 65 octets long; RFC 5321 allows 64")]
        [InlineData(10, 256, "its domain is 256 octets long; RFC 5321 allows 255")]
        [InlineData(64, 200, "it is 265 octets long; RFC 5321 allows 254")]
        public void Rfc5321AddressLengthsAreChecked(int localLength, int domainLength, string expected)
        {
            var address = new string('l', localLength) + "@" + Domain(domainLength);
            var ex = Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", To = { address }, Body = "x" }));
            Assert.Equal("AddressInvalid", ex.ErrorId);
            Assert.Contains(expected, ex.Message);
        }

        [Fact]
        public void AnAddressAtExactlyTheRfc5321LimitsIsAccepted()
        {
            var address = new string('l', 64) + "@" + Domain(189); // 254 octets: a path of 256 with the brackets
            var m = MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", To = { address }, Body = "x" });
            Assert.Equal(address, Assert.Single(m.To.Mailboxes).Address);
        }

        [Fact]
        public void MissingAttachmentFailsBeforeAnythingIsSent()
        {
            var ex = Assert.Throws<FileNotFoundException>(() => MessageBuilder.Build(new OutgoingMessage
            {
                From = "a@example.test", To = { "b@example.test" }, Body = "x", Attachments = { Path.Combine(_dir, "nope.pdf") },
            }));
            Assert.Contains("nope.pdf", ex.Message);
        }

        [Theory]
        [InlineData("not an address")]
        [InlineData("bob@")]
        public void BadRecipientIsAnAddressError(string to)
        {
            var ex = Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", To = { to }, Body = "x" }));
            Assert.Equal("AddressInvalid", ex.ErrorId);
            Assert.Contains(to, ex.Message);
        }

        [Fact]
        public void NoRecipientOrNoSenderOrTwoBodyStylesAreMessageErrors()
        {
            Assert.Equal("MessageInvalid", Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", Body = "x" })).ErrorId);
            Assert.Equal("MessageInvalid", Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage { To = { "b@example.test" }, Body = "x" })).ErrorId);
            Assert.Equal("MessageInvalid", Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage { From = "a@example.test", To = { "b@example.test" }, Body = "x", HtmlBody = "<p>y</p>" })).ErrorId);
        }

        [Fact]
        public void MessagePathIsLoadedAsIsAndTheFileIsNotKeptOpen()
        {
            var eml = File("in.eml", Encoding.ASCII.GetBytes("From: a@example.test\r\nTo: b@example.test\r\nBcc: c@example.test\r\nSubject: as is\r\nMessage-ID: <fixed@example.test>\r\n\r\nbody\r\n"));
            var m = MessageBuilder.Build(new OutgoingMessage { MessagePath = eml });
            System.IO.File.Delete(eml);
            Assert.Equal("fixed@example.test", m.MessageId);
            Assert.Equal("as is", m.Subject);
            Assert.Equal(new[] { "b@example.test", "c@example.test" }, MessageBuilder.EnvelopeRecipients(m).Select(r => r.Address));
        }

        [Fact]
        public void MessagePathWithoutRecipientsIsRejected()
        {
            var eml = File("norcpt.eml", Encoding.ASCII.GetBytes("From: a@example.test\r\nSubject: x\r\n\r\nbody\r\n"));
            Assert.Equal("MessageInvalid", Assert.Throws<SmtpToolsException>(() => MessageBuilder.Build(new OutgoingMessage { MessagePath = eml })).ErrorId);
        }

        [Theory]
        [InlineData(DeliveryNotificationOptions.None, null)]
        [InlineData(DeliveryNotificationOptions.OnSuccess | DeliveryNotificationOptions.OnFailure, MailKit.DeliveryStatusNotification.Success | MailKit.DeliveryStatusNotification.Failure)]
        [InlineData(DeliveryNotificationOptions.Delay, MailKit.DeliveryStatusNotification.Delay)]
        [InlineData(DeliveryNotificationOptions.Never | DeliveryNotificationOptions.OnSuccess, MailKit.DeliveryStatusNotification.Never)]
        public void DeliveryNotificationMapsToDsnNotify(DeliveryNotificationOptions options, MailKit.DeliveryStatusNotification? expected)
        {
            Assert.Equal(expected, SmtpSessionClient.ToMailKit(options));
        }
    }
}
