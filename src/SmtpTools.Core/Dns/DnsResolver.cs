using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;

namespace SmtpTools.Core.Dns
{
    /// <summary>Settings for <see cref="DnsResolver"/>.</summary>
    public sealed class DnsResolverOptions
    {
        /// <summary>Servers to ask, in order; empty = the system's configured resolvers.</summary>
        public IReadOnlyList<IPEndPoint> Servers { get; set; } = Array.Empty<IPEndPoint>();
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
        /// <summary>Extra tries after the first, per server.</summary>
        public int Retries { get; set; } = 2;
        /// <summary>Questions on the wire at once; more wait their turn.</summary>
        public int MaxConcurrentQueries { get; set; } = 64;
    }

    /// <summary>
    /// The DNS layer on DnsClient.NET: configurable servers, timeout and retries, TCP fallback on truncation,
    /// a cache for the lifetime of the instance (one cmdlet pipeline shares one instance, so the same
    /// <c>include:_spf.provider</c> is asked once per run) that also joins concurrent identical questions,
    /// and a bound on concurrent questions. Thread-safe.
    /// </summary>
    public sealed class DnsResolver : IDnsResolver
    {
        private readonly LookupClient _client;
        private readonly SemaphoreSlim _gate;
        private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _cache = new ConcurrentDictionary<string, Lazy<Task<object>>>(StringComparer.Ordinal);
        private long _queriesSent;

