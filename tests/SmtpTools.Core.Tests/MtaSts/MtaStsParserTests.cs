using System.Linq;
using SmtpTools.Core.MtaSts;
using Xunit;

namespace SmtpTools.Core.Tests.MtaSts
{
    /// <summary>The RFC 8461 record and policy grammars and the RFC 8461 4.1 MX matching, case by case.</summary>
    public sealed class MtaStsParserTests
    {
        private static string[] Ids(System.Collections.Generic.IEnumerable<SmtpTools.Finding> findings) => findings.Select(f => f.Id).ToArray();

        // ---- _mta-sts TXT (RFC 8461 3.1) ----

        [Theory]
        [InlineData("v=STSv1; id=20160831085700Z;")]
        [InlineData("v=STSv1;id=abc")]
        [InlineData("v=STSv1 ;\tid=ABC123 ;")]
        [InlineData("v=STSv1; id=12345678901234567890123456789012")]
        public void ValidRecords(string text)
        {
            Assert.True(MtaStsRecordParser.IsStsRecord(text));
            var r = MtaStsRecordParser.Parse(text);
            Assert.True(r.IsValid, string.Join(" | ", r.Findings));
            Assert.Empty(r.Findings);
        }

        [Theory]
        [InlineData("v=STSv1; id=this-id-is-not-alphanumeric-and-far-too-long;", "MtaStsRecordIdInvalid", "is 44 characters long and holds characters other than letters and digits")]
        [InlineData("v=STSv1; id=123456789012345678901234567890123", "MtaStsRecordIdInvalid", "is 33 characters long")]
        [InlineData("v=STSv1; id=;", "MtaStsRecordIdInvalid", "is empty")]
        [InlineData("v=STSv1;", "MtaStsRecordNoId", "no id= field")]
        [InlineData("v=STSv1", "MtaStsRecordNoId", "no id= field")]
        [InlineData("v=STSv1; ext=1", "MtaStsRecordNoId", "no id= field")]
        [InlineData("v=STSv1;; id=a", "MtaStsRecordSyntax", "empty field")]
        [InlineData("v=STSv1; id", "MtaStsRecordSyntax", "\"id\" is not a name=value field")]
        [InlineData("v=STSv1; id=a; -x=1", "MtaStsRecordSyntax", "not a valid field name")]
        [InlineData("v=STSv1; id=a; x=a b", "MtaStsRecordSyntax", "holds a space")]
        [InlineData("v=STSv1 x; id=a", "MtaStsRecordSyntax", "must begin with \"v=STSv1;\"")]
        public void InvalidRecords(string text, string id, string message)
        {
            var r = MtaStsRecordParser.Parse(text);
            Assert.False(r.IsValid);
            var f = Assert.Single(r.Findings, x => x.Id == id);
            Assert.Contains(message, f.Message);
            Assert.Equal("RFC 8461 3.1", f.Reference);
        }

        [Fact]
        public void UnknownFieldsAreIgnoredAndRepeatedOnesReported()
        {
            var r = MtaStsRecordParser.Parse("v=STSv1; id=one; future=x.y; id=two");
            Assert.True(r.IsValid);
            Assert.Equal("one", r.Id);
            Assert.Equal(new[] { "MtaStsRecordUnknownField", "MtaStsRecordDuplicateField" }, Ids(r.Findings));
        }

        [Theory]
        [InlineData("v=STSv2; id=x1;", false, true)]
        [InlineData("v=stsv1; id=x1;", false, true)]
        [InlineData(" v=STSv1; id=x1;", false, true)]
        [InlineData("v = STSv1; id=x1;", false, true)]
        [InlineData("v=STSv1x; id=x1;", false, true)]
        [InlineData("site-verification=abc", false, false)]
        [InlineData("v=STSv1; id=x1;", true, false)]
        public void OnlyExactVersionRecordsCount(string text, bool isRecord, bool looksLike)
        {
            Assert.Equal(isRecord, MtaStsRecordParser.IsStsRecord(text));
            Assert.Equal(looksLike, MtaStsRecordParser.LooksLikeStsRecord(text));
        }

        // ---- the policy (RFC 8461 3.2) ----

