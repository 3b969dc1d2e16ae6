using System;
using System.Linq;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>
    /// DMARC findings cite the section of the specification in use. The catalog names both where a rule is in both
    /// ("RFC 9989 4.7; RFC 7489 6.3", or RFC 9091 for np under RFC 7489); a finding carries the one that applies.
    /// </summary>
    internal static class DmarcFindings
    {
        private const string Dmarcbis = "RFC 9989";

        public static Finding Create(this FindingDefinition definition, DmarcSpecification specification, string message) =>
            definition.Create(message, ReferenceFor(definition, specification));

        public static string ReferenceFor(FindingDefinition definition, DmarcSpecification specification)
        {
            if (definition.Reference == null) return null;
            var parts = definition.Reference.Split(new[] { "; " }, StringSplitOptions.RemoveEmptyEntries);
            bool bis = specification == DmarcSpecification.Rfc9989;
            return parts.FirstOrDefault(p => p.StartsWith(Dmarcbis, StringComparison.Ordinal) == bis) ?? definition.Reference;
        }
    }
}
