using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using MimeKit.Cryptography;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Dkim
{
    /// <summary>Verifies every DKIM-Signature of a message with keys from DNS (MimeKit's DkimVerifier underneath).</summary>
    public sealed class DkimMessageVerifier
    {
        private readonly IDnsResolver _resolver;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public DkimMessageVerifier(IDnsResolver resolver) { _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver)); }

        /// <summary>When to judge x= (expiry) against; null = now. For tests of old messages.</summary>
        public DateTimeOffset? Now { get; set; }

        /// <summary>One result per DKIM-Signature header, in header order (top first). Empty when unsigned.</summary>
        /// <exception cref="ArgumentNullException">message is null.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<IReadOnlyList<DmarcDkimSignature>> VerifyAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            var locator = new DnsDkimPublicKeyLocator(_resolver);
            var verifier = new DkimVerifier(locator);
            var results = new List<DmarcDkimSignature>();
            foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList())
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(await VerifyOneAsync(verifier, locator, message, header, cancellationToken).ConfigureAwait(false));
            }
            return results;
        }

        private async Task<DmarcDkimSignature> VerifyOneAsync(DkimVerifier verifier, DnsDkimPublicKeyLocator locator, MimeMessage message, Header header, CancellationToken ct)
        {
            var tags = ParseTags(header.Value);
            string Tag(string n) => tags.TryGetValue(n, out var v) ? v : null;
            var check = new DmarcDkimSignature
            {
                Domain = Tag("d"),
                Selector = Tag("s"),
                Algorithm = Tag("a"),
                Identity = Tag("i") ?? (Tag("d") == null ? null : "@" + Tag("d")),
            };

            if (Tag("h") != null) check.SignedHeaders = Tag("h").Split(':').Where(h => h.Length > 0).ToArray();
            var missing = new[] { "v", "a", "b", "bh", "d", "h", "s" }.Where(t => Tag(t) == null).ToList();
            if (missing.Count > 0) return Perm(check, "The signature lacks required tag(s) " + string.Join(", ", missing) + " (RFC 6376 6.1.1).");
            if (Tag("v") != "1") return Perm(check, $"v={Tag("v")} is not 1.");
            var algorithm = check.Algorithm.ToLowerInvariant();
            DkimKeyAlgorithm expectedKey;
            if (algorithm == "rsa-sha256") expectedKey = DkimKeyAlgorithm.Rsa;
            else if (algorithm == "ed25519-sha256") expectedKey = DkimKeyAlgorithm.Ed25519;
            else if (algorithm == "rsa-sha1") return Perm(check, "rsa-sha1 signatures are not accepted (RFC 8301 3.1).");
            else return Perm(check, $"a={check.Algorithm} is not a known signing algorithm.");
            var signedHeaders = Tag("h").Split(':').Select(h => h.Trim()).ToList();
            if (!signedHeaders.Any(h => h.Equals("From", StringComparison.OrdinalIgnoreCase)))
                return Perm(check, "h= does not include From (RFC 6376 5.4).");
            var auid = check.Identity;
            var at = auid.LastIndexOf('@');
            var auidDomain = at >= 0 ? auid.Substring(at + 1) : auid;
            if (!DomainNames.IsSameOrSubdomain(auidDomain, check.Domain))
                return Perm(check, $"i={auid} is not in the d= domain {check.Domain} (RFC 6376 6.1.1).");
            if (Tag("x") != null && long.TryParse(Tag("x"), out var expires))
            {
                var now = (Now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
                if (expires < now) return Perm(check, "The signature has expired (x=).");
            }

            var lookup = await locator.LookupAsync(check.Domain, check.Selector, ct).ConfigureAwait(false);
            if (lookup.Record != null)
            {
                check.KeyLength = lookup.Record.KeyLength;
                check.KeyTesting = lookup.Record.IsTesting;
            }
            if (lookup.Status != DkimAuthResult.Pass)
            {
                check.Result = lookup.Status;
                check.Reason = lookup.Reason;
                return check;
            }
            var key = lookup.Record;
            if (key.KeyAlgorithm != expectedKey) return Perm(check, $"a={check.Algorithm} does not match the key type k={key.KeyType}.");
            if (key.IsStrict && !auidDomain.Equals(check.Domain, StringComparison.OrdinalIgnoreCase))
                return Perm(check, "The key has t=s but i= is a subdomain of d= (RFC 6376 3.6.1).");

            try
            {
                var ok = await verifier.VerifyAsync(message, header, ct).ConfigureAwait(false);
                check.Result = ok ? DkimAuthResult.Pass : DkimAuthResult.Fail;
                if (!ok) check.Reason = "The body hash or the signature does not verify.";
            }
            catch (OperationCanceledException) { throw; }
            catch (DkimKeyLookupException ex)
            {
                check.Result = ex.Lookup.Status;
                check.Reason = ex.Lookup.Reason;
            }
            catch (Exception ex) when (ex is FormatException || ex is ArgumentException || ex is ParseException || ex is NotSupportedException)
            {
                return Perm(check, "The signature cannot be checked: " + ex.Message);
            }
            return check;
        }

        private static DmarcDkimSignature Perm(DmarcDkimSignature check, string reason)
        {
            check.Result = DkimAuthResult.PermError;
            check.Reason = reason;
            return check;
        }

        /// <summary>Tag list of a DKIM-Signature value (RFC 6376 3.2); folding whitespace removed from values.</summary>
        internal static Dictionary<string, string> ParseTags(string value)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var spec in (value ?? "").Split(';'))
            {
                var eq = spec.IndexOf('=');
                if (eq <= 0) continue;
                var name = spec.Substring(0, eq).Trim(' ', '\t', '\r', '\n');
                // Every tag this class reads (a, b, bh, d, h, i, s, v, x) has no meaningful whitespace.
                var v = new string(spec.Substring(eq + 1).Where(c => c != '\r' && c != '\n' && c != ' ' && c != '\t').ToArray());
                if (!tags.ContainsKey(name)) tags[name] = v;
            }
            return tags;
        }
    }
}
