using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Spf;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>One verified DKIM signature: its d= domain and its result.</summary>
    public sealed class DkimAuthInput
    {
        public DkimAuthInput(string domain, DkimAuthResult result) { Domain = domain; Result = result; }
        public string Domain { get; }
        public DkimAuthResult Result { get; }
    }

    /// <summary>What DMARC evaluation starts from: the From domain(s) and the SPF and DKIM outcomes.</summary>
    public sealed class DmarcEvaluationRequest
    {
        /// <summary>The RFC5322.From domain(s). Several distinct domains are each evaluated (RFC 7489 6.6.1).</summary>
        public IReadOnlyList<string> FromDomains { get; set; } = Array.Empty<string>();
        public SpfResult SpfResult { get; set; } = SpfResult.None;
        /// <summary>The domain SPF checked (MAIL FROM domain, or HELO for a null sender); null when SPF was not run.</summary>
        public string SpfDomain { get; set; }
        public IReadOnlyList<DkimAuthInput> Dkim { get; set; } = Array.Empty<DkimAuthInput>();
    }

    /// <summary>The DMARC outcome for one message (or one From domain of it).</summary>
    public sealed class DmarcEvaluation
    {
        public DmarcResult Result { get; internal set; }
        /// <summary>The From domain this outcome is about (the deciding one when there were several).</summary>
        public string FromDomain { get; internal set; }
        public IReadOnlyList<string> FromDomains { get; internal set; } = Array.Empty<string>();
        /// <summary>Discovery for <see cref="FromDomain"/>; null when no From domain could be used.</summary>
        public DmarcPolicyCheck Policy { get; internal set; }
        /// <summary>SPF passed for a domain aligned with the From domain.</summary>
        public bool SpfAligned { get; internal set; }
        /// <summary>At least one DKIM signature passed for a domain aligned with the From domain.</summary>
        public bool DkimAligned { get; internal set; }
        /// <summary>d= of the first aligned passing signature.</summary>
        public string AlignedDkimDomain { get; internal set; }
        /// <summary>The requested disposition that applies (from p, sp or np); null when no policy applies.</summary>
        public DmarcDisposition? Disposition { get; internal set; }
        /// <summary>"p", "sp" or "np": which tag gave <see cref="Disposition"/>; null when none.</summary>
        public string PolicyTag { get; internal set; }
        /// <summary>
        /// Whether a receiver applies the disposition to a failing message: true (pct=100, no t=y), false (pct=0 or t=y:
        /// one level weaker is applied instead), null (RFC 7489 pct between 1 and 99: chosen at random with pct% odds).
        /// </summary>
        public bool? ApplyPolicy { get; internal set; }
        /// <summary>The percentage in force (always 100 under RFC 9989).</summary>
        public int Percentage { get; internal set; } = 100;
        /// <summary>The message failed and the policy is reject (whatever the sampling).</summary>
        public bool Reject => Result == DmarcResult.Fail && Disposition == DmarcDisposition.Reject;
        /// <summary>Whether the From domain exists in DNS (A, AAAA or MX); null when it did not need checking.</summary>
        public bool? FromDomainExists { get; internal set; }
        /// <summary>The organizational domain of the From domain used for relaxed alignment.</summary>
        public string OrganizationalDomain { get; internal set; }
        public IReadOnlyList<Finding> Findings { get; internal set; } = Array.Empty<Finding>();
    }

    /// <summary>
    /// DMARC evaluation (RFC 7489 / RFC 9989): policy discovery for the From domain, identifier alignment of the
    /// SPF and DKIM outcomes, the result, and which of p/sp/np applies. Thread-safe.
    /// </summary>
    public sealed class DmarcEvaluator
    {
        private readonly DmarcPolicyChecker _checker;

        /// <exception cref="ArgumentNullException">checker is null.</exception>
        public DmarcEvaluator(DmarcPolicyChecker checker)
        {
            _checker = checker ?? throw new ArgumentNullException(nameof(checker));
        }

        private DmarcSpecification Spec => _checker.Options.Specification;

        /// <summary>
        /// Test-DmarcPolicy -SpfResult/-DkimPassDomain: the audit of the (single) From domain's policy and the evaluation
        /// of the given results, sharing one discovery, as the public result.
        /// </summary>
        /// <exception cref="ArgumentException">request has not exactly one From domain.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<DmarcPolicy> EvaluatePolicyAsync(DmarcEvaluationRequest request, CancellationToken cancellationToken)
        {
            if (request?.FromDomains == null || request.FromDomains.Count != 1) throw new ArgumentException("The request needs exactly one From domain.", nameof(request));
            var check = await _checker.CheckAsync(request.FromDomains[0], cancellationToken).ConfigureAwait(false);
            var evaluation = await EvaluateAsync(request, cancellationToken, check).ConfigureAwait(false);
            return DmarcPolicyResults.WithEvaluation(DmarcPolicyResults.FromCheck(check), evaluation, request, evaluation.Findings);
        }

        /// <summary>Evaluates a message's authentication results. <paramref name="knownPolicy"/> reuses a discovery already done for the (single) From domain.</summary>
        /// <exception cref="ArgumentNullException">request is null.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<DmarcEvaluation> EvaluateAsync(DmarcEvaluationRequest request, CancellationToken cancellationToken, DmarcPolicyCheck knownPolicy = null)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            var domains = new List<string>();
            foreach (var d in request.FromDomains ?? Array.Empty<string>())
            {
                var n = DomainNames.NormalizeOrNull(d) ?? d;
                if (!string.IsNullOrWhiteSpace(n) && !domains.Contains(n, StringComparer.OrdinalIgnoreCase)) domains.Add(n);
            }
            if (domains.Count == 0)
            {
                return new DmarcEvaluation
                {
                    Result = DmarcResult.PermError,
                    Disposition = DmarcDisposition.None,
                    Findings = new[] { FindingCatalog.DmarcNoFromDomain.Create(Spec, "No RFC5322.From domain could be extracted, so DMARC cannot be evaluated.") },
                };
            }

            var outcomes = new List<DmarcEvaluation>();
            foreach (var domain in domains)
            {
                var policy = domains.Count == 1 && knownPolicy != null ? knownPolicy : await _checker.DiscoverAsync(domain, cancellationToken).ConfigureAwait(false);
                outcomes.Add(await EvaluateOneAsync(domain, policy, request, cancellationToken).ConfigureAwait(false));
            }
            var deciding = Decide(outcomes);
            deciding.FromDomains = domains;
            if (domains.Count > 1)
            {
                var findings = deciding.Findings.ToList();
                findings.Insert(0, FindingCatalog.DmarcMultipleFromDomains.Create(Spec,
                    $"The From header names {domains.Count} domains ({string.Join(", ", domains)}); each was evaluated and the strictest failing outcome ({deciding.FromDomain}) is reported."));
                deciding.Findings = findings;
            }
            return deciding;
        }

        // RFC 7489 6.6.1: with several From domains, apply the most strict policy among the checks that fail.
        private static DmarcEvaluation Decide(List<DmarcEvaluation> outcomes)
        {
            var fails = outcomes.Where(o => o.Result == DmarcResult.Fail).OrderByDescending(o => o.Disposition ?? DmarcDisposition.None).ToList();
            if (fails.Count > 0) return fails[0];
            foreach (var result in new[] { DmarcResult.TempError, DmarcResult.PermError, DmarcResult.Pass })
            {
                var hit = outcomes.FirstOrDefault(o => o.Result == result);
                if (hit != null) return hit;
            }
            return outcomes[0];
        }

        private async Task<DmarcEvaluation> EvaluateOneAsync(string domain, DmarcPolicyCheck policy, DmarcEvaluationRequest request, CancellationToken ct)
        {
            var evaluation = new DmarcEvaluation { FromDomain = domain, Policy = policy };
            var findings = new List<Finding>();
            evaluation.Findings = findings;
            switch (policy.Status)
            {
                case DmarcLookupStatus.TempError:
                    evaluation.Result = DmarcResult.TempError;
                    findings.Add(FindingCatalog.DmarcTempError.Create(Spec, $"The policy of {domain} could not be looked up (DNS failure): dmarc=temperror."));
                    return evaluation;
                case DmarcLookupStatus.PermError:
                case DmarcLookupStatus.InvalidDomain:
                    evaluation.Result = DmarcResult.PermError;
                    evaluation.Disposition = DmarcDisposition.None;
                    findings.Add(FindingCatalog.DmarcPermError.Create(Spec, $"The DMARC policy of {domain} is unusable ({policy.Status}): dmarc=permerror, no disposition."));
                    return evaluation;
                case DmarcLookupStatus.Found:
                    break;
                default:
                    evaluation.Result = DmarcResult.None;
                    findings.Add(FindingCatalog.DmarcNoPolicy.Create(Spec, $"No usable DMARC policy applies to {domain} ({policy.Status}): dmarc=none."));
                    return evaluation;
            }

            var record = policy.Record;
            string tempError = null;
            // The From domain's organizational domain is looked up only when relaxed alignment needs it (under
            // RFC 9989 that is a DNS tree walk).
            var fromOrg = new FromOrganization(this, domain);

            if (request.SpfResult == SpfResult.Pass && request.SpfDomain != null)
            {
                var (aligned, error) = await AlignedAsync(domain, fromOrg, request.SpfDomain, record.SpfAlignment, ct).ConfigureAwait(false);
                evaluation.SpfAligned = aligned;
                tempError = tempError ?? error;
            }
            foreach (var dkim in request.Dkim ?? Array.Empty<DkimAuthInput>())
            {
                if (dkim.Result != DkimAuthResult.Pass || dkim.Domain == null) continue;
                var (aligned, error) = await AlignedAsync(domain, fromOrg, dkim.Domain, record.DkimAlignment, ct).ConfigureAwait(false);
                tempError = tempError ?? error;
                if (aligned && !evaluation.DkimAligned)
                {
                    evaluation.DkimAligned = true;
                    evaluation.AlignedDkimDomain = DomainNames.NormalizeOrNull(dkim.Domain);
                }
            }

            if (evaluation.SpfAligned || evaluation.DkimAligned)
                evaluation.Result = DmarcResult.Pass;
            else if (await TemporaryFailureCouldPassAsync(domain, fromOrg, request, record, ct).ConfigureAwait(false) || tempError != null)
                evaluation.Result = DmarcResult.TempError;
            else
                evaluation.Result = DmarcResult.Fail;

            evaluation.OrganizationalDomain = fromOrg.Known;
            await ChoosePolicyAsync(evaluation, domain, policy, findings, ct).ConfigureAwait(false);
            if (Spec == DmarcSpecification.Rfc7489)
            {
                evaluation.Percentage = record.Percentage;
                evaluation.ApplyPolicy = record.Percentage >= 100 ? true : record.Percentage <= 0 ? false : (bool?)null;
            }
            else evaluation.ApplyPolicy = !record.Testing;

            switch (evaluation.Result)
            {
                case DmarcResult.Pass:
                    findings.Add(FindingCatalog.DmarcPass.Create($"dmarc=pass: {(evaluation.DkimAligned ? "DKIM (" + evaluation.AlignedDkimDomain + ")" : "SPF (" + request.SpfDomain + ")")} passed aligned with {domain}."));
                    break;
                case DmarcResult.TempError:
                    findings.Add(FindingCatalog.DmarcTempError.Create(FindingSeverity.Warning, $"dmarc=temperror: nothing aligned passed and a temporary error left the outcome open{(tempError == null ? "" : " (" + tempError + ")")}.", DmarcRecordParser.Ref(Spec, "6.6.2", "4.8")));
                    break;
                case DmarcResult.Fail:
                    string action = evaluation.ApplyPolicy == false
                        ? $"the {evaluation.PolicyTag}={Word(evaluation.Disposition)} policy is not applied to this message (" + (Spec == DmarcSpecification.Rfc7489 ? "pct=0" : "t=y") + ")"
                        : evaluation.ApplyPolicy == null
                            ? $"{evaluation.PolicyTag}={Word(evaluation.Disposition)} applies to {evaluation.Percentage}% of failing messages"
                            : $"{evaluation.PolicyTag}={Word(evaluation.Disposition)} applies";
                    findings.Add(FindingCatalog.DmarcFail.Create(Spec, $"dmarc=fail: neither SPF nor DKIM passed aligned with {domain}; {action}."));
                    break;
            }
            return evaluation;
        }

        // Which of p / sp / np applies (RFC 7489 6.6.3, RFC 9091 4, RFC 9989 4.10).
        private async Task ChoosePolicyAsync(DmarcEvaluation evaluation, string domain, DmarcPolicyCheck policy, List<Finding> findings, CancellationToken ct)
        {
            var record = policy.Record;
            if (string.Equals(policy.PolicyDomain, domain, StringComparison.OrdinalIgnoreCase))
            {
                evaluation.Disposition = record.Policy;
                evaluation.PolicyTag = "p";
                return;
            }
            evaluation.Disposition = record.SubdomainPolicy;
            evaluation.PolicyTag = "sp";
            if (record.NonexistentSubdomainPolicy == record.SubdomainPolicy && !record.HasExplicitNonexistentSubdomainPolicy) return;
            bool? exists = await ExistsAsync(domain, ct).ConfigureAwait(false);
            evaluation.FromDomainExists = exists;
            if (exists == null)
                findings.Add(FindingCatalog.DmarcDomainExistenceUnknown.Create(Spec, $"Whether {domain} exists could not be determined (DNS failure); sp is assumed rather than np."));
            else if (exists == false)
            {
                evaluation.Disposition = record.NonexistentSubdomainPolicy;
                evaluation.PolicyTag = "np";
            }
        }

        // RFC 9091 / RFC 9989: a domain does not exist when A, AAAA and MX all give NXDOMAIN.
        private async Task<bool?> ExistsAsync(string domain, CancellationToken ct)
        {
            var resolver = _checker.Resolver;
            var a = await resolver.GetAddressesAsync(domain, AddressFamily.InterNetwork, ct).ConfigureAwait(false);
            var aaaa = await resolver.GetAddressesAsync(domain, AddressFamily.InterNetworkV6, ct).ConfigureAwait(false);
            var mx = await resolver.GetMxAsync(domain, ct).ConfigureAwait(false);
            if (a.Status == Dns.DnsResponseStatus.NoError || aaaa.Status == Dns.DnsResponseStatus.NoError || mx.Status == Dns.DnsResponseStatus.NoError) return true;
            if (a.IsTemporaryFailure || aaaa.IsTemporaryFailure || mx.IsTemporaryFailure) return null;
            return false;
        }

        private async Task<bool> TemporaryFailureCouldPassAsync(string domain, FromOrganization fromOrg, DmarcEvaluationRequest request, DmarcRecord record, CancellationToken ct)
        {
            if (request.SpfResult == SpfResult.TempError && request.SpfDomain != null &&
                (await AlignedAsync(domain, fromOrg, request.SpfDomain, record.SpfAlignment, ct).ConfigureAwait(false)).Aligned)
                return true;
            foreach (var dkim in request.Dkim ?? Array.Empty<DkimAuthInput>())
            {
                if (dkim.Result == DkimAuthResult.TempError && dkim.Domain != null &&
                    (await AlignedAsync(domain, fromOrg, dkim.Domain, record.DkimAlignment, ct).ConfigureAwait(false)).Aligned)
                    return true;
            }
            return false;
        }

        private async Task<(bool Aligned, string TempError)> AlignedAsync(string fromDomain, FromOrganization fromOrg, string authDomain, DmarcAlignmentMode mode, CancellationToken ct)
        {
            string auth = NormalizeForAlignment(authDomain);
            if (auth == null) return (false, null);
            if (mode == DmarcAlignmentMode.Strict) return (string.Equals(fromDomain, auth, StringComparison.OrdinalIgnoreCase), null);
            if (string.Equals(fromDomain, auth, StringComparison.OrdinalIgnoreCase)) return (true, null);
            var (org, fromError) = await fromOrg.GetAsync(ct).ConfigureAwait(false);
            if (org == null) return (false, fromError);
            var (authOrg, error) = await OrgAsync(auth, ct).ConfigureAwait(false);
            return (authOrg != null && string.Equals(org, authOrg, StringComparison.OrdinalIgnoreCase), error);
        }

        private sealed class FromOrganization
        {
            private readonly DmarcEvaluator _owner;
            private readonly string _domain;
            private Task<(string OrganizationalDomain, string TempError)> _lookup;

            public FromOrganization(DmarcEvaluator owner, string domain) { _owner = owner; _domain = domain; }

            /// <summary>The organizational domain if it was looked up and found; else null.</summary>
            public string Known => _lookup != null && _lookup.Status == TaskStatus.RanToCompletion ? _lookup.Result.OrganizationalDomain : null;

            public Task<(string OrganizationalDomain, string TempError)> GetAsync(CancellationToken ct) => _lookup ?? (_lookup = _owner.OrgAsync(_domain, ct));
        }

        private Task<(string OrganizationalDomain, string TempError)> OrgAsync(string domain, CancellationToken ct) =>
            _checker.GetOrganizationalDomainAsync(domain, ct);

        /// <summary>
        /// Identifier alignment by the Public Suffix List alone (RFC 7489 3.1): strict = same name (case-insensitive,
        /// leading/trailing dots ignored), relaxed = same organizational domain. False for names with empty labels.
        /// </summary>
        public static bool IsAligned(string fromDomain, string authDomain, DmarcAlignmentMode mode, PublicSuffixList psl = null,
            PublicSuffixSections sections = PublicSuffixSections.All)
        {
            string from = NormalizeForAlignment(fromDomain), auth = NormalizeForAlignment(authDomain);
            if (from == null || auth == null) return false;
            if (string.Equals(from, auth, StringComparison.Ordinal)) return true;
            if (mode == DmarcAlignmentMode.Strict) return false;
            psl = psl ?? PublicSuffixList.Default;
            string a = psl.GetOrganizationalDomain(from, sections), b = psl.GetOrganizationalDomain(auth, sections);
            return a != null && string.Equals(a, b, StringComparison.Ordinal);
        }

        private static string NormalizeForAlignment(string domain)
        {
            if (domain == null) return null;
            return DomainNames.NormalizeOrNull(domain.Trim().Trim('.'));
        }

        private static string Word(DmarcDisposition? d) => d == null ? "none" : DmarcRecordParser.Word(d.Value);
    }
}
