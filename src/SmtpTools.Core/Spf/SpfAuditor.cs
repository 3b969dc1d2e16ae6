using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Spf
{
    /// <summary>Settings for <see cref="SpfAuditor"/>.</summary>
    public sealed class SpfAuditOptions
    {
        /// <summary>Also resolve the names of a and mx mechanisms (void lookups, more than 10 addresses/MX). Default true.</summary>
        public bool ResolveAddresses { get; set; } = true;
        /// <summary>Include/redirect nesting followed at most (deeper targets are reported, not audited).</summary>
        public int MaxDepth { get; set; } = 20;
    }

    /// <summary>
    /// Fetches, parses and audits SPF records: the include/redirect tree, RFC 7208's processing limits and the
    /// usual mistakes. Thread-safe; share one instance (and its resolver's cache) across many domains.
    /// </summary>
    public sealed class SpfAuditor
    {
        /// <summary>The findings that make check_host() a permerror.</summary>
        public static readonly IReadOnlyCollection<FindingDefinition> PermErrorFindings = new HashSet<FindingDefinition>
        {
            FindingCatalog.SpfMultipleRecords, FindingCatalog.SpfSyntaxError, FindingCatalog.SpfMalformedMacro, FindingCatalog.SpfTooManyDnsLookups,
            FindingCatalog.SpfTooManyVoidLookups, FindingCatalog.SpfIncludeLoop, FindingCatalog.SpfIncludeWithoutRecord,
            FindingCatalog.SpfRedirectWithoutRecord, FindingCatalog.SpfTooManyMxRecords,
        };

        private readonly IDnsResolver _resolver;
        private readonly SpfAuditOptions _options;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public SpfAuditor(IDnsResolver resolver, SpfAuditOptions options = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _options = options ?? new SpfAuditOptions();
        }

        /// <summary>
        /// Audits the SPF policy of <paramref name="domain"/>: the record, its include/redirect tree (each target audited
        /// once and shared), the findings and the verdict. DNS failures become findings, never exceptions.
        /// </summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName (FailureKind.InvalidArgument): domain is empty or not a domain name.</exception>
        /// <exception cref="OperationCanceledException">the token was cancelled.</exception>
        public async Task<SpfRecord> AuditAsync(string domain, CancellationToken cancellationToken)
        {
            domain = DomainNames.Normalize(domain);
            var run = new Run(cancellationToken);
            var root = await AuditNodeAsync(domain, null, new List<string>(), run).ConfigureAwait(false);
            if (!SpfChecker.IsCheckableDomain(domain))
                root.OwnFindings.Insert(0, FindingCatalog.SpfInvalidDomain.Create($"'{domain}' is not a fully qualified domain name; check_host() returns none for it."));
            AddTreeFindings(root);
            Summarize(root, new HashSet<Node>());
            return root.Result;
        }

        private sealed class Run
        {
            public Run(CancellationToken token) { Token = token; }
            public CancellationToken Token { get; }
            /// <summary>Targets already audited in this run: a provider included twice is audited once.</summary>
            public Dictionary<string, Node> Done { get; } = new Dictionary<string, Node>(StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>
        /// One audited domain while the audit runs: its <see cref="Result"/> (what Get-SpfRecord writes), filled as the
        /// audit goes, and what only the audit needs (findings before merging, the parsed record, the child nodes).
        /// </summary>
        private sealed class Node
        {
            public Node(string domain, string via) { Result = new SpfRecord { Domain = domain, IncludedVia = via }; }

            /// <summary>The same audit reached through another kind of edge (include versus redirect).</summary>
            public Node(Node source, string via) : this(source.Domain, via) { AliasOf = source; }

            public SpfRecord Result { get; }
            public Node AliasOf { get; }
            /// <summary>The node whose audit this is (itself, unless an alias); what the tree's counts are read from.</summary>
            public Node Audited => AliasOf ?? this;
            public List<Finding> OwnFindings { get; } = new List<Finding>();
            public List<Node> Children { get; } = new List<Node>();
            public ParsedSpfRecord Parsed { get; set; }
            public DnsResponseStatus LookupStatus { get; set; }
            public string Domain => Result.Domain;
            public bool Found => Audited.Result.Record != null || Audited.Result.Records.Length > 0;
        }

        private async Task<Node> AuditNodeAsync(string domain, string via, List<string> path, Run run)
        {
            var node = new Node(domain, via);
            var answer = await _resolver.GetTxtAsync(domain, run.Token).ConfigureAwait(false);
            node.LookupStatus = answer.Status;
            if (answer.IsTemporaryFailure)
            {
                node.OwnFindings.Add(FindingCatalog.SpfLookupFailed.Create(
                    $"The TXT lookup of {domain} failed ({answer.Error ?? answer.Status.ToString()}); check_host() gives temperror until it answers."));
                return node;
            }
            var spf = answer.Records.Where(r => SpfRecordParser.IsSpfRecord(r.Text)).ToList();
            node.Result.Records = spf.Select(r => r.Text).ToArray();
            if (spf.Count == 0)
            {
                if (via == null)
                    node.OwnFindings.Add(FindingCatalog.SpfNoRecord.Create($"{domain} publishes no SPF record; receivers get the result none."));
                return node;
            }
            if (spf.Count > 1)
            {
                node.OwnFindings.Add(FindingCatalog.SpfMultipleRecords.Create(
                    $"{domain} publishes {spf.Count} SPF records; check_host() gives permerror. Merge them into one: {string.Join(" | ", node.Result.Records)}"));
                return node;
            }

            var txt = spf[0];
            node.Result.Record = txt.Text;
            node.Result.RecordStrings = txt.Strings.ToArray();
            CheckSizes(node, txt);
            var parsed = SpfRecordParser.Parse(txt);
            node.Parsed = parsed;
            foreach (var error in parsed.Errors)
            {
                bool macro = error.IsMacroError;
                node.OwnFindings.Add((macro ? FindingCatalog.SpfMalformedMacro : FindingCatalog.SpfSyntaxError).Create(
                    error.Term == null ? $"{domain}: {error.Message}." : $"{domain}: term '{error.Term}' is invalid: {error.Message}."));
            }

            var childPath = new List<string>(path) { domain };
            var mechanisms = new List<SpfMechanism>();
            int voids = 0;
            foreach (var term in parsed.Mechanisms)
            {
                run.Token.ThrowIfCancellationRequested();
                var m = new SpfMechanism
                {
                    Qualifier = term.Qualifier.ToString(),
                    Name = term.Name,
                    Value = term.Value ?? (term.Network == null ? null : term.Network.ToString()),
                    Text = term.Text,
                    DnsLookups = term.CountsAsDnsLookup ? 1 : 0,
                };
                if (term.Name == "ip4" || term.Name == "ip6") m.Value = term.Text.Substring(term.Text.IndexOf(':') + 1);
                mechanisms.Add(m);
                switch (term.Name)
                {
                    case "all":
                        if (node.Result.AllQualifier == null) node.Result.AllQualifier = m.Qualifier;
                        break;
                    case "include":
                    {
                        var child = await FollowAsync(node, term, domain, "include", childPath, run).ConfigureAwait(false);
                        if (child == null) break;
                        m.DnsLookups += child.Audited.Result.DnsLookupCount;
                        if (!child.Found && !child.Audited.LookupStatus.IsTemporary())
                        {
                            voids++;
                            node.OwnFindings.Add(FindingCatalog.SpfIncludeWithoutRecord.Create(
                                $"{domain}: '{term.Text}' names {child.Domain}, which publishes no SPF record{(child.Audited.LookupStatus == DnsResponseStatus.NonExistentDomain ? " (the name does not exist)" : "")}; check_host() gives permerror."));
                        }
                        break;
                    }
                    case "a":
                    case "mx":
                        voids += await CheckAddressesAsync(node, term, domain, run).ConfigureAwait(false);
                        break;
                    case "ptr":
                        node.OwnFindings.Add(FindingCatalog.SpfPtrDeprecated.Create(
                            $"{domain}: '{term.Text}' uses the ptr mechanism, which is slow, unreliable and SHOULD NOT be used."));
                        break;
                    case "exists":
                        if (ExpandStatic(term.DomainSpec, domain) is string existsName)
                        {
                            var a = await _resolver.GetAddressesAsync(existsName, AddressFamily.InterNetwork, run.Token).ConfigureAwait(false);
                            if (a.IsTemporaryFailure) AddLookupFailed(node, existsName, "A", a);
                            else if (a.Records.Count == 0) voids++;
                        }
                        break;
                }
            }
            node.Result.Mechanisms = mechanisms.ToArray();

            var modifiers = new List<SpfModifier>();
            foreach (var term in parsed.Modifiers)
            {
                var mod = new SpfModifier { Name = term.Name, Value = term.Value };
                modifiers.Add(mod);
                if (term.Name == "redirect")
                {
                    if (parsed.All != null)
                    {
                        node.OwnFindings.Add(FindingCatalog.SpfRedirectIgnored.Create(
                            $"{domain}: 'redirect={term.Value}' is never used because the record has an all mechanism."));
                        continue;
                    }
                    mod.DnsLookups = 1;
                    var child = await FollowAsync(node, term, domain, "redirect", childPath, run).ConfigureAwait(false);
                    if (child == null) continue;
                    mod.DnsLookups += child.Audited.Result.DnsLookupCount;
                    if (!child.Found && !child.Audited.LookupStatus.IsTemporary())
                    {
                        voids++;
                        node.OwnFindings.Add(FindingCatalog.SpfRedirectWithoutRecord.Create(
                            $"{domain}: 'redirect={term.Value}' names {child.Domain}, which publishes no SPF record; check_host() gives permerror."));
                    }
                }
                else if (term.Name != "exp")
                {
                    node.OwnFindings.Add(FindingCatalog.SpfUnknownModifier.Create(
                        $"{domain}: modifier '{term.Text}' is not defined by RFC 7208 and is ignored by receivers."));
                }
            }
            node.Result.Modifiers = modifiers.ToArray();
            node.Result.DnsLookupCount = mechanisms.Sum(x => x.DnsLookups) + modifiers.Sum(x => x.DnsLookups);
            node.Result.VoidLookupCount = voids + node.Children.Where(c => c.Found).Sum(c => c.Audited.Result.VoidLookupCount);

            if (node.Result.AllQualifier == "+")
                node.OwnFindings.Add(FindingCatalog.SpfPassAll.Create(
                    via == null ? $"{domain}: '+all' lets every address on the Internet pass." : $"{domain}: '+all' makes every include of {domain} pass for any address."));
            return node;
        }

        private async Task<Node> FollowAsync(Node node, SpfTerm term, string domain, string via, List<string> path, Run run)
        {
            string target = ExpandStatic(term.DomainSpec, domain);
            if (target == null)
            {
                node.OwnFindings.Add(FindingCatalog.SpfMacroNotFollowed.Create(
                    $"{domain}: '{term.Text}' depends on the sender or client address (macros), so its target was not audited."));
                return null;
            }
            if (path.Contains(target, StringComparer.OrdinalIgnoreCase) || string.Equals(target, domain, StringComparison.OrdinalIgnoreCase))
            {
                node.OwnFindings.Add(FindingCatalog.SpfIncludeLoop.Create(
                    $"{domain}: '{term.Text}' loops back to {target} ({string.Join(" -> ", path.Concat(new[] { target }))}); check_host() ends in permerror."));
                return null;
            }
            if (path.Count >= _options.MaxDepth)
            {
                node.OwnFindings.Add(FindingCatalog.SpfTooDeep.Create($"{domain}: '{term.Text}' is nested deeper than {_options.MaxDepth} levels; not followed."));
                return null;
            }
            if (run.Done.TryGetValue(target, out var child))
            {
                // Audited before in this run (a provider included from several places): same audit, this edge's kind.
                if (child.Result.IncludedVia != via) child = new Node(child, via);
            }
            else
            {
                child = await AuditNodeAsync(target, via, path, run).ConfigureAwait(false);
                run.Done[target] = child;
            }
            node.Children.Add(child);
            return child;
        }

        /// <summary>Resolves an a/mx name: void lookups, more than 10 MX records or addresses. Returns the void lookups.</summary>
        private async Task<int> CheckAddressesAsync(Node node, SpfTerm term, string domain, Run run)
        {
            if (!_options.ResolveAddresses) return 0;
            string name = term.DomainSpec == null ? domain : ExpandStatic(term.DomainSpec, domain);
            if (name == null) return 0;
            if (term.Name == "a")
            {
                int count = await CountAddressesAsync(node, name, run).ConfigureAwait(false);
                if (count > 10)
                    node.OwnFindings.Add(FindingCatalog.SpfTooManyAddresses.Create(
                        $"{domain}: '{term.Text}': {name} has {count} addresses; keep a and mx names to at most 10."));
                return count == 0 ? 1 : 0;
            }
            var mx = await _resolver.GetMxAsync(name, run.Token).ConfigureAwait(false);
            if (mx.IsTemporaryFailure) { AddLookupFailed(node, name, "MX", mx); return 0; }
            if (mx.Records.Count == 0) return 1;
            if (mx.Records.Count > 10)
                node.OwnFindings.Add(FindingCatalog.SpfTooManyMxRecords.Create(
                    $"{domain}: '{term.Text}': {name} has {mx.Records.Count} MX records; more than 10 makes the mx mechanism a permerror."));
            foreach (var exchange in mx.Records.Take(10))
            {
                if (string.IsNullOrEmpty(exchange.Exchange)) continue;
                int count = await CountAddressesAsync(node, exchange.Exchange, run).ConfigureAwait(false);
                if (count > 10)
                    node.OwnFindings.Add(FindingCatalog.SpfTooManyAddresses.Create(
                        $"{domain}: '{term.Text}': MX host {exchange.Exchange} has {count} addresses; keep a and mx names to at most 10."));
            }
            return 0;
        }

        /// <summary>A and AAAA records of a name (max of the two families, as check_host() asks only one); -1 on failure.</summary>
        private async Task<int> CountAddressesAsync(Node node, string name, Run run)
        {
            var v4 = _resolver.GetAddressesAsync(name, AddressFamily.InterNetwork, run.Token);
            var v6 = _resolver.GetAddressesAsync(name, AddressFamily.InterNetworkV6, run.Token);
            var a = await v4.ConfigureAwait(false);
            var aaaa = await v6.ConfigureAwait(false);
            if (a.IsTemporaryFailure) { AddLookupFailed(node, name, "A", a); return -1; }
            if (aaaa.IsTemporaryFailure) { AddLookupFailed(node, name, "AAAA", aaaa); return -1; }
            return Math.Max(a.Records.Count, aaaa.Records.Count);
        }

        private static void AddLookupFailed<T>(Node node, string name, string type, DnsAnswer<T> answer) =>
            node.OwnFindings.Add(FindingCatalog.SpfLookupFailed.Create(
                $"{node.Domain}: the {type} lookup of {name} failed ({answer.Error ?? answer.Status.ToString()}); check_host() may give temperror.", "RFC 7208 4.6.4"));

        /// <summary>The target of a domain-spec that needs no sender or client data (only %{d} and literals); null otherwise.</summary>
        private static string ExpandStatic(SpfMacroString spec, string domain)
        {
            if (spec == null) return domain;
            if (spec.UsesOnly("d")) return DnsResolver.Normalize(spec.ExpandDomain(new SpfMacroValues { Domain = domain }));
            return null;
        }

        private static void CheckSizes(Node node, DnsTxtRecord txt)
        {
            int bytes = Encoding.UTF8.GetByteCount(txt.Text);
            if (bytes > 450)
                node.OwnFindings.Add(FindingCatalog.SpfRecordTooLong.Create(
                    $"{node.Domain}: the record is {bytes} bytes; over 450 the DNS answer may not fit in 512 bytes of UDP."));
            for (int i = 0; i < txt.Strings.Count; i++)
            {
                int length = Encoding.UTF8.GetByteCount(txt.Strings[i]);
                if (length > 255)
                    node.OwnFindings.Add(FindingCatalog.SpfStringTooLong.Create(
                        $"{node.Domain}: string {i + 1} of the TXT record is {length} bytes; a character-string holds at most 255 (split it)."));
            }
        }

        /// <summary>Findings about the tree as a whole, recorded on the audited domain.</summary>
        private static void AddTreeFindings(Node root)
        {
            var r = root.Result;
            if (!root.Found || root.Parsed == null) return;
            if (r.DnsLookupCount > 10)
            {
                var costs = r.Mechanisms.Where(m => m.DnsLookups > 0).Select(m => $"{m.Text} {m.DnsLookups}")
                    .Concat(r.Modifiers.Where(m => m.DnsLookups > 0).Select(m => $"{m} {m.DnsLookups}"));
                root.OwnFindings.Add(FindingCatalog.SpfTooManyDnsLookups.Create(
                    $"{root.Domain}: evaluating the record takes {r.DnsLookupCount} DNS lookups; more than 10 is a permerror. Cost per term: {string.Join(", ", costs)}."));
            }
            if (r.VoidLookupCount > 2)
                root.OwnFindings.Add(FindingCatalog.SpfTooManyVoidLookups.Create(
                    $"{root.Domain}: {r.VoidLookupCount} lookups in the tree return no records; more than 2 is a permerror."));

            // The policy's final word is the all of the last record in the redirect chain.
            var last = root;
            var seen = new HashSet<Node>();
            while (last.Parsed != null && last.Parsed.All == null && last.Parsed.Redirect != null && seen.Add(last))
            {
                var next = last.Children.LastOrDefault(c => c.Result.IncludedVia == "redirect");
                if (next == null) break;
                last = next.Audited;
            }
            if (last.Parsed == null) return;
            if (last.Parsed.All == null && last.Parsed.Redirect == null)
                root.OwnFindings.Add(FindingCatalog.SpfMissingAll.Create(
                    $"{root.Domain}: the policy ends without an all mechanism, so unlisted senders get neutral; end it with -all or ~all."));
            else if (last.Result.AllQualifier == "?")
                root.OwnFindings.Add(FindingCatalog.SpfNeutralAll.Create(
                    $"{root.Domain}: '?all' gives unlisted senders neutral, which protects nothing; use -all or ~all."));
        }

        /// <summary>Merges each node's findings with its children's and decides its verdict, leaves first.</summary>
        private static void Summarize(Node node, HashSet<Node> visiting)
        {
            if (node.AliasOf != null)
            {
                Summarize(node.AliasOf, visiting);
                ShareAudit(node.AliasOf.Result, node.Result);
                return;
            }
            if (!visiting.Add(node)) return;
            foreach (var child in node.Children) Summarize(child, visiting);
            var r = node.Result;
            r.Includes = node.Children.Select(c => c.Result).ToArray();
            var all = new List<Finding>(Finding.Deduplicate(node.OwnFindings, node.Domain));
            foreach (var f in node.Children.SelectMany(c => c.Result.Findings))
                if (!all.Contains(f)) all.Add(f);
            r.Findings = all.ToArray();
            bool temp = all.Any(f => f.Is(FindingCatalog.SpfLookupFailed));
            bool perm = all.Any(f => PermErrorFindings.Any(f.Is));
            r.IsValid = r.Record != null && !temp && !perm;
            if (temp) r.Status = SpfRecordStatus.TempError;
            else if (!node.Found) r.Status = SpfRecordStatus.NoRecord;
            else if (all.Any(f => f.Severity == FindingSeverity.Error)) r.Status = SpfRecordStatus.Invalid;
            else if (all.Any(f => f.Severity == FindingSeverity.Warning)) r.Status = SpfRecordStatus.Warning;
            else r.Status = SpfRecordStatus.Valid;
        }

        /// <summary>A target reached through include and through redirect: one audit, two results that differ in IncludedVia only.</summary>
        private static void ShareAudit(SpfRecord audited, SpfRecord alias)
        {
            alias.Record = audited.Record;
            alias.RecordStrings = audited.RecordStrings;
            alias.Records = audited.Records;
            alias.Mechanisms = audited.Mechanisms;
            alias.Modifiers = audited.Modifiers;
            alias.Includes = audited.Includes;
            alias.DnsLookupCount = audited.DnsLookupCount;
            alias.VoidLookupCount = audited.VoidLookupCount;
            alias.AllQualifier = audited.AllQualifier;
            alias.IsValid = audited.IsValid;
            alias.Status = audited.Status;
            alias.Findings = audited.Findings;
        }
    }

    internal static class DnsStatusExtensions
    {
        public static bool IsTemporary(this DnsResponseStatus status) =>
            !(status == DnsResponseStatus.NoError || status == DnsResponseStatus.NonExistentDomain || status == DnsResponseStatus.InvalidName);
    }
}
