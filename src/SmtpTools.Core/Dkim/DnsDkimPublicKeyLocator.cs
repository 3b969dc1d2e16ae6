using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Dkim
{
    /// <summary>What a key lookup found.</summary>
    public sealed class DkimKeyLookup
    {
        internal DkimKeyLookup(string dnsName, DkimAuthResult status, DkimKeyRecord record, string reason)
        {
            DnsName = dnsName; Status = status; Record = record; Reason = reason;
        }

        public string DnsName { get; }
        /// <summary>Pass when a usable key was found; TempError for DNS trouble; PermError otherwise.</summary>
        public DkimAuthResult Status { get; }
        /// <summary>The record that was found (even when unusable), or null.</summary>
        public DkimKeyRecord Record { get; }
        public string Reason { get; }
    }

    /// <summary>Thrown to MimeKit's verifier when a key cannot be used; carries whether trying later may help.</summary>
    public sealed class DkimKeyLookupException : Exception
    {
        public DkimKeyLookupException(DkimKeyLookup lookup) : base(lookup.Reason) { Lookup = lookup; }
        public DkimKeyLookup Lookup { get; }
    }

    /// <summary>
    /// MimeKit's public-key locator on the shared DNS layer. Lookups are cached per instance (one message,
    /// or one batch), so checking a record before verifying costs no second query.
    /// </summary>
    public sealed class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
    {
        private readonly IDnsResolver _resolver;
        private readonly ConcurrentDictionary<string, Lazy<Task<DkimKeyLookup>>> _cache = new ConcurrentDictionary<string, Lazy<Task<DkimKeyLookup>>>(StringComparer.OrdinalIgnoreCase);

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public DnsDkimPublicKeyLocator(IDnsResolver resolver) { _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver)); }

        /// <summary>Fetches and parses the key record at <c>selector._domainkey.domain</c>. Never throws for DNS failures.</summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public Task<DkimKeyLookup> LookupAsync(string domain, string selector, CancellationToken cancellationToken)
        {
            var name = DkimRecordBuilder.DnsName(selector, domain);
            return _cache.GetOrAdd(name, n => new Lazy<Task<DkimKeyLookup>>(() => FetchAsync(n, cancellationToken))).Value;
        }

        private async Task<DkimKeyLookup> FetchAsync(string name, CancellationToken cancellationToken)
        {
            var answer = await _resolver.GetTxtAsync(name, cancellationToken).ConfigureAwait(false);
            if (answer.IsTemporaryFailure)
                return new DkimKeyLookup(name, DkimAuthResult.TempError, null, $"DNS lookup of {name} failed: {answer.Status} {answer.Error}".TrimEnd());
            if (answer.Records.Count == 0)
                return new DkimKeyLookup(name, DkimAuthResult.PermError, null, $"No DKIM key is published at {name} ({answer.Status}).");
            // Several TXT records at one name are undefined behaviour (RFC 6376 3.6.2.2); use the first usable one.
            var records = answer.Records.Select(r => DkimKeyRecord.Parse(r.Text)).ToList();
            var usable = records.FirstOrDefault(r => r.IsUsable);
            if (usable != null) return new DkimKeyLookup(name, DkimAuthResult.Pass, usable, null);
            var first = records[0];
            var why = first.Findings.FirstOrDefault(f => f.Severity != FindingSeverity.Information)?.Message ?? "the key record is not usable";
            return new DkimKeyLookup(name, DkimAuthResult.PermError, first, $"The key at {name} cannot be used: {why}");
        }

        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

        public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var lookup = await LookupAsync(domain, selector, cancellationToken).ConfigureAwait(false);
            if (lookup.Status != DkimAuthResult.Pass) throw new DkimKeyLookupException(lookup);
            return lookup.Record.PublicKey;
        }
    }
}
