using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Spf
{
    /// <summary>Settings for <see cref="SpfChecker"/>.</summary>
    public sealed class SpfCheckOptions
    {
        /// <summary>
        /// The explanation for a Fail when the domain publishes no usable exp= (an explain-string: macros allowed).
        /// </summary>
        public string DefaultExplanation { get; set; } = "%{i} is not one of %{d}'s designated mail servers.";
        /// <summary>DNS-querying terms allowed per evaluation (RFC 7208 4.6.4: 10).</summary>
        public int MaxDnsLookups { get; set; } = 10;
        /// <summary>Lookups with an empty answer allowed per evaluation (RFC 7208 4.6.4: 2).</summary>
        public int MaxVoidLookups { get; set; } = 2;
        /// <summary>The %{t} timestamp; null = now.</summary>
        public DateTimeOffset? Timestamp { get; set; }
    }

    /// <summary>The inputs of check_host() (RFC 7208 4.1).</summary>
    public sealed class SpfCheckRequest
    {
        /// <summary>The SMTP client's address. IPv4-mapped IPv6 addresses are treated as IPv4.</summary>
        public IPAddress IPAddress { get; set; }
        /// <summary>The MAIL FROM address; empty = the HELO identity (postmaster@HeloDomain).</summary>
        public string Sender { get; set; }
        /// <summary>The HELO/EHLO domain (%{h}; the identity when Sender is empty).</summary>
        public string HeloDomain { get; set; }
        /// <summary>When set, the domain checked instead of the sender's domain.</summary>
        public string Domain { get; set; }
        /// <summary>The receiving host's name for %{r} in explanations.</summary>
        public string ReceiverName { get; set; }
    }

    /// <summary>
    /// RFC 7208 check_host(): evaluates the SPF policy of a domain for a client address and sender. Thread-safe;
    /// one instance may serve many concurrent checks (they share the resolver and its cache).
    /// </summary>
    public sealed class SpfChecker
    {
        private readonly IDnsResolver _resolver;
        private readonly SpfCheckOptions _options;
        private readonly SpfMacroString _defaultExplanation;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        /// <exception cref="ArgumentException">the default explanation is not a valid explain-string.</exception>
        public SpfChecker(IDnsResolver resolver, SpfCheckOptions options = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _options = options ?? new SpfCheckOptions();
            if (!SpfMacroString.TryParse(_options.DefaultExplanation ?? string.Empty, true, out _defaultExplanation, out var error))
                throw new ArgumentException("DefaultExplanation: " + error, nameof(options));
        }

        /// <summary>
        /// Runs check_host() for <paramref name="request"/>; the result repeats the inputs as given. DNS failures give
        /// TempError, never an exception.
        /// </summary>
        /// <exception cref="ArgumentNullException">request or its IPAddress is null.</exception>
        /// <exception cref="OperationCanceledException">the token was cancelled.</exception>
        public async Task<SpfCheckResult> CheckHostAsync(SpfCheckRequest request, CancellationToken cancellationToken)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            if (request.IPAddress == null) throw new ArgumentNullException(nameof(request), "The request needs an IPAddress.");

            var ip = request.IPAddress;
            if (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            string helo = (request.HeloDomain ?? string.Empty).Trim();
            string sender = (request.Sender ?? string.Empty).Trim();
            if (sender.Length == 0) sender = "postmaster@" + helo;
            int at = sender.LastIndexOf('@');
            string local = at < 0 ? string.Empty : sender.Substring(0, at);
            string senderDomain = at < 0 ? sender : sender.Substring(at + 1);
            if (local.Length == 0) local = "postmaster"; // RFC 7208 4.3
            sender = local + "@" + senderDomain;
            string given = string.IsNullOrWhiteSpace(request.Domain) ? senderDomain : request.Domain;

            var evaluation = new Evaluation
            {
                Macros = new SpfMacroValues
                {
                    Sender = sender,
                    LocalPart = local,
                    SenderDomain = senderDomain,
                    IPAddress = ip,
                    HeloDomain = helo,
                    ReceiverName = request.ReceiverName,
                    Timestamp = _options.Timestamp ?? DateTimeOffset.UtcNow,
                },
                CancellationToken = cancellationToken,
                MaxLookups = _options.MaxDnsLookups,
                MaxVoids = _options.MaxVoidLookups,
            };
            var check = new SpfCheckResult
            {
                IPAddress = request.IPAddress.ToString(),
                Sender = request.Sender,
                HeloDomain = request.HeloDomain,
                Domain = given.Trim(),
            };
            // RFC 7208 4.3: a malformed or single-label name gives none before any DNS query is sent.
            if (!DomainNames.TryNormalize(given, out string domain, out string problem) || !IsCheckableDomain(domain))
            {
                check.Result = SpfResult.None;
                check.Reason = $"{DomainNames.Display(given)} is not a fully qualified domain name{(problem == null ? "" : ": " + problem)} (RFC 7208 4.3).";
                return check;
            }
            check.Domain = domain;
            try
            {
                var result = await CheckDomainAsync(domain, evaluation).ConfigureAwait(false);
                check.Result = result.Result;
                check.MatchedMechanism = result.Mechanism;
                check.Explanation = result.Explanation;
                check.Reason = result.Reason;
            }
            catch (SpfEvaluationException ex)
            {
                check.Result = ex.Result;
                check.Reason = ex.Message;
            }
            check.DnsLookupCount = evaluation.Lookups;
            check.VoidLookupCount = evaluation.Voids;
            return check;
        }

        /// <summary>The initial-processing test of RFC 7208 4.3: labels of 1..63 octets, at least two of them, no domain literal.</summary>
        internal static bool IsCheckableDomain(string domain)
        {
            if (string.IsNullOrEmpty(domain) || domain.Length > 253 || domain.IndexOf('.') < 0 || domain.StartsWith("[", StringComparison.Ordinal)) return false;
            foreach (var label in domain.Split('.'))
                if (label.Length == 0 || label.Length > 63) return false;
            return true;
        }

        private async Task<Step> CheckDomainAsync(string domain, Evaluation e)
        {
            var record = await FetchRecordAsync(domain, e.CancellationToken).ConfigureAwait(false);
            if (record == null) return new Step(SpfResult.None, null, $"{domain} publishes no SPF record.");
            return await EvaluateAsync(record, domain, e).ConfigureAwait(false);
        }

        /// <summary>RFC 7208 4.4 and 4.5: the one v=spf1 TXT record of the domain, null for none.</summary>
        private async Task<ParsedSpfRecord> FetchRecordAsync(string domain, CancellationToken cancellationToken)
        {
            var answer = await _resolver.GetTxtAsync(domain, cancellationToken).ConfigureAwait(false);
            if (answer.IsTemporaryFailure)
                throw new SpfEvaluationException(SpfResult.TempError, $"DNS lookup of the TXT records of {domain} failed: {answer.Error ?? answer.Status.ToString()}.");
            DnsTxtRecord spf = null;
            int count = 0;
            foreach (var txt in answer.Records)
                if (SpfRecordParser.IsSpfRecord(txt.Text) && count++ == 0) spf = txt;
            if (count == 0) return null;
            if (count > 1)
                throw new SpfEvaluationException(SpfResult.PermError, $"{domain} publishes {count} SPF records; there must be one (RFC 7208 4.5).");
            var record = SpfRecordParser.Parse(spf);
            if (!record.IsValid)
                throw new SpfEvaluationException(SpfResult.PermError, $"The SPF record of {domain} has a syntax error: {record.Errors[0]}.");
            return record;
        }

        private async Task<Step> EvaluateAsync(ParsedSpfRecord record, string domain, Evaluation e)
        {
            foreach (var mechanism in record.Mechanisms)
            {
                e.CancellationToken.ThrowIfCancellationRequested();
                if (!await MatchesAsync(mechanism, domain, e).ConfigureAwait(false)) continue;
                var result = mechanism.QualifierResult;
                string explanation = result == SpfResult.Fail ? await ExplainAsync(record, domain, e).ConfigureAwait(false) : null;
                return new Step(result, mechanism.Text, $"{domain}: '{mechanism.Text}' matched.", explanation);
            }
            // RFC 7208 6.1: redirect applies only when no mechanism matched; a record with "all" always matches.
            if (record.Redirect != null && record.All == null)
            {
                e.CountLookup(record.Redirect);
                string target = await ExpandDomainAsync(record.Redirect.DomainSpec, domain, e).ConfigureAwait(false);
                if (!IsCheckableDomain(target))
                    throw new SpfEvaluationException(SpfResult.PermError, $"redirect target '{target}' of {domain} is not a valid domain name (RFC 7208 6.1).");
                var redirected = await CheckDomainAsync(target, e).ConfigureAwait(false);
                if (redirected.Result == SpfResult.None)
                    throw new SpfEvaluationException(SpfResult.PermError, $"redirect target {target} of {domain} publishes no SPF record (RFC 7208 6.1).");
                return redirected;
            }
            return new Step(SpfResult.Neutral, null, $"{domain}: no mechanism matched (default result neutral, RFC 7208 4.7).");
        }

        private async Task<bool> MatchesAsync(SpfTerm mechanism, string domain, Evaluation e)
        {
            var ct = e.CancellationToken;
            var ip = e.Macros.IPAddress;
            switch (mechanism.Name)
            {
                case "all":
                    return true;
                case "ip4":
                case "ip6":
                    return InNetwork(ip, mechanism.Network, mechanism.Name == "ip4" ? mechanism.Ip4PrefixLength : mechanism.Ip6PrefixLength);
                case "include":
                {
                    e.CountLookup(mechanism);
                    string target = await ExpandDomainAsync(mechanism.DomainSpec, domain, e).ConfigureAwait(false);
                    var inner = IsCheckableDomain(target)
                        ? await CheckDomainAsync(target, e).ConfigureAwait(false)
                        : new Step(SpfResult.None, null, null);
                    switch (inner.Result)
                    {
                        case SpfResult.Pass: return true;
                        case SpfResult.None:
                            throw new SpfEvaluationException(SpfResult.PermError, $"include target {target} of {domain} publishes no SPF record (RFC 7208 5.2).");
                        default: return false; // fail, softfail, neutral: no match
                    }
                }
                case "a":
                {
                    e.CountLookup(mechanism);
                    string name = mechanism.DomainSpec == null ? domain : await ExpandDomainAsync(mechanism.DomainSpec, domain, e).ConfigureAwait(false);
                    var addresses = await GetAddressesAsync(name, ip.AddressFamily, e, countVoid: true).ConfigureAwait(false);
                    return addresses.Any(a => InNetwork(ip, a, Prefix(mechanism, ip)));
                }
                case "mx":
                {
                    e.CountLookup(mechanism);
                    string name = mechanism.DomainSpec == null ? domain : await ExpandDomainAsync(mechanism.DomainSpec, domain, e).ConfigureAwait(false);
                    var mx = await _resolver.GetMxAsync(name, ct).ConfigureAwait(false);
                    if (mx.IsTemporaryFailure)
                        throw new SpfEvaluationException(SpfResult.TempError, $"DNS lookup of the MX records of {name} failed: {mx.Error ?? mx.Status.ToString()}.");
                    if (mx.Records.Count == 0) { e.CountVoid(name); return false; }
                    if (mx.Records.Count > 10)
                        throw new SpfEvaluationException(SpfResult.PermError, $"{name} has {mx.Records.Count} MX records; 'mx' may look up at most 10 (RFC 7208 4.6.4).");
                    foreach (var exchange in mx.Records)
                    {
                        if (string.IsNullOrEmpty(exchange.Exchange)) continue; // null MX (RFC 7505)
                        var addresses = await GetAddressesAsync(exchange.Exchange, ip.AddressFamily, e, countVoid: false).ConfigureAwait(false);
                        if (addresses.Any(a => InNetwork(ip, a, Prefix(mechanism, ip)))) return true;
                    }
                    return false;
                }
                case "ptr":
                {
                    e.CountLookup(mechanism);
                    string target = mechanism.DomainSpec == null ? domain : await ExpandDomainAsync(mechanism.DomainSpec, domain, e).ConfigureAwait(false);
                    var names = await ValidatedNamesAsync(e, countVoid: true).ConfigureAwait(false);
                    return names.Any(n => DomainNames.IsSameOrSubdomain(n, target));
                }
                case "exists":
                {
                    e.CountLookup(mechanism);
                    string name = await ExpandDomainAsync(mechanism.DomainSpec, domain, e).ConfigureAwait(false);
                    // RFC 7208 5.7: always an A query, whatever the client's address family.
                    var addresses = await GetAddressesAsync(name, AddressFamily.InterNetwork, e, countVoid: true).ConfigureAwait(false);
                    return addresses.Count > 0;
                }
                default:
                    throw new SpfEvaluationException(SpfResult.PermError, $"unknown mechanism '{mechanism.Text}'.");
            }
        }

        private async Task<IReadOnlyList<IPAddress>> GetAddressesAsync(string name, AddressFamily family, Evaluation e, bool countVoid)
        {
            var answer = await _resolver.GetAddressesAsync(name, family, e.CancellationToken).ConfigureAwait(false);
            if (answer.IsTemporaryFailure)
                throw new SpfEvaluationException(SpfResult.TempError, $"DNS lookup of {(family == AddressFamily.InterNetworkV6 ? "AAAA" : "A")} {name} failed: {answer.Error ?? answer.Status.ToString()}.");
            if (answer.Records.Count == 0 && countVoid) e.CountVoid(name);
            return answer.Records;
        }

        /// <summary>
        /// RFC 7208 5.5: the PTR names of the client whose forward lookup returns the client's address. At most ten
        /// names are tried; a DNS error on one name skips it; a failed PTR lookup means no names.
        /// </summary>
        private async Task<IReadOnlyList<string>> ValidatedNamesAsync(Evaluation e, bool countVoid)
        {
            var ip = e.Macros.IPAddress;
            var ptr = await _resolver.GetPtrAsync(ip, e.CancellationToken).ConfigureAwait(false);
            if (ptr.IsTemporaryFailure) return Array.Empty<string>();
            if (ptr.Records.Count == 0)
            {
                if (countVoid) e.CountVoid(ip.ToString());
                return Array.Empty<string>();
            }
            var validated = new List<string>();
            foreach (var name in ptr.Records.Take(10))
            {
                var forward = await _resolver.GetAddressesAsync(name, ip.AddressFamily, e.CancellationToken).ConfigureAwait(false);
                if (forward.IsTemporaryFailure) continue;
                if (forward.Records.Any(a => a.Equals(ip))) validated.Add(name.TrimEnd('.'));
            }
            return validated;
        }

        /// <summary>RFC 7208 7.3 %{p}: the target domain if validated, else a validated subdomain of it, else any validated name.</summary>
        private async Task<string> ValidatedNameAsync(string domain, Evaluation e)
        {
            var names = await ValidatedNamesAsync(e, countVoid: false).ConfigureAwait(false);
            return names.FirstOrDefault(n => string.Equals(n, domain, StringComparison.OrdinalIgnoreCase))
                ?? names.FirstOrDefault(n => DomainNames.IsSameOrSubdomain(n, domain))
                ?? names.FirstOrDefault()
                ?? "unknown";
        }

        private async Task<string> ExpandDomainAsync(SpfMacroString spec, string domain, Evaluation e)
        {
            var values = await ValuesForAsync(spec, domain, e).ConfigureAwait(false);
            return spec.ExpandDomain(values);
        }

        private async Task<SpfMacroValues> ValuesForAsync(SpfMacroString spec, string domain, Evaluation e)
        {
            var m = e.Macros;
            return new SpfMacroValues
            {
                Sender = m.Sender,
                LocalPart = m.LocalPart,
                SenderDomain = m.SenderDomain,
                Domain = domain,
                IPAddress = m.IPAddress,
                HeloDomain = m.HeloDomain,
                ReceiverName = m.ReceiverName,
                Timestamp = m.Timestamp,
                ValidatedName = spec.UsesValidatedName ? await ValidatedNameAsync(domain, e).ConfigureAwait(false) : null,
            };
        }

        /// <summary>RFC 7208 6.2: the exp= text of the record that failed, or the default when it cannot be used.</summary>
        private async Task<string> ExplainAsync(ParsedSpfRecord record, string domain, Evaluation e)
        {
            var exp = record.Explanation;
            if (exp != null)
            {
                try
                {
                    string target = await ExpandDomainAsync(exp.DomainSpec, domain, e).ConfigureAwait(false);
                    var answer = await _resolver.GetTxtAsync(target, e.CancellationToken).ConfigureAwait(false);
                    if (answer.IsSuccess && answer.Records.Count == 1)
                    {
                        string text = answer.Records[0].Text;
                        if (text.All(c => c < 0x80) && SpfMacroString.TryParse(text, true, out var explain, out _))
                            return explain.Expand(await ValuesForAsync(explain, domain, e).ConfigureAwait(false));
                    }
                }
                catch (SpfEvaluationException)
                {
                    // an unusable explanation is ignored, never an error (RFC 7208 6.2)
                }
            }
            return _defaultExplanation.Expand(await ValuesForAsync(_defaultExplanation, domain, e).ConfigureAwait(false));
        }

        private static int Prefix(SpfTerm mechanism, IPAddress ip) =>
            ip.AddressFamily == AddressFamily.InterNetworkV6 ? mechanism.Ip6PrefixLength : mechanism.Ip4PrefixLength;

        /// <summary>True when <paramref name="address"/> lies in network/prefix; addresses of different families never match.</summary>
        internal static bool InNetwork(IPAddress address, IPAddress network, int prefixLength)
        {
            if (address == null || network == null || address.AddressFamily != network.AddressFamily) return false;
            byte[] a = address.GetAddressBytes();
            byte[] n = network.GetAddressBytes();
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++)
                if (a[i] != n[i]) return false;
            int bits = prefixLength % 8;
            if (bits == 0) return true;
            int mask = 0xFF << (8 - bits) & 0xFF;
            return (a[full] & mask) == (n[full] & mask);
        }

        private sealed class Evaluation
        {
            public SpfMacroValues Macros;
            public CancellationToken CancellationToken;
            public int Lookups;
            public int Voids;
            public int MaxLookups;
            public int MaxVoids;

            public void CountLookup(SpfTerm term)
            {
                Lookups++;
                if (Lookups > MaxLookups)
                    throw new SpfEvaluationException(SpfResult.PermError, $"more than {MaxLookups} DNS-querying terms; '{term.Text}' is number {Lookups} (RFC 7208 4.6.4).");
            }

            public void CountVoid(string name)
            {
                Voids++;
                if (Voids > MaxVoids)
                    throw new SpfEvaluationException(SpfResult.PermError, $"more than {MaxVoids} lookups returned no records; the last was {name} (RFC 7208 4.6.4).");
            }
        }

        private readonly struct Step
        {
            public Step(SpfResult result, string mechanism, string reason, string explanation = null)
            {
                Result = result;
                Mechanism = mechanism;
                Reason = reason;
                Explanation = explanation;
            }

            public SpfResult Result { get; }
            public string Mechanism { get; }
            public string Reason { get; }
            public string Explanation { get; }
        }
    }

    /// <summary>Ends an evaluation with PermError or TempError.</summary>
    internal sealed class SpfEvaluationException : Exception
    {
        public SpfEvaluationException(SpfResult result, string message) : base(message) { Result = result; }
        public SpfResult Result { get; }
    }
}
