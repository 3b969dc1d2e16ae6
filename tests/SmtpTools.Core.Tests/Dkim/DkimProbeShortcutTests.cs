using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dns;
using SmtpTools.Core.EmailDomain;
using SmtpTools.Core.Tests.Support;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dkim
{
    /// <summary>
    /// Selector probing asks _domainkey.&lt;domain&gt; first and stops at an NXDOMAIN there (RFC 8020: nothing below
    /// exists): one question instead of ~40 for a domain without DKIM, the same report, and never a published key hidden
    /// by anything but a broken server.
    /// </summary>
    public sealed class DkimProbeShortcutTests
    {
        private const string Key = EmailDomain.EmailDomainAuditorTests.DkimKey;

        private static string Describe(DkimRecordCheck c) =>
            $"{c.Domain}|{c.Selector}|{c.DnsName}|{c.LookupStatus}|{c.Status}|{c.Found}|" +
            string.Join(";", c.Findings.Select(f => $"{f.Id}:{f.Severity}:{f.Message}:{f.Count}"));

        [Fact]
        public async Task A_domain_with_nothing_under_domainkey_costs_one_question_and_gets_the_report_of_the_full_probe()
        {
            var dns = new InMemoryDnsResolver().AddTxt("nodkim.test", "v=spf1 -all").AddTxt("_dmarc.nodkim.test", "v=DMARC1; p=reject");
            var shortcut = await new DkimRecordChecker(dns).CheckAsync("nodkim.test", null, null, default);
            Assert.Equal(new[] { "TXT _domainkey.nodkim.test" }, dns.Log);

            // The same zone where the parent question fails (nothing learnt): every selector is probed.
            var full = new InMemoryDnsResolver().AddTxt("nodkim.test", "v=spf1 -all").AddTimeout("_domainkey.nodkim.test");
            var probed = await new DkimRecordChecker(full).CheckAsync("nodkim.test", null, null, default);
            Assert.Equal(DkimRecordChecker.ProbedSelectors("nodkim.test").Count + 1, full.Log.Count);

            Assert.Equal(probed.Select(Describe), shortcut.Select(Describe));
            var none = Assert.Single(shortcut);
            Assert.Equal(DkimRecordStatus.NotFound, none.Status);
            Assert.Equal("DkimNoSelectorFound", Assert.Single(none.Findings).Id);
        }

        [Fact]
        public async Task Keys_below_an_empty_non_terminal_are_still_probed_and_reported()
        {
            var dns = new InMemoryDnsResolver()
                .AddTxt("selector1._domainkey.probe.test", Key)
                .AddTxt("google._domainkey.probe.test", Key)
                .AddCname("selector2._domainkey.probe.test", "selector2-probe._domainkey.provider.test");
            var results = await new DkimRecordChecker(dns).CheckAsync("probe.test", null, null, default);
            Assert.Equal(new[] { "google", "selector1", "selector2" }, results.Select(r => r.Selector).OrderBy(s => s, StringComparer.Ordinal));
            Assert.Contains(results.Single(r => r.Selector == "selector2").Findings, f => f.Id == "DkimCnameTargetMissing");
            foreach (var selector in DkimRecordChecker.ProbedSelectors("probe.test"))
                Assert.Contains("TXT " + selector + "._domainkey.probe.test", dns.Log);
        }

        [Fact]
        public async Task A_failed_or_aliased_parent_question_probes_every_selector()
        {
            // Even on a server that answers NXDOMAIN for empty non-terminals: a timeout at the parent proves nothing.
            var timeout = new InMemoryDnsResolver { EmptyNonTerminalsAsNxdomain = true }
                .AddTxt("selector1._domainkey.slow.test", Key).AddTimeout("_domainkey.slow.test");
            Assert.Equal("selector1", Assert.Single(await new DkimRecordChecker(timeout).CheckAsync("slow.test", null, null, default)).Selector);

            // A CNAME at _domainkey whose target does not exist: NXDOMAIN is about the target, names below the alias can exist.
            var alias = new InMemoryDnsResolver().AddCname("_domainkey.alias.test", "gone.provider.test").AddTxt("selector1._domainkey.alias.test", Key);
            Assert.Equal("selector1", Assert.Single(await new DkimRecordChecker(alias).CheckAsync("alias.test", null, null, default)).Selector);
        }

        [Fact]
        public async Task A_server_that_answers_nxdomain_for_empty_non_terminals_hides_probed_keys_but_not_given_selectors()
        {
            // RFC 8020 section 4: such servers are broken, and the probe trusts NXDOMAIN; naming the selector asks for it directly.
            var broken = new InMemoryDnsResolver { EmptyNonTerminalsAsNxdomain = true }.AddTxt("selector1._domainkey.broken.test", Key);
            var probed = Assert.Single(await new DkimRecordChecker(broken).CheckAsync("broken.test", null, null, default));
            Assert.Equal("DkimNoSelectorFound", Assert.Single(probed.Findings).Id);
            Assert.Contains("-Selector", probed.Findings[0].Message);
            var given = Assert.Single(await new DkimRecordChecker(broken).CheckAsync("broken.test", new[] { "selector1" }, null, default));
            Assert.True(given.Found);
            Assert.Equal(DkimRecordStatus.Valid, given.Status);
        }

        [Fact]
        public async Task Over_the_wire_a_domain_without_dkim_asks_one_dkim_question_and_a_domain_with_dkim_still_finds_its_key()
        {
            using var server = new FakeDnsServer();
            server.AddTxt("plain.fake.test", "v=spf1 -all");
            server.AddTxt("_dmarc.plain.fake.test", "v=DMARC1; p=reject");
            server.AddTxt("signed.fake.test", "v=spf1 -all");
            server.AddTxt("_dmarc.signed.fake.test", "v=DMARC1; p=reject");
            server.AddTxt("selector1._domainkey.signed.fake.test", DkimRecordBuilder.SplitIntoStrings(Key).ToArray());
            using var resolver = new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { server.Endpoint }), Timeout = TimeSpan.FromSeconds(3) });
            var auditor = new EmailDomainAuditor(resolver, new EmailDomainOptions { Checks = EmailDomain.EmailDomainAuditorTests.RecordChecks });

            var plain = await auditor.AuditAsync("plain.fake.test", CancellationToken.None);
            Assert.Equal("", plain.DkimSelectorsFound);
            Assert.Contains("DkimNoSelectorFound", plain.FindingIds);
            // Distinct: a slow reply may be sent again by the resolver.
            Assert.Equal(new[] { "TXT _domainkey.plain.fake.test" }, server.Log.Where(q => q.Contains("_domainkey", StringComparison.Ordinal)).Distinct());

            var signed = await auditor.AuditAsync("signed.fake.test", CancellationToken.None);
            Assert.Equal("selector1", signed.DkimSelectorsFound);
            Assert.Equal(DkimRecordChecker.ProbedSelectors("signed.fake.test").Count + 1,
                server.Log.Where(q => q.EndsWith("_domainkey.signed.fake.test", StringComparison.Ordinal)).Distinct().Count());
        }
    }
}
