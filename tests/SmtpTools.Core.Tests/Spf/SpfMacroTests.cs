using System;
using System.Net;
using SmtpTools.Core.Spf;
using Xunit;

namespace SmtpTools.Core.Tests.Spf
{
    /// <summary>RFC 7208 7.4's worked examples (sender strong-bad@email.example.com, client 192.0.2.3 / 2001:db8::cb01).</summary>
    public class SpfMacroTests
    {
        private static SpfMacroValues Values(string ip = "192.0.2.3") => new SpfMacroValues
        {
            Sender = "strong-bad@email.example.com",
            LocalPart = "strong-bad",
            SenderDomain = "email.example.com",
            Domain = "email.example.com",
            IPAddress = IPAddress.Parse(ip),
            HeloDomain = "mx.example.org",
            ReceiverName = "mx.receiver.example",
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(1700000000),
        };

        private static string Expand(string text, bool explanation = false, string ip = "192.0.2.3")
        {
            Assert.True(SpfMacroString.TryParse(text, explanation, out var m, out var error), error);
            return m.Expand(Values(ip));
        }

        [Theory]
        [InlineData("%{s}", "strong-bad@email.example.com")]
        [InlineData("%{o}", "email.example.com")]
        [InlineData("%{d}", "email.example.com")]
        [InlineData("%{d4}", "email.example.com")]
        [InlineData("%{d3}", "email.example.com")]
        [InlineData("%{d2}", "example.com")]
        [InlineData("%{d1}", "com")]
        [InlineData("%{dr}", "com.example.email")]
        [InlineData("%{d2r}", "example.email")]
        [InlineData("%{l}", "strong-bad")]
        [InlineData("%{l-}", "strong.bad")]
        [InlineData("%{lr}", "strong-bad")]
        [InlineData("%{lr-}", "bad.strong")]
        [InlineData("%{l1r-}", "strong")]
        [InlineData("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com")]
        [InlineData("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com")]
        [InlineData("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com")]
        [InlineData("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com")]
        [InlineData("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net")]
        [InlineData("%{h}", "mx.example.org")]
        [InlineData("a%%b%_c%-d", "a%b c%20d")]
        public void ExpandsTheRfcExamples(string macro, string expected) => Assert.Equal(expected, Expand(macro));

        [Fact]
        public void Ipv6UsesNibblesAndIp6()
        {
            Assert.Equal("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
                Expand("%{ir}.%{v}._spf.%{d2}", ip: "2001:db8::cb01"));
        }

        [Fact]
        public void UpperCaseLettersAreUrlEscapedAndExplanationLettersWork()
        {
            Assert.Equal("strong-bad%40email.example.com", Expand("%{S}"));
            Assert.Equal("192.0.2.3 mx.receiver.example 1700000000", Expand("%{c} %{r} %{t}", explanation: true));
            Assert.Equal("2001:db8::cb01", Expand("%{c}", explanation: true, ip: "2001:db8::cb01"));
        }

        [Theory]
        [InlineData("%{c}", false)]   // c, r, t only in explanations
        [InlineData("%{x}", true)]
        [InlineData("%{d0}", false)]
        [InlineData("%{d2q}", false)]
        [InlineData("%{d", false)]
        [InlineData("50%", false)]
        [InlineData("%a", false)]
        [InlineData("a b", false)]     // spaces only in explanations
        public void RejectsMalformedMacros(string text, bool explanation) =>
            Assert.False(SpfMacroString.TryParse(text, explanation, out _, out _));

        [Fact]
        public void LongExpansionsLoseLeftLabels()
        {
            Assert.True(SpfMacroString.TryParse("%{l}.%{d}", false, out var m, out _));
            var values = Values();
            values.LocalPart = string.Join(".", new string('a', 60), new string('b', 60), new string('c', 60), new string('d', 60), new string('e', 60));
            string name = m.ExpandDomain(values);
            Assert.True(name.Length <= 253);
            Assert.EndsWith(".email.example.com", name);
            Assert.DoesNotContain("aaaa", name);
        }
    }
}
