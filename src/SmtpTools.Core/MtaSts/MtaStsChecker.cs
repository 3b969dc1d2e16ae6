using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Http;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Threading;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>Settings for <see cref="MtaStsChecker"/>.</summary>
    public sealed class MtaStsOptions
    {
        /// <summary>Fetch and check the policy, and match the MX hosts against it; false: DNS records only (-NoFetch).</summary>
        public bool FetchPolicy { get; set; } = true;
        /// <summary>Probe every MX host that matches the policy over SMTP: STARTTLS and a certificate valid for its name.</summary>
        public bool ProbeMx { get; set; }
        /// <summary>The SMTP port of the probes (25 in production; tests point it at another).</summary>
        public int SmtpPort { get; set; } = 25;
        /// <summary>How long one probe step may wait (connect, each reply, TLS handshake).</summary>
        public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>Look up the TLS reporting record too (and report enforce/testing without it).</summary>
        public bool CheckTlsRpt { get; set; } = true;
    }

    /// <summary>
    /// Test-MtaStsPolicy's engine (RFC 8461, with RFC 8460 TLS reporting): the _mta-sts record, the policy fetched from
    /// https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt through <see cref="HttpsFetcher"/>, the MX hosts matched against
    /// it, and optionally each matching MX host probed with <see cref="SmtpConnectionProber"/>. Every failure is a status
    /// and a finding, never an exception. Thread-safe; one instance serves a pipeline and probes a shared MX host once.
    /// </summary>
    public sealed class MtaStsChecker
    {
        /// <summary>RFC 8461 3.3: "a maximum policy size of 64 kilobytes".</summary>
        public const long MaxPolicyBytes = 64 * 1024;
        /// <summary>A policy host certificate expiring sooner than this is worth a warning: senders cannot refresh the policy after it.</summary>
        public const int CertificateExpiryWarningDays = 14;

        private readonly IDnsResolver _resolver;
        private readonly HttpsFetcher _fetcher;
        private readonly SmtpConnectionProber _prober;
        private readonly TlsRptChecker _tlsRpt;
        private readonly MtaStsOptions _options;
        // Each entry is a few hundred bytes (the facts, not the transcript); 10,000 distinct MX hosts is far beyond a run.
        private readonly SharedTaskCache<MtaStsMxHost> _probes = new SharedTaskCache<MtaStsMxHost>(10000, StringComparer.OrdinalIgnoreCase);

        /// <param name="prober">Needed only with <see cref="MtaStsOptions.ProbeMx"/>.</param>
        /// <exception cref="ArgumentNullException">resolver or fetcher is null, or prober is null while ProbeMx is set.</exception>
        public MtaStsChecker(IDnsResolver resolver, HttpsFetcher fetcher, SmtpConnectionProber prober, MtaStsOptions options = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _fetcher = fetcher ?? throw new ArgumentNullException(nameof(fetcher));
            _options = options ?? new MtaStsOptions();
            _prober = prober ?? (_options.ProbeMx ? throw new ArgumentNullException(nameof(prober), "ProbeMx needs a prober.") : (SmtpConnectionProber)null);
            _tlsRpt = new TlsRptChecker(resolver);
        }

        /// <summary>Checks <paramref name="domain"/>. DNS failures give TempError, never NotFound.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName: <paramref name="domain"/> is not a domain name.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<MtaStsPolicy> CheckAsync(string domain, CancellationToken cancellationToken)
        {
            string name = DomainNames.Normalize(domain);
            var run = new Run(this, name, cancellationToken);
            await run.ExecuteAsync().ConfigureAwait(false);
            return run.Result;
        }

        /// <summary>The state of one domain's check.</summary>
        private sealed class Run
        {
            private readonly MtaStsChecker _owner;
            private readonly CancellationToken _cancel;
            private readonly List<Finding> _findings = new List<Finding>();
            private MtaStsPolicyParse _policy;
            private bool _policyServed;

            public Run(MtaStsChecker owner, string domain, CancellationToken cancel)
            {
                _owner = owner;
                _cancel = cancel;
                Result = new MtaStsPolicy { Domain = domain, PolicyUrl = $"https://mta-sts.{domain}/.well-known/mta-sts.txt" };
            }

            public MtaStsPolicy Result { get; }
            private string Domain => Result.Domain;
            private MtaStsOptions Options => _owner._options;

            public async Task ExecuteAsync()
            {
                // The TLS reporting record is independent of everything else: ask for it at once.
                var tlsRpt = Options.CheckTlsRpt ? _owner._tlsRpt.CheckAsync(Domain, _cancel) : null;
                Result.Status = MtaStsStatus.Valid;
                bool hasRecord = await ReadRecordAsync().ConfigureAwait(false);
                if (hasRecord && !Options.FetchPolicy)
                    Result.Status = Decide(Result.Status, MtaStsStatus.RecordOnly);
                if (hasRecord && Options.FetchPolicy)
                {
                    // The MX hosts are needed only when there is a policy to match them against; ask while the policy loads.
                    var mx = _owner._resolver.GetMxAsync(Domain, _cancel);
                    await FetchPolicyAsync().ConfigureAwait(false);
                    var answer = await mx.ConfigureAwait(false);
                    // A policy senders refuse (served as text/html) is read for its own problems, but matching MX hosts
                    // against it would report mismatches no sender acts on.
                    if (_policy != null && _policyServed) await MatchMxAsync(answer).ConfigureAwait(false);
                }
                if (tlsRpt != null) AddTlsRpt(await tlsRpt.ConfigureAwait(false));
                Result.Findings = Finding.Deduplicate(_findings, Domain).ToArray();
            }

            /// <summary>The first step that fails decides the status; a later DNS failure only turns Valid into TempError.</summary>
            private static MtaStsStatus Decide(MtaStsStatus current, MtaStsStatus next)
            {
                if (current == MtaStsStatus.Valid || current == MtaStsStatus.RecordOnly) return next;
                return current;
            }

            private static string DnsError<T>(DnsAnswer<T> answer) => answer.Status + (answer.Error == null ? "" : ": " + answer.Error);

            /// <summary>Reads _mta-sts; true when there is at least one v=STSv1 record (senders go on to fetch only then).</summary>
            private async Task<bool> ReadRecordAsync()
            {
                string owner = "_mta-sts." + Domain;
                var answer = await _owner._resolver.GetTxtAsync(owner, _cancel).ConfigureAwait(false);
                if (answer.IsTemporaryFailure)
                {
                    Result.Status = MtaStsStatus.TempError;
                    _findings.Add(FindingCatalog.MtaStsDnsTempError.Create($"The TXT query for {owner} failed ({DnsError(answer)}); whether the domain has an MTA-STS policy is unknown until DNS answers."));
                    return false;
                }
                var texts = answer.Records.Select(r => r.Text).ToList();
                var records = texts.Where(MtaStsRecordParser.IsStsRecord).ToList();
                foreach (var lookAlike in texts.Where(MtaStsRecordParser.LooksLikeStsRecord))
                    _findings.Add(FindingCatalog.MtaStsRecordIgnored.Create($"{owner} has \"{TagRecord.Cut(lookAlike)}\", which does not begin with \"{MtaStsRecordParser.Version};\" exactly; senders ignore it."));
                Result.RecordCount = records.Count;
                if (records.Count == 0)
                {
                    Result.Status = MtaStsStatus.NotFound;
                    _findings.Add(FindingCatalog.MtaStsNoRecord.Create($"No MTA-STS record at {owner}: senders use TLS opportunistically and fall back to plain text when it fails."));
                    return false;
                }
                Result.Record = records[0];
                if (records.Count > 1)
                {
                    Result.Status = MtaStsStatus.InvalidRecord;
                    _findings.Add(FindingCatalog.MtaStsMultipleRecords.Create($"{owner} has {records.Count} v=STSv1 records; senders then assume there is no policy: \"{string.Join("\" | \"", records.Select(TagRecord.Cut))}\"."));
                    return true;
                }
                var parse = MtaStsRecordParser.Parse(records[0]);
                _findings.AddRange(parse.Findings);
                Result.PolicyId = parse.Id;
                if (!parse.IsValid) Result.Status = MtaStsStatus.InvalidRecord;
                return true;
            }

            private async Task FetchPolicyAsync()
            {
                var response = await _owner._fetcher.GetAsync(new Uri(Result.PolicyUrl), MaxPolicyBytes, "text/plain", _cancel).ConfigureAwait(false);
                Result.PolicyHttpStatus = response.StatusCode == 0 ? (int?)null : response.StatusCode;
                Result.PolicyContentType = response.ContentType;
                Result.PolicyCertificateNotAfter = response.Certificate?.NotAfter;
                if (!response.IsSuccess)
                {
                    Result.PolicyFetchError = response.Error;
                    Result.Status = Decide(Result.Status, response.Failure == HttpsFetchFailure.DnsTempError ? MtaStsStatus.TempError : MtaStsStatus.PolicyUnavailable);
                    _findings.Add(FetchFinding(response));
                    return;
                }
                var certificate = response.Certificate;
                if (certificate != null && certificate.DaysUntilExpiry < CertificateExpiryWarningDays)
                    _findings.Add(FindingCatalog.MtaStsPolicyCertificateExpiring.Create($"The certificate of mta-sts.{Domain} expires on {certificate.NotAfter:yyyy-MM-dd} ({certificate.DaysUntilExpiry} day(s)); after that senders cannot refresh the policy."));
                if (response.MediaType != "text/plain")
                {
                    Result.PolicyFetchError = $"the policy is served as {response.ContentType ?? "no Content-Type"}, not text/plain";
                    Result.Status = Decide(Result.Status, MtaStsStatus.PolicyUnavailable);
                    _findings.Add(FindingCatalog.MtaStsPolicyContentType.Create($"{Result.PolicyUrl} is served as {response.ContentType ?? "(no Content-Type)"}; senders require text/plain and refuse the policy."));
                }
                else _policyServed = true;
                // RFC 8461 3.2 allows UTF-8 in extension values; anything else is not a valid policy anyway.
                Result.PolicyText = new UTF8Encoding(false, false).GetString(response.Body);
                _policy = MtaStsPolicyParser.Parse(Result.PolicyText);
                _findings.AddRange(_policy.Findings);
                Result.Mode = _policy.Mode;
                Result.MaxAge = _policy.MaxAge;
                Result.MxPatterns = _policy.MxPatterns.ToArray();
                if (!_policy.IsValid) Result.Status = Decide(Result.Status, MtaStsStatus.InvalidPolicy);
            }

            private Finding FetchFinding(HttpsResponse response)
            {
                string url = Result.PolicyUrl;
                switch (response.Failure)
                {
                    case HttpsFetchFailure.DnsTempError: return FindingCatalog.MtaStsDnsTempError.Create($"The policy host cannot be resolved now: {response.Error}.");
                    case HttpsFetchFailure.HostNotFound: return FindingCatalog.MtaStsPolicyHostNotFound.Create($"The policy cannot be fetched: {response.Error}; publish an A/AAAA record for mta-sts.{Domain} and serve the policy there.");
                    case HttpsFetchFailure.Timeout: return FindingCatalog.MtaStsPolicyTimeout.Create($"{url}: {response.Error}.");
                    case HttpsFetchFailure.Certificate: return FindingCatalog.MtaStsPolicyCertificateInvalid.Create($"{url}: {response.Error}. Senders require a trusted certificate valid for mta-sts.{Domain}.");
                    case HttpsFetchFailure.TlsFailed: return FindingCatalog.MtaStsPolicyTlsFailed.Create($"{url}: {response.Error}.");
                    case HttpsFetchFailure.Redirect: return FindingCatalog.MtaStsPolicyRedirect.Create($"{url}: {response.Error}; senders must not follow redirects, so they get no policy. Serve the policy at this URL.");
                    case HttpsFetchFailure.HttpStatus: return FindingCatalog.MtaStsPolicyHttpStatus.Create($"{url}: {response.Error}; senders need 200 OK.");
                    case HttpsFetchFailure.TooLarge: return FindingCatalog.MtaStsPolicyTooLarge.Create($"{url}: {response.Error}; senders stop reading a policy at {MaxPolicyBytes / 1024} KB.");
                    case HttpsFetchFailure.Protocol: return FindingCatalog.MtaStsPolicyHttpError.Create($"{url}: {response.Error}.");
                    default: return FindingCatalog.MtaStsPolicyConnectFailed.Create($"{url}: {response.Error}.");
                }
            }

            private async Task MatchMxAsync(DnsAnswer<DnsMxRecord> answer)
            {
                if (answer.IsTemporaryFailure)
                {
                    Result.Status = Decide(Result.Status, MtaStsStatus.TempError);
                    _findings.Add(FindingCatalog.MtaStsDnsTempError.Create($"The MX query for {Domain} failed ({DnsError(answer)}); the MX hosts could not be matched against the policy."));
                    return;
                }
                var records = answer.Records.Where(r => r.Exchange.Length > 0 && r.Exchange != ".").ToList();
                if (records.Count == 0)
                {
                    _findings.Add(FindingCatalog.MtaStsNoMx.Create(answer.Records.Count > 0
                        ? $"{Domain} publishes a null MX (RFC 7505): it accepts no mail, so its MTA-STS policy protects nothing."
                        : $"{Domain} has no MX record; MTA-STS applies to MX hosts, so the policy protects nothing."));
                    return;
                }
                var patterns = _policy.ValidMxPatterns;
                bool applies = Result.Mode == MtaStsMode.Enforce || Result.Mode == MtaStsMode.Testing;
                var hosts = new List<MtaStsMxHost>();
                foreach (var record in records)
                {
                    string match = MtaStsMxPattern.FirstMatch(patterns, record.Exchange);
                    hosts.Add(new MtaStsMxHost { Host = record.Exchange, Preference = record.Preference, MatchedPattern = match, MatchesPolicy = match != null });
                    if (match == null && applies)
                        _findings.Add(FindingCatalog.MtaStsMxNotMatched.Create($"The MX host {record.Exchange} matches no mx pattern of the policy ({(patterns.Count == 0 ? "none is valid" : string.Join(", ", patterns))}): "
                            + (Result.Mode == MtaStsMode.Enforce ? "senders enforcing the policy will not deliver to it." : "senders will report every delivery to it as a failure.")));
                }
                foreach (var unused in patterns.Where(p => !records.Any(r => MtaStsMxPattern.Matches(p, r.Exchange))))
                    _findings.Add(FindingCatalog.MtaStsMxPatternUnused.Create($"The mx pattern {unused} matches none of the MX hosts ({string.Join(", ", records.Select(r => r.Exchange))}); a leftover?"));
                if (Options.ProbeMx)
                {
                    var probed = await Task.WhenAll(hosts.Select(h => h.MatchesPolicy ? _owner.ProbeAsync(h, Domain, _cancel) : Task.FromResult(h))).ConfigureAwait(false);
                    for (int i = 0; i < probed.Length; i++) hosts[i] = probed[i];
                    foreach (var host in hosts) AddProbeFinding(host);
                }
                Result.MxHosts = hosts.ToArray();
            }

            private void AddProbeFinding(MtaStsMxHost host)
            {
                string where = $"{host.Host} (port {host.Port})";
                switch (host.TlsResult)
                {
                    case MtaStsMxTlsResult.NoStartTls:
                        _findings.Add(FindingCatalog.MtaStsMxNoStartTls.Create($"{where} does not offer STARTTLS: {host.TlsError} Senders enforcing MTA-STS will not deliver to it."));
                        break;
                    case MtaStsMxTlsResult.TlsFailed:
                        _findings.Add(FindingCatalog.MtaStsMxTlsFailed.Create($"{where}: the TLS handshake after STARTTLS failed: {host.TlsError} Senders enforcing MTA-STS will not deliver to it."));
                        break;
                    case MtaStsMxTlsResult.CertificateRejected:
                        _findings.Add(FindingCatalog.MtaStsMxCertificateInvalid.Create($"{where}: {host.TlsError} Senders enforcing MTA-STS need a trusted certificate valid for {host.Host}."));
                        break;
                    case MtaStsMxTlsResult.Unreachable:
                        _findings.Add(FindingCatalog.MtaStsMxUnreachable.Create($"{where} could not be checked: {host.TlsError}"));
                        break;
                }
            }

            private void AddTlsRpt(TlsRptRecord tlsRpt)
            {
                Result.TlsRpt = tlsRpt;
                _findings.AddRange(tlsRpt.Findings);
                bool applies = Result.Mode == MtaStsMode.Enforce || Result.Mode == MtaStsMode.Testing;
                if (applies && (tlsRpt.Status == TlsRptStatus.NotFound || tlsRpt.Status == TlsRptStatus.InvalidRecord))
                    _findings.Add(FindingCatalog.MtaStsWithoutTlsRpt.Create(Result.Mode == MtaStsMode.Enforce
                        ? $"MTA-STS is enforced without a usable TLS reporting record at _smtp._tls.{Domain}: when senders refuse to deliver because TLS fails, nobody is told."
                        : $"MTA-STS is in testing mode without a usable TLS reporting record at _smtp._tls.{Domain}: testing mode only reports failures, and there is nowhere to send them."));
            }
        }

        /// <summary>One probe per MX host and port for the whole pipeline: domains hosted by one provider share its MX hosts.</summary>
        private async Task<MtaStsMxHost> ProbeAsync(MtaStsMxHost host, string domain, CancellationToken cancellationToken)
        {
            var facts = await _probes.GetOrStart(host.Host + ":" + _options.SmtpPort, () => ProbeUncachedAsync(host.Host, domain, cancellationToken)).ConfigureAwait(false);
            return new MtaStsMxHost
            {
                Host = host.Host, Preference = host.Preference, MatchedPattern = host.MatchedPattern, MatchesPolicy = host.MatchesPolicy,
                TlsResult = facts.TlsResult, Port = facts.Port, Address = facts.Address, StartTls = facts.StartTls, TlsProtocol = facts.TlsProtocol,
                CertificateValid = facts.CertificateValid, CertificateNames = facts.CertificateNames, CertificateNotAfter = facts.CertificateNotAfter, TlsError = facts.TlsError,
            };
        }

        private async Task<MtaStsMxHost> ProbeUncachedAsync(string host, string domain, CancellationToken cancellationToken)
        {
            var options = new SmtpProbeOptions { Security = SmtpSecurity.StartTls, Timeout = _options.SmtpTimeout, ResolveWithDnsLayer = true };
            var probe = await _prober.ProbeAsync(new SmtpProbeTarget(host, _options.SmtpPort, domain), options, cancellationToken).ConfigureAwait(false);
            return ProbeFacts(host, _options.SmtpPort, probe);
        }

        /// <summary>What an enforcing MTA-STS sender makes of a STARTTLS probe (RFC 8461 4.2).</summary>
        internal static MtaStsMxHost ProbeFacts(string host, int port, SmtpConnectionResult probe)
        {
            var certificate = probe.Certificate;
            var facts = new MtaStsMxHost
            {
                Host = host,
                Port = port,
                Address = probe.IPAddress,
                StartTls = probe.SupportsStartTls,
                TlsProtocol = probe.IsEncrypted ? probe.TlsProtocol : null,
                CertificateValid = certificate?.IsAcceptable(),
                CertificateNames = certificate == null ? Array.Empty<string>()
                    : certificate.SubjectAlternativeNames.Where(n => n.StartsWith("DNS:", StringComparison.Ordinal)).Select(n => n.Substring(4)).ToArray(),
                CertificateNotAfter = certificate?.NotAfter,
            };
            if (probe.FailedPhase == SmtpPhase.None && probe.IsEncrypted && certificate != null && certificate.IsAcceptable())
            {
                facts.TlsResult = MtaStsMxTlsResult.Passed;
                return facts;
            }
            if (certificate != null && !certificate.IsAcceptable())
            {
                facts.TlsResult = MtaStsMxTlsResult.CertificateRejected;
                facts.TlsError = "the certificate was refused: " + HttpsFetcher.CertificateProblem(certificate, host, DateTime.UtcNow) + ".";
            }
            else if (probe.SupportsStartTls == false)
            {
                facts.TlsResult = MtaStsMxTlsResult.NoStartTls;
                facts.TlsError = "EHLO does not list STARTTLS.";
            }
            else if (probe.FailedPhase == SmtpPhase.StartTls)
            {
                facts.TlsResult = MtaStsMxTlsResult.TlsFailed;
                facts.TlsError = probe.Error;
            }
            else
            {
                facts.TlsResult = MtaStsMxTlsResult.Unreachable;
                facts.TlsError = probe.Error ?? "the session ended before TLS.";
            }
            return facts;
        }
    }
}
