using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Mx;

namespace SmtpTools.Core.Dane
{
    /// <summary>What DNS says about one MX host for DANE, before any connection: its TLSA records and addresses.</summary>
    public sealed class DaneHostDns
    {
        internal DaneHostDns(string host, string baseDomain, int port, DnsAnswer<DnsTlsaRecord> tlsa, IReadOnlyList<IPAddress> addresses, bool addressValidated, string addressError)
        {
            Host = host;
            BaseDomain = baseDomain;
            Port = port;
            Tlsa = tlsa;
            Addresses = addresses;
            AddressValidated = addressValidated;
            AddressError = addressError;
        }

        /// <summary>The MX host name.</summary>
        public string Host { get; }
        /// <summary>
        /// The TLSA base domain (RFC 7672 2.2.2): the host, or the target of its CNAME when the alias is validated and the
        /// target publishes TLSA records.
        /// </summary>
        public string BaseDomain { get; }
        public int Port { get; }
        /// <summary>_port._tcp.basedomain (RFC 6698 3).</summary>
        public string TlsaName => DaneChecker.TlsaName(BaseDomain, Port);
        /// <summary>The names a DANE-TA match must find in the certificate: the TLSA base domain and the MX host name (RFC 7672 3.2.2).</summary>
        public IReadOnlyList<string> ReferenceNames => BaseDomain == Host ? new[] { Host } : new[] { BaseDomain, Host };
        public DnsAnswer<DnsTlsaRecord> Tlsa { get; }
        /// <summary>The host's IPv4 and IPv6 addresses.</summary>
        public IReadOnlyList<IPAddress> Addresses { get; }
        /// <summary>Both the A and the AAAA answer were DNSSEC-validated.</summary>
        public bool AddressValidated { get; }
        /// <summary>Why an address question failed, or null.</summary>
        public string AddressError { get; }

        /// <summary>
        /// Only a host with usable, validated TLSA records and validated addresses needs its certificate matched; every
        /// other verdict follows from DNS alone (and a sender would not insist on TLS there).
        /// </summary>
        public bool NeedsHandshake => Tlsa.IsSuccess && Tlsa.Authenticated && Tlsa.Records.Any(TlsaMatcher.IsUsable)
            && AddressError == null && AddressValidated;
    }

    /// <summary>
    /// DANE for SMTP (RFC 7672): for each MX host of a domain (or a host given), the TLSA records at
    /// <c>_port._tcp.host</c> through the resolver asked, trusted only with its AD bit (RFC 7672 2.2: a resolver that does
    /// not validate gives Unverifiable, never a pass), then for every address the chain the server presents after
    /// STARTTLS matched by <see cref="TlsaMatcher"/>. One result per MX host and address: Match, NoMatch, NoTlsa,
    /// Unverifiable, TlsFailed or TempError (a DNS failure, including the SERVFAIL of a bogus zone, or no connection).
    /// Test-SmtpConnection -Dane uses <see cref="LookupAsync"/> and <see cref="Evaluate"/> around its own probe.
    /// </summary>
    public sealed class DaneChecker
    {
        private readonly IDnsResolver _resolver;
        private readonly IStartTlsHandshaker _handshaker;
        private readonly int _port;
        private readonly Func<DateTime> _utcNow;

