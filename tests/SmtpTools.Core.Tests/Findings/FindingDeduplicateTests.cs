using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Spf;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Findings
{
    /// <summary>Issue 11 item 8: one finding per id and subject, with a count, instead of thousands of copies.</summary>
    public class FindingDeduplicateTests
    {
        // Stand-alone entries (the catalog's constructor is internal, visible to these tests) so the merge rules are
        // shown on short ids and messages.
        private static readonly FindingDefinition A = new FindingDefinition("Test", "A", FindingSeverity.Warning, "RFC 1", "a", new[] { FindingSeverity.Error });
        private static readonly FindingDefinition B = new FindingDefinition("Test", "B", FindingSeverity.Information, null, "b", null);
        private static readonly FindingDefinition S = new FindingDefinition("Test", "S", FindingSeverity.Error, null, "s", null);

        [Fact]
        public void Repeats_become_one_finding_in_the_place_of_the_first_with_the_count_and_the_first_messages()
        {
            var findings = new[]
            {
                A.Create("a1"),
                B.Create("b1"),
                A.Create("a2"),
                A.Create(FindingSeverity.Error, "a3"),
                A.Create("a4"),
            };
            var merged = Finding.Deduplicate(findings, "example.com");
            Assert.Equal(new[] { "A", "B" }, merged.Select(f => f.Id));
            var a = merged[0];
            Assert.Equal(4, a.Count);
            Assert.Equal(FindingSeverity.Error, a.Severity);
            Assert.Equal("RFC 1", a.Reference);
            Assert.Equal("a1 | a2 | a3 (4 A findings for example.com; the first 3 are shown.)", a.Message);
            Assert.Same(findings[1], merged[1]);
            Assert.Equal(1, merged[1].Count);
        }

        [Fact]
        public void Merging_again_adds_the_counts_without_repeating_the_note()
        {
            var once = Finding.Deduplicate(Enumerable.Range(1, 5).Select(i => A.Create("a" + i)), "x").Single();
            var twice = Finding.Deduplicate(new[] { once, A.Create("late") }, "x").Single();
            Assert.Equal(6, twice.Count);
            Assert.Equal("a1 | a2 | a3 (6 A findings for x; the first 3 are shown.)", twice.Message);
            Assert.Same(once, Finding.Deduplicate(new[] { once }, "x").Single());
        }

        [Fact]
        public void Two_of_a_kind_are_both_shown()
        {
            var f = Finding.Deduplicate(new[] { S.Create("one"), S.Create("two") }, "d").Single();
            Assert.Equal("one | two (2 S findings for d.)", f.Message);
        }

        [Fact]
        public async Task An_SPF_record_with_2500_bad_terms_gives_one_syntax_error_with_the_count()
        {
            string record = "v=spf1 " + string.Join(" ", Enumerable.Range(1, 2500).Select(i => "bad" + i + ":x")) + " -all";
            var dns = new InMemoryDnsResolver().AddTxt("example.test", record);
            var audit = await new SpfAuditor(dns).AuditAsync("example.test", CancellationToken.None);
            var syntax = Assert.Single(audit.Findings, f => f.Id == "SpfSyntaxError");
            Assert.Equal(2500, syntax.Count);
            Assert.Contains("term 'bad1:x' is invalid", syntax.Message);
            Assert.Contains("(2,500 SpfSyntaxError findings for example.test; the first 3 are shown.)", syntax.Message);
            Assert.Equal(SpfRecordStatus.Invalid, audit.Status);
            Assert.True(audit.Findings.Length < 10, string.Join(" | ", audit.Findings.Select(f => f.Id)));
        }

        [Fact]
        public async Task The_subject_keeps_findings_of_different_includes_apart()
        {
            var dns = new InMemoryDnsResolver()
                .AddTxt("example.test", "v=spf1 include:a.test include:b.test -all")
                .AddTxt("a.test", "v=spf1 ptr ptr:x.test ~all")
                .AddTxt("b.test", "v=spf1 ptr ~all");
            var audit = await new SpfAuditor(dns).AuditAsync("example.test", CancellationToken.None);
            var ptr = audit.Findings.Where(f => f.Id == "SpfPtrDeprecated").ToList();
            Assert.Equal(2, ptr.Count);
            Assert.Equal(new[] { 2, 1 }, ptr.Select(f => f.Count));
            Assert.StartsWith("a.test:", ptr[0].Message);
            Assert.StartsWith("b.test:", ptr[1].Message);
        }

        [Fact]
        public void A_DMARC_record_with_2500_unknown_tags_gives_one_finding()
        {
            string record = "v=DMARC1; p=reject; rua=mailto:d@example.test; " + string.Join("; ", Enumerable.Range(1, 2500).Select(i => "x" + i + "=y"));
            var check = new DmarcPolicyChecker(new InMemoryDnsResolver()).CheckRecord(record);
            var unknown = Assert.Single(check.Findings, f => f.Id == "DmarcUnknownTag");
            Assert.Equal(2500, unknown.Count);
            Assert.Contains("2,500 DmarcUnknownTag findings for this record", unknown.Message);
            Assert.Equal(2500, check.Record.UnknownTags.Count);
        }

        [Fact]
        public async Task Unauthorized_report_destinations_give_one_finding_per_policy_domain()
        {
            string rua = string.Join(",", Enumerable.Range(1, 50).Select(i => $"mailto:d@ext{i}.test"));
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.example.test", $"v=DMARC1; p=reject; rua={rua}");
            var check = await new DmarcPolicyChecker(dns).CheckAsync("example.test", CancellationToken.None);
            var unauthorized = Assert.Single(check.Findings, f => f.Id == "DmarcUnauthorizedReportDestination");
            Assert.Equal(50, unauthorized.Count);
            Assert.Contains("50 DmarcUnauthorizedReportDestination findings for example.test", unauthorized.Message);
            Assert.All(check.Record.AggregateReportUris, u => Assert.False(u.IsAuthorized));
        }

        [Fact]
        public void A_DKIM_key_record_full_of_junk_gives_one_syntax_error()
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519);
            string text = "v=DKIM1; k=ed25519; p=" + key.PublicKeyBase64 + "; " + string.Join("; ", Enumerable.Range(1, 2500).Select(i => "junk" + i));
            var record = DkimKeyRecord.Parse(text);
            var syntax = Assert.Single(record.Findings, f => f.Id == "DkimRecordSyntaxError");
            Assert.Equal(2500, syntax.Count);
            Assert.Contains("'junk1' is not a tag=value pair", syntax.Message);
        }
    }
}
