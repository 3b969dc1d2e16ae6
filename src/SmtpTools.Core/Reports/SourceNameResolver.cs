using System;
using System.Collections.Concurrent;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Reports
{
    /// <summary>
    /// The reverse DNS names of report source IPs (Import-DmarcReport -ResolveSourceName): one PTR question per distinct
    /// address, shared by every row that names it, asked concurrently (the resolver bounds how many are in flight).
    /// Thread-safe.
    /// </summary>
    public sealed class SourceNameResolver
    {
        /// <summary>
        /// Distinct addresses remembered. A report set rarely names more; beyond it names are still resolved (and the
        /// resolver's own bounded cache answers repeats), so memory stays bounded on a huge report of random sources.
        /// </summary>
        internal const int MaxRemembered = 50_000;

        private readonly IDnsResolver _resolver;
        private readonly IOperationSink _sink;
        private readonly ConcurrentDictionary<string, Task<string>> _names = new ConcurrentDictionary<string, Task<string>>(StringComparer.OrdinalIgnoreCase);

        /// <param name="sink">Told (Verbose) about each address whose lookup failed, once.</param>
        public SourceNameResolver(IDnsResolver resolver, IOperationSink sink = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _sink = sink ?? NullOperationSink.Instance;
        }

        /// <summary>Distinct addresses asked about so far (up to <see cref="MaxRemembered"/>).</summary>
        public int Count => _names.Count;

        /// <summary>
        /// The first PTR name of <paramref name="address"/>; null when it has none, the lookup failed, or the text is not
        /// an IP address. Never throws for DNS failures.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public Task<string> ResolveAsync(string address, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(address)) return Task.FromResult<string>(null);
            string key = address.Trim();
            if (_names.TryGetValue(key, out var known)) return known;
            if (_names.Count >= MaxRemembered) return LookupAsync(key, cancellationToken);
            return _names.GetOrAdd(key, k => LookupAsync(k, cancellationToken));
        }

        private async Task<string> LookupAsync(string address, CancellationToken cancellationToken)
        {
            if (!IPAddress.TryParse(address, out var ip)) return null;
            var answer = await _resolver.GetPtrAsync(ip, cancellationToken).ConfigureAwait(false);
            if (answer.IsTemporaryFailure)
                _sink.Verbose($"{address}: reverse lookup failed ({answer.Status}{(answer.Error == null ? "" : ": " + answer.Error)}); SourceName left empty.");
            return answer.Records.Count > 0 ? answer.Records[0] : null;
        }
    }
}
