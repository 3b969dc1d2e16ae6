using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools
{
    /// <summary>
    /// One entry of <see cref="FindingCatalog"/>: a finding's stable id, its severity, the RFC section it rests on and
    /// what it means in one line. Findings are only ever made from an entry (<see cref="Create(string, string)"/>),
    /// so every id the module can emit is in the catalog and in about_SmtpTools_Findings.
    /// </summary>
    public sealed class FindingDefinition
    {
        internal FindingDefinition(string area, string id, FindingSeverity severity, string reference, string meaning, FindingSeverity[] otherSeverities)
        {
            if (string.IsNullOrEmpty(area)) throw new ArgumentException("A catalog entry needs an area.", nameof(area));
            if (string.IsNullOrEmpty(id)) throw new ArgumentException("A catalog entry needs an id.", nameof(id));
            if (string.IsNullOrEmpty(meaning)) throw new ArgumentException("A catalog entry needs a meaning.", nameof(meaning));
            Area = area;
            Id = id;
            Severity = severity;
            Reference = reference;
            Meaning = meaning;
            Severities = new[] { severity }.Concat(otherSeverities ?? Array.Empty<FindingSeverity>()).Distinct().ToArray();
        }

        /// <summary>What the finding is about (SPF, DMARC, DKIM, SMTP …); the section of about_SmtpTools_Findings that lists it.</summary>
        public string Area { get; }
        /// <summary>The stable id, e.g. <c>SpfTooManyDnsLookups</c>.</summary>
        public string Id { get; }
        /// <summary>The severity findings of this kind have (see <see cref="Severities"/> for the few that depend on context).</summary>
        public FindingSeverity Severity { get; }
        /// <summary>Every severity a finding of this kind can have, <see cref="Severity"/> first; <see cref="Meaning"/> says when which.</summary>
        public IReadOnlyList<FindingSeverity> Severities { get; }
        /// <summary>
        /// The RFC section(s), e.g. <c>RFC 7208 4.6.4</c>; several separated by "; " when the rule is in more than one
        /// document (a DMARC finding names the RFC 9989 and the RFC 7489 section). Null when no RFC applies.
        /// </summary>
        public string Reference { get; }
        /// <summary>What the finding means, in one line.</summary>
        public string Meaning { get; }

        /// <summary>A finding of this kind with the catalog's severity and reference.</summary>
        /// <param name="message">What was found, specific to this case (the catalog has the general meaning).</param>
        /// <param name="reference">A more precise section than the catalog's, when this case rests on one (null: the catalog's).</param>
        /// <exception cref="ArgumentException">message is empty.</exception>
        public Finding Create(string message, string reference = null) => new Finding(this, Severity, message, reference ?? Reference);

        /// <summary>A finding of this kind with one of the other severities the catalog allows for it (<see cref="Severities"/>).</summary>
        /// <exception cref="ArgumentException">The catalog does not allow that severity for this kind, or message is empty.</exception>
        public Finding Create(FindingSeverity severity, string message, string reference = null)
        {
            if (!Severities.Contains(severity))
                throw new ArgumentException($"The catalog gives {Id} the severities {string.Join(", ", Severities)}, not {severity}.", nameof(severity));
            return new Finding(this, severity, message, reference ?? Reference);
        }

        public override string ToString() => Id;
    }
}
