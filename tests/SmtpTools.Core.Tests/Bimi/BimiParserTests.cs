using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using SmtpTools.Core.Bimi;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Bimi
{
    /// <summary>The BIMI record grammar (BIMI draft 5.3) and the SVG Tiny PS checks, case by case.</summary>
    public sealed class BimiParserTests
    {
        private static string[] Ids(System.Collections.Generic.IEnumerable<SmtpTools.Finding> findings) => findings.Select(f => f.Id).ToArray();

        // ---- the assertion record ----

        [Theory]
        [InlineData("v=BIMI1; l=https://images.example.com/logo.svg; a=https://images.example.com/vmc.pem")]
        [InlineData("v = BIMI1 ;l=https://images.example.com/logo.svg;")]
        [InlineData("v=BIMI1; l=https://images.example.com/logo.svg; a=;")]
        [InlineData("v=BIMI1; l=https://images.example.com/logo.svgz; avp=personal; lps=news-,brand")]
        [InlineData("v=BIMI1; l=; a=https://images.example.com/vmc.pem")]
        public void ValidRecords(string text)
        {
            Assert.True(BimiRecordParser.IsBimiRecord(text));
            var r = BimiRecordParser.Parse(text);
            Assert.True(r.IsValid, string.Join(" | ", r.Findings));
            Assert.Empty(r.Findings);
            Assert.False(r.IsDeclination);
        }

        [Fact]
        public void RecordFieldsAreRead()
        {
            var r = BimiRecordParser.Parse("v=BIMI1; l=https://images.example.com/logo.svg; a=https://images.example.com/vmc.pem; avp=brand; lps=a-,b");
            Assert.Equal("https://images.example.com/logo.svg", r.LocationUri.AbsoluteUri);
            Assert.Equal("https://images.example.com/vmc.pem", r.AuthorityUri.AbsoluteUri);
            Assert.Equal("brand", r.AvatarPreference);
            Assert.Equal(new[] { "a-", "b" }, r.LocalPartPrefixes);
        }

        [Theory]
        [InlineData("v=BIMI1; l=; a=;")]
        [InlineData("v=BIMI1; l=")]
        [InlineData("v=BIMI1;l= ;a= ")]
        public void DeclinationRecords(string text)
        {
            var r = BimiRecordParser.Parse(text);
            Assert.True(r.IsValid);
            Assert.True(r.IsDeclination);
        }

        [Theory]
        [InlineData("v=BIMI2; l=http://images.bimi.test/logo.svg", new[] { "BimiVersionInvalid", "BimiLocationNotHttps" })]
        [InlineData("l=https://i.example.com/a.svg; v=BIMI1", new[] { "BimiVersionInvalid", "BimiVersionInvalid" })]
        [InlineData("v=bimi1; l=https://i.example.com/a.svg", new[] { "BimiVersionInvalid" })]
        [InlineData("v=BIMI1; a=https://i.example.com/vmc.pem", new[] { "BimiNoLocation" })]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg; l=https://i.example.com/b.svg", new[] { "BimiDuplicateTag" })]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg,https://i.example.com/b.svg", new[] { "BimiLocationInvalid" })]
        [InlineData("v=BIMI1; l=https://localhost/a.svg", new[] { "BimiLocationInvalid" })]
        [InlineData("v=BIMI1; l=https://192.0.2.1/a.svg", new[] { "BimiLocationInvalid" })]
        [InlineData("v=BIMI1; l=images.example.com/a.svg", new[] { "BimiLocationInvalid" })]
        [InlineData("v=BIMI1; l=https://i.example.com/logo.png", new[] { "BimiLocationFormat" })]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg; a=http://i.example.com/vmc.pem", new[] { "BimiAuthorityNotHttps" })]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg;; a=", new[] { "BimiRecordSyntax" })]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg; 1x=y", new[] { "BimiRecordSyntax" })]
        public void RecordViolations(string text, string[] ids)
        {
            var r = BimiRecordParser.Parse(text);
            Assert.Equal(ids, Ids(r.Findings));
            Assert.False(r.IsValid);
        }

        [Theory]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg; avp=avatar", "BimiAvatarPreferenceInvalid")]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg; lps=a_b", "BimiLocalPartPrefixInvalid")]
        [InlineData("v=BIMI1; l=https://i.example.com/a.svg; s=x", "BimiUnknownTag")]
        public void WarningsLeaveTheRecordValid(string text, string id)
        {
            var r = BimiRecordParser.Parse(text);
            Assert.Equal(new[] { id }, Ids(r.Findings));
            Assert.True(r.IsValid);
        }

        [Theory]
        [InlineData("v=BIMI2; l=https://i.example.com/a.svg", false, true)]
        [InlineData("l=https://i.example.com/a.svg; v=BIMI1", false, true)]
        [InlineData("v=spf1 -all", false, false)]
        [InlineData("v=BIMI1;", true, false)]
        public void OnlyRecordsStartingWithTheVersionCount(string text, bool isRecord, bool looksLike)
        {
            Assert.Equal(isRecord, BimiRecordParser.IsBimiRecord(text));
            Assert.Equal(looksLike, BimiRecordParser.LooksLikeBimiRecord(text));
        }

        // ---- the SVG Tiny PS checks ----

        private static byte[] Committed(string file) => File.ReadAllBytes(Path.Combine(IntegrationServers.RepoRoot, "tests", "Integration", "https", "bimi", file));

        private static SvgCheck Svg(string text) => SvgTinyPsValidator.Check(Encoding.UTF8.GetBytes(text), "The logo");

        private const string Head = "<svg version=\"1.2\" baseProfile=\"tiny-ps\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 100 100\"><title>T</title>";

        [Theory]
        [InlineData("logo.svg", "SmtpTools Test")]
        [InlineData("other-logo.svg", "SmtpTools Other")]
        public void TheTestLogosPass(string file, string title)
        {
            var r = SvgTinyPsValidator.Check(Committed(file), "The logo");
            Assert.True(r.IsValid, string.Join(" | ", r.Findings));
            Assert.Empty(r.Findings);
            Assert.Equal(title, r.Title);
            Assert.Equal(64, r.Sha256.Length);
        }

        [Theory]
        [InlineData("script.svg", "BimiSvgScript")]
        [InlineData("external.svg", "BimiSvgExternalReference")]
        [InlineData("animation.svg", "BimiSvgAnimation")]
        [InlineData("notsquare.svg", "BimiSvgNotSquare")]
        [InlineData("notitle.svg", "BimiSvgNoTitle")]
        [InlineData("noprofile.svg", "BimiSvgProfile")]
        public void EachBrokenTestLogoHasItsFinding(string file, string id)
        {
            var r = SvgTinyPsValidator.Check(Committed(file), "The logo");
            Assert.Contains(id, Ids(r.Findings));
        }

        [Fact]
        public void ExternalImageIsBothAnExternalReferenceAndAForbiddenElement()
        {
            var r = SvgTinyPsValidator.Check(Committed("external.svg"), "The logo");
            Assert.Equal(new[] { "BimiSvgElementNotAllowed", "BimiSvgExternalReference" }, Ids(r.Findings));
            Assert.Contains("https://images.bimi.test/logo.png", r.Findings[1].Message);
        }

        [Fact]
        public void NotSquareSaysTheAspect()
        {
            var r = SvgTinyPsValidator.Check(Committed("notsquare.svg"), "The logo");
            Assert.Contains("200×100, not square", Assert.Single(r.Findings).Message);
            Assert.True(r.IsValid);   // a warning: receivers may crop it
        }

        [Fact]
        public void PlainSvg11FailsProfileAndVersion()
        {
            var r = SvgTinyPsValidator.Check(Committed("noprofile.svg"), "The logo");
            Assert.Equal(new[] { "BimiSvgProfile", "BimiSvgVersion" }, Ids(r.Findings));
        }

        [Fact]
        public void DoctypeIsRefusedUnread()
        {
            var r = Svg("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>" + Head + "<text>&b;</text></svg>");
            Assert.Equal(new[] { "BimiSvgDoctype" }, Ids(r.Findings));
            Assert.Null(r.Title);
        }

        [Fact]
        public void EventHandlersAndStyleUrlsAreCaught()
        {
            var r = Svg(Head + "<rect width=\"10\" height=\"10\" onclick=\"alert(1)\" style=\"fill:url(https://evil.example/x.svg#g)\"/></svg>");
            Assert.Equal(new[] { "BimiSvgScript", "BimiSvgExternalReference" }, Ids(r.Findings));
        }

        [Fact]
        public void LocalReferencesAndMetadataVocabulariesAreFine()
        {
            var r = Svg(Head + "<metadata><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description/></rdf:RDF></metadata>"
                + "<defs><linearGradient id=\"g\"><stop offset=\"0\"/></linearGradient></defs><use xlink:href=\"#g\"/><rect fill=\"url(#g)\" style=\"fill:url(#g)\" width=\"1\" height=\"1\"/></svg>");
            Assert.Empty(r.Findings);
        }

        [Theory]
        [InlineData("<foreignObject/>", "BimiSvgElementNotAllowed")]
        [InlineData("<a xlink:href=\"#x\"/>", "BimiSvgElementNotAllowed")]
        [InlineData("<set attributeName=\"fill\" to=\"red\"/>", "BimiSvgAnimation")]
        [InlineData("<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\"/>", "BimiSvgElementNotAllowed")]
        public void ElementsOutsideTheProfile(string element, string id)
        {
            Assert.Equal(new[] { id }, Ids(Svg(Head + element + "</svg>").Findings));
        }

        [Theory]
        [InlineData("<html/>", "BimiSvgNotSvg")]
        [InlineData("<svg baseProfile=\"tiny-ps\" version=\"1.2\" viewBox=\"0 0 1 1\"><title>x</title></svg>", "BimiSvgNotSvg")]
        [InlineData("<svg", "BimiSvgInvalidXml")]
        public void NotAnSvgDocument(string text, string id)
        {
            Assert.Contains(id, Ids(Svg(text).Findings));
        }

        [Fact]
        public void RootPositionAndMissingViewBoxAreWarnings()
        {
            var r = Svg("<svg version=\"1.2\" baseProfile=\"tiny-ps\" xmlns=\"http://www.w3.org/2000/svg\" x=\"0\" width=\"64px\" height=\"64px\"><title>T</title></svg>");
            Assert.Equal(new[] { "BimiSvgRootPosition" }, Ids(r.Findings));
            var noBox = Svg("<svg version=\"1.2\" baseProfile=\"tiny-ps\" xmlns=\"http://www.w3.org/2000/svg\"><title>T</title></svg>");
            Assert.Equal(new[] { "BimiSvgNotSquare" }, Ids(noBox.Findings));
        }

        [Fact]
        public void EmptyTitleIsNoTitle()
        {
            Assert.Equal(new[] { "BimiSvgNoTitle" }, Ids(Svg("<svg version=\"1.2\" baseProfile=\"tiny-ps\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><title> </title></svg>").Findings));
        }

        [Fact]
        public void CompressedLogoIsCheckedUncompressed()
        {
            var svg = Committed("logo.svg");
            var r = SvgTinyPsValidator.Check(Gzip(svg), "The logo");
            Assert.True(r.WasCompressed);
            Assert.Equal(svg, r.Svg);
            Assert.Empty(r.Findings);
        }

        [Fact]
        public void OversizedLogoIsAnError()
        {
            var padding = new string(' ', 40 * 1024);
            var r = Svg(Head + "<desc>" + padding + "</desc></svg>");
            var f = Assert.Single(r.Findings);
            Assert.Equal("BimiSvgTooLarge", f.Id);
            Assert.Contains("40.", f.Message);
        }

        [Fact]
        public void GzipBombStopsAtTheInflateLimit()
        {
            var r = SvgTinyPsValidator.Check(Gzip(new byte[20 * 1024 * 1024]), "The logo");
            Assert.Equal(new[] { "BimiSvgTooLarge" }, Ids(r.Findings));
            Assert.Null(r.Svg);
        }

        private static byte[] Gzip(byte[] data)
        {
            var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data, 0, data.Length);
            return output.ToArray();
        }
    }
}
