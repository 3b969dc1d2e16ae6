using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Dnssec;
using SmtpTools.Core.Spf;

namespace SmtpTools.Core.Mx
{
    /// <summary>What <see cref="MxChecker"/> looks at beyond the MX records and their addresses.</summary>
    public sealed class MxCheckOptions
    {
        /// <summary>Forward-confirmed reverse DNS of every address (PTR, then the PTR names' addresses).</summary>
        public bool ReverseDns { get; set; } = true;
        /// <summary>The domain's DNSSEC status (<see cref="DnssecChecker"/>).</summary>
        public bool Dnssec { get; set; } = true;
    }

    /// <summary>
    /// Test-MxRecord's engine (RFC 5321 5.1, RFC 7505): the MX records of a domain in preference order, each host's A and
    /// AAAA addresses, and the rules around them — null MX (alone, with preference 0, and not beside an SPF record that
    /// authorises senders), implicit MX, hosts that are aliases, IP literals or have no address, duplicates — plus
    /// forward-confirmed reverse DNS per address and the domain's DNSSEC status. Everything is asked concurrently through
    /// the pipeline's resolver (whose cache makes a provider's MX hosts cost one lookup per run). A failed lookup makes
    /// the result TempError with an MxLookupFailed finding naming it; whatever was learned is still reported.
    /// Test-DnsBlocklist -IncludeMx uses the same engine without reverse DNS and DNSSEC for the MX addresses.
    /// </summary>
    public sealed class MxChecker
    {
        /// <summary>PTR names followed per address at most: a handful is normal, hundreds would be an attack on the checker.</summary>
        private const int MaxPtrNames = 8;

        private readonly IDnsResolver _resolver;
        private readonly MxCheckOptions _options;
        private readonly DnssecChecker _dnssec;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public MxChecker(IDnsResolver resolver, MxCheckOptions options = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _options = options ?? new MxCheckOptions();
            _dnssec = new DnssecChecker(resolver);
        }

        /// <summary>Checks the mail exchangers of <paramref name="domain"/>.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName: <paramref name="domain"/> is not a domain name.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<MxRecordResult> CheckAsync(string domain, CancellationToken cancellationToken)
        {
            string name = DomainNames.Normalize(domain);
            var run = new Run(this, name, cancellationToken);
            var dnssec = _options.Dnssec ? _dnssec.CheckAsync(name, cancellationToken) : null;
            var mx = await _resolver.GetMxAsync(name, cancellationToken).ConfigureAwait(false);
            await run.EvaluateAsync(mx).ConfigureAwait(false);
            var result = run.Finish(dnssec == null ? null : await dnssec.ConfigureAwait(false));
            return result;
        }

        /// <summary>The state of one domain's check (findings are added from several tasks, hence the lock).</summary>
        private sealed class Run
        {
            private readonly MxChecker _owner;
            private readonly string _domain;
            private readonly CancellationToken _ct;
            private readonly List<Finding> _findings = new List<Finding>();
            private readonly List<MxHost> _hosts = new List<MxHost>();
            private bool _tempError, _nullMx, _implicitMx, _notFound, _noMail;

            public Run(MxChecker owner, string domain, CancellationToken ct)
            {
                _owner = owner;
                _domain = domain;
                _ct = ct;
            }

            private IDnsResolver Resolver => _owner._resolver;

            private void Add(Finding finding)
            {
                lock (_findings) _findings.Add(finding);
            }

            private void LookupFailed(string what, string error)
            {
                lock (_findings) _tempError = true;
                Add(FindingCatalog.MxLookupFailed.Create($"The {what} lookup failed: {error}"));
            }

