using System;

namespace SmtpTools.Core.Dns
{
    /// <summary>Comparisons of DNS names that SPF and DKIM both need.</summary>
    internal static class DomainNames
    {
        /// <summary><paramref name="name"/> is <paramref name="domain"/> or below it (case-insensitive, trailing dots ignored).</summary>
        public static bool IsSameOrSubdomain(string name, string domain)
        {
            if (name == null || domain == null) return false;
            name = name.TrimEnd('.');
            domain = domain.TrimEnd('.');
            return name.Equals(domain, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
        }
    }
}
