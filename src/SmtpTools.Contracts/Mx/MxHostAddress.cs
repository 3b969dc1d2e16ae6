using System;

namespace SmtpTools
{
    /// <summary>One address of an MX host with its reverse DNS.</summary>
    public sealed class MxHostAddress
    {
        /// <summary>The IPv4 or IPv6 address as text.</summary>
        public string Address { get; set; }
        /// <summary>IPv4 or IPv6.</summary>
        public string AddressFamily { get; set; }
        /// <summary>The PTR names of the address (without trailing dots).</summary>
        public string[] PtrNames { get; set; } = Array.Empty<string>();
        public ReverseDnsStatus ReverseDns { get; set; }
        /// <summary>The PTR name that resolves back to the address (Confirmed only).</summary>
        public string ConfirmedName { get; set; }
        public override string ToString() => ConfirmedName == null ? $"{Address} ({ReverseDns})" : $"{Address} ({ConfirmedName})";
    }
}
