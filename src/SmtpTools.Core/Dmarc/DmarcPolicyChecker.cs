using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>Outcome of policy discovery for one domain.</summary>
    public enum DmarcLookupStatus
    {
        /// <summary>One usable policy record applies.</summary>
        Found,
        /// <summary>No DMARC record anywhere on the discovery path.</summary>
        NotFound,
        /// <summary>More than one v=DMARC1 record at one name: no policy applies (RFC 7489 6.6.3).</summary>
        MultipleRecords,
        /// <summary>A record without a usable p and without rua (RFC 7489 6.6.3): no DMARC processing.</summary>
        NoUsablePolicy,
        /// <summary>The applicable record breaks the grammar.</summary>
        PermError,
        /// <summary>A DNS query failed (SERVFAIL, timeout …): the answer is unknown, not "no policy".</summary>
        TempError,
        /// <summary>The domain name itself is not valid.</summary>
        InvalidDomain,
    }

    /// <summary>Settings shared by discovery, organizational-domain lookup and evaluation.</summary>
    public sealed class DmarcOptions
    {
        public DmarcSpecification Specification { get; set; } = DmarcSpecification.Rfc9989;
        /// <summary>The list for RFC 7489 organizational domains; default: the embedded copy.</summary>
        public PublicSuffixList PublicSuffixList { get; set; }
        /// <summary>ICANN and private rules by default (a github.io or blogspot.com customer is its own organization).</summary>
        public PublicSuffixSections PublicSuffixSections { get; set; } = PublicSuffixSections.All;
        /// <summary>Check the RFC 7489 7.1 authorization record of external report destinations.</summary>
        public bool CheckReportAuthorization { get; set; } = true;
    }

    /// <summary>What discovery (and, for audits, the report-destination checks) found for one domain.</summary>
    public sealed class DmarcPolicyCheck
    {
        /// <summary>The domain asked about (A-label form, lower case); null for an offline record check.</summary>
        public string Domain { get; internal set; }
        public DmarcSpecification Specification { get; internal set; }
        public DmarcLookupStatus Status { get; internal set; }
        /// <summary>The name whose _dmarc record applies (null when none applies).</summary>
        public string PolicyDomain { get; internal set; }
        public DmarcPolicySource FoundVia { get; internal set; }
        /// <summary>The applicable record (also set for PermError / NoUsablePolicy records, to show what is wrong).</summary>
        public DmarcRecord Record { get; internal set; }
        /// <summary>Every TXT string set at the policy name (raw, before filtering), for multiple-record diagnostics.</summary>
        public IReadOnlyList<string> DmarcRecordTexts { get; internal set; } = Array.Empty<string>();
        /// <summary>The _dmarc names queried, in order.</summary>
        public IReadOnlyList<string> QueriedNames { get; internal set; } = Array.Empty<string>();
        public IReadOnlyList<Finding> Findings { get; internal set; } = Array.Empty<Finding>();

        /// <summary>True when a usable policy applies.</summary>
        public bool HasPolicy => Status == DmarcLookupStatus.Found;
    }

    /// <summary>
    /// DMARC policy discovery: _dmarc.&lt;domain&gt;, then the RFC 9989 DNS tree walk (default) or the RFC 7489
    /// organizational domain from the Public Suffix List; checks external report destinations (RFC 7489 7.1).
    /// Thread-safe; one instance can serve a whole pipeline.
    /// </summary>
    public sealed class DmarcPolicyChecker
    {
        /// <summary>RFC 9989's tree walk never asks for more than this many labels after the first query.</summary>
        internal const int TreeWalkMaxLabels = 7;

        private readonly IDnsResolver _resolver;
        private readonly DmarcOptions _options;
        // The embedded list is parsed only when RFC 7489 mode first needs it.
        private PublicSuffixList Psl => _options.PublicSuffixList ?? PublicSuffixList.Default;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public DmarcPolicyChecker(IDnsResolver resolver, DmarcOptions options = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _options = options ?? new DmarcOptions();
        }

        public DmarcOptions Options => _options;
        internal IDnsResolver Resolver => _resolver;
        private DmarcSpecification Spec => _options.Specification;

        /// <summary>Validates a record text offline; the result has no domain and no DNS findings.</summary>
        public DmarcPolicyCheck CheckRecord(string text)
        {
            var record = DmarcRecordParser.Parse(text, Spec);
            var check = new DmarcPolicyCheck { Specification = Spec, Record = record, DmarcRecordTexts = new[] { text ?? "" } };
            check.Status = StatusOf(record);
            check.Findings = record.Findings.ToList();
            return check;
        }

        /// <summary>Test-DmarcPolicy's audit of a domain: discovery and report-destination checks, as the public result.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName (FailureKind.InvalidArgument): domain is empty or not a domain name.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<DmarcPolicy> AuditAsync(string domain, CancellationToken cancellationToken) =>
            DmarcPolicyResults.FromCheck(await CheckAsync(DomainNames.Normalize(domain), cancellationToken).ConfigureAwait(false));

        /// <summary>Test-DmarcPolicy -Record: a record text validated offline, as the public result.</summary>
        public DmarcPolicy AuditRecord(string text) => DmarcPolicyResults.FromCheck(CheckRecord(text));

        /// <summary>
        /// Test-DmarcPolicy -Quiet's answer for a result: dmarc=pass when something was evaluated, else whether a usable
        /// policy without errors applies.
        /// </summary>
        public static bool Passes(DmarcPolicy policy) => DmarcPolicyResults.Passes(policy);

        /// <summary>Discovery plus the report-destination authorization checks (an audit).</summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<DmarcPolicyCheck> CheckAsync(string domain, CancellationToken cancellationToken)
        {
            var check = await DiscoverAsync(domain, cancellationToken).ConfigureAwait(false);
            if (check.Record != null && check.Record.Status == DmarcRecordStatus.Valid && _options.CheckReportAuthorization)
            {
                var findings = check.Findings.ToList();
                await AuthorizeReportDestinationsAsync(check.PolicyDomain, check.Record, findings, cancellationToken).ConfigureAwait(false);
                // A record with hundreds of external destinations gives one finding per kind, with the count.
                check.Findings = Finding.Deduplicate(findings, check.PolicyDomain);
            }
            return check;
        }

        /// <summary>Finds the policy record that applies to <paramref name="domain"/>. DNS failures give TempError, never NotFound.</summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<DmarcPolicyCheck> DiscoverAsync(string domain, CancellationToken cancellationToken)
        {
            var check = new DmarcPolicyCheck { Specification = Spec };
            var findings = new List<Finding>();
            var queried = new List<string>();
            check.QueriedNames = queried;
            check.Findings = findings;
            check.Domain = domain;
            if (!DomainNames.TryNormalize(domain, out string name, out string problem))
            {
                check.Status = DmarcLookupStatus.InvalidDomain;
                findings.Add(FindingCatalog.DmarcInvalidDomain.Create($"{DomainNames.Display(domain)} is not a valid domain name: {problem}."));
                return check;
            }
            check.Domain = name;

            foreach (var (candidate, via) in Candidates(name))
            {
                var level = await FetchAsync(candidate, cancellationToken).ConfigureAwait(false);
                queried.Add("_dmarc." + candidate);
                if (level.TempError != null)
                {
                    check.Status = DmarcLookupStatus.TempError;
                    check.PolicyDomain = candidate;
                    findings.Add(FindingCatalog.DmarcDnsTempError.Create(Spec,
                        $"The TXT query for _dmarc.{candidate} failed ({level.TempError}); the policy is unknown until DNS answers."));
                    return check;
                }
                if (level.Records.Count == 0)
                {
                    if (level.LookAlikes.Count > 0)
                        findings.Add(FindingCatalog.DmarcMalformedVersion.Create(Spec,
                            $"_dmarc.{candidate} has a TXT record that is almost a DMARC record but does not begin with v=DMARC1 exactly: \"{level.LookAlikes[0]}\"."));
                    continue;
                }
                check.PolicyDomain = candidate;
                check.FoundVia = via;
                check.DmarcRecordTexts = level.Records;
                if (level.Records.Count > 1)
                {
                    check.Status = DmarcLookupStatus.MultipleRecords;
                    findings.Add(FindingCatalog.DmarcMultipleRecords.Create(Spec,
                        $"_dmarc.{candidate} has {level.Records.Count} DMARC records; receivers then apply no policy at all."));
                    return check;
                }
                var record = DmarcRecordParser.Parse(level.Records[0], Spec);
                check.Record = record;
                check.Status = StatusOf(record);
                if (via != DmarcPolicySource.Domain)
                    findings.Add(FindingCatalog.DmarcPolicyInherited.Create(Spec,
                        $"No record at _dmarc.{name}; the policy of {candidate} applies ({(via == DmarcPolicySource.TreeWalk ? "DNS tree walk" : "organizational domain")})."));
                findings.AddRange(record.Findings);
                return check;
            }

            check.Status = DmarcLookupStatus.NotFound;
            findings.Add(FindingCatalog.DmarcNoRecord.Create(Spec,
                Spec == DmarcSpecification.Rfc7489
                    ? $"No DMARC record at _dmarc.{name}{(queried.Count > 1 ? " nor at its organizational domain" : "")}: receivers apply no DMARC policy."
                    : $"No DMARC record at _dmarc.{name} nor at any parent name (DNS tree walk): receivers apply no DMARC policy."));
            return check;
        }

        /// <summary>
        /// The organizational domain: RFC 7489 via the Public Suffix List; RFC 9989 via the DNS tree walk (psd=n marks
        /// it, psd=y marks the name above it as a public suffix domain, else the shortest name with a record, else the
        /// name itself). Returns a null domain and the error text when a DNS query failed.
        /// </summary>
        public async Task<(string OrganizationalDomain, string TempError)> GetOrganizationalDomainAsync(string domain, CancellationToken cancellationToken)
        {
            string name = DomainNames.NormalizeOrNull(domain);
            if (name == null) return (null, null);
            if (Spec == DmarcSpecification.Rfc7489)
                return (Psl.GetOrganizationalDomain(name, _options.PublicSuffixSections), null);

            string shortestWithRecord = null;
            foreach (var candidate in WalkNames(name))
            {
                var level = await FetchAsync(candidate, cancellationToken).ConfigureAwait(false);
                if (level.TempError != null) return (null, level.TempError);
                if (level.Records.Count == 1)
                {
                    var record = DmarcRecordParser.Parse(level.Records[0], Spec);
                    if (record.IsValid)
                    {
                        if (record.PublicSuffixDomain == "n") return (candidate, null);
                        if (record.PublicSuffixDomain == "y" && candidate != name) return (ChildOf(name, candidate), null);
                        shortestWithRecord = candidate;
                    }
                }
            }
            return (shortestWithRecord ?? name, null);
        }

        /// <summary>
        /// RFC 7489 7.1: for every mailto: destination outside the policy domain's organizational domain, looks up
        /// &lt;policy-domain&gt;._report._dmarc.&lt;destination-domain&gt; and sets IsExternal / IsAuthorized.
        /// </summary>
        public async Task AuthorizeReportDestinationsAsync(string policyDomain, DmarcRecord record, List<Finding> findings, CancellationToken cancellationToken)
        {
            var (policyOrg, policyOrgError) = await GetOrganizationalDomainAsync(policyDomain, cancellationToken).ConfigureAwait(false);
            var checkedDomains = new Dictionary<string, bool?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (uri, tag) in record.AggregateReportUris.Select(u => (u, "rua")).Concat(record.ForensicReportUris.Select(u => (u, "ruf"))))
            {
                if (uri.MailtoDomain == null) continue;
                string destination = DomainNames.NormalizeOrNull(uri.MailtoDomain);
                if (destination == null) continue;
                var (destinationOrg, orgError) = await GetOrganizationalDomainAsync(destination, cancellationToken).ConfigureAwait(false);
                if (policyOrg == null || destinationOrg == null)
                {
                    findings.Add(FindingCatalog.DmarcReportAuthorizationUnknown.Create(
                        $"Could not tell whether {destination} is outside the organizational domain of {policyDomain} ({orgError ?? policyOrgError ?? "DNS failure"})."));
                    continue;
                }
                if (string.Equals(policyOrg, destinationOrg, StringComparison.OrdinalIgnoreCase))
                    continue;
                uri.IsExternal = true;
                if (!checkedDomains.TryGetValue(destination, out var authorized))
                {
                    string owner = policyDomain + "._report._dmarc." + destination;
                    var answer = await _resolver.GetTxtAsync(owner, cancellationToken).ConfigureAwait(false);
                    if (answer.IsTemporaryFailure)
                    {
                        authorized = null;
                        findings.Add(FindingCatalog.DmarcReportAuthorizationUnknown.Create(
                            $"Could not check whether {destination} accepts reports for {policyDomain}: the TXT query for {owner} failed ({answer.Status})."));
                    }
                    else
                    {
                        authorized = answer.Records.Any(r => DmarcRecordParser.IsDmarcRecord(r.Text));
                        if (authorized == false)
                            findings.Add(FindingCatalog.DmarcUnauthorizedReportDestination.Create(
                                $"{destination} has not authorized reports for {policyDomain} (no v=DMARC1 record at {owner}); receivers will not send {tag} reports there."));
                    }
                    checkedDomains[destination] = authorized;
                }
                uri.IsAuthorized = authorized;
            }
        }

        internal static DmarcLookupStatus StatusOf(DmarcRecord record)
        {
            switch (record.Status)
            {
                case DmarcRecordStatus.Valid: return DmarcLookupStatus.Found;
                case DmarcRecordStatus.NoUsablePolicy: return DmarcLookupStatus.NoUsablePolicy;
                case DmarcRecordStatus.NotDmarc: return DmarcLookupStatus.NotFound;
                default: return DmarcLookupStatus.PermError;
            }
        }

        // The names whose _dmarc record discovery asks for, in order, with how a hit there is described.
        private IEnumerable<(string Name, DmarcPolicySource Via)> Candidates(string name)
        {
            yield return (name, DmarcPolicySource.Domain);
            if (Spec == DmarcSpecification.Rfc7489)
            {
                string org = Psl.GetOrganizationalDomain(name, _options.PublicSuffixSections);
                if (org != null && !string.Equals(org, name, StringComparison.OrdinalIgnoreCase))
                    yield return (org, DmarcPolicySource.OrganizationalDomain);
                yield break;
            }
            foreach (var parent in WalkNames(name).Skip(1))
                yield return (parent, DmarcPolicySource.TreeWalk);
        }

        // RFC 9989 tree walk: the name itself, then (when it has 8 or more labels) its 7-label suffix, then one
        // label fewer each step down to the top-level label.
        internal static IEnumerable<string> WalkNames(string name)
        {
            var labels = name.Split('.');
            yield return name;
            int count = labels.Length > TreeWalkMaxLabels ? TreeWalkMaxLabels : labels.Length - 1;
            for (; count >= 1; count--)
                yield return string.Join(".", labels, labels.Length - count, count);
        }

        private static string ChildOf(string name, string ancestor)
        {
            var labels = name.Split('.');
            int count = ancestor.Split('.').Length + 1;
            return string.Join(".", labels, labels.Length - count, count);
        }

        private sealed class Level
        {
            public List<string> Records = new List<string>();
            public List<string> LookAlikes = new List<string>();
            public string TempError;
        }

        private async Task<Level> FetchAsync(string name, CancellationToken cancellationToken)
        {
            var answer = await _resolver.GetTxtAsync("_dmarc." + name, cancellationToken).ConfigureAwait(false);
            var level = new Level();
            if (answer.IsTemporaryFailure)
            {
                level.TempError = answer.Error ?? answer.Status.ToString();
                return level;
            }
            foreach (var txt in answer.Records)
            {
                string text = txt.Text;
                if (DmarcRecordParser.IsDmarcRecord(text)) level.Records.Add(text);
                else if (text.TrimStart().StartsWith("v=dmarc", StringComparison.OrdinalIgnoreCase)) level.LookAlikes.Add(text);
            }
            return level;
        }
    }
}