        /// <param name="handshaker">Connects for <see cref="CheckDomainAsync"/> and <see cref="CheckHostAsync(string, CancellationToken)"/>;
        /// null: they judge by DNS alone (a host whose certificate would have to be matched is NotChecked, with its
        /// validated TLSA records), and <see cref="LookupAsync"/> and <see cref="Evaluate"/> serve a probe made elsewhere.</param>
        /// <param name="port">The SMTP port connected to and named in the TLSA owner (25 between MTAs).</param>
        /// <param name="utcNow">The clock for certificate dates (tests); DateTime.UtcNow by default.</param>
        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">port is not 1-65535.</exception>
        public DaneChecker(IDnsResolver resolver, IStartTlsHandshaker handshaker, int port = 25, Func<DateTime> utcNow = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _handshaker = handshaker;
            if (port < 1 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 1-65535.");
            _port = port;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        public static string TlsaName(string host, int port) => $"_{port}._tcp.{host}";

        /// <summary>Every MX host of <paramref name="domain"/> in preference order (the domain itself for an implicit MX), per address.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName: <paramref name="domain"/> is not a domain name.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<DaneResult[]> CheckDomainAsync(string domain, CancellationToken cancellationToken)
        {
            string name = DomainNames.Normalize(domain);
            var mx = await new MxChecker(_resolver, new MxCheckOptions { ReverseDns = false, Dnssec = false })
                .CheckAsync(name, cancellationToken).ConfigureAwait(false);
            // A host listed twice is checked once, at its best preference; an IP literal is not a host name to ask TLSA of.
            var hosts = mx.Hosts.Where(h => h.IsUsable && !h.IsIPLiteral)
                .GroupBy(h => h.Name, StringComparer.Ordinal).Select(g => g.First()).ToList();
            if (hosts.Count == 0)
            {
                var row = new DaneResult { Domain = name, Port = _port };
                if (mx.Status == MxStatus.TempError)
                    Set(row, DaneStatus.TempError, $"The MX hosts of {name} could not be looked up: {string.Join("; ", mx.Findings.Select(f => f.Message))}",
                        FindingCatalog.DaneLookupFailed);
                else
                    row.Detail = mx.IsNullMx ? $"{name} publishes a null MX: it accepts no mail, so DANE does not apply."
                        : $"{name} has no mail host with an address: there is nothing to check.";
                return new[] { row };
            }
            var rows = await Task.WhenAll(hosts.Select(h => CheckHostAsync(h.Name, h.Preference, name, cancellationToken))).ConfigureAwait(false);
            return rows.SelectMany(r => r).ToArray();
        }

        /// <summary>
        /// <see cref="CheckDomainAsync"/> with its verdicts per MX host and for the domain (<see cref="DaneSummary"/>): what
        /// Test-SmtpDane writes for one domain.
        /// </summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName: <paramref name="domain"/> is not a domain name.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<DaneDomainResult> CheckAsync(string domain, CancellationToken cancellationToken)
        {
            string name = DomainNames.Normalize(domain);
            var rows = await CheckDomainAsync(name, cancellationToken).ConfigureAwait(false);
            return DaneSummary.Summarize(name, _port, rows);
        }

        /// <summary>One host (as an MX host of no particular domain), per address.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName: <paramref name="host"/> is not a host name.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public Task<DaneResult[]> CheckHostAsync(string host, CancellationToken cancellationToken)
        {
            string name = DomainNames.NormalizeHost(host);
            if (IPAddress.TryParse(name, out _)) return Task.FromResult(new[] { ForAddress(name, _port) });
            return CheckHostAsync(name, null, null, cancellationToken);
        }

        /// <summary>The result for a server given by address: NotChecked, because TLSA records belong to a host name.</summary>
        public static DaneResult ForAddress(string address, int port) => new DaneResult
        {
            MxHost = address,
            Address = address,
            Port = port,
            Detail = $"{address} is an address: DANE needs the MX host's name, whose TLSA records (_{port}._tcp.<name>) authenticate it.",
        };

        private async Task<DaneResult[]> CheckHostAsync(string host, int? preference, string domain, CancellationToken cancellationToken)
        {
            var dns = await LookupAsync(host, _port, cancellationToken).ConfigureAwait(false);
            DaneResult[] rows;
            if (dns.Addresses.Count == 0)
                rows = new[] { Evaluate(dns, null, null) };
            else if (!dns.NeedsHandshake)
                rows = dns.Addresses.Select(a => Evaluate(dns, a, null)).ToArray();
            else if (_handshaker == null)
                rows = dns.Addresses.Select(a => Unmatched(dns, a)).ToArray();
            else
                rows = await Task.WhenAll(dns.Addresses.Select(async a =>
                    Evaluate(dns, a, await _handshaker.HandshakeAsync(host, a, _port, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
            foreach (var row in rows)
            {
                row.Domain = domain;
                row.Preference = preference;
            }
            return rows;
        }

        /// <summary>The TLSA records of <paramref name="host"/> for <paramref name="port"/> and its addresses, asked concurrently.</summary>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<DaneHostDns> LookupAsync(string host, int port, CancellationToken cancellationToken)
        {
            var tlsa = _resolver.GetTlsaAsync(TlsaName(host, port), cancellationToken);
            var v4 = _resolver.GetAddressesAsync(host, AddressFamily.InterNetwork, cancellationToken);
            var v6 = _resolver.GetAddressesAsync(host, AddressFamily.InterNetworkV6, cancellationToken);
            await Task.WhenAll(tlsa, v4, v6).ConfigureAwait(false);
            var failed = new[] { v4.Result, v6.Result }.FirstOrDefault(a => a.IsTemporaryFailure);
            bool addressValidated = v4.Result.Authenticated && v6.Result.Authenticated;
            var tlsaAnswer = tlsa.Result;
            string baseDomain = host;
            // RFC 7672 2.2.2: a host that is a validated alias uses the TLSA records of its target first, the host's own
            // only when the target has none (an unvalidated alias could point anywhere, so only the host's own count).
            string target = v4.Result.Aliases.LastOrDefault() ?? v6.Result.Aliases.LastOrDefault();
            if (target != null && addressValidated && failed == null)
            {
                var expanded = await _resolver.GetTlsaAsync(TlsaName(target, port), cancellationToken).ConfigureAwait(false);
                if (expanded.IsTemporaryFailure || expanded.Records.Count > 0)
                {
                    tlsaAnswer = expanded;
                    baseDomain = target;
                }
            }
            return new DaneHostDns(host, baseDomain, port, tlsaAnswer, v4.Result.Records.Concat(v6.Result.Records).ToList(), addressValidated,
                failed == null ? null : $"the address lookup of {host} failed ({failed.Error ?? failed.Status.ToString()})");
        }

        /// <summary>
        /// The verdict for one address of a looked-up host. <paramref name="handshake"/> is what STARTTLS to that address
        /// showed; it is needed only when <see cref="DaneHostDns.NeedsHandshake"/> (otherwise it is ignored and may be null).
        /// </summary>
        /// <exception cref="ArgumentNullException">dns is null, or handshake is null where one is needed.</exception>
        public DaneResult Evaluate(DaneHostDns dns, IPAddress address, StartTlsHandshake handshake)
        {
            if (dns == null) throw new ArgumentNullException(nameof(dns));
            var tlsa = dns.Tlsa;
            var row = NewRow(dns, address);
            if (DecidedByDns(dns, row)) return row;
            if (address == null && (handshake == null || handshake.Outcome == StartTlsOutcome.Completed))
            {
                row.Detail = $"{dns.Host} has no address: there is no server to match its TLSA records against.";
                return row;
            }
            if (handshake == null) throw new ArgumentNullException(nameof(handshake), "This host has usable TLSA records: the handshake is needed.");
            switch (handshake.Outcome)
            {
                case StartTlsOutcome.ConnectFailed:
                    Set(row, DaneStatus.TempError, $"{dns.Host}{(address == null ? "" : $" [{address}]")}:{dns.Port} could not be reached over SMTP ({handshake.Error}), so its certificate could not be matched.",
                        FindingCatalog.DaneConnectionFailed);
                    break;
                case StartTlsOutcome.StartTlsNotOffered:
                    Set(row, DaneStatus.TlsFailed, $"{dns.Host} [{address}]:{dns.Port} publishes usable TLSA records but did not offer STARTTLS{Suffix(handshake.Error)}: DANE senders defer the mail.",
                        FindingCatalog.DaneStartTlsNotOffered);
                    break;
                case StartTlsOutcome.TlsFailed:
                    Set(row, DaneStatus.TlsFailed, $"{dns.Host} [{address}]:{dns.Port} publishes usable TLSA records but the TLS handshake failed{Suffix(handshake.Error)}: DANE senders defer the mail.",
                        FindingCatalog.DaneTlsFailed);
                    break;
                default:
                    var match = TlsaMatcher.Match(tlsa.Records, handshake.PresentedChain, dns.ReferenceNames, _utcNow());
                    row.TlsaRecords = match.Records;
                    row.PresentedChain = handshake.PresentedChain.Select(TlsaMatcher.SubjectOf).ToArray();
                    using (var sha = SHA256.Create())
                        row.CertificateSha256 = BitConverter.ToString(sha.ComputeHash(handshake.PresentedChain[0])).Replace("-", "");
                    row.MatchedRecord = match.MatchedRecord?.ToString();
                    if (match.IsMatch) { row.Status = DaneStatus.Match; row.Detail = match.Detail; }
                    else Set(row, DaneStatus.NoMatch, match.Detail, FindingCatalog.DaneNoMatch);
                    break;
            }
            return row;
        }

        private static DaneResult NewRow(DaneHostDns dns, IPAddress address) => new DaneResult
        {
            MxHost = dns.Host,
            Address = address?.ToString(),
            Port = dns.Port,
            TlsaName = dns.TlsaName,
            TlsaValidated = dns.Tlsa.Authenticated,
            AddressValidated = dns.AddressValidated,
            TlsaRecords = TlsaMatcher.Describe(dns.Tlsa.Records),
        };

        /// <summary>
        /// A host whose certificate would have to be matched, checked without connecting (a checker without handshaker,
        /// Test-EmailDomain without -ProbeMx): NotChecked, with what DNS showed, never a match it did not see.
        /// </summary>
        private static DaneResult Unmatched(DaneHostDns dns, IPAddress address)
        {
            var row = NewRow(dns, address);
            row.Detail = $"{dns.TlsaName} publishes {row.UsableRecordCount} usable TLSA record(s), DNSSEC-validated, and the addresses of {dns.Host} are validated: "
                + "DANE senders will insist on a matching certificate. It was not matched: no connection was made (Test-EmailDomain -ProbeMx or Test-SmtpConnection -Dane match it).";
            return row;
        }

        /// <summary>The verdicts DNS alone decides (in RFC 7672's order of questions); false when the certificate must be matched.</summary>
        private static bool DecidedByDns(DaneHostDns dns, DaneResult row)
        {
            var tlsa = dns.Tlsa;
            string name = dns.TlsaName;
            if (tlsa.IsTemporaryFailure)
                Set(row, DaneStatus.TempError, $"The TLSA lookup of {name} failed ({tlsa.Error ?? tlsa.Status.ToString()}); through a validating resolver a zone whose DNSSEC is broken (bogus) fails this way.",
                    FindingCatalog.DaneLookupFailed);
            else if (tlsa.Records.Count == 0)
            {
                row.Status = DaneStatus.NoTlsa;
                row.Detail = $"{name} has no TLSA record ({(tlsa.Authenticated ? "a validated denial" : "the answer was not DNSSEC-validated")}): DANE is not in use for {dns.Host}.";
            }
            else if (!tlsa.Authenticated)
                Set(row, DaneStatus.Unverifiable, $"Unverifiable: answers not DNSSEC-validated. The TLSA records of {name} came without the AD bit (the zone is not signed, or the resolver asked does not validate), so senders cannot use them.",
                    FindingCatalog.DaneUnverifiable);
            else if (!tlsa.Records.Any(TlsaMatcher.IsUsable))
                Set(row, DaneStatus.NoTlsa, $"No TLSA record of {name} is usable for SMTP (RFC 7672 3.1.3): " + string.Join("; ", row.TlsaRecords.Select(r => $"{r.Usage} {r.Selector} {r.MatchingType}: {r.Detail}")) + ".",
                    FindingCatalog.DaneNoUsableRecord);
            else if (dns.AddressError != null)
                Set(row, DaneStatus.TempError, $"The TLSA records of {name} are validated, but {dns.AddressError}.", FindingCatalog.DaneLookupFailed);
            else if (!dns.AddressValidated)
                Set(row, DaneStatus.Unverifiable, $"Unverifiable: answers not DNSSEC-validated. The TLSA records of {name} are validated but the addresses of {dns.Host} are not, and RFC 7672 2.2.2 lets senders use TLSA only for a host whose addresses are.",
                    FindingCatalog.DaneUnverifiable);
            else
                return false;
            return true;
        }

        private static string Suffix(string error) => string.IsNullOrEmpty(error) ? "" : " (" + error + ")";

        private static void Set(DaneResult row, DaneStatus status, string detail, FindingDefinition finding)
        {
            row.Status = status;
            row.Detail = detail;
            row.Findings = new[] { finding.Create(detail) };
        }
    }
}
