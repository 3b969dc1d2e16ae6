using System;
using System.Collections.Generic;
using System.Linq;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>One _smtp._tls TXT record read against RFC 8460 3.</summary>
    internal sealed class TlsRptRecordParse
    {
        public List<string> ReportUris { get; } = new List<string>();
        public List<string> MailtoAddresses { get; } = new List<string>();
        public List<string> HttpsUris { get; } = new List<string>();
        public List<Finding> Findings { get; } = new List<Finding>();
        public bool IsValid => Findings.All(f => f.Severity != FindingSeverity.Error);
    }

    /// <summary>
    /// The TLS reporting record (RFC 8460 3):
    /// <code>
    /// tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
    /// field-delim    = *WSP ";" *WSP
    /// tlsrpt-field   = tlsrpt-rua / tlsrpt-extension      ; rua is required
    /// tlsrpt-version = %s"v=TLSRPTv1"
    /// tlsrpt-rua     = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)   ; mailto: and https: only
    /// </code>
    /// </summary>
    internal static class TlsRptRecordParser
    {
        public const string Version = "v=TLSRPTv1";

        public static bool IsTlsRptRecord(string text) => TagRecord.StartsWithVersion(text, Version);
        public static bool LooksLikeTlsRptRecord(string text) => TagRecord.LooksLike(text, Version);

        public static TlsRptRecordParse Parse(string text)
        {
            var result = new TlsRptRecordParse();
            var findings = result.Findings;
            var fields = TagRecord.Split(text, Version, problem => findings.Add(FindingCatalog.TlsRptRecordSyntax.Create($"The _smtp._tls record is malformed: {problem}.")));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool hasRua = false;
            foreach (var field in fields)
            {
                if (!seen.Add(field.Name))
                {
                    findings.Add(FindingCatalog.TlsRptDuplicateField.Create($"The field {field.Name}= appears more than once; only the first counts."));
                    continue;
                }
                if (field.Name == "rua")
                {
                    hasRua = true;
                    ReadRua(field.Value, result);
                    continue;
                }
                if (!TagRecord.IsExtensionName(field.Name) || !TagRecord.IsExtensionValue(field.Value))
                {
                    findings.Add(FindingCatalog.TlsRptRecordSyntax.Create($"\"{TagRecord.Cut(field.Name + "=" + field.Value)}\" is not a valid field (name: letters, digits, '_', '-', '.'; value without spaces, '=' or ';')."));
                    continue;
                }
                findings.Add(FindingCatalog.TlsRptUnknownField.Create($"The field {field.Name}= is not defined by RFC 8460; senders ignore it."));
            }
            if (!hasRua)
                findings.Add(FindingCatalog.TlsRptNoRua.Create("The record has no rua= field, which is required: senders have nowhere to send reports."));
            else if (result.ReportUris.Count > 0 && result.MailtoAddresses.Count + result.HttpsUris.Count == 0)
                findings.Add(FindingCatalog.TlsRptNoUsableRua.Create("No rua= destination is usable (senders report only to valid mailto: and https: URIs): no reports are sent."));
            return result;
        }

        private static void ReadRua(string value, TlsRptRecordParse result)
        {
            if (value.Trim(' ', '\t').Length == 0)
            {
                result.Findings.Add(FindingCatalog.TlsRptRuaInvalid.Create("rua= is empty; it needs at least one mailto: or https: URI."));
                return;
            }
            foreach (var raw in value.Split(','))
            {
                string uri = raw.Trim(' ', '\t');
                result.ReportUris.Add(uri);
                if (uri.Length == 0)
                {
                    result.Findings.Add(FindingCatalog.TlsRptRuaInvalid.Create("rua= has an empty entry between commas."));
                    continue;
                }
                if (uri.IndexOf('!') >= 0 || uri.Any(c => c <= 0x20 || c >= 0x7f))
                {
                    result.Findings.Add(FindingCatalog.TlsRptRuaInvalid.Create($"\"{TagRecord.Cut(uri)}\" holds '!', a space or a non-ASCII character, which must be percent-encoded in a URI (RFC 8460 3)."));
                    continue;
                }
                int colon = uri.IndexOf(':');
                string scheme = colon > 0 ? uri.Substring(0, colon).ToLowerInvariant() : null;
                if (scheme == "mailto")
                {
                    var address = MailtoAddress(uri.Substring(colon + 1), out var problem);
                    if (address == null) result.Findings.Add(FindingCatalog.TlsRptRuaInvalid.Create($"\"{TagRecord.Cut(uri)}\" is not a usable mailto: URI: {problem}."));
                    else result.MailtoAddresses.Add(address);
                }
                else if (scheme == "https")
                {
                    if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && !string.IsNullOrEmpty(parsed.Host)
                        && (parsed.HostNameType != UriHostNameType.Dns || DomainNames.NormalizeOrNull(parsed.IdnHost) != null))
                        result.HttpsUris.Add(uri);
                    else result.Findings.Add(FindingCatalog.TlsRptRuaInvalid.Create($"\"{TagRecord.Cut(uri)}\" is not a valid https: URI."));
                }
                else if (scheme != null && IsScheme(scheme))
                {
                    result.Findings.Add(FindingCatalog.TlsRptRuaUnsupported.Create($"\"{TagRecord.Cut(uri)}\" uses the scheme {scheme}:, which senders do not support (only mailto: and https:); no reports go there."));
                }
                else
                {
                    result.Findings.Add(FindingCatalog.TlsRptRuaInvalid.Create($"\"{TagRecord.Cut(uri)}\" is not a URI (it needs a mailto: or https: scheme)."));
                }
            }
        }

        private static bool IsScheme(string scheme) =>
            scheme.Length > 0 && scheme[0] >= 'a' && scheme[0] <= 'z' && scheme.All(c => TagRecord.IsAlphaDigit(c) || c == '+' || c == '-' || c == '.');

        /// <summary>The address of a mailto: URI (RFC 6068: percent-encoded, headers after '?'); null and why when it has none.</summary>
        internal static string MailtoAddress(string rest, out string problem)
        {
            int question = rest.IndexOf('?');
            string to = question >= 0 ? rest.Substring(0, question) : rest;
            try { to = Uri.UnescapeDataString(to); }
            catch (UriFormatException) { problem = "bad percent-encoding"; return null; }
            if (to.IndexOf(',') >= 0) { problem = "one address per URI (separate destinations with a comma between URIs)"; return null; }
            int at = to.LastIndexOf('@');
            if (at <= 0 || at == to.Length - 1) { problem = "it has no local-part@domain address"; return null; }
            if (!DomainNames.TryNormalize(to.Substring(at + 1), out var domain, out var why)) { problem = "the domain " + why; return null; }
            problem = null;
            return to.Substring(0, at) + "@" + domain;
        }
    }
}
