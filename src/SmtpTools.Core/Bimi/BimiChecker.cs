using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Http;

namespace SmtpTools.Core.Bimi
{
    /// <summary>Settings for <see cref="BimiChecker"/>.</summary>
    public sealed class BimiOptions
    {
        /// <summary>Fetch and check the logo and the mark certificate; false: DNS only (the record and DMARC; -NoFetch).</summary>
        public bool FetchFiles { get; set; } = true;
    }

    /// <summary>
    /// Test-BimiRecord's engine: the assertion record at &lt;selector&gt;._bimi.&lt;domain&gt; (falling back to the
    /// organizational domain, BIMI draft 8.2), the DMARC prerequisite (BIMI draft 8.1, through
    /// <see cref="DmarcPolicyChecker"/>), the logo (<see cref="SvgTinyPsValidator"/>) and the mark certificate
    /// (<see cref="MarkCertificateReader"/>), both fetched with <see cref="HttpsFetcher"/>. Failures are a status and
    /// findings, never exceptions. Thread-safe; one instance serves a pipeline (a logo many domains share is fetched once).
    /// </summary>
    public sealed class BimiChecker
    {
        /// <summary>Logos are read up to this size (to tell how large they are); only 32 KB are allowed.</summary>
        public const long MaxLogoFetchBytes = 256 * 1024;
        /// <summary>A mark certificate with its chain and a 32 KB logo is well under this.</summary>
        public const long MaxCertificateFetchBytes = 256 * 1024;
        public const string DefaultSelector = "default";

        private readonly IDnsResolver _resolver;
        private readonly HttpsFetcher _fetcher;
        private readonly BimiOptions _options;
        private readonly DmarcPolicyChecker _dmarc;
        private readonly Func<DateTime> _utcNow;

        /// <exception cref="ArgumentNullException">resolver or fetcher is null.</exception>
        public BimiChecker(IDnsResolver resolver, HttpsFetcher fetcher, BimiOptions options = null)
            : this(resolver, fetcher, options, () => DateTime.UtcNow) { }

        internal BimiChecker(IDnsResolver resolver, HttpsFetcher fetcher, BimiOptions options, Func<DateTime> utcNow)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _fetcher = fetcher ?? throw new ArgumentNullException(nameof(fetcher));
            _options = options ?? new BimiOptions();
            _utcNow = utcNow;
            // BIMI is defined on RFC 7489 DMARC: the organizational domain from the Public Suffix List and pct, which
            // receivers still check for BIMI (RFC 9989 dropped it).
            _dmarc = new DmarcPolicyChecker(resolver, new DmarcOptions { Specification = DmarcSpecification.Rfc7489, CheckReportAuthorization = false });
        }

        /// <summary>Checks <paramref name="domain"/> at <paramref name="selector"/> (null: "default").</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName or InvalidBimiSelector: the name or selector is not valid.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<BimiRecord> CheckAsync(string domain, string selector, CancellationToken cancellationToken)
        {
            var run = new Run(this, DomainNames.Normalize(domain), DomainNames.NormalizeBimiSelector(selector ?? DefaultSelector), cancellationToken);
            await run.ExecuteAsync().ConfigureAwait(false);
            return run.Result;
        }

        private sealed class Run
        {
            private readonly BimiChecker _owner;
            private readonly CancellationToken _cancel;
            private readonly List<Finding> _findings = new List<Finding>();
            private bool _tempError;
            private bool _recordValid;
            private SvgCheck _logo;

            public Run(BimiChecker owner, string domain, string selector, CancellationToken cancel)
            {
                _owner = owner;
                _cancel = cancel;
                Result = new BimiRecord { Domain = domain, Selector = selector };
            }

            public BimiRecord Result { get; }