            public async Task EvaluateAsync(DnsAnswer<DnsMxRecord> mx)
            {
                if (mx.IsTemporaryFailure)
                {
                    LookupFailed($"MX {_domain}", mx.Error);
                    return;
                }
                if (mx.Status == DnsResponseStatus.NonExistentDomain)
                {
                    _notFound = true;
                    Add(FindingCatalog.MxDomainNotFound.Create($"{_domain} does not exist (NXDOMAIN): mail to it cannot be delivered."));
                    return;
                }
                var records = mx.Records;
                if (records.Count == 0)
                {
                    await ImplicitMxAsync().ConfigureAwait(false);
                    return;
                }

                var nulls = records.Where(r => r.IsNullMx).ToList();
                var real = records.Where(r => !r.IsNullMx).ToList();
                Task spf = null;
                if (nulls.Count > 0)
                {
                    _nullMx = true;
                    foreach (var n in nulls.Where(n => n.Preference != 0))
                        Add(FindingCatalog.MxNullMxPreference.Create($"{_domain} has the MX record \"{n.Preference} .\"; the null MX is \"0 .\"."));
                    if (real.Count > 0)
                        Add(FindingCatalog.MxNullMxNotAlone.Create(
                            $"{_domain} publishes a null MX beside {real.Count} other MX record(s) ({string.Join(", ", real)}); senders may use either."));
                    else
                    {
                        Add(FindingCatalog.MxNullMx.Create($"{_domain} publishes a null MX: it accepts no mail."));
                        spf = NullMxSpfAsync();
                    }
                }
                CheckRepeats(real);

                var hosts = real.Select(r => new MxHost { Preference = r.Preference, Name = r.Exchange }).ToList();
                _hosts.AddRange(hosts);
                // A host listed twice is looked up once (and counted once); the cache would join the questions anyway.
                var distinct = hosts.GroupBy(h => h.Name, StringComparer.Ordinal).Select(g => ResolveHostAsync(g.ToList()));
                await Task.WhenAll(distinct).ConfigureAwait(false);
                if (spf != null) await spf.ConfigureAwait(false);

                if (real.Count > 0 && !hosts.Any(h => h.IsUsable) && !_tempError)
                {
                    _noMail = true;
                    Add(FindingCatalog.MxNoUsableHost.Create($"None of the {real.Count} MX host(s) of {_domain} has an address: mail to it cannot be delivered."));
                }
            }

            private void CheckRepeats(IReadOnlyList<DnsMxRecord> real)
            {
                foreach (var group in real.GroupBy(r => r.Exchange, StringComparer.Ordinal).Where(g => g.Count() > 1))
                    Add(FindingCatalog.MxDuplicateHost.Create(
                        $"{group.Key} is listed {group.Count()} times (preferences {string.Join(", ", group.Select(r => r.Preference.ToString(CultureInfo.InvariantCulture)))})."));
                foreach (var group in real.GroupBy(r => r.Preference).Where(g => g.Select(r => r.Exchange).Distinct(StringComparer.Ordinal).Count() > 1))
                    Add(FindingCatalog.MxEqualPreference.Create(
                        $"{string.Join(", ", group.Select(r => r.Exchange).Distinct(StringComparer.Ordinal))} share preference {group.Key}: senders pick among them at random."));
            }

            /// <summary>RFC 5321 5.1: no MX, so the domain's own address is the mail exchanger (preference 0).</summary>
            private async Task ImplicitMxAsync()
            {
                var host = new MxHost { Preference = 0, Name = _domain, IsImplicit = true };
                bool found = await ResolveAddressesAsync(host).ConfigureAwait(false);
                if (!found) return;
                if (host.Addresses.Length == 0)
                {
                    _noMail = true;
                    Add(FindingCatalog.MxNoMailHost.Create($"{_domain} has no MX record and no address: it cannot receive mail. If that is intended, publish a null MX (\"0 .\")."));
                    return;
                }
                _implicitMx = true;
                _hosts.Add(host);
                Add(FindingCatalog.MxImplicit.Create($"{_domain} has no MX record: mail goes to its own address ({host.AddressList}) (implicit MX)."));
                await ReverseDnsAsync(host).ConfigureAwait(false);
            }

