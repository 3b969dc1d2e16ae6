using System.Linq;
using System.Net;
using SmtpTools.Core.Spf;
using Xunit;

namespace SmtpTools.Core.Tests.Spf
{
    public class SpfParserTests
    {
        [Theory]
        [InlineData("v=spf1", true)]
        [InlineData("v=spf1 -all", true)]
        [InlineData("V=SpF1 ~all", true)]
        [InlineData("v=spf10", false)]
        [InlineData("v=spf1-all", false)]
        [InlineData("spf1 -all", false)]
        [InlineData("", false)]
        public void RecognisesVersion1Records(string text, bool expected) => Assert.Equal(expected, SpfRecordParser.IsSpfRecord(text));

        [Fact]
        public void SplitsTermsWithQualifiersCidrsAndModifiers()
        {
            var r = SpfRecordParser.Parse("v=spf1  ip4:192.0.2.0/24 -ip6:2001:DB8::/32 ~a:mail.example.com/28//64 ?mx/30 include:_spf.example.net ptr exists:%{i}.x.example.com redirect=_r.example.org exp=why.example.org foo=bar ");
            Assert.True(r.IsValid, string.Join("; ", r.Errors));
            Assert.Equal(new[] { "ip4", "ip6", "a", "mx", "include", "ptr", "exists" }, r.Mechanisms.Select(m => m.Name));
            Assert.Equal(new[] { '+', '-', '~', '?', '+', '+', '+' }, r.Mechanisms.Select(m => m.Qualifier));
            Assert.Equal(IPAddress.Parse("192.0.2.0"), r.Mechanisms[0].Network);
            Assert.Equal(24, r.Mechanisms[0].Ip4PrefixLength);
            Assert.Equal(32, r.Mechanisms[1].Ip6PrefixLength);
            Assert.Equal("mail.example.com", r.Mechanisms[2].Value);
            Assert.Equal(28, r.Mechanisms[2].Ip4PrefixLength);
            Assert.Equal(64, r.Mechanisms[2].Ip6PrefixLength);
            Assert.Null(r.Mechanisms[3].Value);
            Assert.Equal(30, r.Mechanisms[3].Ip4PrefixLength);
            Assert.Equal(128, r.Mechanisms[3].Ip6PrefixLength);
            Assert.True(r.Mechanisms[6].DomainSpec.HasMacros);
            Assert.Equal("_r.example.org", r.Redirect.Value);
            Assert.Equal("why.example.org", r.Explanation.Value);
            Assert.Equal(new[] { "redirect", "exp", "foo" }, r.Modifiers.Select(m => m.Name));
            Assert.Null(r.All);
            Assert.Equal(6, r.Terms.Count(t => t.CountsAsDnsLookup)); // a, mx, include, ptr, exists, redirect; not exp
            Assert.True(r.Redirect.CountsAsDnsLookup);
        }

        [Theory]
        [InlineData("v=spf1 ip4:192.0.2.300", "ip4:192.0.2.300")]
        [InlineData("v=spf1 ip4:192.0.2.1/33", "ip4:192.0.2.1/33")]
        [InlineData("v=spf1 ip4:192.0.2.1/024", "ip4:192.0.2.1/024")]
        [InlineData("v=spf1 ip6:192.0.2.1", "ip6:192.0.2.1")]
        [InlineData("v=spf1 a:example.com/33", "a:example.com/33")]
        [InlineData("v=spf1 a:", "a:")]
        [InlineData("v=spf1 include", "include")]
        [InlineData("v=spf1 foo:bar", "foo:bar")]
        [InlineData("v=spf1 -all:x", "-all:x")]
        [InlineData("v=spf1 a:museum", "a:museum")]
        [InlineData("v=spf1 a:111.222.33.44", "a:111.222.33.44")]
        [InlineData("v=spf1 exists:%{x}.example.com", "exists:%{x}.example.com")]
        [InlineData("v=spf1 exists:%{i0}.example.com", "exists:%{i0}.example.com")]
        [InlineData("v=spf1 include:%{r}.example.com", "include:%{r}.example.com")]
        [InlineData("v=spf1 include:50%.example.com", "include:50%.example.com")]
        public void ReportsTheOffendingTerm(string record, string term)
        {
            var r = SpfRecordParser.Parse(record);
            Assert.False(r.IsValid);
            Assert.Equal(term, r.Errors.Single().Term);
        }

        [Fact]
        public void DuplicateRedirectIsAnError()
        {
            var r = SpfRecordParser.Parse("v=spf1 redirect=a.example.com redirect=b.example.com");
            Assert.Contains(r.Errors, e => e.Message.Contains("more than once"));
        }

        [Fact]
        public void MacroErrorsAreToldApartFromOtherSyntaxErrors()
        {
            var r = SpfRecordParser.Parse("v=spf1 exists:%{z}.example.com ip4:1.2.3 -all");
            Assert.Equal(2, r.Errors.Count);
            Assert.True(r.Errors[0].IsMacroError);
            Assert.False(r.Errors[1].IsMacroError);
        }
    }
}
