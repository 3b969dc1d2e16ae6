using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Dmarc
{
    /// <summary>
    /// testdata/dmarc/evaluate.json: every case its own test, run under the spec it names (lookup, evaluate,
    /// alignment and org_domain kinds). DNS comes from the case (dns_txt, dns_fail, existing_domains).
    /// </summary>
    public class DmarcEvaluateConformanceTests
    {
        private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() => DmarcRecordParseConformanceTests.Load("evaluate.json"));

        private static TheoryData<string> Of(string kind)
        {
            var data = new TheoryData<string>();
            foreach (var c in Cases.Value.Values.Where(c => c.GetProperty("kind").GetString() == kind)) data.Add(c.GetProperty("id").GetString());
            return data;
        }

        public static TheoryData<string> LookupCases => Of("lookup");
        public static TheoryData<string> EvaluateCases => Of("evaluate");
        public static TheoryData<string> AlignmentCases => Of("alignment");
        public static TheoryData<string> OrgDomainCases => Of("org_domain");

        [Fact]
        public void The_file_has_42_cases_of_four_kinds()
        {
            Assert.Equal(42, Cases.Value.Count);
            Assert.Equal(42, LookupCases.Count + EvaluateCases.Count + AlignmentCases.Count + OrgDomainCases.Count);
        }

        private static InMemoryDnsResolver Dns(JsonElement c)
        {
            var dns = new InMemoryDnsResolver();
            if (c.TryGetProperty("dns_txt", out var txt))
                foreach (var owner in txt.EnumerateObject())
                    foreach (var s in owner.Value.EnumerateArray()) dns.AddTxt(owner.Name, s.GetString());
            if (c.TryGetProperty("dns_fail", out var fail))
                foreach (var name in fail.EnumerateArray()) dns.AddFailure(name.GetString(), DnsResponseStatus.ServerFailure);
            if (c.TryGetProperty("existing_domains", out var existing))
                foreach (var name in existing.EnumerateArray()) dns.AddName(name.GetString());
            return dns;
        }

        private static DmarcPolicyChecker Checker(JsonElement c) =>
            new(Dns(c), new DmarcOptions { Specification = DmarcRecordParseConformanceTests.SpecOf(c) });

        [Theory]
        [MemberData(nameof(LookupCases))]
        public async Task Lookup_finds_the_expected_policy(string id)
        {
            var c = Cases.Value[id];
            var check = await Checker(c).DiscoverAsync(c.GetProperty("from_domain").GetString(), CancellationToken.None);
            var expected = c.GetProperty("expected");
            string status = check.Status switch
            {
                DmarcLookupStatus.Found => "found",
                DmarcLookupStatus.TempError => "temperror",
                DmarcLookupStatus.PermError or DmarcLookupStatus.InvalidDomain => "permerror",
                _ => "none",
            };
            Assert.Equal(expected.GetProperty("status").GetString(), status);
            if (expected.TryGetProperty("record_domain", out var rd)) Assert.Equal(rd.GetString(), check.PolicyDomain);
            if (expected.TryGetProperty("record", out var rec)) Assert.Equal(rec.GetString(), check.Record.Text);
        }

        [Theory]
        [MemberData(nameof(EvaluateCases))]
        public async Task Evaluation_gives_the_expected_result(string id)
        {
            var c = Cases.Value[id];
            var request = new DmarcEvaluationRequest
            {
                FromDomains = c.TryGetProperty("from_domain", out var fd)
                    ? new[] { fd.GetString() }
                    : FromDomainExtractor.FromHeaderValue(c.GetProperty("from_header").GetString()),
                Dkim = c.GetProperty("dkim").EnumerateArray()
                    .Select(d => new DkimAuthInput(d.GetProperty("d").GetString(), Enum.Parse<DkimAuthResult>(d.GetProperty("result").GetString(), true)))
                    .ToList(),
            };
            var spf = c.GetProperty("spf");
            request.SpfResult = Enum.Parse<SpfResult>(spf.GetProperty("result").GetString(), true);
            request.SpfDomain = spf.GetProperty("domain").ValueKind == JsonValueKind.Null ? null : spf.GetProperty("domain").GetString();

            var result = await new DmarcEvaluator(Checker(c)).EvaluateAsync(request, CancellationToken.None);
            var expected = c.GetProperty("expected");
            string because = $"{id}: {string.Join(" | ", result.Findings)}";
            Assert.True(expected.GetProperty("dmarc").GetString() == result.Result.ToString().ToLowerInvariant(), because + " got " + result.Result);
            foreach (var p in expected.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "dmarc": break;
                    case "policy_domain":
                        // mox names the domain it looked at; when no record applies that is the From domain itself.
                        Assert.Equal(p.Value.GetString(), result.Policy?.HasPolicy == true ? result.Policy.PolicyDomain : result.FromDomain);
                        break;
                    case "policy":
                        Assert.Equal(p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString(), result.Disposition?.ToString().ToLowerInvariant());
                        break;
                    case "reject": Assert.Equal(p.Value.GetBoolean(), result.Reject); break;
                    case "apply_policy": Assert.Equal(p.Value.GetBoolean(), result.ApplyPolicy); break;
                    case "aligned_spf_pass": Assert.Equal(p.Value.GetBoolean(), result.SpfAligned); break;
                    case "aligned_dkim_pass": Assert.Equal(p.Value.GetBoolean(), result.DkimAligned); break;
                    case "record_found_via":
                        var via = result.Policy.FoundVia switch
                        {
                            DmarcPolicySource.Domain => "from-domain",
                            DmarcPolicySource.OrganizationalDomain => "org-domain",
                            DmarcPolicySource.TreeWalk => "tree-walk",
                            _ => "none",
                        };
                        Assert.Equal(p.Value.GetString(), via);
                        break;
                    default: throw new InvalidOperationException($"{id}: unexpected field {p.Name}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(AlignmentCases))]
        public void Alignment_is_judged_as_expected(string id)
        {
            var c = Cases.Value[id];
            Assert.Equal(DmarcSpecification.Rfc7489, DmarcRecordParseConformanceTests.SpecOf(c));
            var mode = c.GetProperty("mode").GetString() == "strict" ? DmarcAlignmentMode.Strict : DmarcAlignmentMode.Relaxed;
            bool aligned = DmarcEvaluator.IsAligned(c.GetProperty("from_domain").GetString(), c.GetProperty("auth_domain").GetString(), mode);
            Assert.Equal(c.GetProperty("expected").GetProperty("aligned").GetBoolean(), aligned);
        }

        [Theory]
        [MemberData(nameof(OrgDomainCases))]
        public void Organizational_domain_from_a_sample_list(string id)
        {
            var c = Cases.Value[id];
            // The case's note: mox semantics, ICANN section only, result compared as U-labels.
            var psl = PublicSuffixList.Parse(c.GetProperty("psl_text").GetString());
            var org = psl.GetOrganizationalDomain(c.GetProperty("domain").GetString(), PublicSuffixSections.IcannOnly);
            Assert.Equal(c.GetProperty("expected").GetProperty("org_domain").GetString(), SmtpTools.Core.Dns.DomainNames.ToUnicode(org));
        }
    }
}
