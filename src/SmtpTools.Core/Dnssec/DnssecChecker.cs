using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Dnssec
{
    /// <summary>
    /// The DNSSEC status of a domain as its users' resolvers see it (one engine for every cmdlet that reports it). It asks
    /// the domain's SOA with DO through the resolver given (-Server, which should be a validating one):
    /// <list type="bullet">
    /// <item>AD set: <see cref="DnssecStatus.Validated"/>;</item>
    /// <item>answered without AD and without signatures: <see cref="DnssecStatus.Unsigned"/>; with signatures:
    /// <see cref="DnssecStatus.SignedNotValidated"/> (a resolver that does not validate, or no DS at the parent);</item>
    /// <item>SERVFAIL: asked again with CD (checking disabled). Answered then: <see cref="DnssecStatus.Bogus"/>, signed
    /// but broken, and the signatures say why when they can (expired, not yet valid); SERVFAIL again, a timeout or
    /// REFUSED: <see cref="DnssecStatus.TempError"/>, never a verdict.</item>
    /// </list>
    /// SOA because every name has an answer for it that a validating resolver must prove: the record at a zone apex, and
    /// below it a signed NODATA or NXDOMAIN carrying the zone's SOA, so the zone shows in either case. Answers are cached
    /// per pipeline like any other, so several cmdlets asking about one domain cost one question.
    /// </summary>
    public sealed class DnssecChecker
    {
        private readonly IDnsResolver _resolver;
        private readonly Func<DateTime> _utcNow;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public DnssecChecker(IDnsResolver resolver, Func<DateTime> utcNow = null)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        /// <summary>The DNSSEC status of <paramref name="domain"/>.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName: <paramref name="domain"/> is not a domain name.</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<DnssecStatusResult> CheckAsync(string domain, CancellationToken cancellationToken)
        {
            string name = DomainNames.Normalize(domain);
            var result = new DnssecStatusResult { Domain = name };
            var findings = new List<Finding>();
            var answer = await _resolver.GetSecurityFactsAsync(name, false, cancellationToken).ConfigureAwait(false);
            if (answer.IsSuccess)
            {
                var facts = answer.Records.FirstOrDefault();
                Describe(result, facts, answer.Authenticated);
                if (answer.Authenticated)
                {
                    result.Status = DnssecStatus.Validated;
                    result.Detail = $"Validated: the resolver checked the signatures{ZoneText(facts)}{ExpiryText(facts)}.";
                }
                else if (result.IsSigned)
                {
                    result.Status = DnssecStatus.SignedNotValidated;
                    result.Detail = $"Signed ({(string.IsNullOrEmpty(facts?.Zone) ? "" : "zone " + facts.Zone + ", ")}{result.SignatureCount} signature(s)), but the answer was not validated: "
                        + "the resolver asked does not validate (give a validating one with -Server), or the parent zone has no DS record for it.";
                    findings.Add(FindingCatalog.DnssecSignedNotValidated.Create(result.Detail));
                }
                else
                {
                    result.Status = DnssecStatus.Unsigned;
                    result.Detail = $"Not signed{ZoneText(facts)}: no signatures came with the answer.";
                    findings.Add(FindingCatalog.DnssecUnsigned.Create(result.Detail));
                }
            }
            else if (answer.Status == DnsResponseStatus.ServerFailure)
            {
                var withoutValidation = await _resolver.GetSecurityFactsAsync(name, true, cancellationToken).ConfigureAwait(false);
                if (withoutValidation.IsSuccess)
                {
                    var facts = withoutValidation.Records.FirstOrDefault();
                    Describe(result, facts, false);
                    result.Status = DnssecStatus.Bogus;
                    result.Detail = $"Signed but broken{ZoneText(facts)}: the validating resolver answers SERVFAIL, and answers with validation turned off (CD); {WhyBogus(facts)}";
                    findings.Add(FindingCatalog.DnssecBogus.Create(result.Detail));
                }
                else
                {
                    result.Status = DnssecStatus.TempError;
                    result.Detail = $"SERVFAIL for {name} also with validation turned off (CD), so not a DNSSEC failure as far as can be seen: {withoutValidation.Error}";
                    findings.Add(FindingCatalog.DnssecLookupFailed.Create(result.Detail));
                }
            }
            else
            {
                result.Status = DnssecStatus.TempError;
                result.Detail = $"The DNSSEC status of {name} is unknown: {answer.Error}";
                findings.Add(FindingCatalog.DnssecLookupFailed.Create(result.Detail));
            }
            result.Findings = findings.ToArray();
            return result;
        }

        private static void Describe(DnssecStatusResult result, DnsSecurityFacts facts, bool authenticated)
        {
            result.Zone = facts?.Zone;
            result.SignatureCount = facts?.SignatureCount ?? 0;
            result.IsSigned = result.SignatureCount > 0 || authenticated;
            result.IsValidated = authenticated;
            result.SignatureExpiration = facts?.SignaturesExpire;
        }

        private static string ZoneText(DnsSecurityFacts facts) => string.IsNullOrEmpty(facts?.Zone) ? "" : $" (zone {facts.Zone})";

        private static string ExpiryText(DnsSecurityFacts facts) =>
            facts?.SignaturesExpire == null ? "" : "; the first signature expires " + Time(facts.SignaturesExpire.Value);

        /// <summary>What the signatures seen with CD say about why validation fails.</summary>
        private string WhyBogus(DnsSecurityFacts facts)
        {
            var now = _utcNow();
            if (facts == null || facts.SignatureCount == 0)
                return "no signatures came back, although the parent's DS record says the zone is signed (a zone that stopped signing with its DS still published?).";
            if (facts.SignaturesExpire < now)
                return $"the signatures expired {Time(facts.SignaturesExpire.Value)} (the zone is no longer being re-signed).";
            if (facts.SignaturesIncepted > now)
                return $"the signatures are valid only from {Time(facts.SignaturesIncepted.Value)} (a signer clock running ahead?).";
            return "the signatures are within their validity period, so the key the parent's DS record (or the resolver's trust anchor) "
                + "names is most likely not the key that signs the zone (a key rollover gone wrong).";
        }

        private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    }
}
