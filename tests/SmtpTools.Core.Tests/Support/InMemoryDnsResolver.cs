using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Tests.Support
{
    /// <summary>
    /// A zone in memory for engine tests and conformance suites. A name exists (NOERROR/NODATA rather than
    /// NXDOMAIN) when it has any record, was added with <see cref="AddName"/> or has a name below it (an empty
    /// non-terminal, RFC 8020), unless <see cref="EmptyNonTerminalsAsNxdomain"/>. <see cref="AddTimeout"/> makes
    /// every question for a name time out; <see cref="AddFailure"/> gives any other failure status.
    /// </summary>
    public sealed class InMemoryDnsResolver : IDnsResolver
    {
        /// <summary>How a zone added with <see cref="AddSigning"/> looks through a validating resolver.</summary>
        public enum Signing
        {
            /// <summary>Signed with a chain of trust: every answer has AD.</summary>
            Validated,
            /// <summary>Signed, but not validated (no DS at the parent, or a resolver that does not validate): RRSIGs, no AD.</summary>
            SignedNotValidated,
            /// <summary>Signed but broken: SERVFAIL for every question unless CD is set.</summary>
            Bogus,
        }

        private readonly Dictionary<string, Signing> _signing = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<DnsTlsaRecord>> _tlsa = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<DnsTxtRecord>> _txt = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<IPAddress>> _addresses = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<DnsMxRecord>> _mx = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<string>> _ptr = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> _cname = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, DnsResponseStatus> _failures = new(StringComparer.OrdinalIgnoreCase);
        private long _queries;

        public long QueriesSent => Interlocked.Read(ref _queries);
        /// <summary>Every question asked, as "TYPE name", in order.</summary>
        public List<string> Log { get; } = new();

        /// <summary>Answer NXDOMAIN for a name that only has names below it, as some broken authoritative servers do.</summary>
        public bool EmptyNonTerminalsAsNxdomain { get; set; }

        public InMemoryDnsResolver AddName(string name) { _names.Add(Norm(name)); return this; }
        public InMemoryDnsResolver AddTxt(string name, params string[] strings) { Add(_txt, name, new DnsTxtRecord(strings)); return this; }
        public InMemoryDnsResolver AddA(string name, string address) { Add(_addresses, name, IPAddress.Parse(address)); return this; }
        public InMemoryDnsResolver AddMx(string name, int preference, string exchange) { Add(_mx, name, new DnsMxRecord(preference, Norm(exchange))); return this; }
        public InMemoryDnsResolver AddPtr(IPAddress address, string target) { Add(_ptr, address.GetArpaName(), Norm(target)); return this; }
        public InMemoryDnsResolver AddCname(string name, string target) { _cname[Norm(name)] = Norm(target); _names.Add(Norm(name)); return this; }
        public InMemoryDnsResolver AddTlsa(string name, int usage, int selector, int matchingType, byte[] data) { Add(_tlsa, name, new DnsTlsaRecord(usage, selector, matchingType, data)); return this; }
        /// <summary>Every name at or below <paramref name="zone"/> answers as <paramref name="signing"/> says (zones not added are unsigned).</summary>
        public InMemoryDnsResolver AddSigning(string zone, Signing signing) { _signing[Norm(zone)] = signing; _names.Add(Norm(zone)); return this; }
        public InMemoryDnsResolver AddTimeout(string name) => AddFailure(name, DnsResponseStatus.Timeout);
        public InMemoryDnsResolver AddFailure(string name, DnsResponseStatus status) { _failures[Norm(name)] = status; return this; }

        public Task<DnsAnswer<DnsTxtRecord>> GetTxtAsync(string name, CancellationToken cancellationToken) => Answer(name, "TXT", _txt, cancellationToken);

        public Task<DnsAnswer<IPAddress>> GetAddressesAsync(string name, AddressFamily family, CancellationToken cancellationToken)
        {
            var type = family == AddressFamily.InterNetworkV6 ? "AAAA" : "A";
            return Answer(name, type, _addresses, cancellationToken, a => a.AddressFamily == family);
        }

        public async Task<DnsAnswer<DnsMxRecord>> GetMxAsync(string name, CancellationToken cancellationToken)
        {
            var answer = await Answer(name, "MX", _mx, cancellationToken);
            return new DnsAnswer<DnsMxRecord>(answer.Name, answer.Status, answer.Records.OrderBy(m => m.Preference).ToList(), answer.Error, answer.Aliases);
        }

        public Task<DnsAnswer<string>> GetPtrAsync(IPAddress address, CancellationToken cancellationToken) => Answer(address.GetArpaName(), "PTR", _ptr, cancellationToken);

        public Task<DnsAnswer<DnsTlsaRecord>> GetTlsaAsync(string name, CancellationToken cancellationToken) => Answer(name, "TLSA", _tlsa, cancellationToken);

        public async Task<DnsAnswer<DnsSecurityFacts>> GetSecurityFactsAsync(string name, bool checkingDisabled, CancellationToken cancellationToken)
        {
            var answer = await Answer(name, checkingDisabled ? "SOA+CD" : "SOA", new Dictionary<string, List<DnsSecurityFacts>>(), cancellationToken, checkingDisabled: checkingDisabled);
            if (!answer.IsSuccess) return answer;
            var zone = ZoneOf(Norm(name));
            int signatures = zone != null ? 2 : 0;
            var expires = signatures > 0 ? DateTime.UtcNow.AddDays(10) : (DateTime?)null;
            var facts = new DnsSecurityFacts(zone, signatures, expires, signatures > 0 ? DateTime.UtcNow.AddDays(-1) : null);
            return new DnsAnswer<DnsSecurityFacts>(answer.Name, answer.Status, new[] { facts }, null, answer.Aliases, answer.Authenticated);
        }

        private string ZoneOf(string name)
        {
            for (string n = name; n.Length > 0; n = n.IndexOf('.') < 0 ? "" : n.Substring(n.IndexOf('.') + 1))
                if (_signing.ContainsKey(n)) return n;
            return null;
        }

        private Task<DnsAnswer<T>> Answer<T>(string name, string type, Dictionary<string, List<T>> table, CancellationToken cancellationToken, Func<T, bool> filter = null, bool checkingDisabled = false)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _queries);
            string key = Norm(name);
            lock (Log) Log.Add(type + " " + key);
            if (!DnsResolver.IsAskable(key))
                return Task.FromResult(DnsAnswer<T>.Failure(key, DnsResponseStatus.InvalidName, "invalid name"));
            var aliases = new List<string>();
            for (int hops = 0; hops < 8 && _cname.TryGetValue(key, out var target); hops++)
            {
                aliases.Add(target);
                key = target;
            }
            if (_failures.TryGetValue(key, out var failure))
                return Task.FromResult(DnsAnswer<T>.Failure(key, failure, $"{failure} for {key} {type}"));
            var zone = ZoneOf(key);
            var signing = zone == null ? (Signing?)null : _signing[zone];
            if (signing == Signing.Bogus && !checkingDisabled)
                return Task.FromResult(DnsAnswer<T>.Failure(key, DnsResponseStatus.ServerFailure, $"SERVFAIL for {type} {key} (bogus)"));
            bool authenticated = signing == Signing.Validated && !checkingDisabled;
            if (table.TryGetValue(key, out var records))
            {
                var selected = filter == null ? records.ToList() : records.Where(filter).ToList();
                return Task.FromResult(new DnsAnswer<T>(Norm(name), DnsResponseStatus.NoError, selected, null, aliases, authenticated));
            }
            var status = Exists(key) ? DnsResponseStatus.NoError : DnsResponseStatus.NonExistentDomain;
            return Task.FromResult(new DnsAnswer<T>(Norm(name), status, Array.Empty<T>(), null, aliases, authenticated));
        }

        private bool Exists(string key) => Owners().Any(n => n.Equals(key, StringComparison.OrdinalIgnoreCase) ||
            !EmptyNonTerminalsAsNxdomain && n.EndsWith("." + key, StringComparison.OrdinalIgnoreCase));

        private IEnumerable<string> Owners() =>
            _names.Concat(_txt.Keys).Concat(_addresses.Keys).Concat(_mx.Keys).Concat(_ptr.Keys).Concat(_tlsa.Keys).Concat(_cname.Keys);

        private void Add<T>(Dictionary<string, List<T>> table, string name, T value)
        {
            string key = Norm(name);
            if (!table.TryGetValue(key, out var list)) table[key] = list = new List<T>();
            list.Add(value);
        }

        private static string Norm(string name) => DomainNames.Canonical(name);
    }
}
