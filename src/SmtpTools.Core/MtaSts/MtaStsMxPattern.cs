using System;
using System.Collections.Generic;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>
    /// The mx patterns of a policy (RFC 8461 3.2: sts-policy-mx-value = ["*."] Domain, with Domain as in RFC 5321) and
    /// how an MX host name is matched against them (RFC 8461 4.1): case-insensitively, a wildcard standing for exactly
    /// one leftmost label ("*.example.com" matches "mx.example.com", not "example.com" nor "a.b.example.com").
    /// </summary>
    internal static class MtaStsMxPattern
    {
        /// <summary>Null when <paramref name="pattern"/> is a valid mx value, else why not.</summary>
        public static string Problem(string pattern)
        {
            if (string.IsNullOrEmpty(pattern)) return "it is empty";
            string domain = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern.Substring(2) : pattern;
            if (domain.IndexOf('*') >= 0) return "a wildcard may only be the whole leftmost label (\"*.\")";
            if (domain.EndsWith(".", StringComparison.Ordinal)) return "it ends with a dot";
            if (domain.Length > 253) return "it is longer than 253 characters";
            foreach (var label in domain.Split('.'))
            {
                if (label.Length == 0) return "it has an empty label";
                if (label.Length > 63) return $"the label \"{TagRecord.Cut(label)}\" is longer than 63 characters";
                foreach (char c in label)
                {
                    if (c > 0x7f) return $"'{c}' is not ASCII (write an internationalized name in its A-label form, xn--…)";
                    if (!TagRecord.IsAlphaDigit(c) && c != '-') return $"'{c}' cannot appear in a host name";
                }
                if (label[0] == '-' || label[label.Length - 1] == '-')
                    return $"the label \"{label}\" must begin and end with a letter or digit";
            }
            return null;
        }

        /// <summary>RFC 8461 4.1 matching of one MX host name (no trailing dot) against one valid pattern.</summary>
        public static bool Matches(string pattern, string host)
        {
            if (string.IsNullOrEmpty(pattern) || string.IsNullOrEmpty(host)) return false;
            host = host.TrimEnd('.');
            if (!pattern.StartsWith("*.", StringComparison.Ordinal))
                return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
            int dot = host.IndexOf('.');
            return dot > 0 && string.Equals(pattern.Substring(2), host.Substring(dot + 1), StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The first pattern that matches <paramref name="host"/>; null when none does.</summary>
        public static string FirstMatch(IEnumerable<string> patterns, string host)
        {
            foreach (var pattern in patterns)
                if (Matches(pattern, host)) return pattern;
            return null;
        }
    }
}