            /// <summary>RFC 7505 4.2: a domain that sends mail (its SPF authorises senders) should not publish a null MX.</summary>
            private async Task NullMxSpfAsync()
            {
                var txt = await Resolver.GetTxtAsync(_domain, _ct).ConfigureAwait(false);
                if (txt.IsTemporaryFailure)
                {
                    LookupFailed($"TXT {_domain} (SPF beside the null MX)", txt.Error);
                    return;
                }
                foreach (var record in txt.Records.Where(r => SpfRecordParser.IsSpfRecord(r.Text)))
                {
                    var parsed = SpfRecordParser.Parse(record);
                    var authorising = parsed.Mechanisms.Where(m => m.Qualifier == '+').Select(m => m.Text).ToList();
                    if (parsed.Redirect != null) authorising.Add(parsed.Redirect.Text);
                    if (authorising.Count == 0) continue;
                    Add(FindingCatalog.MxNullMxWithSpf.Create(
                        $"{_domain} publishes a null MX, but its SPF record \"{record.Text}\" authorises senders ({string.Join(" ", authorising.Take(5))}): "
                        + "mail sent as this domain cannot get bounces back and may be rejected. If it sends no mail, publish \"v=spf1 -all\"."));
                    return;
                }
            }

            /// <summary>One host name (listed once or more): IP literal, alias, addresses, reverse DNS.</summary>
            private async Task ResolveHostAsync(IReadOnlyList<MxHost> listings)
            {
                var host = listings[0];
                if (IsIPLiteral(host.Name))
                {
                    foreach (var h in listings) h.IsIPLiteral = true;
                    Add(FindingCatalog.MxTargetIsIPAddress.Create(
                        $"The MX host \"{host.Name}.\" of {_domain} is an IP address written as a name; senders look it up as a name and find no address. Name a host whose A record holds the address."));
                    return;
                }
                await ResolveAddressesAsync(host).ConfigureAwait(false);
                if (host.IsAlias)
                    Add(FindingCatalog.MxTargetIsCname.Create($"The MX host {host.Name} is an alias (CNAME) of {host.CanonicalName}; name {host.CanonicalName} in the MX record."));
                if (host.Addresses.Length > 0) await ReverseDnsAsync(host).ConfigureAwait(false);
                foreach (var h in listings.Skip(1))
                {
                    h.IsUsable = host.IsUsable;
                    h.IsAlias = host.IsAlias;
                    h.CanonicalName = host.CanonicalName;
                    h.Addresses = host.Addresses;
                }
            }

            /// <summary>A and AAAA of the host; false when a lookup failed (reported), true otherwise (addresses may be none).</summary>
            private async Task<bool> ResolveAddressesAsync(MxHost host)
            {
                var a = Resolver.GetAddressesAsync(host.Name, AddressFamily.InterNetwork, _ct);
                var aaaa = Resolver.GetAddressesAsync(host.Name, AddressFamily.InterNetworkV6, _ct);
                var answers = new[] { await a.ConfigureAwait(false), await aaaa.ConfigureAwait(false) };
                var alias = answers.Select(x => x.Aliases).FirstOrDefault(x => x.Count > 0);
                if (alias != null && !host.IsImplicit)
                {
                    host.IsAlias = true;
                    host.CanonicalName = alias[alias.Count - 1];
                }
                var addresses = answers.Where(x => x.IsSuccess).SelectMany(x => x.Records).Distinct().ToList();
                host.Addresses = addresses.Select(ip => new MxHostAddress
                {
                    Address = ip.ToString(),
                    AddressFamily = ip.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4",
                }).ToArray();
                host.IsUsable = addresses.Count > 0;
                bool ok = true;
                foreach (var (answer, type) in new[] { (answers[0], "A"), (answers[1], "AAAA") })
                {
                    if (!answer.IsTemporaryFailure) continue;
                    LookupFailed($"{type} {host.Name}", answer.Error);
                    ok = false;
                }
                if (ok && addresses.Count == 0 && !host.IsImplicit)
                {
                    bool missing = answers.All(x => x.Status == DnsResponseStatus.NonExistentDomain);
                    Add(FindingCatalog.MxHostWithoutAddress.Create(missing
                        ? $"The MX host {host.Name} does not exist (NXDOMAIN)."
                        : $"The MX host {host.Name} has no A or AAAA record."));
                }
                return ok;
            }

