using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Mx;

namespace SmtpTools.Core.Blocklists
{
    /// <summary>Settings for <see cref="DnsBlocklistChecker"/>.</summary>
    public sealed class DnsBlocklistOptions
    {
        /// <summary>The lists to ask; null: <see cref="DnsBlocklistZone.Default"/>.</summary>
        public IReadOnlyList<DnsBlocklistZone> Zones { get; set; }
        /// <summary>For a domain, also check the addresses of its MX hosts (its own address when it has no MX).</summary>
        public bool IncludeMx { get; set; }
    }

    /// <summary>
    /// Test-DnsBlocklist's engine (RFC 5782). Before a list is asked about anything, its test points (RFC 5782 5:
    /// 127.0.0.2 and ::FFFF:7F00:2 listed, 127.0.0.1 and ::FFFF:7F00:1 not; TEST listed and INVALID not for domain lists)
    /// are asked, once per list and kind per instance (one instance per pipeline). A list that fails them through this
    /// resolver — a resolver that rewrites NXDOMAIN, a dead list, one that lists everything, one that refuses the
    /// resolver — is reported unusable and not asked, so its answers cannot become false listings. Answers count only
    /// in 127.0.0.0/8, error codes (127.255.255.x and the list's own) are refusals, never listings, and a listing's TXT
    /// record is fetched for its reason. A list's kind comes from its definition or, when unknown, from which test
    /// points it serves; a subject is asked only of lists of its kind.
    /// </summary>
    public sealed class DnsBlocklistChecker
    {
        private enum Family { IPv4, IPv6, Domain }

        private enum ProbeOutcome { Works, NotServed, Refused, Rewritten, ListsEverything, TempError }

        private sealed class Probe
        {
            public Probe(ProbeOutcome outcome, string detail) { Outcome = outcome; Detail = detail; }
            public ProbeOutcome Outcome { get; }
            public string Detail { get; }
        }

        private readonly IDnsResolver _resolver;
        private readonly IOperationSink _sink;
        private readonly IReadOnlyList<BlocklistZone> _zones;
        private readonly bool _includeMx;
        private readonly MxChecker _mx;
        private readonly ConcurrentDictionary<(string, Family), Lazy<Task<Probe>>> _probes = new ConcurrentDictionary<(string, Family), Lazy<Task<Probe>>>();
        private readonly ConcurrentDictionary<string, bool> _warned = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        /// <exception cref="Errors.SmtpToolsException">InvalidDnsBlocklistZone: a zone name or return code is malformed.</exception>
        public DnsBlocklistChecker(IDnsResolver resolver, DnsBlocklistOptions options = null, IOperationSink sink = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            options = options ?? new DnsBlocklistOptions();
            _sink = sink ?? NullOperationSink.Instance;
            _zones = BlocklistZone.From(options.Zones);
            _includeMx = options.IncludeMx;
            _mx = new MxChecker(resolver, new MxCheckOptions { ReverseDns = false, Dnssec = false });
        }

        /// <summary>The zones asked, after checking and de-duplication.</summary>
        public IReadOnlyList<string> Zones => _zones.Select(z => z.Name).ToList();