        /// <exception cref="ArgumentNullException">options is null.</exception>
        public DnsResolver(DnsResolverOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var lookupOptions = options.Servers.Count > 0 ? new LookupClientOptions(options.Servers.ToArray()) : new LookupClientOptions();
            lookupOptions.Timeout = options.Timeout;
            lookupOptions.Retries = Math.Max(0, options.Retries);
            lookupOptions.UseTcpFallback = true;
            lookupOptions.UseCache = false; // our own cache below also joins in-flight questions
            lookupOptions.ThrowDnsErrors = false;
            lookupOptions.ContinueOnDnsError = false;
            lookupOptions.ContinueOnEmptyResponse = false;
            lookupOptions.UseRandomNameServer = false;
            lookupOptions.EnableAuditTrail = false;
            _client = new LookupClient(lookupOptions);
            _gate = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentQueries));
            Servers = options.Servers;
        }

        public IReadOnlyList<IPEndPoint> Servers { get; }
        public long QueriesSent => Interlocked.Read(ref _queriesSent);

        public Task<DnsAnswer<DnsTxtRecord>> GetTxtAsync(string name, CancellationToken cancellationToken) =>
            Cached(name, QueryType.TXT, cancellationToken, r => r.Answers.TxtRecords().Select(t => new DnsTxtRecord(t.Text.ToList())));

        public Task<DnsAnswer<IPAddress>> GetAddressesAsync(string name, AddressFamily family, CancellationToken cancellationToken)
        {
            if (family == AddressFamily.InterNetworkV6)
                return Cached(name, QueryType.AAAA, cancellationToken, r => r.Answers.AaaaRecords().Select(a => a.Address));
            if (family == AddressFamily.InterNetwork)
                return Cached(name, QueryType.A, cancellationToken, r => r.Answers.ARecords().Select(a => a.Address));
            throw new ArgumentOutOfRangeException(nameof(family), family, "Only InterNetwork (A) and InterNetworkV6 (AAAA) are supported.");
        }

        public async Task<DnsAnswer<DnsMxRecord>> GetMxAsync(string name, CancellationToken cancellationToken)
        {
            var answer = await Cached(name, QueryType.MX, cancellationToken,
                r => r.Answers.MxRecords().Select(m => new DnsMxRecord(m.Preference, Normalize(m.Exchange.Value)))).ConfigureAwait(false);
            return answer.WithRecords(answer.Records.Select((m, i) => (m, i)).OrderBy(x => x.m.Preference).ThenBy(x => x.i).Select(x => x.m));
        }

        public Task<DnsAnswer<string>> GetPtrAsync(IPAddress address, CancellationToken cancellationToken)
        {
            if (address == null) throw new ArgumentNullException(nameof(address));
            string reverse = Normalize(address.GetArpaName());
            return Cached(reverse, QueryType.PTR, cancellationToken, r => r.Answers.PtrRecords().Select(p => Normalize(p.PtrDomainName.Value)));
        }

        /// <summary>Lower case, no trailing dot.</summary>
        public static string Normalize(string name) => (name ?? string.Empty).TrimEnd('.').ToLowerInvariant();

        private async Task<DnsAnswer<T>> Cached<T>(string name, QueryType type, CancellationToken cancellationToken, Func<IDnsQueryResponse, IEnumerable<T>> select)
        {
            string normalized = Normalize(name);
            string key = ((int)type).ToString() + " " + normalized;
            var lazy = _cache.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await Query(normalized, type, select).ConfigureAwait(false)));
            object result = await WaitAsync(lazy.Value, cancellationToken).ConfigureAwait(false);
            return (DnsAnswer<T>)result;
        }

        private async Task<object> Query<T>(string name, QueryType type, Func<IDnsQueryResponse, IEnumerable<T>> select)
        {
            if (!IsAskable(name))
                return DnsAnswer<T>.Failure(name, DnsResponseStatus.InvalidName, $"'{name}' is not a valid DNS name.");
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                Interlocked.Increment(ref _queriesSent);
                IDnsQueryResponse response;
                try
                {
                    // Not cancellable on purpose: the answer is shared by every caller waiting for it; each caller
                    // stops waiting on its own token, and the timeout bounds the question itself.
                    response = await _client.QueryAsync(name, type, QueryClass.IN, CancellationToken.None).ConfigureAwait(false);
                }
                catch (DnsResponseException ex)
                {
                    var status = ex.Code == DnsResponseCode.ConnectionTimeout ? DnsResponseStatus.Timeout : DnsResponseStatus.OtherError;
                    return DnsAnswer<T>.Failure(name, status, status == DnsResponseStatus.Timeout ? $"No answer for {name} {type} within the timeout." : ex.Message);
                }
                catch (ArgumentException ex)
                {
                    return DnsAnswer<T>.Failure(name, DnsResponseStatus.InvalidName, ex.Message);
                }
                catch (Exception ex) when (ex is SocketException || ex is System.IO.IOException || ex is TimeoutException)
                {
                    return DnsAnswer<T>.Failure(name, ex is TimeoutException ? DnsResponseStatus.Timeout : DnsResponseStatus.OtherError, ex.Message);
                }

                var code = response.Header.ResponseCode;
                var aliases = response.Answers.CnameRecords().Select(c => Normalize(c.CanonicalName.Value)).ToList();
                switch (code)
                {
                    case DnsHeaderResponseCode.NoError:
                        return new DnsAnswer<T>(name, DnsResponseStatus.NoError, select(response).ToList(), null, aliases);
                    case DnsHeaderResponseCode.NotExistentDomain:
                        return new DnsAnswer<T>(name, DnsResponseStatus.NonExistentDomain, Array.Empty<T>(), null, aliases);
                    case DnsHeaderResponseCode.ServerFailure:
                        return DnsAnswer<T>.Failure(name, DnsResponseStatus.ServerFailure, $"SERVFAIL for {name} {type}.");
                    case DnsHeaderResponseCode.Refused:
                        return DnsAnswer<T>.Failure(name, DnsResponseStatus.Refused, $"REFUSED for {name} {type}.");
                    default:
                        return DnsAnswer<T>.Failure(name, DnsResponseStatus.OtherError, $"{code} for {name} {type}: {response.ErrorMessage}");
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        /// <summary>RFC 1035 length limits; DnsClient would otherwise throw.</summary>
        internal static bool IsAskable(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 253) return false;
            foreach (var label in name.Split('.'))
                if (label.Length == 0 || label.Length > 63) return false;
            return true;
        }

        private static async Task<object> WaitAsync(Task<object> task, CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled || task.IsCompleted) return await task.ConfigureAwait(false);
            var cancelled = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetCanceled(cancellationToken)))
            {
                var done = await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false);
                return await done.ConfigureAwait(false);
            }
        }
    }
}
