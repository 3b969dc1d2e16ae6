using System;
using System.Collections.Generic;
using System.Linq;
using SmtpTools.Core.Bimi;
using SmtpTools.Core.Blocklists;
using SmtpTools.Core.Dane;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dmarc;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Dnssec;
using SmtpTools.Core.Http;
using SmtpTools.Core.MtaSts;
using SmtpTools.Core.Mx;
using SmtpTools.Core.Spf;
using SmtpTools.Core.Smtp;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// The checks of Test-EmailDomain, one entry each: the engine call that checks a domain, how its result rates on the
    /// report's common scale, and where it goes in the report. Every engine shares the pipeline's resolver, so the
    /// checks of all domains share one DNS cache (DMARC's organizational-domain lookups, MX hosts asked by several checks).
    /// </summary>
    internal static class EmailDomainChecks
    {
        /// <summary>The entries of the checks in <paramref name="wanted"/>; the engines of the others are not even built.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDnsBlocklistZone: a blocklist zone is malformed.</exception>
        public static IReadOnlyList<DomainCheck> Create(IDnsResolver resolver, EmailDomainOptions options, ISet<EmailDomainCheck> wanted)
        {
            // One fetcher for MTA-STS and BIMI: a logo many domains share is fetched once.
            var https = new Lazy<HttpsFetcher>(() => new HttpsFetcher(resolver, new HttpsFetcherOptions { IdleTimeout = options.HttpsIdleTimeout }));
            var checks = new List<DomainCheck>();
            void Add(EmailDomainCheck check, Func<DomainCheck> entry) { if (wanted.Contains(check)) checks.Add(entry()); }

            Add(EmailDomainCheck.Spf, () => DomainCheck.Of(EmailDomainCheck.Spf, new SpfAuditor(resolver).AuditAsync, Spf));
            Add(EmailDomainCheck.Dmarc, () => DomainCheck.Of(EmailDomainCheck.Dmarc, new DmarcPolicyChecker(resolver, options.Dmarc).AuditAsync, Dmarc));
            Add(EmailDomainCheck.Dkim, () =>
            {
                var dkim = new DkimRecordChecker(resolver);
                return DomainCheck.Of(EmailDomainCheck.Dkim, (DomainQuery q, System.Threading.CancellationToken ct) => dkim.CheckAsync(q.Domain, q.DkimSelectors, null, ct), Dkim);
            });
            // DNSSEC is a check of its own, so the MX engine does not ask the same questions again.
            Add(EmailDomainCheck.Mx, () => DomainCheck.Of(EmailDomainCheck.Mx, new MxChecker(resolver, new MxCheckOptions { Dnssec = false }).CheckAsync, Mx));
            // TLS-RPT is a check of its own, so its findings are reported once.
            Add(EmailDomainCheck.MtaSts, () => DomainCheck.Of(EmailDomainCheck.MtaSts,
                new MtaStsChecker(resolver, https.Value, null, new MtaStsOptions { CheckTlsRpt = false }).CheckAsync, MtaSts));
            Add(EmailDomainCheck.TlsRpt, () => DomainCheck.Of(EmailDomainCheck.TlsRpt, new TlsRptChecker(resolver).CheckAsync, TlsRpt));
            Add(EmailDomainCheck.Bimi, () =>
            {
                var bimi = new BimiChecker(resolver, https.Value);
                return DomainCheck.Of(EmailDomainCheck.Bimi, (string domain, System.Threading.CancellationToken ct) => bimi.CheckAsync(domain, null, ct), Bimi);
            });
            Add(EmailDomainCheck.Dnssec, () => DomainCheck.Of(EmailDomainCheck.Dnssec, new DnssecChecker(resolver).CheckAsync, Dnssec));
            Add(EmailDomainCheck.Blocklist, () => DomainCheck.Of(EmailDomainCheck.Blocklist,
                new DnsBlocklistChecker(resolver, new DnsBlocklistOptions { Zones = options.BlocklistZones, IncludeMx = true }).CheckDomainAsync, Blocklist));
            // -ProbeMx: one probe per MX host for both checks that connect.
            var probes = new Lazy<MxProbes>(() => new MxProbes(resolver, options));
            Add(EmailDomainCheck.Dane, () =>
            {
                // Without a handshaker DaneChecker judges by DNS alone; -ProbeMx matches the hosts that need it.
                var dane = new DaneChecker(resolver, null, options.SmtpPort);
                return options.ProbeMx
                    ? DomainCheck.Of(EmailDomainCheck.Dane, async (string domain, System.Threading.CancellationToken ct) =>
                        await probes.Value.MatchAsync(dane, await dane.CheckDomainAsync(domain, ct).ConfigureAwait(false), ct).ConfigureAwait(false), Dane)
                    : DomainCheck.Of(EmailDomainCheck.Dane, dane.CheckDomainAsync, Dane);
            });
            Add(EmailDomainCheck.SmtpTls, () => options.ProbeMx
                ? DomainCheck.Of(EmailDomainCheck.SmtpTls, probes.Value.ProbeDomainAsync, SmtpTls)
                : DomainCheck.NotRun(EmailDomainCheck.SmtpTls, SmtpTlsNotRun));
            return checks;
        }

        private static CheckOutcome SmtpTlsNotRun { get; } = new CheckOutcome
        {
            Status = EmailDomainCheckStatus.NotRun,
            CheckStatus = "NotRun",
            Summary = "Not run: it connects to the MX hosts, which Test-EmailDomain does only with -ProbeMx.",
            Store = report => { report.SmtpTls = "NotRun"; report.SmtpTlsResults = Array.Empty<SmtpConnectionResult>(); },
        };

        /// <summary>The worst verdict first: what SmtpTls shows in its flat column.</summary>
        private static readonly MtaStsMxTlsResult[] TlsBadness =
            { MtaStsMxTlsResult.NoStartTls, MtaStsMxTlsResult.TlsFailed, MtaStsMxTlsResult.CertificateRejected, MtaStsMxTlsResult.Unreachable, MtaStsMxTlsResult.Passed };

        private static CheckOutcome SmtpTls(SmtpTlsProbe p)
        {
            var verdicts = p.Verdicts;
            string flat;
            EmailDomainCheckStatus status;
            if (verdicts.Length == 0)
            {
                status = p.Mx.Status == MxStatus.TempError ? EmailDomainCheckStatus.TempError : EmailDomainCheckStatus.Missing;
                flat = p.Mx.Status == MxStatus.TempError ? "TempError" : "NoMxHost";
            }
            else
            {
                var worst = TlsBadness.First(b => verdicts.Any(v => v.TlsResult == b));
                flat = worst.ToString();
                status = worst == MtaStsMxTlsResult.NoStartTls || worst == MtaStsMxTlsResult.TlsFailed ? EmailDomainCheckStatus.Fail
                    : worst == MtaStsMxTlsResult.CertificateRejected ? EmailDomainCheckStatus.Warning
                    // Not one host answered: nothing is known (port 25 may be blocked on the way out).
                    : worst == MtaStsMxTlsResult.Unreachable ? (verdicts.All(v => v.TlsResult == MtaStsMxTlsResult.Unreachable) ? EmailDomainCheckStatus.TempError : EmailDomainCheckStatus.Warning)
                    : EmailDomainCheckStatus.Pass;
            }
            var probes = p.Probes;
            return new CheckOutcome
            {
                Status = status,
                CheckStatus = flat,
                Summary = verdicts.Length == 0
                    ? (p.Mx.Status == MxStatus.TempError ? "The MX hosts could not be looked up." : "No MX host with an address to probe.")
                    : string.Join(", ", verdicts.Select(v => $"{v.Host}: {v.TlsResult}" + (v.TlsProtocol == null ? "" : $" ({v.TlsProtocol})"))),
                Records = verdicts.Where(v => v.TlsError != null).Select(v => $"{v.Host}:{v.Port} {v.TlsError}").ToArray(),
                Findings = Finding.Deduplicate(probes.SelectMany(r => r.Findings).Concat(verdicts.Select(SmtpTlsFinding).Where(f => f != null)), null).ToArray(),
                Store = report => { report.SmtpTlsResults = probes; report.SmtpTls = flat; },
            };
        }

        /// <summary>What the probe's own findings do not say (STARTTLS not offered and the certificate they do).</summary>
        private static Finding SmtpTlsFinding(MtaStsMxHost v)
        {
            string where = $"{v.Host} (port {v.Port})";
            switch (v.TlsResult)
            {
                case MtaStsMxTlsResult.TlsFailed: return FindingCatalog.SmtpTlsHandshakeFailed.Create($"{where}: the TLS handshake after STARTTLS failed: {v.TlsError}");
                case MtaStsMxTlsResult.Unreachable: return FindingCatalog.SmtpTlsMxUnreachable.Create($"{where} could not be checked: {v.TlsError}");
                default: return null;
            }
        }

        private static CheckOutcome Dane(DaneResult[] rows)
        {
            var hosts = rows.Where(r => r.TlsaName != null).GroupBy(r => r.MxHost, StringComparer.Ordinal).ToList();
            bool Any(DaneStatus s) => rows.Any(r => r.Status == s);
            EmailDomainCheckStatus status;
            string flat;
            if (Any(DaneStatus.TempError)) { status = EmailDomainCheckStatus.TempError; flat = nameof(DaneStatus.TempError); }
            else if (Any(DaneStatus.NoMatch)) { status = EmailDomainCheckStatus.Fail; flat = nameof(DaneStatus.NoMatch); }
            else if (Any(DaneStatus.TlsFailed)) { status = EmailDomainCheckStatus.Fail; flat = nameof(DaneStatus.TlsFailed); }
            else if (Any(DaneStatus.Unverifiable)) { status = EmailDomainCheckStatus.Warning; flat = nameof(DaneStatus.Unverifiable); }
            else if (hosts.Count == 0) { status = EmailDomainCheckStatus.Missing; flat = "NoMxHost"; }
            else
            {
                int withTlsa = hosts.Count(h => h.Any(r => r.Status == DaneStatus.Match || MxProbes.NeedsMatch(r)));
                if (withTlsa == 0)
                {
                    // Records that are there but unusable for SMTP (PKIX usages) are worth a warning; none at all is DANE not in use.
                    status = rows.Any(r => r.FindingCount > 0) ? EmailDomainCheckStatus.Warning : EmailDomainCheckStatus.Missing;
                    flat = nameof(DaneStatus.NoTlsa);
                }
                else if (withTlsa < hosts.Count) { status = EmailDomainCheckStatus.Warning; flat = "Partial"; }
                else
                {
                    status = EmailDomainCheckStatus.Pass;
                    flat = rows.All(r => r.Status == DaneStatus.Match) ? nameof(DaneStatus.Match) : "TlsaValidated";
                }
            }
            return new CheckOutcome
            {
                Status = status,
                CheckStatus = flat,
                Summary = hosts.Count == 0 ? rows.FirstOrDefault()?.Detail
                    : string.Join(", ", rows.Where(r => r.TlsaName != null).Select(r => $"{r} {(MxProbes.NeedsMatch(r) ? "TLSA validated, certificate not matched" : r.Status.ToString())}")),
                // Sorted: resolvers rotate the records of an RRset, which is no change between two runs.
                Records = rows.SelectMany(r => r.TlsaRecords.Select(t => $"{r.TlsaName} TLSA {t}")).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToArray(),
                Findings = Finding.Deduplicate(rows.SelectMany(r => r.Findings), null).ToArray(),
                Store = report => { report.DaneResults = rows; report.Dane = flat; },
            };
        }

        private static CheckOutcome Spf(SpfRecord r) => new CheckOutcome
        {
            Status = r.Status switch
            {
                SpfRecordStatus.Valid => EmailDomainCheckStatus.Pass,
                SpfRecordStatus.Warning => EmailDomainCheckStatus.Warning,
                SpfRecordStatus.Invalid => EmailDomainCheckStatus.Fail,
                SpfRecordStatus.NoRecord => EmailDomainCheckStatus.Missing,
                _ => EmailDomainCheckStatus.TempError,
            },
            CheckStatus = r.Status.ToString(),
            Summary = r.Records.Length == 0 ? null
                : $"{(r.AllQualifier == null ? "no all" : r.AllQualifier + "all")}, {r.DnsLookupCount} DNS lookup(s)",
            Records = r.Records,
            Findings = r.Findings,
            Store = report => { report.Spf = r; report.SpfStatus = r.Status.ToString(); },
        };

        private static CheckOutcome Dmarc(DmarcPolicy p) => new CheckOutcome
        {
            Status = p.Status switch
            {
                DmarcPolicyStatus.Valid => EmailDomainCheckStatus.Pass,
                DmarcPolicyStatus.Warning => EmailDomainCheckStatus.Warning,
                DmarcPolicyStatus.NotFound => EmailDomainCheckStatus.Missing,
                DmarcPolicyStatus.TempError => EmailDomainCheckStatus.TempError,
                _ => EmailDomainCheckStatus.Fail,
            },
            CheckStatus = p.Status.ToString(),
            Summary = p.Policy == null ? null
                : $"p={p.Policy.Value.ToString().ToLowerInvariant()}"
                  + (p.Percentage != null && p.Percentage < 100 ? $" pct={p.Percentage}" : "")
                  + (p.PolicyDomain != null && !string.Equals(p.PolicyDomain, p.Domain, StringComparison.OrdinalIgnoreCase) ? $" (from {p.PolicyDomain})" : ""),
            Records = p.Record == null ? Array.Empty<string>() : new[] { p.Record },
            Findings = p.Findings,
            Store = report =>
            {
                report.Dmarc = p;
                report.DmarcStatus = p.Status.ToString();
                report.DmarcPolicy = p.Policy?.ToString().ToLowerInvariant();
            },
        };

        private static CheckOutcome Mx(MxRecordResult r) => new CheckOutcome
        {
            Status = r.Status switch
            {
                MxStatus.Valid => EmailDomainCheckStatus.Pass,
                MxStatus.NullMx => EmailDomainCheckStatus.Pass,
                MxStatus.Warning => EmailDomainCheckStatus.Warning,
                MxStatus.ImplicitMx => EmailDomainCheckStatus.Warning,
                MxStatus.Invalid => EmailDomainCheckStatus.Warning,
                MxStatus.NoMail => EmailDomainCheckStatus.Fail,
                _ => EmailDomainCheckStatus.TempError,
            },
            CheckStatus = r.Status.ToString(),
            Summary = r.IsNullMx ? "null MX: accepts no mail" : r.HostCount == 0 ? null
                : $"{r.HostCount} host(s), {r.AddressCount} address(es), {r.ForwardConfirmedCount} forward-confirmed",
            Records = (r.Hosts ?? Array.Empty<MxHost>()).Where(h => !h.IsImplicit).Select(h => h.ToString()).ToArray(),
            Findings = r.Findings,
            Store = report => { report.Mx = r; report.MxCount = r.HostCount; },
        };

        private static CheckOutcome MtaSts(MtaStsPolicy p) => new CheckOutcome
        {
            Status = p.Status switch
            {
                MtaStsStatus.Valid => p.Mode == MtaStsMode.Enforce ? EmailDomainCheckStatus.Pass : EmailDomainCheckStatus.Warning,
                MtaStsStatus.RecordOnly => EmailDomainCheckStatus.Pass,
                MtaStsStatus.NotFound => EmailDomainCheckStatus.Missing,
                MtaStsStatus.TempError => EmailDomainCheckStatus.TempError,
                _ => EmailDomainCheckStatus.Fail,
            },
            CheckStatus = p.Status.ToString(),
            Summary = p.Mode == null ? p.PolicyFetchError : $"mode {p.Mode.ToString().ToLowerInvariant()}, max_age {p.MaxAge}, mx {string.Join(" ", p.MxPatterns ?? Array.Empty<string>())}",
            Records = new[] { p.Record, p.PolicyText == null ? null : p.PolicyUrl + ": " + p.PolicyText.Replace("\r\n", "\n").Replace('\n', ' ').Trim() }.Where(x => x != null).ToArray(),
            Findings = p.Findings,
            Store = report => { report.MtaSts = p; report.MtaStsMode = p.Mode?.ToString().ToLowerInvariant() ?? p.Status.ToString(); },
        };

        private static CheckOutcome TlsRpt(TlsRptRecord r) => new CheckOutcome
        {
            Status = r.Status switch
            {
                TlsRptStatus.Valid => EmailDomainCheckStatus.Pass,
                TlsRptStatus.NotFound => EmailDomainCheckStatus.Missing,
                TlsRptStatus.InvalidRecord => EmailDomainCheckStatus.Fail,
                _ => EmailDomainCheckStatus.TempError,
            },
            CheckStatus = r.Status.ToString(),
            Summary = r.ReportUris == null || r.ReportUris.Length == 0 ? null : string.Join(" ", r.ReportUris),
            Records = r.Record == null ? Array.Empty<string>() : new[] { r.Record },
            Findings = r.Findings,
            Store = report => { report.TlsRptRecord = r; report.TlsRpt = r.Status.ToString(); },
        };

        private static CheckOutcome Bimi(BimiRecord r) => new CheckOutcome
        {
            Status = r.Status switch
            {
                BimiStatus.Valid => EmailDomainCheckStatus.Pass,
                BimiStatus.RecordOnly => EmailDomainCheckStatus.Pass,
                BimiStatus.Declined => EmailDomainCheckStatus.Pass,
                BimiStatus.NotFound => EmailDomainCheckStatus.Missing,
                BimiStatus.TempError => EmailDomainCheckStatus.TempError,
                _ => EmailDomainCheckStatus.Fail,
            },
            CheckStatus = r.Status.ToString(),
            Summary = r.Location == null ? null : r.Location + (r.CertificateType == null ? "" : $" ({r.CertificateType})"),
            Records = r.Record == null ? Array.Empty<string>() : new[] { r.Record },
            Findings = r.Findings,
            Store = report => { report.BimiRecord = r; report.Bimi = r.Status.ToString(); },
        };

        private static CheckOutcome Dnssec(DnssecStatusResult r) => new CheckOutcome
        {
            Status = r.Status switch
            {
                SmtpTools.DnssecStatus.Validated => EmailDomainCheckStatus.Pass,
                SmtpTools.DnssecStatus.Unsigned => EmailDomainCheckStatus.Missing,
                SmtpTools.DnssecStatus.SignedNotValidated => EmailDomainCheckStatus.Warning,
                SmtpTools.DnssecStatus.Bogus => EmailDomainCheckStatus.Fail,
                _ => EmailDomainCheckStatus.TempError,
            },
            CheckStatus = r.Status.ToString(),
            Summary = r.Detail,
            Findings = r.Findings,
            Store = report => { report.DnssecStatus = r; report.Dnssec = r.Status.ToString(); },
        };

        private static CheckOutcome Blocklist(IReadOnlyList<DnsBlocklistResult> results)
        {
            bool listed = results.Any(r => r.Status == DnsBlocklistStatus.Listed);
            var status = listed ? EmailDomainCheckStatus.Fail
                : results.Any(r => r.Status == DnsBlocklistStatus.TempError) ? EmailDomainCheckStatus.TempError
                : results.Any(r => r.Status == DnsBlocklistStatus.NotListed) ? EmailDomainCheckStatus.Pass
                : EmailDomainCheckStatus.Warning;
            return new CheckOutcome
            {
                Status = status,
                CheckStatus = string.Join(";", results.Select(r => r.Status).Distinct()),
                Summary = listed
                    ? "listed: " + string.Join(", ", results.Where(r => r.IsListed).Select(r => $"{r.Subject} on {r.ListedOn.Replace(";", ", ")}"))
                    : $"{results.Count(r => r.Status == DnsBlocklistStatus.NotListed)} of {results.Count} subject(s) checked, none listed",
                Findings = Finding.Deduplicate(results.SelectMany(r => r.Findings), null).ToArray(),
                Store = report =>
                {
                    report.Blocklist = results.ToArray();
                    report.Listed = listed ? true : status == EmailDomainCheckStatus.Pass ? false : (bool?)null;
                },
            };
        }

        private static CheckOutcome Dkim(IReadOnlyList<DkimRecordCheck> checks)
        {
            var found = checks.Where(c => c.Found).ToList();
            var usable = found.Where(c => c.IsUsable).ToList();
            EmailDomainCheckStatus status;
            if (usable.Any(c => c.Status == DkimRecordStatus.Valid)) status = EmailDomainCheckStatus.Pass;
            else if (usable.Count > 0) status = EmailDomainCheckStatus.Warning;
            else if (checks.Any(c => c.Status == DkimRecordStatus.LookupFailed)) status = EmailDomainCheckStatus.TempError;
            else if (found.Count > 0 || checks.Any(c => c.CnameTarget != null)) status = EmailDomainCheckStatus.Fail;
            else status = EmailDomainCheckStatus.Missing;
            var selectors = string.Join(";", found.Select(c => c.Selector));
            return new CheckOutcome
            {
                Status = status,
                CheckStatus = string.Join(";", checks.Select(c => c.Status).Distinct()),
                Summary = found.Count == 0 ? null : string.Join(", ", found.Select(c => $"{c.Selector} ({c.KeyAlgorithm} {c.KeyLength})")),
                Records = found.Select(c => $"{c.DnsName}: {c.Record}").ToArray(),
                Findings = checks.SelectMany(c => c.Findings).ToArray(),
                Store = report => { report.Dkim = checks.ToArray(); report.DkimSelectorsFound = selectors; },
            };
        }
    }
}