            private Task ReverseDnsAsync(MxHost host) =>
                _owner._options.ReverseDns ? Task.WhenAll(host.Addresses.Select(a => ConfirmAsync(host, a))) : Task.CompletedTask;

            /// <summary>Forward-confirmed reverse DNS (RFC 8601 3): a PTR name of the address whose addresses include it.</summary>
            private async Task ConfirmAsync(MxHost host, MxHostAddress entry)
            {
                var address = IPAddress.Parse(entry.Address);
                var ptr = await Resolver.GetPtrAsync(address, _ct).ConfigureAwait(false);
                if (ptr.IsTemporaryFailure)
                {
                    entry.ReverseDns = ReverseDnsStatus.TempError;
                    LookupFailed($"PTR {entry.Address}", ptr.Error);
                    return;
                }
                entry.PtrNames = ptr.Records.Take(MaxPtrNames).ToArray();
                if (entry.PtrNames.Length == 0)
                {
                    entry.ReverseDns = ReverseDnsStatus.NoPtr;
                    Add(FindingCatalog.MxReverseDnsMissing.Create($"{entry.Address} ({host.Name}) has no PTR record."));
                    return;
                }
                var forward = await Task.WhenAll(entry.PtrNames.Select(n => Resolver.GetAddressesAsync(n, address.AddressFamily, _ct))).ConfigureAwait(false);
                for (int i = 0; i < forward.Length; i++)
                {
                    if (!forward[i].Records.Contains(address)) continue;
                    entry.ReverseDns = ReverseDnsStatus.Confirmed;
                    entry.ConfirmedName = entry.PtrNames[i];
                    return;
                }
                var failed = forward.FirstOrDefault(f => f.IsTemporaryFailure);
                if (failed != null)
                {
                    entry.ReverseDns = ReverseDnsStatus.TempError;
                    LookupFailed($"{(address.AddressFamily == AddressFamily.InterNetworkV6 ? "AAAA" : "A")} {failed.Name} (reverse DNS of {entry.Address})", failed.Error);
                    return;
                }
                entry.ReverseDns = ReverseDnsStatus.Mismatch;
                var seen = entry.PtrNames.Select((n, i) => forward[i].Records.Count == 0 ? $"{n} (no address)" : $"{n} ({string.Join(", ", forward[i].Records)})");
                Add(FindingCatalog.MxReverseDnsMismatch.Create($"{entry.Address} ({host.Name}) has the PTR name(s) {string.Join(", ", seen)}, none of which resolves back to it."));
            }

            public MxRecordResult Finish(DnssecStatusResult dnssec)
            {
                if (dnssec != null && dnssec.Status == DnssecStatus.Bogus)
                    foreach (var f in dnssec.Findings) Add(f);
                var hosts = _hosts.ToArray();
                var result = new MxRecordResult
                {
                    Domain = _domain,
                    AcceptsMail = hosts.Any(h => h.IsUsable),
                    IsNullMx = _nullMx,
                    IsImplicitMx = _implicitMx,
                    Hosts = hosts,
                    DnssecStatus = dnssec?.Status ?? DnssecStatus.NotChecked,
                    Findings = Finding.Deduplicate(_findings, _domain).ToArray(),
                };
                result.Status = StatusOf(result);
                return result;
            }

            private MxStatus StatusOf(MxRecordResult result)
            {
                if (_tempError) return MxStatus.TempError;
                if (_notFound || _noMail) return MxStatus.NoMail;
                if (_nullMx && result.Hosts.Length == 0) return MxStatus.NullMx;
                if (_implicitMx) return MxStatus.ImplicitMx;
                if (result.ErrorCount > 0) return MxStatus.Invalid;
                return result.WarningCount > 0 ? MxStatus.Warning : MxStatus.Valid;
            }
        }

        private static bool IsIPLiteral(string host) => IPAddress.TryParse(host, out var ip) && (ip.AddressFamily == AddressFamily.InterNetworkV6 || host.Split('.').Length == 4);
    }
}
