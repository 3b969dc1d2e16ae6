using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Spf;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Dns
{
    /// <summary>The one domain-name check every cmdlet and engine uses (issue 11, items 6 and 8).</summary>
    public class DomainNamesTests
    {
        [Theory]
        [InlineData("example.com", "example.com")]
        [InlineData("  Example.COM.  ", "example.com")]
        [InlineData("example.com\r\n", "example.com")]
        [InlineData("_spf.google.com", "_spf.google.com")]
        [InlineData("mail-1.example.co.uk", "mail-1.example.co.uk")]
        [InlineData("BÜCHER.example.", "xn--bcher-kva.example")]
        [InlineData("食狮.com.cn", "xn--85x722f.com.cn")]
        [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
        [InlineData("localhost", "localhost")]
        [InlineData("1.2.3.example", "1.2.3.example")]
        public void Valid_names_come_back_in_the_form_DNS_holds(string input, string expected)
        {
            Assert.Equal(expected, DomainNames.Normalize(input));
            Assert.True(DomainNames.TryNormalize(input, out var name, out var problem));
            Assert.Equal(expected, name);
            Assert.Null(problem);
        }

        [Theory]
        [InlineData(null, "nothing was given")]
        [InlineData("", "empty")]
        [InlineData("   ", "only white space")]
        [InlineData("\t", "only white space")]
        [InlineData("exa mple.com", "a space")]
        [InlineData("nul\0.com", "a NUL character")]
        [InlineData("example.com\r\nevil IN TXT x", "line break")]
        [InlineData("alice@example.com", "e-mail address")]
        [InlineData("x/../../target", "'/'")]
        [InlineData("x\\target", "'\\'")]
        [InlineData("*.example.com", "'*'")]
        [InlineData("a..b", "empty label")]
        [InlineData(".example.com", "starts with a dot")]
        [InlineData("example.com..", "empty label")]
        [InlineData(".", "root name")]
        [InlineData("192.0.2.1", "IP address")]
        [InlineData("[192.0.2.1]", "IP address")]
        [InlineData("2001:db8::1", "IP address")]
        [InlineData("[IPv6:2001:db8::1]", "IP address")]
        [InlineData("192.0.2.300", "all digits")]
        [InlineData("-bad.example.com", "begins with a hyphen")]
        [InlineData("bad-.example.com", "ends with a hyphen")]
        [InlineData("exa_mple!.com", "'!'")]
        public void Invalid_names_are_refused_with_the_reason(string input, string reason)
        {
            var ex = Assert.Throws<SmtpToolsException>(() => DomainNames.Normalize(input));
            Assert.Equal("InvalidDomainName", ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Contains(reason, ex.Message);
            Assert.False(DomainNames.TryNormalize(input, out var name, out var problem));
            Assert.Null(name);
            Assert.Contains(reason, problem);
        }

        [Fact]
        public void Lengths_follow_RFC_1035()
        {
            string label63 = new string('a', 63);
            Assert.Equal(label63 + ".example", DomainNames.Normalize(label63 + ".example"));
            Assert.Contains("at most 63", Assert.Throws<SmtpToolsException>(() => DomainNames.Normalize(label63 + "a.example")).Message);

            // 4 labels of 63 plus 3 dots = 255 characters: too long; 253 is the most.
            string name253 = string.Join(".", Enumerable.Repeat(label63, 3)) + "." + new string('b', 61);
            Assert.Equal(253, name253.Length);
            Assert.Equal(name253, DomainNames.Normalize(name253));
            Assert.Equal(name253, DomainNames.Normalize(name253 + "."));
            Assert.Contains("at most 253", Assert.Throws<SmtpToolsException>(() => DomainNames.Normalize(name253 + "b")).Message);

            // A huge input is refused without converting it.
            Assert.Contains("characters long", Assert.Throws<SmtpToolsException>(() => DomainNames.Normalize(new string('x', 1_000_000))).Message);
        }

        [Fact]
        public void The_message_shows_control_characters_escaped_so_no_line_break_reaches_a_log()
        {
            var ex = Assert.Throws<SmtpToolsException>(() => DomainNames.Normalize("example.com\r\nMAIL FROM:<x>"));
            Assert.DoesNotContain("\r", ex.Message);
            Assert.DoesNotContain("\n", ex.Message);
            Assert.Contains("'example.com\\r\\nMAIL FROM:<x>'", ex.Message);
        }

        [Theory]
        [InlineData("s2026", "s2026")]
        [InlineData("Sel.2026", "Sel.2026")] // RFC 6376 3.1: selectors may have dots; case is kept
        [InlineData("selector1-contoso-com", "selector1-contoso-com")]
        [InlineData("schlüssel", "xn--schlssel-95a")] // RFC 8616: U-labels as A-labels
        [InlineData("123", "123")] // all-digit selectors are fine (they are not top-level domains)
        public void Selectors_are_DNS_labels(string input, string expected) =>
            Assert.Equal(expected, DomainNames.NormalizeSelector(input));

        [Theory]
        [InlineData("a..b")]
        [InlineData("s1/../x")]
        [InlineData("s1\nx")]
        [InlineData(" ")]
        [InlineData("s 1")]
        public void Bad_selectors_are_refused(string input)
        {
            var ex = Assert.Throws<SmtpToolsException>(() => DomainNames.NormalizeSelector(input));
            Assert.Equal("InvalidDkimSelector", ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
        }

        [Theory]
        [InlineData("smtp.example.com", "smtp.example.com")]
        [InlineData("127.0.0.1", "127.0.0.1")]
        [InlineData("::1", "::1")]
        [InlineData("[2001:db8::25]", "[2001:db8::25]")]
        [InlineData("MAIL.Example.com.", "mail.example.com")]
        public void Hosts_are_names_or_addresses(string input, string expected) =>
            Assert.Equal(expected, DomainNames.NormalizeHost(input));

        [Fact]
        public void A_host_with_a_port_gets_a_hint_to_use_Port()
        {
            var ex = Assert.Throws<SmtpToolsException>(() => DomainNames.NormalizeHost("smtp.example.com:587"));
            Assert.Equal("InvalidHostName", ex.ErrorId);
            Assert.Contains("-Port", ex.Message);
        }

        [Fact]
        public void A_DKIM_owner_name_is_built_from_checked_parts_only()
        {
            Assert.Equal("s1._domainkey.xn--bcher-kva.example", DkimRecordBuilder.DnsName("s1", "Bücher.example."));
            Assert.Equal("InvalidDomainName", Assert.Throws<SmtpToolsException>(() => DkimRecordBuilder.DnsName("s1", "x/../../target")).ErrorId);
            Assert.Equal("InvalidDkimSelector", Assert.Throws<SmtpToolsException>(() => DkimRecordBuilder.DnsName("s1\r\nevil", "example.com")).ErrorId);
            // Each part is valid, the whole is longer than DNS allows.
            string longDomain = string.Join(".", Enumerable.Repeat(new string('d', 60), 3)) + ".example";
            string longSelector = new string('s', 63);
            var ex = Assert.Throws<SmtpToolsException>(() => DkimRecordBuilder.DnsName(longSelector, longDomain));
            Assert.Equal("InvalidDkimSelector", ex.ErrorId);
            Assert.Contains("at most 253", ex.Message);
        }

        [Fact]
        public void The_DKIM_signer_takes_only_DNS_names_for_d_and_s()
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519);
            Assert.Equal("InvalidDkimSelector", Assert.Throws<SmtpToolsException>(() => new DkimMessageSigner(key, "example.com", "s1\r\nX-Injected: yes")).ErrorId);
            Assert.Equal("InvalidDomainName", Assert.Throws<SmtpToolsException>(() => new DkimMessageSigner(key, "example.com; x=y", "s1")).ErrorId);
            var signer = new DkimMessageSigner(key, "Example.COM.", "s1");
            Assert.Equal("example.com", signer.Domain);
        }

        [Fact]
        public async Task The_SPF_audit_refuses_a_bad_name_before_any_DNS_query()
        {
            var dns = new InMemoryDnsResolver().AddTxt("example.com", "v=spf1 -all");
            foreach (var bad in new[] { "   ", "exa mple.com", "192.0.2.1", "a*b.com", "nul\0.com" })
            {
                var ex = await Assert.ThrowsAsync<SmtpToolsException>(() => new SpfAuditor(dns).AuditAsync(bad, CancellationToken.None));
                Assert.Equal("InvalidDomainName", ex.ErrorId);
            }
            Assert.Empty(dns.Log);
            Assert.Equal("example.com", (await new SpfAuditor(dns).AuditAsync(" EXAMPLE.com. ", CancellationToken.None)).Domain);
        }

        [Fact]
        public async Task The_DKIM_check_refuses_a_bad_domain_or_selector_before_any_DNS_query()
        {
            var dns = new InMemoryDnsResolver();
            var checker = new DkimRecordChecker(dns);
            Assert.Equal("InvalidDomainName", (await Assert.ThrowsAsync<SmtpToolsException>(() => checker.CheckAsync("a..b", new[] { "s1" }, null, CancellationToken.None))).ErrorId);
            Assert.Equal("InvalidDkimSelector", (await Assert.ThrowsAsync<SmtpToolsException>(() => checker.CheckAsync("example.com", new[] { "s1", "s 2" }, null, CancellationToken.None))).ErrorId);
            Assert.Empty(dns.Log);
        }

        [Theory]
        [InlineData("alice@exa mple.com")]
        [InlineData("alice@192.0.2.1")]
        [InlineData("alice@nul\0.example")]
        public async Task Check_host_gives_none_for_a_malformed_sender_domain_without_a_query(string sender)
        {
            // RFC 7208 4.3: a malformed <domain> gives none; such a name must not be looked up.
            var dns = new InMemoryDnsResolver();
            var outcome = await new SpfChecker(dns).CheckHostAsync(new SpfCheckRequest { IPAddress = System.Net.IPAddress.Parse("192.0.2.1"), Sender = sender }, CancellationToken.None);
            Assert.Equal(SpfResult.None, outcome.Result);
            Assert.Contains("not a fully qualified domain name", outcome.Reason);
            Assert.False(outcome.Reason.Contains('\0'), outcome.Reason);
            Assert.Empty(dns.Log);
        }

        [Fact]
        public async Task Check_host_looks_up_an_internationalized_sender_domain_as_A_labels()
        {
            var dns = new InMemoryDnsResolver().AddTxt("xn--bcher-kva.example", "v=spf1 ip4:192.0.2.1 -all");
            var outcome = await new SpfChecker(dns).CheckHostAsync(new SpfCheckRequest { IPAddress = System.Net.IPAddress.Parse("192.0.2.1"), Sender = "info@bücher.example" }, CancellationToken.None);
            Assert.Equal(SpfResult.Pass, outcome.Result);
            Assert.Equal("xn--bcher-kva.example", outcome.Domain);
        }

        [Fact]
        public void DMARC_report_destinations_and_From_domains_go_through_the_same_check()
        {
            var record = new DmarcPolicyChecker(new InMemoryDnsResolver()).CheckRecord("v=DMARC1; p=reject; rua=mailto:d@Bücher.Example.,mailto:d@bad..example").Record;
            Assert.Equal(new[] { "xn--bcher-kva.example", null }, record.AggregateReportUris.Select(u => u.MailtoDomain));
            Assert.Contains(record.Findings, f => f.Id == "DmarcReportAddressWithoutDomain" && f.Message.Contains("mailto:d@bad..example"));

            Assert.Equal(new[] { "xn--bcher-kva.example", "example.org" }, FromDomainExtractor.FromHeaderValue("a@Bücher.Example, b@EXAMPLE.org"));
        }
    }
}
