using System;

namespace SmtpTools
{
    /// <summary>One mail exchanger of a domain, as its MX record names it, with the addresses it resolves to.</summary>
    public sealed class MxHost
    {
        /// <summary>The MX preference (lower is tried first); 0 for the implicit MX.</summary>
        public int Preference { get; set; }
        /// <summary>The exchange host name, lower case, without the trailing dot.</summary>
        public string Name { get; set; }
        /// <summary>Mail can be delivered to it: it has at least one address.</summary>
        public bool IsUsable { get; set; }
        /// <summary>The domain itself, used because it has no MX record (RFC 5321 5.1).</summary>
        public bool IsImplicit { get; set; }
        /// <summary>The name is an alias (CNAME), which an MX must not name (RFC 2181 10.3).</summary>
        public bool IsAlias { get; set; }
        /// <summary>The name the alias leads to, for an alias; null otherwise.</summary>
        public string CanonicalName { get; set; }
        /// <summary>The exchange is an IP address written as a name ("192.0.2.25."), which senders look up as a name and fail.</summary>
        public bool IsIPLiteral { get; set; }
        public MxHostAddress[] Addresses { get; set; } = Array.Empty<MxHostAddress>();
        /// <summary>The addresses joined with ';' (for Export-Csv).</summary>
        public string AddressList => Columns.Join(Addresses, a => a.Address);
        public override string ToString() => $"{Preference} {Name}";
    }
}
