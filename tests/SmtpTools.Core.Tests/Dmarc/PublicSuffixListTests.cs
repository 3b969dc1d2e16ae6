using System;
using System.IO;
using System.Text.RegularExpressions;
using SmtpTools.Core.Dmarc;
using Xunit;

namespace SmtpTools.Core.Tests.Dmarc
{
    /// <summary>The PSL project's own checks (testdata/dmarc/test_psl.txt), one test each, against the embedded list.</summary>
    public class PublicSuffixListTests
    {
        internal static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "testdata", "dmarc");
        private static readonly Regex Check = new(@"^checkPublicSuffix\((null|'([^']*)'),\s*(null|'([^']*)')\);$");

        public static TheoryData<string, string, string> PslChecks
        {
            get
            {
                var data = new TheoryData<string, string, string>();
                int n = 0;
                foreach (var raw in File.ReadAllLines(Path.Combine(Folder, "test_psl.txt")))
                {
                    var line = raw.Trim();
                    if (line.Length == 0 || line.StartsWith("//")) continue;
                    var m = Check.Match(line);
                    Assert.True(m.Success, "unreadable line: " + line);
                    n++;
                    data.Add($"psl-{n:D2}", m.Groups[2].Success ? m.Groups[2].Value : null, m.Groups[4].Success ? m.Groups[4].Value : null);
                }
                return data;
            }
        }

        [Fact]
        public void The_test_file_has_all_78_checks() => Assert.Equal(78, PslChecks.Count);

        [Theory]
        [MemberData(nameof(PslChecks))]
        public void Registrable_domain_matches_the_psl_test_vector(string id, string domain, string expected)
        {
            Assert.StartsWith("psl-", id);
            Assert.Equal(expected, PublicSuffixList.Default.GetRegistrableDomain(domain));
        }

        [Fact]
        public void Embedded_list_is_the_full_list_with_both_sections()
        {
            var psl = PublicSuffixList.Default;
            Assert.True(psl.RuleCount > 9000);
            // blogspot.com is a private-section rule: a registrable domain only when private rules count.
            Assert.Equal("example.blogspot.com", psl.GetRegistrableDomain("www.example.blogspot.com"));
            Assert.Equal("blogspot.com", psl.GetRegistrableDomain("www.example.blogspot.com", PublicSuffixSections.IcannOnly));
        }

        [Fact]
        public void Organizational_domain_of_a_public_suffix_is_the_name_itself()
        {
            Assert.Equal("co.uk", PublicSuffixList.Default.GetOrganizationalDomain("co.uk"));
            Assert.Equal("example.co.uk", PublicSuffixList.Default.GetOrganizationalDomain("a.b.example.co.uk."));
            Assert.Null(PublicSuffixList.Default.GetOrganizationalDomain("a..b.com"));
        }

        [Fact]
        public void A_list_loaded_from_a_file_replaces_the_embedded_one()
        {
            var path = Path.Combine(Path.GetTempPath(), "psl-" + Guid.NewGuid().ToString("N") + ".dat");
            File.WriteAllText(path, "// ===BEGIN ICANN DOMAINS===\ncom\nexample.com\n*.wild.com\n!ok.wild.com\n// ===END ICANN DOMAINS===\n");
            try
            {
                var psl = PublicSuffixList.Load(path);
                Assert.Equal("a.example.com", psl.GetRegistrableDomain("x.a.example.com"));
                Assert.Null(psl.GetRegistrableDomain("x.wild.com"));
                Assert.Equal("y.x.wild.com", psl.GetRegistrableDomain("z.y.x.wild.com"));
                Assert.Equal("ok.wild.com", psl.GetRegistrableDomain("a.ok.wild.com"));
            }
            finally { File.Delete(path); }
        }

        [Fact]
        public void A_file_without_rules_is_rejected()
        {
            var ex = Assert.Throws<Errors.SmtpToolsException>(() => PublicSuffixList.Parse("// nothing here\n\n"));
            Assert.Equal("PublicSuffixListEmpty", ex.ErrorId);
        }
    }
}
