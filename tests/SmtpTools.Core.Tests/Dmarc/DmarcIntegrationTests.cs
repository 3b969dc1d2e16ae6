using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dmarc
{
    /// <summary>
    /// Discovery, report authorization and message evaluation against the integration Knot (zones dmarc.test,
    /// dmarcreports.test and test.). A missing server is a failure, not a skip.
    /// </summary>
    public class DmarcIntegrationTests
    {
        private static DnsResolver Resolver(TimeSpan? timeout = null) => new(new DnsResolverOptions
        {
            Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get("SMTPTOOLS_DNS") }),
            Timeout = timeout ?? TimeSpan.FromSeconds(3),
            Retries = 1,
        });

        private static DmarcPolicyChecker Checker(DmarcSpecification spec = DmarcSpecification.Rfc9989) => new(Resolver(), new DmarcOptions { Specification = spec });

        [Fact]
        public async Task Tree_walk_and_organizational_domain_fallback_differ()
        {
            var walk = await Checker().CheckAsync("a.b.c.walk.dmarc.test", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.Found, walk.Status);
            Assert.Equal("walk.dmarc.test", walk.PolicyDomain);
            Assert.Equal(DmarcPolicySource.TreeWalk, walk.FoundVia);
            Assert.Equal(DmarcAlignmentMode.Strict, walk.Record.DkimAlignment);

            var org = await Checker(DmarcSpecification.Rfc7489).CheckAsync("a.b.c.walk.dmarc.test", CancellationToken.None);
            Assert.Equal("dmarc.test", org.PolicyDomain);
            Assert.Equal(DmarcPolicySource.OrganizationalDomain, org.FoundVia);
            Assert.Equal(DmarcDisposition.Quarantine, org.Record.SubdomainPolicy);
            Assert.Equal(new[] { "_dmarc.a.b.c.walk.dmarc.test", "_dmarc.dmarc.test" }, org.QueriedNames);
        }

        [Fact]
        public async Task Split_record_two_records_and_invalid_tags()
        {
            var checker = Checker(DmarcSpecification.Rfc7489);
            var split = await checker.CheckAsync("split.dmarc.test", CancellationToken.None);
            Assert.Equal("v=DMARC1; p=quarantine; pct=50; rua=mailto:agg@split.dmarc.test", split.Record.Text);
            Assert.Equal(50, split.Record.Percentage);

            var multi = await checker.CheckAsync("multi.dmarc.test", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.MultipleRecords, multi.Status);
            Assert.Null(multi.Record);

            var bad = await checker.CheckAsync("badtag.dmarc.test", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.PermError, bad.Status);
            Assert.Equal(21, bad.Record.SyntaxErrors.Single().Position);

            var mixed = await checker.CheckAsync("mixed.dmarc.test", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.Found, mixed.Status);
        }

        [Theory]
        [InlineData(DmarcSpecification.Rfc9989)]
        [InlineData(DmarcSpecification.Rfc7489)]
        public async Task External_destinations_with_and_without_authorization(DmarcSpecification spec)
        {
            var check = await Checker(spec).CheckAsync("ext.dmarc.test", CancellationToken.None);
            var rua = check.Record.AggregateReportUris;
            Assert.True(rua[0].IsExternal);
            Assert.True(rua[0].IsAuthorized);
            Assert.True(rua[1].IsExternal);
            Assert.False(rua[1].IsAuthorized);
            Assert.False(check.Record.ForensicReportUris[0].IsExternal);
            Assert.Single(check.Findings, f => f.Id == "DmarcUnauthorizedReportDestination" && f.Message.Contains("noauth.dmarcreports.test"));
        }

        [Fact]
        public async Task Dns_failure_is_temperror()
        {
            // Knot refuses names outside its zones; a closed port times out.
            var refused = await Checker().CheckAsync("mail.nowhere.example", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.TempError, refused.Status);
            var silent = new DmarcPolicyChecker(new DnsResolver(new DnsResolverOptions
            {
                Servers = DnsServerEndpoint.ParseAll(new[] { "127.0.0.1:" + IntegrationServers.Get("SMTPTOOLS_SMTP_CLOSED_PORT") }),
                Timeout = TimeSpan.FromMilliseconds(500),
                Retries = 0,
            }));
            var timeout = await silent.CheckAsync("reject.dmarc.test", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.TempError, timeout.Status);
            Assert.Contains(timeout.Findings, f => f.Id == "DmarcDnsTempError");
        }

        private static MimeMessage Message(string from, string returnPath)
        {
            var raw = $"Return-Path: <{returnPath}>\r\nFrom: Alice <{from}>\r\nTo: bob@example.test\r\nSubject: dmarc\r\nDate: Wed, 02 Dec 2026 06:00:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@signed.dmarc.test>\r\n\r\nHello DMARC.\r\n";
            return MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));
        }

        [Fact]
        public async Task Signed_message_passes_dkim_aligned_and_an_altered_copy_fails()
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519);
            var selector = DkimTestZone.NewSelector("dm");
            DkimTestZone.AddTxt("dmarc.test", selector + "._domainkey", DkimRecordBuilder.SplitIntoStrings(DkimRecordBuilder.BuildRecord(key)));
            var message = Message("alice@signed.dmarc.test", "bounce@signed.dmarc.test");
            new DkimMessageSigner(key, "dmarc.test", selector).Sign(message);

            var evaluator = new DmarcMessageEvaluator(Checker());
            // 192.0.2.1 is not in signed.dmarc.test's SPF record: only DKIM (d=dmarc.test, relaxed) can pass.
            var context = new DmarcMessageContext { ClientIPAddress = IPAddress.Parse("192.0.2.1"), HeloDomain = "mx.example.test" };
            var good = await evaluator.EvaluateAsync(message, context, CancellationToken.None);
            Assert.Equal(DkimAuthResult.Pass, good.DkimSignatures.Single().Result);
            Assert.Equal(SpfResult.Fail, good.Spf.Result);
            Assert.Equal("signed.dmarc.test", good.Spf.Domain);
            Assert.Equal(DmarcResult.Pass, good.Evaluation.Result);
            Assert.True(good.Evaluation.DkimAligned);
            Assert.False(good.Evaluation.SpfAligned);
            Assert.Equal("dmarc.test", good.Evaluation.AlignedDkimDomain);

            message.Body = new TextPart("plain") { Text = "Hello DMARC, altered.\r\n" };
            var altered = await evaluator.EvaluateAsync(message, context, CancellationToken.None);
            Assert.Equal(DkimAuthResult.Fail, altered.DkimSignatures.Single().Result);
            Assert.Equal(DmarcResult.Fail, altered.Evaluation.Result);
            Assert.True(altered.Evaluation.Reject);
            Assert.Contains(altered.Findings, f => f.Id == "DmarcDkimSignatureNotPassing");

            // From the loopback client SPF passes for signed.dmarc.test: aligned SPF alone passes DMARC.
            var spf = await evaluator.EvaluateAsync(message, new DmarcMessageContext { ClientIPAddress = IPAddress.Loopback }, CancellationToken.None);
            Assert.Equal(SpfResult.Pass, spf.Spf.Result);
            Assert.True(spf.Evaluation.SpfAligned);
            Assert.Equal(DmarcResult.Pass, spf.Evaluation.Result);
        }

        [Fact]
        public async Task Null_sender_uses_helo_and_two_from_headers_are_a_permerror()
        {
            var evaluator = new DmarcMessageEvaluator(Checker());
            var message = Message("alice@signed.dmarc.test", "");
            var helo = await evaluator.EvaluateAsync(message, new DmarcMessageContext { ClientIPAddress = IPAddress.Loopback, HeloDomain = "signed.dmarc.test" }, CancellationToken.None);
            Assert.Equal("Helo", helo.SpfIdentity);
            Assert.Equal(SpfResult.Pass, helo.Spf.Result);
            Assert.Equal(DmarcResult.Pass, helo.Evaluation.Result);

            message.Headers.Add(HeaderId.From, "mallory@reject.dmarc.test");
            var twoFrom = await evaluator.EvaluateAsync(message, new DmarcMessageContext { ClientIPAddress = IPAddress.Loopback }, CancellationToken.None);
            Assert.Equal(DmarcResult.PermError, twoFrom.Evaluation.Result);
            Assert.Contains(twoFrom.Findings, f => f.Id == "DmarcFromHeaderCount");
        }
    }
}
