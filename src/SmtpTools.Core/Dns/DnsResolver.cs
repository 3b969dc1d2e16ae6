using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Dns
{
    /// <summary>Settings for <see cref="DnsResolver"/>.</summary>
    public sealed class DnsResolverOptions
    {
        /// <summary>Servers to ask, in order; empty = the system's configured resolvers.</summary>
        public IReadOnlyList<IPEndPoint> Servers { get; set; } = Array.Empty<IPEndPoint>();
        /// <summary>How long one try waits for its reply.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
        /// <summary>Extra tries after the first, per server, for timeouts, SERVFAIL and unusable replies.</summary>
        public int Retries { get; set; } = 2;
        /// <summary>Questions on the wire at once at most; fewer while the server times out or fails (see <see cref="AdaptiveGate"/>).</summary>
        public int MaxConcurrentQueries { get; set; } = 64;
        /// <summary>Answers kept for the lifetime of the resolver at most (about 0.4 KB each); 0 turns the cache off.</summary>
        public int CacheSize { get; set; } = 10000;
    }

    /// <summary>
    /// The DNS layer: a stub resolver with its own wire protocol (see <see cref="DnsWire"/>, <see cref="UdpChannel"/>).
    /// Configurable servers, timeout and retries (timeouts, SERVFAIL and unusable replies are tried again, on the next
    /// server first), TCP on truncation, CNAME chains followed (a loop is an error, not an empty answer), a bounded cache
    /// of successful answers for the lifetime of the instance that also joins identical questions in flight (failures are
    /// never cached: the next asker tries again), and an adaptive bound on questions in flight. One cmdlet pipeline shares
    /// one instance, so the same <c>include:_spf.provider</c> is asked once per run. Thread-safe; Dispose closes its sockets
    /// (which also close by themselves when idle).
    /// </summary>
    public sealed class DnsResolver : IDnsResolver, IDisposable
    {
        /// <summary>CNAMEs followed across answers at most (RFC 1034 leaves it to the resolver; BIND stops at 16 in all).</summary>
        private const int MaxChase = 8;

        private static readonly Question<DnsTxtRecord> TxtQuestion = Question<DnsTxtRecord>.Records(1, DnsType.Txt, DnsWire.ReadTxt);
        private static readonly Question<IPAddress> AQuestion = Question<IPAddress>.Records(2, DnsType.A, DnsWire.ReadA);
        private static readonly Question<IPAddress> AaaaQuestion = Question<IPAddress>.Records(3, DnsType.Aaaa, DnsWire.ReadAaaa);
        private static readonly Question<DnsMxRecord> MxQuestion = Question<DnsMxRecord>.Records(4, DnsType.Mx, DnsWire.ReadMx);
        private static readonly Question<string> PtrQuestion = Question<string>.Records(5, DnsType.Ptr, DnsWire.ReadPtr);
        // DO for TLSA: DANE needs the AD bit, and some validating resolvers set it only for queries with DO.
        private static readonly Question<DnsTlsaRecord> TlsaQuestion = Question<DnsTlsaRecord>.Records(6, DnsType.Tlsa, DnsWire.ReadTlsa, DnsQueryFlags.DnssecOk);
        private static readonly Question<DnsSecurityFacts> SecurityQuestion = Question<DnsSecurityFacts>.Facts(7, DnsQueryFlags.DnssecOk);
        private static readonly Question<DnsSecurityFacts> UncheckedSecurityQuestion = Question<DnsSecurityFacts>.Facts(8, DnsQueryFlags.DnssecOk | DnsQueryFlags.CheckingDisabled);

        /// <summary>What is asked (type, flags) and how the reply is read; <see cref="Id"/> keeps their cache entries apart.</summary>
        private sealed class Question<T>
        {
            private Question(int id, DnsType type, DnsQueryFlags flags, Func<byte[], int, int, List<T>, List<string>, string> read)
            {
                Id = id;
                Type = type;
                Flags = flags;
                Read = read;
            }

            public int Id { get; }
            public DnsType Type { get; }
            public DnsQueryFlags Flags { get; }
            /// <summary>(reply, length, question length, records, aliases) → null, or why the reply is unusable.</summary>
            public Func<byte[], int, int, List<T>, List<string>, string> Read { get; }

            public static Question<T> Records(int id, DnsType type, DnsWire.RdataReader<T> rdata, DnsQueryFlags flags = DnsQueryFlags.None) =>
                new Question<T>(id, type, flags, (p, length, questionLength, records, aliases) => DnsWire.ReadAnswers(p, length, questionLength, type, rdata, records, aliases));

            /// <summary>SOA with DO: not for its data but for what the reply shows of DNSSEC (one facts object per reply).</summary>
            public static Question<DnsSecurityFacts> Facts(int id, DnsQueryFlags flags) =>
                new Question<DnsSecurityFacts>(id, DnsType.Soa, flags, (p, length, questionLength, records, aliases) =>
                {
                    string problem = DnsWire.ReadSecurityFacts(p, length, questionLength, DateTime.UtcNow, out var facts);
                    if (problem == null) records.Add(facts);
                    return problem;
                });
        }

        private readonly IPEndPoint[] _servers;
        private readonly UdpChannel[] _channels;
        private readonly TimeSpan _timeout;
        private readonly int _triesPerServer;
        private readonly AdaptiveGate _gate;
        private readonly DnsAnswerCache _cache;
        private int _preferred;
        private long _queriesSent;

        /// <exception cref="ArgumentNullException">options is null.</exception>
        public DnsResolver(DnsResolverOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            Servers = options.Servers ?? Array.Empty<IPEndPoint>();
            _servers = (Servers.Count > 0 ? Servers : SystemServers()).ToArray();
            _timeout = options.Timeout > TimeSpan.Zero ? options.Timeout : TimeSpan.FromSeconds(5);
            _triesPerServer = Math.Max(0, options.Retries) + 1;
            _gate = new AdaptiveGate(options.MaxConcurrentQueries, TimeSpan.FromTicks(Math.Min(_timeout.Ticks, TimeSpan.TicksPerSecond)));
            _channels = _servers.Select(s => new UdpChannel(s, _timeout, _gate.Congested)).ToArray();
            _cache = options.CacheSize > 0 ? new DnsAnswerCache(options.CacheSize) : null;
        }

        /// <summary>The servers given in the options (empty when the system's are used).</summary>
        public IReadOnlyList<IPEndPoint> Servers { get; }
        public long QueriesSent => Interlocked.Read(ref _queriesSent);
        /// <summary>Answers held by the cache now (successes and questions in flight).</summary>
        internal int CachedCount => _cache?.Count ?? 0;
        internal int Window => _gate.Window;

        public Task<DnsAnswer<DnsTxtRecord>> GetTxtAsync(string name, CancellationToken cancellationToken) =>
            Lookup(name, TxtQuestion, cancellationToken);

        public Task<DnsAnswer<IPAddress>> GetAddressesAsync(string name, AddressFamily family, CancellationToken cancellationToken)
        {
            if (family == AddressFamily.InterNetworkV6) return Lookup(name, AaaaQuestion, cancellationToken);
            if (family == AddressFamily.InterNetwork) return Lookup(name, AQuestion, cancellationToken);
            throw new ArgumentOutOfRangeException(nameof(family), family, "Only InterNetwork (A) and InterNetworkV6 (AAAA) are supported.");
        }

        public Task<DnsAnswer<DnsMxRecord>> GetMxAsync(string name, CancellationToken cancellationToken) =>
            Lookup(name, MxQuestion, cancellationToken);

        public Task<DnsAnswer<string>> GetPtrAsync(IPAddress address, CancellationToken cancellationToken)
        {
            if (address == null) throw new ArgumentNullException(nameof(address));
            return Lookup(DnsWire.ReverseName(address), PtrQuestion, cancellationToken);
        }

        public Task<DnsAnswer<DnsTlsaRecord>> GetTlsaAsync(string name, CancellationToken cancellationToken) =>
            Lookup(name, TlsaQuestion, cancellationToken);

        public Task<DnsAnswer<DnsSecurityFacts>> GetSecurityFactsAsync(string name, bool checkingDisabled, CancellationToken cancellationToken) =>
            Lookup(name, checkingDisabled ? UncheckedSecurityQuestion : SecurityQuestion, cancellationToken);

        /// <summary>Lower case, no trailing dot.</summary>
        public static string Normalize(string name) => (name ?? string.Empty).TrimEnd('.').ToLowerInvariant();

        /// <summary>RFC 1035 length limits.</summary>
        internal static bool IsAskable(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 253) return false;
            int start = 0;
            for (int i = 0; i <= name.Length; i++)
            {
                if (i < name.Length && name[i] != '.') continue;
                if (i - start == 0 || i - start > 63) return false;
                start = i + 1;
            }
            return true;
        }

        private Task<DnsAnswer<T>> Lookup<T>(string name, Question<T> question, CancellationToken cancellationToken)
        {
            string normalized = Normalize(name);
            return WaitAsync(_cache == null ? ResolveAsync(normalized, question, null) : Cached(normalized, question), cancellationToken);
        }

        private Task<DnsAnswer<T>> Cached<T>(string name, Question<T> question)
        {
            var key = new DnsCacheKey(name, question.Id);
            if (_cache.TryGet(key, out var cached)) return (Task<DnsAnswer<T>>)cached;
            // Inline continuations: whoever completes the question (the socket's receive loop) goes straight on with the
            // waiting evaluations; no thread-pool hop per answer.
            var entry = new TaskCompletionSource<DnsAnswer<T>>();
            var existing = _cache.GetOrAdd(key, entry.Task);
            if (existing != entry.Task) return (Task<DnsAnswer<T>>)existing;
            _ = ResolveAsync(name, question, entry);
            return entry.Task;
        }

        /// <summary>
        /// Asks, follows a CNAME chain that ends without records (another zone's server must be asked), and completes the
        /// cache entry. The contract of <see cref="IDnsResolver"/>: a DNS failure is an answer, never an exception.
        /// </summary>
        private async Task<DnsAnswer<T>> ResolveAsync<T>(string name, Question<T> question, TaskCompletionSource<DnsAnswer<T>> entry)
        {
            DnsAnswer<T> answer;
            try
            {
                answer = await FetchAsync(name, question).ConfigureAwait(false);
                if (NeedsChase(answer)) answer = await ChaseAsync(name, answer, question).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                answer = DnsAnswer<T>.Failure(name, DnsResponseStatus.OtherError, $"{TypeName(question.Type)} {name}: {ex.GetType().Name}: {ex.Message}");
            }
            if (entry != null)
            {
                // Forget a failure before anyone sees it, so the next asker tries again instead of reading it from the cache.
                if (!answer.IsSuccess) _cache.Remove(new DnsCacheKey(name, question.Id), entry.Task);
                entry.SetResult(answer);
            }
            return answer;
        }

        private static bool NeedsChase<T>(DnsAnswer<T> answer) =>
            answer.Status == DnsResponseStatus.NoError && answer.Records.Count == 0 && answer.Aliases.Count > 0;

        /// <summary>Asks for the chain's last name until records, an error or a loop (rare: resolvers chase CNAMEs themselves).</summary>
        private async Task<DnsAnswer<T>> ChaseAsync<T>(string name, DnsAnswer<T> answer, Question<T> question)
        {
            var aliases = new List<string>(answer.Aliases);
            var seen = new HashSet<string>(StringComparer.Ordinal) { name };
            seen.UnionWith(answer.Aliases);
            // The chain is validated only when every answer along it was.
            bool authenticated = answer.Authenticated;
            for (int hop = 0; NeedsChase(answer); hop++)
            {
                if (hop == MaxChase)
                    return DnsAnswer<T>.Failure(name, DnsResponseStatus.OtherError, $"CNAME chain from {name} is longer than {aliases.Count} names.");
                answer = await FetchAsync(aliases[aliases.Count - 1], question).ConfigureAwait(false);
                authenticated &= answer.Authenticated;
                foreach (var alias in answer.Aliases)
                {
                    aliases.Add(alias);
                    if (!seen.Add(alias))
                        return DnsAnswer<T>.Failure(name, DnsResponseStatus.OtherError, "CNAME loop: " + name + " -> " + string.Join(" -> ", aliases) + ".");
                }
            }
            return new DnsAnswer<T>(name, answer.Status, answer.Records, answer.Error, aliases, authenticated && answer.IsSuccess);
        }

        private async Task<DnsAnswer<T>> FetchAsync<T>(string name, Question<T> q)
        {
            var type = q.Type;
            byte[] question = IsAskable(name) ? DnsWire.EncodeQuestion(name, type) : null;
            if (question == null) return DnsAnswer<T>.Failure(name, DnsResponseStatus.InvalidName, $"'{name}' is not a valid DNS name.");
            if (_servers.Length == 0)
                return DnsAnswer<T>.Failure(name, DnsResponseStatus.OtherError, "No DNS server is configured on this system; give one with -Server.");
            Interlocked.Increment(ref _queriesSent);

            var query = DnsWire.BuildQuery(0, question, q.Flags);
            int start = Volatile.Read(ref _preferred);
            int tries = _triesPerServer * _servers.Length;
            var refused = _servers.Length > 1 ? new bool[_servers.Length] : null;
            DnsResponseStatus lastStatus = DnsResponseStatus.Timeout;
            string lastError = null;
            int made = 0, backoff = 0;
            for (int attempt = 0; attempt < tries; attempt++)
            {
                int index = (start + attempt) % _servers.Length;
                if (refused != null && refused[index]) continue;
                var server = _servers[index];
                made++;
                await _gate.WaitAsync().ConfigureAwait(false);
                ExchangeResult result;
                bool congested = true;
                try
                {
                    result = await _channels[index].ExchangeAsync(query, question).ConfigureAwait(false);
                    if (result.Status == ExchangeStatus.Reply && DnsWire.IsTruncated(result.Reply))
                        result = await TcpExchange.ExchangeAsync(server, query, question, _timeout).ConfigureAwait(false);
                    congested = result.Status == ExchangeStatus.Timeout || (result.Status == ExchangeStatus.Reply && DnsWire.Rcode(result.Reply) == 2);
                }
                finally
                {
                    _gate.Release(congested);
                }

                if (result.Status == ExchangeStatus.Timeout)
                {
                    lastStatus = DnsResponseStatus.Timeout;
                    lastError = $"No reply from {server} to {TypeName(type)} {name} within {Seconds(_timeout)}" +
                        (result.Ignored > 0 ? $"; {result.Ignored} reply(ies) that did not match the question ignored" : "");
                    Demote(index);
                    continue;
                }
                if (result.Status == ExchangeStatus.NetworkError)
                {
                    lastStatus = DnsResponseStatus.OtherError;
                    lastError = $"{TypeName(type)} {name}: {result.Error}";
                    Demote(index);
                    await Backoff(backoff++).ConfigureAwait(false);
                    continue;
                }

                int rcode = DnsWire.Rcode(result.Reply);
                if (rcode == 0 || rcode == 3)
                {
                    var records = new List<T>();
                    var aliases = new List<string>();
                    string problem = q.Read(result.Reply, result.Length, question.Length, records, aliases);
                    if (problem == null)
                    {
                        if (type == DnsType.Mx) SortByPreference(records);
                        return new DnsAnswer<T>(name, rcode == 0 ? DnsResponseStatus.NoError : DnsResponseStatus.NonExistentDomain, records, null,
                            aliases.Count == 0 ? null : aliases, DnsWire.IsAuthenticated(result.Reply));
                    }
                    lastStatus = DnsResponseStatus.OtherError;
                    if (problem.StartsWith("CNAME loop", StringComparison.Ordinal))
                        return DnsAnswer<T>.Failure(name, lastStatus, problem + ".");
                    lastError = $"Unusable reply from {server} to {TypeName(type)} {name}: {problem}";
                    continue;
                }
                if (rcode == 2)
                {
                    lastStatus = DnsResponseStatus.ServerFailure;
                    lastError = $"SERVFAIL from {server} for {TypeName(type)} {name}";
                    Demote(index);
                    await Backoff(backoff++).ConfigureAwait(false);
                    continue;
                }
                // REFUSED, NOTIMP, FORMERR …: this server will say the same again; another one may answer.
                lastStatus = rcode == 5 ? DnsResponseStatus.Refused : DnsResponseStatus.OtherError;
                lastError = $"{RcodeName(rcode)} from {server} for {TypeName(type)} {name}";
                if (refused == null) break;
                refused[index] = true;
            }
            return DnsAnswer<T>.Failure(name, lastStatus, lastError + (made > 1 ? $" ({made} tries)." : "."));
        }

        /// <summary>After a failure, the next question starts at the next server.</summary>
        private void Demote(int index)
        {
            if (_servers.Length > 1) Interlocked.CompareExchange(ref _preferred, (index + 1) % _servers.Length, index);
        }

        /// <summary>A short, growing, jittered pause before asking a failing server again.</summary>
        private static Task Backoff(int failures)
        {
            int ms = 50 << Math.Min(failures, 5);
            int jitter;
            lock (Jitter) jitter = Jitter.Next(ms / 2);
            return Task.Delay(ms / 2 + jitter);
        }

        private static readonly Random Jitter = new Random();

        private static void SortByPreference<T>(List<T> records)
        {
            if (!(records is List<DnsMxRecord> mx) || mx.Count < 2) return;
            // Stable: equal preferences keep the server's order.
            var sorted = mx.Select((m, i) => (m, i)).OrderBy(x => x.m.Preference).ThenBy(x => x.i).Select(x => x.m).ToList();
            mx.Clear();
            mx.AddRange(sorted);
        }

        private static string TypeName(DnsType type) => type.ToString().ToUpperInvariant();

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

        private static string RcodeName(int rcode)
        {
            switch (rcode)
            {
                case 1: return "FORMERR";
                case 4: return "NOTIMP";
                case 5: return "REFUSED";
                default: return "RCODE " + rcode.ToString(CultureInfo.InvariantCulture);
            }
        }

        /// <summary>The system's resolvers: the DNS servers of the network interfaces (on Unix, /etc/resolv.conf).</summary>
        private static IEnumerable<IPEndPoint> SystemServers()
        {
            NetworkInterface[] interfaces;
            try { interfaces = NetworkInterface.GetAllNetworkInterfaces(); }
            catch (NetworkInformationException) { return Array.Empty<IPEndPoint>(); }
            var servers = new List<IPEndPoint>();
            foreach (var nic in interfaces)
            {
                IPAddressCollection addresses;
                try
                {
                    if (nic.OperationalStatus != OperationalStatus.Up && nic.OperationalStatus != OperationalStatus.Unknown) continue;
                    addresses = nic.GetIPProperties().DnsAddresses;
                }
                catch (Exception ex) when (ex is NetworkInformationException || ex is PlatformNotSupportedException) { continue; }
                foreach (var address in addresses)
                {
                    if (address.IsIPv6SiteLocal) continue; // fec0::/10 defaults of old Windows stacks: never a real server
                    var endpoint = new IPEndPoint(address, DnsServerEndpoint.DefaultPort);
                    if (!servers.Contains(endpoint)) servers.Add(endpoint);
                }
            }
            return servers;
        }

        /// <summary>The shared answer, or OperationCanceledException as soon as this caller's token is cancelled.</summary>
        private static Task<DnsAnswer<T>> WaitAsync<T>(Task<DnsAnswer<T>> task, CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled || task.IsCompleted) return task;
            return new CancellableWait<T>(task, cancellationToken).Task;
        }

        /// <summary>One object per waiting caller (the question itself is shared and not cancelled by one of them).</summary>
        private sealed class CancellableWait<T> : TaskCompletionSource<DnsAnswer<T>>
        {
            private readonly CancellationTokenRegistration _registration;

            public CancellableWait(Task<DnsAnswer<T>> task, CancellationToken cancellationToken)
            {
                _registration = cancellationToken.Register(s => ((CancellableWait<T>)s).TrySetCanceled(), this);
                task.ContinueWith((t, s) =>
                {
                    var wait = (CancellableWait<T>)s;
                    wait._registration.Dispose();
                    wait.TrySetResult(t.Result);
                }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        public void Dispose()
        {
            foreach (var channel in _channels) channel.Dispose();
        }
    }
}
