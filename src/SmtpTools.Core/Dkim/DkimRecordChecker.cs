using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Dkim
{
    /// <summary>Fetches and audits DKIM key records (Test-DkimRecord).</summary>
    public sealed class DkimRecordChecker
    {
        /// <summary>
        /// Selectors probed when none is given: generic names and those of common providers
        /// (Microsoft 365 selector1/2, Google Workspace google, Mailchimp k1-k3, SendGrid s1/s2 and smtpapi, Fastmail fm1-3,
        /// Proton protonmail*, Zoho zoho, iCloud sig1, Mailjet mailjet, Mandrill mandrill, Amazon SES-style amazonses,
        /// Constant Contact ctct1/2, Campaign Monitor cm, Everlytic everlytickey1/2). <see cref="ProbedSelectors"/> adds
        /// the ones providers derive from the domain name.
        /// </summary>
        public static readonly IReadOnlyList<string> CommonSelectors = new[]
        {
            "default", "dkim", "dkim1", "dkim2", "mail", "email", "smtp", "mx", "key1", "key2",
            "selector1", "selector2", "google", "k1", "k2", "k3", "s1", "s2", "s1024", "s2048",
            "fm1", "fm2", "fm3", "protonmail", "protonmail2", "protonmail3", "zoho", "sig1", "mailjet", "mandrill", "amazonses",
            "smtpapi", "ctct1", "ctct2", "cm", "everlytickey1", "everlytickey2",
        };

        /// <summary>
        /// Every selector probed for <paramref name="domain"/> (a normalized name): <see cref="CommonSelectors"/>, then
        /// Microsoft 365's per-domain names selector1-&lt;domain with dashes&gt; and selector2-… (the selectors it signs
        /// with for a tenant's contoso.onmicrosoft.com domain, and the targets of a custom domain's selector1/2 CNAMEs).
        /// </summary>
        public static IReadOnlyList<string> ProbedSelectors(string domain)
        {
            var dashed = DomainNames.ToAscii(domain).Replace('.', '-');
            var list = CommonSelectors.ToList();
            // A selector label is at most 63 octets; a longer derived name cannot exist.
            if (dashed.Length + "selector1-".Length <= 63) list.AddRange(new[] { "selector1-" + dashed, "selector2-" + dashed });
            return list;
        }

        /// <summary>RFC 8301 3.2: signers SHOULD use at least 2048 bits.</summary>
        public const int RecommendedRsaBits = 2048;

        private readonly IDnsResolver _resolver;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public DkimRecordChecker(IDnsResolver resolver) { _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver)); }

        /// <summary>
        /// Checks the given selectors of a domain (or, with none, probes <see cref="ProbedSelectors"/>). With
        /// explicit selectors there is one result per selector; when probing only found ones are returned, and one
        /// summary result with a DkimNoSelectorFound finding when none is found. DNS failures never throw.
        /// </summary>
        /// <param name="privateKey">Optional key to compare the published keys with.</param>
        /// <param name="selectors">Selectors to check; empty or white-space entries are ignored, and none at all means probing.</param>
        /// <exception cref="SmtpToolsException">InvalidDomainName or InvalidDkimSelector (FailureKind.InvalidArgument).</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<IReadOnlyList<DkimRecordCheck>> CheckAsync(string domain, IReadOnlyList<string> selectors, DkimPrivateKey privateKey, CancellationToken cancellationToken)
        {
            domain = DomainNames.Normalize(domain);
            var given = (selectors ?? Array.Empty<string>()).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
            var probing = given.Count == 0;
            var list = probing ? ProbedSelectors(domain) : given.Select(DomainNames.NormalizeSelector).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (probing && await NothingBelowDomainKeyAsync(domain, cancellationToken).ConfigureAwait(false)) return new[] { NoneFound(domain, list.Count) };
            var lookups = await Task.WhenAll(list.Select(s => CheckOneAsync(domain, s, privateKey, probing, cancellationToken))).ConfigureAwait(false);
            // While probing, CheckOneAsync gives null for a selector with nothing worth reporting.
            var reported = lookups.Where(l => l != null).ToList();
            foreach (var lookup in reported) Conclude(lookup.Check, lookup.Record, lookup.Findings);
            return !probing || reported.Count > 0 ? reported.Select(l => l.Check).ToList() : (IReadOnlyList<DkimRecordCheck>)new[] { NoneFound(domain, list.Count) };
        }

        /// <summary>
        /// RFC 8020: an NXDOMAIN for _domainkey.&lt;domain&gt; means nothing below it exists, so no probed selector can; one
        /// question instead of ~40 for the many domains without DKIM, and the same report the probes would give. Only a plain
        /// NXDOMAIN counts: NOERROR (a key's parent is an empty non-terminal, or a wildcard or record answers there), a
        /// failure (timeout, SERVFAIL: nothing learnt) or a CNAME at the name (names below an alias can still exist) probe
        /// every selector as before. A server that wrongly answers NXDOMAIN for an empty non-terminal hides its keys from
        /// probing (RFC 8020 section 4 calls such servers broken); -Selector asks the given names directly.
        /// </summary>
        private async Task<bool> NothingBelowDomainKeyAsync(string domain, CancellationToken ct)
        {
            var parent = await _resolver.GetTxtAsync("_domainkey." + domain, ct).ConfigureAwait(false);
            return parent.Status == DnsResponseStatus.NonExistentDomain && parent.Aliases.Count == 0;
        }

        /// <summary>The one result of a probe that found nothing.</summary>
        private static DkimRecordCheck NoneFound(string domain, int probed)
        {
            var none = new DkimRecordCheck { Domain = domain, DnsName = "_domainkey." + domain, LookupStatus = DnsResponseStatus.NonExistentDomain.ToString() };
            Conclude(none, null, new List<Finding>
            {
                FindingCatalog.DkimNoSelectorFound.Create($"None of the {probed} common selectors has a DKIM key at {domain}; pass the selector your mail provider uses with -Selector."),
            });
            return none;
        }

        /// <summary>Whether any of the results is a usable key without error findings: Test-DkimRecord -Quiet.</summary>
        public static bool AnyUsable(IEnumerable<DkimRecordCheck> checks) =>
            checks.Any(c => c.Status == DkimRecordStatus.Valid || c.Status == DkimRecordStatus.Warning);

        /// <summary>One selector's lookup: the result, and what deciding its verdict needs.</summary>
        private sealed class Lookup
        {
            public DkimRecordCheck Check { get; set; }
            public DkimKeyRecord Record { get; set; }
            public List<Finding> Findings { get; } = new List<Finding>();
        }

        /// <summary>The record's facts, the merged findings and the verdict.</summary>
        private static void Conclude(DkimRecordCheck check, DkimKeyRecord record, List<Finding> findings)
        {
            var merged = Finding.Deduplicate(findings, check.DnsName);
            check.Findings = merged.ToArray();
            check.IsUsable = record != null && record.IsUsable;
            if (record != null)
            {
                check.Revoked = record.IsRevoked;
                check.KeyAlgorithm = record.KeyType;
                check.KeyLength = record.KeyLength;
                check.Testing = record.IsTesting;
                check.Flags = string.Join(":", record.Flags);
                check.HashAlgorithms = record.HashAlgorithms.Count == 0 ? null : string.Join(":", record.HashAlgorithms);
                check.ServiceTypes = string.Join(":", record.ServiceTypes);
                check.Note = record.Note;
                check.Record = record.Text;
                check.PublicKeyFingerprint = record.PublicKeyFingerprint;
            }
            if (merged.Any(f => f.Is(FindingCatalog.DkimLookupFailed))) check.Status = DkimRecordStatus.LookupFailed;
            else if (!check.Found) check.Status = DkimRecordStatus.NotFound;
            else if (check.Revoked) check.Status = DkimRecordStatus.Revoked;
            else if (!check.IsUsable || merged.Any(f => f.Severity == FindingSeverity.Error)) check.Status = DkimRecordStatus.Invalid;
            else if (merged.Any(f => f.Severity == FindingSeverity.Warning)) check.Status = DkimRecordStatus.Warning;
            else check.Status = DkimRecordStatus.Valid;
        }

        private async Task<Lookup> CheckOneAsync(string domain, string selector, DkimPrivateKey privateKey, bool probing, CancellationToken ct)
        {
            var name = DkimRecordBuilder.DnsName(selector, domain);
            var answer = await _resolver.GetTxtAsync(name, ct).ConfigureAwait(false);
            // Probing reports a selector only for a key (a wildcard TXT record answers every selector, so only records that
            // look like DKIM keys count), a CNAME (into a provider whose key may be gone) or a failed lookup; the ~38
            // selectors of a domain with nothing at them cost no result objects.
            if (probing && answer.Aliases.Count == 0 && (answer.Status == DnsResponseStatus.NoError || answer.Status == DnsResponseStatus.NonExistentDomain)
                && !answer.Records.Any(r => LooksLikeDkim(r.Text)))
                return null;
            var check = new DkimRecordCheck { Domain = domain, Selector = selector, DnsName = name };
            var lookup = new Lookup { Check = check };
            var findings = lookup.Findings;
            check.LookupStatus = answer.Status.ToString();
            if (answer.Aliases.Count > 0) check.CnameTarget = answer.Aliases[answer.Aliases.Count - 1];
            if (answer.Aliases.Count > 0)
                findings.Add(FindingCatalog.DkimRecordIsCname.Create($"{name} is a CNAME to {string.Join(" → ", answer.Aliases)} (key hosted elsewhere)."));

            if (answer.IsTemporaryFailure)
            {
                findings.Add(FindingCatalog.DkimLookupFailed.Create($"The DNS lookup of {name} failed ({answer.Status}{(answer.Error == null ? "" : ": " + answer.Error)}); try again later."));
                return lookup;
            }

            // Probing: ignore TXT records that are plainly not DKIM keys (wildcards, SPF at the name). Each is parsed once.
            var candidates = answer.Records.Where(r => !probing || LooksLikeDkim(r.Text)).ToList();
            var parsed = candidates.Select(c => DkimKeyRecord.Parse(c.Text)).ToList();
            if (candidates.Count == 0)
            {
                if (answer.Aliases.Count > 0)
                    findings.Add(FindingCatalog.DkimCnameTargetMissing.Create($"{name} points (CNAME) to {answer.Aliases[answer.Aliases.Count - 1]}, which has no DKIM key ({answer.Status}): the provider side is not set up or was removed."));
                else
                    findings.Add(FindingCatalog.DkimRecordNotFound.Create($"No DKIM key record at {name} ({answer.Status})."));
                return lookup;
            }

            if (candidates.Count > 1)
            {
                var joined = DkimKeyRecord.Parse(string.Concat(candidates.Select(c => c.Text)));
                if (parsed.All(r => !r.IsUsable) && joined.IsUsable)
                    findings.Add(FindingCatalog.DkimRecordSplitIntoRecords.Create($"The key is split into {candidates.Count} separate TXT records; it must be one TXT record made of several strings."));
                else
                    findings.Add(FindingCatalog.DkimMultipleRecords.Create($"{candidates.Count} TXT records at {name}; verifiers may pick any of them."));
            }

            int chosen = Math.Max(0, parsed.FindIndex(r => r.IsUsable));
            var txt = candidates[chosen];
            var record = parsed[chosen];
            check.Found = true;
            lookup.Record = record;
            check.RecordStrings = txt.Strings.ToArray();
            findings.AddRange(record.Findings);

            if (txt.Text.IndexOf('"') >= 0 || txt.Text.IndexOf('\\') >= 0)
                findings.Add(FindingCatalog.DkimRecordQuoted.Create("The record contains quote or backslash characters: it was probably pasted with the zone-file quoting into a DNS provider's form."));
            if (record.PublicKeyBase64 != null && record.PublicKeyBase64.Length > 0 && record.GetTag("p").Any(char.IsWhiteSpace))
                findings.Add(FindingCatalog.DkimRecordWhitespaceInKey.Create("p= contains whitespace (allowed, ignored by verifiers): the key was probably split with spaces between strings."));
            if (txt.Strings.Count > 1 && txt.Strings.Take(txt.Strings.Count - 1).Any(s => s.EndsWith(" ") && record.GetTag("p") != null && record.GetTag("p").Contains(" ")))
                findings.Add(FindingCatalog.DkimRecordSplitWithSpaces.Create("The strings of the record carry spaces at their joins inside p=; some verifiers mis-read such keys."));
            if (record.KeyAlgorithm == DkimKeyAlgorithm.Rsa && record.KeyLength >= 1024 && record.KeyLength < RecommendedRsaBits)
                findings.Add(FindingCatalog.DkimRsaKeyTooShort.Create($"The RSA key has {record.KeyLength} bits; use at least {RecommendedRsaBits}."));
            if (record.IsTesting)
                findings.Add(FindingCatalog.DkimTestingMode.Create("t=y: verifiers treat this domain as testing DKIM; remove the flag once signing works."));
            if (record.KeyAlgorithm == DkimKeyAlgorithm.Ed25519)
                findings.Add(FindingCatalog.DkimEd25519Only.Create("An Ed25519 key: many verifiers still ignore ed25519-sha256; sign with an RSA key as well."));
            if (record.Version == null)
                findings.Add(FindingCatalog.DkimRecordNoVersion.Create("The record has no v=DKIM1 tag (optional, but it identifies the record)."));

            if (privateKey != null)
            {
                var comparison = privateKey.CompareWith(record);
                check.MatchesPrivateKey = comparison.Matches;
                if (comparison.Matches && comparison.RecordUsable)
                    findings.Add(FindingCatalog.DkimKeyMatches.Create("The published key is the public half of the given private key."));
                else if (comparison.Matches)
                    findings.Add(FindingCatalog.DkimKeyMatchesUnusableRecord.Create("The published key is the public half of the given private key, but verifiers cannot use the record (see the other findings)."));
                else if (record.KeyAlgorithm != null && !comparison.SameAlgorithm)
                    findings.Add(FindingCatalog.DkimKeyMismatch.Create($"The published key is {record.KeyType} but the private key is {privateKey.Algorithm.ToString().ToLowerInvariant()}."));
                else
                    findings.Add(FindingCatalog.DkimKeyMismatch.Create("The published key is not the public half of the given private key: signatures made with it will fail."));
            }
            return lookup;
        }

        private static bool LooksLikeDkim(string text)
        {
            var t = text.TrimStart();
            return t.StartsWith("v=DKIM1", StringComparison.Ordinal) || text.Contains("p=") || text.Contains("k=");
        }
    }
}