            public async Task ExecuteAsync()
            {
                var parse = await DiscoverAsync().ConfigureAwait(false);
                if (parse != null && !parse.IsDeclination)
                {
                    await CheckDmarcAsync().ConfigureAwait(false);
                    if (string.IsNullOrEmpty(parse.Authority) && parse.Location?.Length > 0)
                        _findings.Add(FindingCatalog.BimiSelfAsserted.Create("The logo is self-asserted (no a= mark certificate): Gmail and Apple Mail show BIMI logos only with a VMC or CMC; Yahoo also shows self-asserted ones."));
                    if (_owner._options.FetchFiles)
                    {
                        if (parse.LocationUri != null) await CheckLogoAsync(parse.LocationUri).ConfigureAwait(false);
                        if (parse.AuthorityUri != null) await CheckCertificateAsync(parse.AuthorityUri, parse.LocationUri == null && parse.Location?.Length == 0).ConfigureAwait(false);
                    }
                }
                Result.Status = Decide(parse);
                Result.Findings = Finding.Deduplicate(_findings, Result.Domain).ToArray();
            }

            private BimiStatus Decide(BimiRecordParse parse)
            {
                if (_tempError) return BimiStatus.TempError;
                if (Result.Record == null) return BimiStatus.NotFound;
                if (parse != null && parse.IsDeclination) return BimiStatus.Declined;
                if (!_recordValid) return BimiStatus.InvalidRecord;
                if (Result.DmarcEnforced == false) return BimiStatus.DmarcNotEnforced;
                if (Result.LogoValid == false) return BimiStatus.InvalidLogo;
                if (Result.CertificateValid == false) return BimiStatus.InvalidCertificate;
                return _owner._options.FetchFiles ? BimiStatus.Valid : BimiStatus.RecordOnly;
            }

            // ---- record discovery (BIMI draft 8.2) ----