        /// <summary>Checks one IP address against the IP lists.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidIPAddress.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<DnsBlocklistResult> CheckAddressAsync(string input, CancellationToken cancellationToken)
        {
            var address = DomainNames.ParseIPAddress(input);
            return await CheckSubjectAsync(address.ToString(), address.ToString(), address, null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Checks a domain against the domain lists and, with <see cref="DnsBlocklistOptions.IncludeMx"/>, the addresses of
        /// its MX hosts against the IP lists (one result each, after the domain's). An IP address given here is checked as
        /// an address, so a mixed list of addresses and domains can be piped in.
        /// </summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<IReadOnlyList<DnsBlocklistResult>> CheckDomainAsync(string input, CancellationToken cancellationToken)
        {
            if (DomainNames.TryParseIPAddress(input, out var address))
                return new[] { await CheckSubjectAsync(address.ToString(), address.ToString(), address, null, cancellationToken).ConfigureAwait(false) };
            string domain = DomainNames.Normalize(input);
            var mx = _includeMx ? _mx.CheckAsync(domain, cancellationToken) : null;
            var own = await CheckSubjectAsync(domain, domain, null, null, cancellationToken).ConfigureAwait(false);
            if (mx == null) return new[] { own };

            var mxResult = await mx.ConfigureAwait(false);
            var results = new List<DnsBlocklistResult> { own };
            if (mxResult.Status == MxStatus.TempError)
            {
                var failures = mxResult.Findings.Where(f => f.Is(FindingCatalog.MxLookupFailed)).Select(f => f.Message);
                AddFindings(own, new[] { FindingCatalog.DnsBlocklistLookupFailed.Create($"The MX addresses of {domain} could not all be found, so some were not checked: {string.Join(" ", failures)}") });
                if (own.Status != DnsBlocklistStatus.Listed) own.Status = DnsBlocklistStatus.TempError;
            }
            // One result per address, in preference order, naming every host that has it.
            var addresses = new List<(IPAddress Address, List<string> Hosts)>();
            foreach (var host in mxResult.Hosts.Where(h => h.IsUsable))
                foreach (var a in host.Addresses)
                {
                    var ip = IPAddress.Parse(a.Address);
                    var seen = addresses.FirstOrDefault(x => x.Address.Equals(ip));
                    string label = host.IsImplicit ? "implicit MX " + host.Name : "MX " + host.Name;
                    if (seen.Address == null) addresses.Add((ip, new List<string> { label }));
                    else if (!seen.Hosts.Contains(label)) seen.Hosts.Add(label);
                }
            var checks = addresses.Select(x => CheckSubjectAsync(domain, x.Address.ToString(), x.Address, string.Join(", ", x.Hosts), cancellationToken));
            results.AddRange(await Task.WhenAll(checks).ConfigureAwait(false));
            return results;
        }

        private async Task<DnsBlocklistResult> CheckSubjectAsync(string input, string subject, IPAddress address, string source, CancellationToken ct)
        {
            var family = address == null ? Family.Domain : address.AddressFamily == AddressFamily.InterNetworkV6 ? Family.IPv6 : Family.IPv4;
            var listings = await Task.WhenAll(_zones.Select(z => AskAsync(z, family, subject, address, ct))).ConfigureAwait(false);
            var applicable = listings.Where(l => l != null).ToArray();
            var result = new DnsBlocklistResult
            {
                Input = input,
                Subject = subject,
                SubjectType = address == null ? DnsBlocklistType.Domain : DnsBlocklistType.IPAddress,
                Source = source,
                Listings = applicable.Select(l => l.Listing).ToArray(),
            };
            result.Status = applicable.Length == 0 ? DnsBlocklistStatus.NotChecked
                : result.IsListed ? DnsBlocklistStatus.Listed
                : applicable.Any(l => l.Listing.Status == DnsBlocklistListStatus.TempError) ? DnsBlocklistStatus.TempError
                : applicable.Any(l => l.Listing.Status == DnsBlocklistListStatus.NotListed) ? DnsBlocklistStatus.NotListed
                : DnsBlocklistStatus.Unknown;
            var findings = applicable.SelectMany(l => l.Findings).ToList();
            if (applicable.Length == 0)
                findings.Add(FindingCatalog.DnsBlocklistNotApplicable.Create(
                    $"None of the lists asked ({string.Join(", ", _zones)}) lists {KindText(family)}, so {subject} was not checked."));
            AddFindings(result, findings);
            return result;
        }

        private static void AddFindings(DnsBlocklistResult result, IEnumerable<Finding> more)
        {
            result.Findings = Finding.Deduplicate(result.Findings.Concat(more), result.Subject).ToArray();
        }

        private sealed class Asked
        {
            public DnsBlocklistListing Listing;
            public List<Finding> Findings = new List<Finding>();
        }

        /// <summary>One list's answer about the subject; null when the list is not of the subject's kind.</summary>
        private async Task<Asked> AskAsync(BlocklistZone zone, Family family, string subject, IPAddress address, CancellationToken ct)
        {
            if (!Serves(zone, family)) return null;
            var probe = await ProbeAsync(zone, family, ct).ConfigureAwait(false);
            var asked = new Asked { Listing = new DnsBlocklistListing { Zone = zone.Name } };
            var listing = asked.Listing;
            if (probe.Outcome != ProbeOutcome.Works)
            {
                // Another kind of list (an IPv4-only list and an IPv6 address, a domain list and an address)?
                foreach (var other in Families(zone).Where(f => f != family))
                    if ((await ProbeAsync(zone, other, ct).ConfigureAwait(false)).Outcome == ProbeOutcome.Works) return null;
                var worst = await WorstAsync(zone, probe, ct).ConfigureAwait(false);
                listing.Detail = worst.Detail;
                switch (worst.Outcome)
                {
                    case ProbeOutcome.Refused:
                        listing.Status = DnsBlocklistListStatus.QueryRefused;
                        asked.Findings.Add(FindingCatalog.DnsBlocklistQueryRefused.Create($"{zone.Name}: {worst.Detail}"));
                        break;
                    case ProbeOutcome.TempError:
                        listing.Status = DnsBlocklistListStatus.TempError;
                        asked.Findings.Add(FindingCatalog.DnsBlocklistLookupFailed.Create($"{zone.Name}: {worst.Detail}"));
                        break;
                    default:
                        listing.Status = DnsBlocklistListStatus.ListUnusable;
                        asked.Findings.Add(FindingCatalog.DnsBlocklistUnusable.Create($"{zone.Name}: list unusable via this resolver: {worst.Detail}"));
                        break;
                }
                return asked;
            }

            listing.QueryName = address == null ? subject + "." + zone.Name : BlocklistAnswer.QueryName(address, zone.Name);
            var a = await _resolver.GetAddressesAsync(listing.QueryName, AddressFamily.InterNetwork, ct).ConfigureAwait(false);
            if (a.Status == DnsResponseStatus.InvalidName)
            {
                listing.Status = DnsBlocklistListStatus.ListUnusable;
                listing.Detail = $"{listing.QueryName} is longer than a DNS name may be, so {subject} cannot be asked of {zone.Name}.";
                asked.Findings.Add(FindingCatalog.DnsBlocklistUnusable.Create(listing.Detail));
                return asked;
            }
            if (a.IsTemporaryFailure)
            {
                listing.Status = DnsBlocklistListStatus.TempError;
                listing.Detail = a.Error;
                asked.Findings.Add(FindingCatalog.DnsBlocklistLookupFailed.Create($"{zone.Name}: {a.Error}"));
                return asked;
            }
            var read = BlocklistAnswer.Read(zone, a.Records);
            listing.ReturnCodes = read.ListingCodes.Concat(read.Refusals.Select(r => r.Code)).ToArray();
            if (read.IsRefused)
            {
                listing.Status = DnsBlocklistListStatus.QueryRefused;
                listing.Detail = read.RefusalText;
                asked.Findings.Add(FindingCatalog.DnsBlocklistQueryRefused.Create($"{zone.Name} about {subject}: {listing.Detail}"));
                return asked;
            }
            if (read.Outside.Count > 0)
                asked.Findings.Add(FindingCatalog.DnsBlocklistAnswerIgnored.Create(
                    $"{zone.Name} answered {string.Join(", ", read.Outside)} for {subject}: outside 127.0.0.0/8, not a listing."));
            if (!read.IsListed)
            {
                listing.Status = DnsBlocklistListStatus.NotListed;
                return asked;
            }
            listing.Status = DnsBlocklistListStatus.Listed;
            listing.Reasons = read.Reasons.ToArray();
            var txt = await _resolver.GetTxtAsync(listing.QueryName, ct).ConfigureAwait(false);
            listing.Text = txt.Records.Count == 0 ? null : string.Join(" ", txt.Records.Select(r => r.Text));
            asked.Findings.Add(FindingCatalog.DnsBlocklistListed.Create(
                $"{subject} is listed on {zone.Name}: {string.Join(", ", read.Reasons)} ({string.Join(", ", read.ListingCodes)})" + (listing.Text == null ? "." : $"; the list says: {listing.Text}")));
            return asked;
        }

        private static bool Serves(BlocklistZone zone, Family family) => Families(zone).Contains(family);

        private static IEnumerable<Family> Families(BlocklistZone zone)
        {
            if (zone.Type != DnsBlocklistType.Domain) { yield return Family.IPv4; yield return Family.IPv6; }
            if (zone.Type != DnsBlocklistType.IPAddress) yield return Family.Domain;
        }

        /// <summary>
        /// Of a list that serves no kind: what says most about why (a refusal before a rewrite before a dead list), from
        /// the subject's own test point when it says as much. The warning, once per list, names the IPv4 or domain test
        /// point where it can, whichever subject got there first.
        /// </summary>
        private async Task<Probe> WorstAsync(BlocklistZone zone, Probe first, CancellationToken ct)
        {
            var general = new List<Probe>();
            foreach (var f in Families(zone).OrderBy(f => f == Family.IPv6)) general.Add(await ProbeAsync(zone, f, ct).ConfigureAwait(false));
            var worst = Worst(new[] { first }.Concat(general));
            var warning = Worst(general);
            if (warning.Outcome != ProbeOutcome.TempError && _warned.TryAdd(zone.Name, true))
                _sink.Warning($"{zone.Name}: {(warning.Outcome == ProbeOutcome.Refused ? "" : "list unusable via this resolver: ")}{warning.Detail}");
            return worst;
        }

        private static Probe Worst(IEnumerable<Probe> probes)
        {
            var all = probes.ToList();
            ProbeOutcome[] order = { ProbeOutcome.Refused, ProbeOutcome.TempError, ProbeOutcome.Rewritten, ProbeOutcome.ListsEverything, ProbeOutcome.NotServed };
            return order.Select(o => all.FirstOrDefault(p => p.Outcome == o)).First(p => p != null);
        }

        /// <summary>The list's test points for one kind, asked once per run; a failed probe is forgotten, so the next subject asks again.</summary>
        private async Task<Probe> ProbeAsync(BlocklistZone zone, Family family, CancellationToken ct)
        {
            var key = (zone.Name, family);
            var entry = _probes.GetOrAdd(key, _ => new Lazy<Task<Probe>>(() => RunProbeAsync(zone, family, ct)));
            var probe = await entry.Value.ConfigureAwait(false);
            if (probe.Outcome == ProbeOutcome.TempError)
                ((ICollection<KeyValuePair<(string, Family), Lazy<Task<Probe>>>>)_probes).Remove(new KeyValuePair<(string, Family), Lazy<Task<Probe>>>(key, entry));
            return probe;
        }

        /// <summary>RFC 5782 5: the entry that must be listed, then the one that must not.</summary>
        private async Task<Probe> RunProbeAsync(BlocklistZone zone, Family family, CancellationToken ct)
        {
            string listed, unlisted, label, unlistedLabel;
            switch (family)
            {
                case Family.IPv4:
                    (label, unlistedLabel) = ("127.0.0.2", "127.0.0.1");
                    listed = "2.0.0.127." + zone.Name;
                    unlisted = "1.0.0.127." + zone.Name;
                    break;
                case Family.IPv6:
                    (label, unlistedLabel) = ("::FFFF:7F00:2", "::FFFF:7F00:1");
                    listed = BlocklistAnswer.QueryName(IPAddress.Parse(label), zone.Name);
                    unlisted = BlocklistAnswer.QueryName(IPAddress.Parse(unlistedLabel), zone.Name);
                    break;
                default:
                    (label, unlistedLabel) = ("TEST", "INVALID");
                    listed = "test." + zone.Name;
                    unlisted = "invalid." + zone.Name;
                    break;
            }
            var positive = _resolver.GetAddressesAsync(listed, AddressFamily.InterNetwork, ct);
            var negative = _resolver.GetAddressesAsync(unlisted, AddressFamily.InterNetwork, ct);
            var p = await positive.ConfigureAwait(false);
            var n = await negative.ConfigureAwait(false);
            if (p.IsTemporaryFailure) return new Probe(ProbeOutcome.TempError, $"its test point {label} could not be asked: {p.Error}");
            var pr = BlocklistAnswer.Read(zone, p.Records);
            if (pr.IsRefused) return new Probe(ProbeOutcome.Refused, $"{pr.RefusalText}, for its test point {label}");
            if (pr.ListingCodes.Count == 0)
            {
                if (pr.Outside.Count > 0)
                    return new Probe(ProbeOutcome.Rewritten, $"its test point {label} ({listed}) answered {string.Join(", ", pr.Outside)}, outside 127.0.0.0/8: a resolver that rewrites NXDOMAIN answers?");
                return new Probe(ProbeOutcome.NotServed, $"its test point {label} is not listed ({(p.Status == DnsResponseStatus.NonExistentDomain ? "NXDOMAIN" : "no address")}): a dead list, a mistyped name, or not a list of {KindText(family)}");
            }
            if (n.IsTemporaryFailure) return new Probe(ProbeOutcome.TempError, $"its test point {unlistedLabel} could not be asked: {n.Error}");
            var nr = BlocklistAnswer.Read(zone, n.Records);
            if (nr.IsRefused) return new Probe(ProbeOutcome.Refused, $"{nr.RefusalText}, for its test point {unlistedLabel}");
            if (nr.ListingCodes.Count > 0)
                return new Probe(ProbeOutcome.ListsEverything, $"it lists {unlistedLabel} ({unlisted}), which no list may list: it answers \"listed\" for everything (a list that was shut down?)");
            if (nr.Outside.Count > 0)
                return new Probe(ProbeOutcome.Rewritten, $"its test point {unlistedLabel} ({unlisted}) answered {string.Join(", ", nr.Outside)}, outside 127.0.0.0/8: a resolver that rewrites NXDOMAIN answers?");
            return new Probe(ProbeOutcome.Works, null);
        }

        private static string KindText(Family family) =>
            family == Family.IPv4 ? "IPv4 addresses" : family == Family.IPv6 ? "IPv6 addresses" : "domain names";
    }
}
