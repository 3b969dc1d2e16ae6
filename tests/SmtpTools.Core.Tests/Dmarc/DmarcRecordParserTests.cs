using System.Linq;
using SmtpTools.Core.Dmarc;
using Xunit;

namespace SmtpTools.Core.Tests.Dmarc
{
    public class DmarcRecordParserTests
    {
        [Fact]
        public void Syntax_error_names_the_position_of_the_bad_tag()
        {
            var r = DmarcRecordParser.Parse("v=DMARC1; p=reject; adkim=x", DmarcSpecification.Rfc9989);
            Assert.Equal(DmarcRecordStatus.SyntaxError, r.Status);
            var error = Assert.Single(r.SyntaxErrors);
            Assert.Equal(21, error.Position);
            Assert.Contains(r.Findings, f => f.Id == "DmarcSyntaxError" && f.Message.Contains("position 21"));
        }

        [Fact]
        public void A_bare_word_is_a_syntax_error_at_its_position()
        {
            var r = DmarcRecordParser.Parse("v=DMARC1; p=none; bogus", DmarcSpecification.Rfc7489);
            Assert.Equal(DmarcRecordStatus.SyntaxError, r.Status);
            Assert.Equal(19, r.SyntaxErrors.Single().Position);
        }

        [Theory]
        [InlineData(DmarcSpecification.Rfc9989)]
        [InlineData(DmarcSpecification.Rfc7489)]
        public void A_missing_separator_after_the_version_is_a_syntax_error(DmarcSpecification spec)
        {
            var r = DmarcRecordParser.Parse("v=DMARC1 p=reject", spec);
            Assert.Equal(DmarcRecordStatus.SyntaxError, r.Status);
            Assert.Equal(9, r.SyntaxErrors[0].Position);
            Assert.True(DmarcRecordParser.Parse("v = DMARC1 ;p=reject", spec).IsValid);
        }

        [Fact]
        public void Unknown_tags_are_reported_and_ignored()
        {
            var r = DmarcRecordParser.Parse("v=DMARC1; p=reject; foo=bar; rua=mailto:d@example.com", DmarcSpecification.Rfc9989);
            Assert.True(r.IsValid);
            Assert.Equal(new[] { "foo" }, r.UnknownTags);
            Assert.Contains(r.Findings, f => f.Id == "DmarcUnknownTag" && f.Message.Contains("position 21"));
        }

        [Fact]
        public void Rfc7489_requires_p_right_after_v_but_rfc9989_does_not()
        {
            const string text = "v=DMARC1; sp=none; p=reject";
            Assert.Equal(DmarcRecordStatus.SyntaxError, DmarcRecordParser.Parse(text, DmarcSpecification.Rfc7489).Status);
            var bis = DmarcRecordParser.Parse(text, DmarcSpecification.Rfc9989);
            Assert.True(bis.IsValid);
            Assert.Contains(bis.Findings, f => f.Id == "DmarcPolicyNotSecond");
        }

        [Fact]
        public void Rfc7489_defaults_are_applied()
        {
            var r = DmarcRecordParser.Parse("v=DMARC1; p=quarantine", DmarcSpecification.Rfc7489);
            Assert.Equal(DmarcDisposition.Quarantine, r.SubdomainPolicy);
            Assert.Equal(DmarcDisposition.Quarantine, r.NonexistentSubdomainPolicy);
            Assert.Equal(100, r.Percentage);
            Assert.Equal(86400, r.ReportInterval);
            Assert.Equal(DmarcAlignmentMode.Relaxed, r.DkimAlignment);
            Assert.Contains(r.Findings, f => f.Id == "DmarcNoAggregateReports");
        }

        [Fact]
        public void Policy_findings_point_out_weak_settings()
        {
            var r = DmarcRecordParser.Parse("v=DMARC1; p=reject; sp=none; pct=50; rua=mailto:a@example.com", DmarcSpecification.Rfc7489);
            Assert.True(r.IsValid);
            var ids = r.Findings.Select(f => f.Id).ToList();
            Assert.Contains("DmarcSubdomainPolicyWeaker", ids);
            Assert.Contains("DmarcPercentageBelow100", ids);
            Assert.DoesNotContain("DmarcNoAggregateReports", ids);
            Assert.DoesNotContain("DmarcPolicyNone", ids);
        }

        [Fact]
        public void Np_defaults_to_sp_then_p()
        {
            var r = DmarcRecordParser.Parse("v=DMARC1; p=reject; sp=quarantine", DmarcSpecification.Rfc9989);
            Assert.Equal(DmarcDisposition.Quarantine, r.NonexistentSubdomainPolicy);
        }

        [Fact]
        public void Lower_case_version_is_not_a_dmarc_record_and_says_why()
        {
            var r = DmarcRecordParser.Parse("v=dmarc1; p=none", DmarcSpecification.Rfc9989);
            Assert.Equal(DmarcRecordStatus.NotDmarc, r.Status);
            Assert.Contains(r.Findings, f => f.Id == "DmarcNotDmarcRecord" && f.Message.Contains("upper case"));
        }

        [Fact]
        public void Mailto_destination_and_size_are_split()
        {
            var r = DmarcRecordParser.Parse("v=DMARC1; p=none; rua=mailto:Reports@Example.NET!50k", DmarcSpecification.Rfc9989);
            var uri = Assert.Single(r.AggregateReportUris);
            Assert.Equal("mailto:Reports@Example.NET", uri.Uri);
            Assert.Equal("example.net", uri.MailtoDomain);
            Assert.Equal("50k", uri.MaxSizeText);
        }
    }
}