            /// <summary>The record that applies, parsed; null when there is none or it cannot be used at all.</summary>
            private async Task<BimiRecordParse> DiscoverAsync()
            {
                string domain = Result.Domain;
                var (organizational, _) = await _owner._dmarc.GetOrganizationalDomainAsync(domain, _cancel).ConfigureAwait(false);
                Result.OrganizationalDomain = organizational ?? domain;
                var level = await LookupAsync(domain).ConfigureAwait(false);
                if (level == null) return null;
                if (level.Records.Count == 0 && level.LookAlikes.Count == 0 && organizational != null && organizational != domain)
                {
                    var inherited = await LookupAsync(organizational).ConfigureAwait(false);
                    if (inherited == null) return null;
                    if (inherited.Records.Count > 0 || inherited.LookAlikes.Count > 0)
                    {
                        level = inherited;
                        _findings.Add(FindingCatalog.BimiRecordInherited.Create($"No record at {Owner(domain)}; the record of the organizational domain applies: {Owner(organizational)}."));
                    }
                }
                Result.RecordDomain = level.Domain;
                string owner = Owner(level.Domain);
                if (level.Records.Count == 0 && level.LookAlikes.Count == 0)
                {
                    _findings.Add(FindingCatalog.BimiNoRecord.Create($"No BIMI record at {owner}{(Result.OrganizationalDomain != domain ? " nor at " + Owner(Result.OrganizationalDomain) : "")}: no logo is shown."));
                    return null;
                }
                if (level.Records.Count > 1)
                {
                    Result.Record = level.Records[0];
                    _findings.Add(FindingCatalog.BimiMultipleRecords.Create($"{owner} has {level.Records.Count} v=BIMI1 records; receivers then use none: \"{string.Join("\" | \"", level.Records.Select(BimiRecordParser.Cut))}\"."));
                    return null;
                }
                // A record meant as BIMI but discarded (v=BIMI2, v= not first) is still read, to say everything wrong with it.
                string text = level.Records.Count == 1 ? level.Records[0] : level.LookAlikes[0];
                Result.Record = text;
                var parse = BimiRecordParser.Parse(text);
                _findings.AddRange(parse.Findings);
                _recordValid = parse.IsValid && level.Records.Count == 1;
                Result.Location = parse.Location;
                Result.Authority = parse.Authority;
                Result.AvatarPreference = parse.AvatarPreference;
                Result.LocalPartPrefixes = parse.LocalPartPrefixes.ToArray();
                if (_recordValid && parse.IsDeclination)
                {
                    _findings.Add(FindingCatalog.BimiDeclined.Create($"{owner} is a declination record (\"l=; a=;\"): the domain asks receivers to show no logo."));
                    return parse;
                }
                return _recordValid ? parse : null;
            }

            private string Owner(string domain) => Result.Selector + "._bimi." + domain;

            private sealed class Level
            {
                public string Domain;
                public List<string> Records = new List<string>();
                public List<string> LookAlikes = new List<string>();
            }

            /// <summary>The TXT records at the selector of <paramref name="domain"/>; null after a DNS failure (recorded).</summary>
            private async Task<Level> LookupAsync(string domain)
            {
                string owner = Owner(domain);
                var answer = await _owner._resolver.GetTxtAsync(owner, _cancel).ConfigureAwait(false);
                if (answer.IsTemporaryFailure)
                {
                    _tempError = true;
                    _findings.Add(FindingCatalog.BimiDnsTempError.Create($"The TXT query for {owner} failed ({answer.Status}{(answer.Error == null ? "" : ": " + answer.Error)}); whether the domain publishes BIMI is unknown until DNS answers."));
                    return null;
                }
                var level = new Level { Domain = domain };
                foreach (var text in answer.Records.Select(r => r.Text))
                {
                    if (BimiRecordParser.IsBimiRecord(text)) level.Records.Add(text);
                    else if (BimiRecordParser.LooksLikeBimiRecord(text)) level.LookAlikes.Add(text);
                }
                return level;
            }

            // ---- DMARC (BIMI draft 8.1) ----

            private async Task CheckDmarcAsync()
            {
                string domain = Result.Domain, organizational = Result.OrganizationalDomain;
                var author = await _owner._dmarc.DiscoverAsync(domain, _cancel).ConfigureAwait(false);
                if (author.Status == DmarcLookupStatus.TempError)
                {
                    DmarcTempError(author);
                    return;
                }
                var problems = new List<string>();
                if (!author.HasPolicy)
                {
                    Result.DmarcEnforced = false;
                    _findings.Add(FindingCatalog.BimiDmarcMissing.Create(author.Status == DmarcLookupStatus.NotFound
                        ? $"No DMARC record applies to {domain}{(organizational != domain ? " or " + organizational : "")}; BIMI needs p=quarantine or p=reject, and receivers show no logo without it."
                        : $"The DMARC record for {domain} is not usable ({author.Status}); BIMI needs p=quarantine or p=reject at 100 %."));
                    return;
                }
                var record = author.Record;
                bool inherited = author.FoundVia != DmarcPolicySource.Domain;
                var policy = inherited && record.HasExplicitSubdomainPolicy ? record.SubdomainPolicy : record.Policy;
                Result.DmarcPolicyDomain = author.PolicyDomain;
                Result.DmarcPolicy = Describe(policy, record);
                Judge(record, policy, inherited ? "sp" : "p", author.PolicyDomain, problems);
                if (!string.Equals(author.PolicyDomain, organizational, StringComparison.OrdinalIgnoreCase))
                {
                    var org = await _owner._dmarc.DiscoverAsync(organizational, _cancel).ConfigureAwait(false);
                    if (org.Status == DmarcLookupStatus.TempError)
                    {
                        DmarcTempError(org);
                        return;
                    }
                    if (!org.HasPolicy || !string.Equals(org.PolicyDomain, organizational, StringComparison.OrdinalIgnoreCase))
                        problems.Add($"the organizational domain {organizational} has no usable DMARC policy of its own");
                    else Judge(org.Record, org.Record.Policy, "p", organizational, problems);
                }
                Result.DmarcEnforced = problems.Count == 0;
                if (problems.Count > 0)
                    _findings.Add(FindingCatalog.BimiDmarcNotEnforced.Create($"BIMI needs DMARC at enforcement on the domain and its organizational domain, but {string.Join("; ", problems)}: receivers show no logo."));
            }

            private void DmarcTempError(DmarcPolicyCheck check)
            {
                _tempError = true;
                _findings.Add(FindingCatalog.BimiDmarcTempError.Create($"The DMARC lookup for {check.Domain} failed ({string.Join(" ", check.Findings.Select(f => f.Message))}); whether the DMARC prerequisite holds is unknown until DNS answers."));
            }

            /// <summary>BIMI draft 8.1 steps 7-9: not none, no sp=none, and quarantine only at pct=100.</summary>
            private static void Judge(DmarcRecord record, DmarcDisposition policy, string tag, string where, List<string> problems)
            {
                if (policy == DmarcDisposition.None)
                    problems.Add($"_dmarc.{where} has {tag}=none");
                else if (policy == DmarcDisposition.Quarantine && record.Percentage < 100)
                    problems.Add($"_dmarc.{where} quarantines only pct={record.Percentage}");
                if (tag == "p" && record.HasExplicitSubdomainPolicy && record.SubdomainPolicy == DmarcDisposition.None)
                    problems.Add($"_dmarc.{where} has sp=none");
            }

            private static string Describe(DmarcDisposition policy, DmarcRecord record)
            {
                string name = policy.ToString().ToLowerInvariant();
                return record.Percentage < 100 ? $"{name} (pct={record.Percentage})" : name;
            }

            // ---- the logo and the mark certificate ----

            private async Task CheckLogoAsync(Uri location)
            {
                var response = await _owner._fetcher.GetAsync(location, MaxLogoFetchBytes, "image/svg+xml", _cancel).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    Result.LogoValid = false;
                    FetchFailed(response, FindingCatalog.BimiLogoFetchFailed.Create($"The logo at {location} cannot be fetched: {response.Error}."));
                    return;
                }
                if (response.MediaType != "image/svg+xml")
                    _findings.Add(FindingCatalog.BimiLogoContentType.Create($"The logo at {location} is served as {response.ContentType ?? "(no Content-Type)"}, not image/svg+xml."));
                _logo = SvgTinyPsValidator.Check(response.Body, $"The logo at {location}");
                Use(_logo);
            }

            private void Use(SvgCheck logo)
            {
                _findings.AddRange(logo.Findings);
                Result.LogoValid = logo.IsValid;
                Result.LogoTitle = logo.Title;
                Result.LogoSize = logo.Svg?.Length;
                Result.LogoSha256 = logo.Sha256;
            }

            private void FetchFailed(HttpsResponse response, Finding finding)
            {
                if (response.Failure == HttpsFetchFailure.DnsTempError)
                {
                    _tempError = true;
                    _findings.Add(FindingCatalog.BimiDnsTempError.Create($"{response.Url.Host} cannot be resolved now: {response.Error}."));
                }
                else _findings.Add(finding);
            }

            /// <param name="logoOnlyInCertificate">l= is empty: the certificate's logo is the one shown, so it gets the SVG checks.</param>
            private async Task CheckCertificateAsync(Uri authority, bool logoOnlyInCertificate)
            {
                var response = await _owner._fetcher.GetAsync(authority, MaxCertificateFetchBytes, "application/pem-certificate-chain, */*", _cancel).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    Result.CertificateValid = false;
                    FetchFailed(response, FindingCatalog.BimiCertificateFetchFailed.Create($"The mark certificate at {authority} cannot be fetched: {response.Error}."));
                    return;
                }
                var read = MarkCertificateReader.Read(response.Body, Result.RecordDomain, _owner._utcNow());
                _findings.AddRange(read.Findings);
                Result.Certificate = read.Certificate;
                Result.CertificateValid = read.Certificate != null && read.Findings.All(f => f.Severity != FindingSeverity.Error);
                if (read.Logo == null) return;
                if (logoOnlyInCertificate)
                {
                    Use(SvgTinyPsValidator.Check(read.Logo, "The logo in the mark certificate"));
                    return;
                }
                if (_logo?.Svg == null) return;
                Result.LogoMatchesCertificate = _logo.Svg.SequenceEqual(read.Logo);
                if (Result.LogoMatchesCertificate == false) Result.CertificateValid = false;
                if (Result.LogoMatchesCertificate == false)
                    _findings.Add(FindingCatalog.BimiCertificateLogoMismatch.Create($"The logo embedded in the mark certificate (SHA-256 {read.Certificate.LogoSha256}) is not the l= logo (SHA-256 {_logo.Sha256}); receivers show the certificate's logo or none. Publish the exact SVG the certificate was issued for."));
            }
        }
    }
}