        [Theory]
        [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n")]
        [InlineData("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 31557600")]
        [InlineData("mode:enforce\nmax_age:\t1209600  \nversion: STSv1\nmx: MAIL.Example.COM\n")]
        public void ValidPolicies(string text)
        {
            var p = MtaStsPolicyParser.Parse(text);
            Assert.True(p.IsValid, string.Join(" | ", p.Findings));
            Assert.Empty(p.Findings);
            Assert.Equal(SmtpTools.MtaStsMode.Enforce, p.Mode);
            Assert.Equal("STSv1", p.Version);
        }

        [Fact]
        public void PolicyFieldsAreRead()
        {
            var p = MtaStsPolicyParser.Parse("version: STSv1\nmode: testing\nmx: a.example.com\nmx: *.example.net\nmax_age: 1209600\nfuture: yes please\n");
            Assert.Equal(SmtpTools.MtaStsMode.Testing, p.Mode);
            Assert.Equal(1209600, p.MaxAge);
            Assert.Equal(new[] { "a.example.com", "*.example.net" }, p.MxPatterns);
            Assert.Equal(new[] { "MtaStsPolicyUnknownField", "MtaStsModeTesting" }, Ids(p.Findings));
            Assert.True(p.IsValid);
        }

        [Fact]
        public void TheMalformedTestPolicyGivesEveryProblem()
        {
            // tests/Integration/https/mta-sts/malformed.sts.test.txt
            var p = MtaStsPolicyParser.Parse("mode: strict\nmx: mx1.mail.test\nmax_age: one week\nthis line has no colon\n");
            Assert.False(p.IsValid);
            Assert.Equal(new[] { "MtaStsPolicyModeInvalid", "MtaStsPolicyMaxAgeInvalid", "MtaStsPolicySyntax", "MtaStsPolicyNoVersion" }, Ids(p.Findings));
            Assert.Contains("Line 4", p.Findings[2].Message);
            Assert.All(p.Findings, f => Assert.Equal("RFC 8461 3.2", f.Reference));
        }

        [Theory]
        [InlineData("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 604800", "MtaStsPolicyVersionInvalid")]
        [InlineData("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 604800", "MtaStsPolicyModeInvalid")]
        [InlineData("version: STSv1\nmx: a.example\nmax_age: 604800", "MtaStsPolicyNoMode")]
        [InlineData("version: STSv1\nmode: enforce\nmx: a.example", "MtaStsPolicyNoMaxAge")]
        [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901", "MtaStsPolicyMaxAgeInvalid")]
        [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1", "MtaStsPolicyMaxAgeInvalid")]
        [InlineData("version: STSv1\nmode: enforce\nmax_age: 604800", "MtaStsPolicyNoMx")]
        [InlineData("version: STSv1\nmode: testing\nmax_age: 604800", "MtaStsPolicyNoMx")]
        [InlineData("version: STSv1\nmode: enforce\nmx: mail.*.example\nmax_age: 604800", "MtaStsPolicyMxInvalid")]
        [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com.\nmax_age: 604800", "MtaStsPolicyMxInvalid")]
        [InlineData("version: STSv1\nmode: enforce\nmx: -mail.example.com\nmax_age: 604800", "MtaStsPolicyMxInvalid")]
        [InlineData("version: STSv1\nmode: enforce\nmx: mail_1.example.com\nmax_age: 604800", "MtaStsPolicyMxInvalid")]
        [InlineData("version: STSv1\nmode: enforce\nmx: *\nmax_age: 604800", "MtaStsPolicyMxInvalid")]
        [InlineData("Version: STSv1\nversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800", "MtaStsPolicySyntax")]
        [InlineData(" version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800", "MtaStsPolicySyntax")]
        [InlineData("\uFEFFversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800", "MtaStsPolicySyntax")]
        [InlineData("version: STSv1\nmode: enforce\nx-note: a\u0001b\nmx: a.example\nmax_age: 604800", "MtaStsPolicySyntax")]
        public void EachRfcViolationHasItsFinding(string text, string id)
        {
            var p = MtaStsPolicyParser.Parse(text);
            Assert.Contains(id, Ids(p.Findings));
            Assert.False(p.IsValid);
        }

        [Fact]
        public void ByteOrderMarkIsNamedAsTheCause()
        {
            var p = MtaStsPolicyParser.Parse("\uFEFFversion: STSv1\nmode: none\nmax_age: 86400\n");
            Assert.Contains("byte-order mark", p.Findings.First(f => f.Id == "MtaStsPolicySyntax").Message);
        }

        [Theory]
        [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999", "MtaStsPolicyMaxAgeTooLarge")]
        [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400", "MtaStsPolicyMaxAgeShort")]
        [InlineData("version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 604800", "MtaStsPolicyDuplicateField")]
        [InlineData("version: STSv1\nmode: enforce\n\nmx: a.example\nmax_age: 604800", "MtaStsPolicyEmptyLine")]
        public void WarningsLeaveThePolicyValid(string text, string id)
        {
            var p = MtaStsPolicyParser.Parse(text);
            Assert.Contains(id, Ids(p.Findings));
            Assert.True(p.IsValid, string.Join(" | ", p.Findings));
        }

        [Fact]
        public void RepeatedFieldKeepsTheFirstValue()
        {
            var p = MtaStsPolicyParser.Parse("version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 604800");
            Assert.Equal(SmtpTools.MtaStsMode.Enforce, p.Mode);
        }

        [Fact]
        public void ModeNoneNeedsNoMxAndNoLongMaxAge()
        {
            var p = MtaStsPolicyParser.Parse("version: STSv1\nmode: none\nmax_age: 86400\n");
            Assert.True(p.IsValid);
            Assert.Equal(new[] { "MtaStsModeNone" }, Ids(p.Findings));
        }

        [Fact]
        public void OneBadMxPatternStillLeavesTheGoodOnesToMatch()
        {
            var p = MtaStsPolicyParser.Parse("version: STSv1\nmode: enforce\nmx: good.example\nmx: bad..example\nmax_age: 604800");
            Assert.Equal(new[] { "good.example", "bad..example" }, p.MxPatterns);
            Assert.Equal(new[] { "good.example" }, p.ValidMxPatterns);
        }

        // ---- MX matching (RFC 8461 4.1) ----

        [Theory]
        [InlineData("mail.example.com", "mail.example.com", true)]
        [InlineData("mail.example.com", "MAIL.EXAMPLE.COM", true)]
        [InlineData("mail.example.com", "mail.example.com.", true)]
        [InlineData("*.example.com", "mx1.example.com", true)]
        [InlineData("*.example.com", "example.com", false)]
        [InlineData("*.example.com", "a.b.example.com", false)]
        [InlineData("*.example.com", "mx1.example.org", false)]
        [InlineData("*.example.com", "xexample.com", false)]
        [InlineData("mail.example.com", "mail2.example.com", false)]
        [InlineData("example.com", "mail.example.com", false)]
        public void MxPatternsMatchAsRfc8461Says(string pattern, string host, bool matches)
        {
            Assert.Equal(matches, MtaStsMxPattern.Matches(pattern, host));
        }

        [Fact]
        public void FirstMatchingPatternIsReported()
        {
            Assert.Equal("*.mail.test", MtaStsMxPattern.FirstMatch(new[] { "other.test", "*.mail.test", "mx1.mail.test" }, "mx1.mail.test"));
            Assert.Null(MtaStsMxPattern.FirstMatch(new[] { "*.mail.test" }, "mx1.multi.mx.test"));
        }

        // ---- TLS-RPT (RFC 8460 3) ----

        [Fact]
        public void TlsRptDestinationsAreSplitByScheme()
        {
            var r = TlsRptRecordParser.Parse("v=TLSRPTv1; rua=mailto:tlsrpt@testing.sts.test , https://tlsrpt.sts.test/v1/report");
            Assert.True(r.IsValid, string.Join(" | ", r.Findings));
            Assert.Equal(new[] { "mailto:tlsrpt@testing.sts.test", "https://tlsrpt.sts.test/v1/report" }, r.ReportUris);
            Assert.Equal(new[] { "tlsrpt@testing.sts.test" }, r.MailtoAddresses);
            Assert.Equal(new[] { "https://tlsrpt.sts.test/v1/report" }, r.HttpsUris);
        }

        [Fact]
        public void PercentEncodedMailtoIsDecoded()
        {
            var r = TlsRptRecordParser.Parse("v=TLSRPTv1;rua=mailto:tls%2Breports@Example.COM?subject=x;");
            Assert.True(r.IsValid);
            Assert.Equal(new[] { "tls+reports@example.com" }, r.MailtoAddresses);
        }

        [Theory]
        [InlineData("v=TLSRPTv1;", new[] { "TlsRptNoRua" })]
        [InlineData("v=TLSRPTv1; rua=ftp://tlsrpt.sts.test/report", new[] { "TlsRptRuaUnsupported", "TlsRptNoUsableRua" })]
        [InlineData("v=TLSRPTv1; rua=http://tlsrpt.example/report", new[] { "TlsRptRuaUnsupported", "TlsRptNoUsableRua" })]
        [InlineData("v=TLSRPTv1; rua=mailto:nobody", new[] { "TlsRptRuaInvalid", "TlsRptNoUsableRua" })]
        [InlineData("v=TLSRPTv1; rua=tlsrpt@example.com", new[] { "TlsRptRuaInvalid", "TlsRptNoUsableRua" })]
        [InlineData("v=TLSRPTv1; rua=mailto:a@example.com!10m", new[] { "TlsRptRuaInvalid", "TlsRptNoUsableRua" })]
        [InlineData("v=TLSRPTv1; rua=", new[] { "TlsRptRuaInvalid" })]
        [InlineData("v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.com", new[] { "TlsRptRuaInvalid" })]
        [InlineData("v=TLSRPTv1 rua=mailto:a@example.com", new[] { "TlsRptRecordSyntax", "TlsRptNoRua" })]
        public void TlsRptViolationsAreErrors(string text, string[] ids)
        {
            var r = TlsRptRecordParser.Parse(text);
            Assert.Equal(ids, Ids(r.Findings));
            Assert.False(r.IsValid);
        }

        [Fact]
        public void OneUnsupportedDestinationBesideAUsableOneIsOnlyAWarning()
        {
            var r = TlsRptRecordParser.Parse("v=TLSRPTv1; rua=ftp://x.example/r,mailto:a@example.com; ext=1");
            Assert.True(r.IsValid);
            Assert.Equal(new[] { "TlsRptRuaUnsupported", "TlsRptUnknownField" }, Ids(r.Findings));
        }
    }
}
