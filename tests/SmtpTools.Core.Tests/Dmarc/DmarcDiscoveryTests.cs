using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Dmarc
{
    public class DmarcDiscoveryTests
    {
        private static DmarcPolicyChecker Checker(InMemoryDnsResolver dns, DmarcSpecification spec = DmarcSpecification.Rfc9989) =>
            new(dns, new DmarcOptions { Specification = spec });

        [Fact]
        public async Task Tree_walk_finds_a_parent_record_and_says_so()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.b.example.com", "v=DMARC1; p=quarantine; rua=mailto:d@example.com");
            var check = await Checker(dns).DiscoverAsync("x.a.b.example.com", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.Found, check.Status);
            Assert.Equal("b.example.com", check.PolicyDomain);
            Assert.Equal(DmarcPolicySource.TreeWalk, check.FoundVia);
            Assert.Equal(new[] { "_dmarc.x.a.b.example.com", "_dmarc.a.b.example.com", "_dmarc.b.example.com" }, check.QueriedNames);
            Assert.Contains(check.Findings, f => f.Id == "DmarcPolicyInherited");
        }

        [Fact]
        public async Task Rfc7489_asks_only_the_domain_and_its_psl_organizational_domain()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.b.example.co.uk", "v=DMARC1; p=reject");
            var check = await Checker(dns, DmarcSpecification.Rfc7489).DiscoverAsync("x.a.b.example.co.uk", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.NotFound, check.Status);
            Assert.Equal(new[] { "_dmarc.x.a.b.example.co.uk", "_dmarc.example.co.uk" }, check.QueriedNames);

            dns.AddTxt("_dmarc.example.co.uk", "v=DMARC1; p=reject");
            check = await Checker(dns, DmarcSpecification.Rfc7489).DiscoverAsync("x.a.b.example.co.uk", CancellationToken.None);
            Assert.Equal(DmarcPolicySource.OrganizationalDomain, check.FoundVia);
            Assert.Equal("example.co.uk", check.PolicyDomain);
        }

        [Fact]
        public void Tree_walk_jumps_to_seven_labels_for_long_names()
        {
            var names = DmarcPolicyChecker.WalkNames("a.b.c.d.e.f.g.h.i.example").ToList();
            Assert.Equal("a.b.c.d.e.f.g.h.i.example", names[0]);
            Assert.Equal("d.e.f.g.h.i.example", names[1]);
            Assert.Equal("example", names.Last());
            Assert.Equal(8, names.Count);
        }

        [Fact]
        public async Task Dns_failure_is_a_temperror_never_no_policy()
        {
            var dns = new InMemoryDnsResolver().AddTimeout("_dmarc.example.com");
            var check = await Checker(dns).DiscoverAsync("mail.example.com", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.TempError, check.Status);
            Assert.Contains(check.Findings, f => f.Id == "DmarcDnsTempError");
            Assert.DoesNotContain(check.Findings, f => f.Id == "DmarcNoRecord");
        }

        [Fact]
        public async Task Two_records_mean_no_policy_with_a_finding()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTxt("_dmarc.example.com", "v=DMARC1; p=none");
            var check = await Checker(dns).DiscoverAsync("example.com", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.MultipleRecords, check.Status);
            Assert.False(check.HasPolicy);
            Assert.Equal(2, check.DmarcRecordTexts.Count);
        }

        [Fact]
        public async Task Split_strings_are_joined_and_other_txt_ignored()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.example.com", "v=DMARC1; p=rej", "ect; adkim=s").AddTxt("_dmarc.example.com", "google-site-verification=abc");
            var check = await Checker(dns).DiscoverAsync("example.com", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.Found, check.Status);
            Assert.Equal(DmarcDisposition.Reject, check.Record.Policy);
            Assert.Equal(DmarcAlignmentMode.Strict, check.Record.DkimAlignment);
        }

        [Fact]
        public async Task External_report_destinations_are_checked_for_authorization()
        {
            var dns = new InMemoryDnsResolver()
                .AddTxt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:b@reports.example.net,mailto:c@other.example.org; ruf=mailto:d@sub.example.com")
                .AddTxt("example.com._report._dmarc.reports.example.net", "v=DMARC1");
            var check = await Checker(dns, DmarcSpecification.Rfc7489).CheckAsync("example.com", CancellationToken.None);
            var rua = check.Record.AggregateReportUris;
            Assert.False(rua[0].IsExternal);
            Assert.Null(rua[0].IsAuthorized);
            Assert.True(rua[1].IsExternal);
            Assert.True(rua[1].IsAuthorized);
            Assert.False(rua[2].IsAuthorized);
            Assert.Null(check.Record.ForensicReportUris[0].IsAuthorized);
            var finding = Assert.Single(check.Findings, f => f.Id == "DmarcUnauthorizedReportDestination");
            Assert.Contains("other.example.org", finding.Message);
        }

        [Fact]
        public async Task Rfc9989_organizational_domain_comes_from_psd_records()
        {
            var dns = new InMemoryDnsResolver()
                .AddTxt("_dmarc.gov", "v=DMARC1; p=reject; psd=y")
                .AddTxt("_dmarc.agency.example.gov", "v=DMARC1; p=none; psd=n");
            var checker = Checker(dns);
            Assert.Equal("example.gov", (await checker.GetOrganizationalDomainAsync("a.b.example.gov", CancellationToken.None)).OrganizationalDomain);
            Assert.Equal("agency.example.gov", (await checker.GetOrganizationalDomainAsync("x.agency.example.gov", CancellationToken.None)).OrganizationalDomain);
            Assert.Equal("nothing.test", (await checker.GetOrganizationalDomainAsync("nothing.test", CancellationToken.None)).OrganizationalDomain);
        }

        [Fact]
        public async Task Evaluation_uses_np_for_a_nonexistent_subdomain_and_sp_for_an_existing_one()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject").AddA("www.example.com", "192.0.2.1");
            var evaluator = new DmarcEvaluator(Checker(dns));
            var ghost = await evaluator.EvaluateAsync(new DmarcEvaluationRequest { FromDomains = new[] { "ghost.example.com" } }, CancellationToken.None);
            Assert.Equal(DmarcResult.Fail, ghost.Result);
            Assert.Equal("np", ghost.PolicyTag);
            Assert.Equal(DmarcDisposition.Reject, ghost.Disposition);
            Assert.False(ghost.FromDomainExists);
            var www = await evaluator.EvaluateAsync(new DmarcEvaluationRequest { FromDomains = new[] { "www.example.com" } }, CancellationToken.None);
            Assert.Equal("sp", www.PolicyTag);
            Assert.Equal(DmarcDisposition.Quarantine, www.Disposition);
        }

        [Fact]
        public async Task Relaxed_spf_alignment_passes_and_strict_does_not()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.example.com", "v=DMARC1; p=reject").AddTxt("_dmarc.strict.example", "v=DMARC1; p=reject; aspf=s");
            var evaluator = new DmarcEvaluator(Checker(dns));
            var relaxed = await evaluator.EvaluateAsync(new DmarcEvaluationRequest { FromDomains = new[] { "example.com" }, SpfResult = SpfResult.Pass, SpfDomain = "bounce.example.com" }, CancellationToken.None);
            Assert.Equal(DmarcResult.Pass, relaxed.Result);
            Assert.True(relaxed.SpfAligned);
            var strict = await evaluator.EvaluateAsync(new DmarcEvaluationRequest { FromDomains = new[] { "strict.example" }, SpfResult = SpfResult.Pass, SpfDomain = "bounce.strict.example" }, CancellationToken.None);
            Assert.Equal(DmarcResult.Fail, strict.Result);
            Assert.True(strict.Reject);
            Assert.True(strict.ApplyPolicy);
        }

        [Fact]
        public async Task Unicode_domains_are_looked_up_as_a_labels()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject");
            var check = await Checker(dns).DiscoverAsync("BÜCHER.example.", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.Found, check.Status);
            Assert.Equal("xn--bcher-kva.example", check.PolicyDomain);
            var invalid = await Checker(dns).DiscoverAsync("a..example", CancellationToken.None);
            Assert.Equal(DmarcLookupStatus.InvalidDomain, invalid.Status);
            Assert.DoesNotContain(dns.Log, q => q.Contains("a..example"));
        }

        [Fact]
        public async Task Test_mode_means_the_policy_is_not_applied()
        {
            var dns = new InMemoryDnsResolver().AddTxt("_dmarc.example.com", "v=DMARC1; p=reject; t=y");
            var result = await new DmarcEvaluator(Checker(dns)).EvaluateAsync(new DmarcEvaluationRequest { FromDomains = new[] { "example.com" } }, CancellationToken.None);
            Assert.Equal(DmarcResult.Fail, result.Result);
            Assert.False(result.ApplyPolicy);
        }
    }
}
