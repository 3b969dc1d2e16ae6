using System;
using System.Collections.Generic;
using System.Linq;
using MimeKit;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>The RFC5322.From domain(s) DMARC evaluates (RFC 7489 6.6.1), read with MimeKit's address parser.</summary>
    public static class FromDomainExtractor
    {
        /// <summary>Distinct mailbox domains of a raw From header value, lower case, in order; empty when none parse.</summary>
        public static IReadOnlyList<string> FromHeaderValue(string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return Array.Empty<string>();
            if (!InternetAddressList.TryParse(value, out var list)) return Array.Empty<string>();
            return Domains(list);
        }

        /// <summary>Distinct mailbox domains of every From header of a message.</summary>
        internal static IReadOnlyList<string> FromMessage(MimeMessage message) => Domains(message.From);

        private static IReadOnlyList<string> Domains(InternetAddressList list)
        {
            var result = new List<string>();
            foreach (var mailbox in list.Mailboxes)
            {
                string domain = mailbox.Domain;
                if (string.IsNullOrWhiteSpace(domain)) continue;
                // A malformed domain is kept (lower case) so the evaluation can report it rather than lose the From header.
                domain = DomainNames.NormalizeOrNull(domain) ?? DomainNames.Canonical(domain.Trim());
                if (!result.Contains(domain, StringComparer.OrdinalIgnoreCase)) result.Add(domain);
            }
            return result;
        }
    }
}
