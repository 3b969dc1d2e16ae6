using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dane;
using SmtpTools.Core.Dns;
using SmtpTools.Core.MtaSts;
using SmtpTools.Core.Mx;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Threading;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// Test-EmailDomain -ProbeMx: the MX hosts of a domain probed over SMTP with the session layer's prober (STARTTLS,
    /// as Test-MtaStsPolicy -ProbeMx probes them), once per host and port for the whole pipeline, so the SmtpTls and Dane
    /// checks of a domain, and every domain hosted on the same MX hosts, share one connection per host.
    /// </summary>
    internal sealed class MxProbes
    {
        private readonly SmtpConnectionProber _prober;
        private readonly SmtpProbeOptions _options;
        private readonly MxChecker _mx;
        // One entry per distinct MX host (the facts and a short transcript); 10,000 is far beyond a run.
        private readonly SharedTaskCache<SmtpConnectionResult> _probes = new SharedTaskCache<SmtpConnectionResult>(10000, StringComparer.OrdinalIgnoreCase);

        public MxProbes(IDnsResolver resolver, EmailDomainOptions options)
        {
            Port = options.SmtpPort;
            _prober = new SmtpConnectionProber(resolver, options.Sink);
            // Revocation is not asked for: SMTP senders do not check it, and the fetch would leave for the CA's servers.
            _options = new SmtpProbeOptions { Security = SmtpSecurity.StartTls, Timeout = options.SmtpTimeout, ResolveWithDnsLayer = true, CheckCertificateRevocation = false };
            _mx = new MxChecker(resolver, new MxCheckOptions { ReverseDns = false, Dnssec = false });
        }

        /// <summary>The SMTP port probed (25, as senders connect; tests use another) and named in the TLSA owner names.</summary>
        public int Port { get; }

        /// <summary>
        /// The probe of one MX host. The result is shared by every domain naming the host, so its Domain and MxPreference
        /// are empty: the report it is part of names the domain.
        /// </summary>
        public Task<SmtpConnectionResult> ProbeAsync(string host, CancellationToken cancellationToken) =>
            _probes.GetOrStart(host + ":" + Port, () => _prober.ProbeAsync(new SmtpProbeTarget(host, Port), _options, cancellationToken));

        /// <summary>SmtpTls: every usable MX host probed, in preference order (a host listed twice once).</summary>
        public async Task<SmtpTlsProbe> ProbeDomainAsync(string domain, CancellationToken cancellationToken)
        {
            var mx = await _mx.CheckAsync(domain, cancellationToken).ConfigureAwait(false);
            var hosts = mx.Hosts.Where(h => h.IsUsable).Select(h => h.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var probes = await Task.WhenAll(hosts.Select(h => ProbeAsync(h, cancellationToken))).ConfigureAwait(false);
            return new SmtpTlsProbe(mx, probes, probes.Select((p, i) => MtaStsChecker.ProbeFacts(hosts[i], Port, p)).ToArray());
        }

        /// <summary>
        /// Dane with -ProbeMx: DNS decides first (<paramref name="byDns"/>, DaneChecker without a handshaker); each host whose
        /// certificate must be matched is probed and its presented chain judged by DaneChecker.Evaluate, as
        /// Test-SmtpConnection -Dane does: one row for the address the probe connected to.
        /// </summary>
        public async Task<DaneResult[]> MatchAsync(DaneChecker checker, DaneResult[] byDns, CancellationToken cancellationToken)
        {
            var hosts = byDns.Where(NeedsMatch).Select(r => r.MxHost).Distinct(StringComparer.Ordinal).ToList();
            if (hosts.Count == 0) return byDns;
            var matched = await Task.WhenAll(hosts.Select(async host =>
            {
                var dns = checker.LookupAsync(host, Port, cancellationToken);
                var probe = await ProbeAsync(host, cancellationToken).ConfigureAwait(false);
                IPAddress.TryParse(probe.IPAddress ?? "", out var address);
                return checker.Evaluate(await dns.ConfigureAwait(false), address, StartTlsHandshake.FromProbe(probe));
            })).ConfigureAwait(false);
            var rows = new List<DaneResult>();
            foreach (var row in byDns)
            {
                int i = NeedsMatch(row) ? hosts.IndexOf(row.MxHost) : -1;
                if (i < 0) { rows.Add(row); continue; }
                if (matched[i] == null) continue; // the host's other addresses: the probe judged the one it reached
                matched[i].Domain = row.Domain;
                matched[i].Preference = row.Preference;
                rows.Add(matched[i]);
                matched[i] = null;
            }
            return rows.ToArray();
        }

        /// <summary>A row DaneChecker left for a connection to decide (validated, usable TLSA records).</summary>
        internal static bool NeedsMatch(DaneResult row) => row.Status == DaneStatus.NotChecked && row.TlsaName != null && row.UsableRecordCount > 0;
    }

    /// <summary>What -ProbeMx found on a domain's MX hosts: the MX lookup, each probe, and what a sender requiring TLS makes of it.</summary>
    internal sealed class SmtpTlsProbe
    {
        public SmtpTlsProbe(MxRecordResult mx, SmtpConnectionResult[] probes, MtaStsMxHost[] verdicts) { Mx = mx; Probes = probes; Verdicts = verdicts; }
        public MxRecordResult Mx { get; }
        public SmtpConnectionResult[] Probes { get; }
        public MtaStsMxHost[] Verdicts { get; }
    }
}
