using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Blocklists
{
    /// <summary>
    /// A blocklist as the engine reads it: a checked zone name and its return and error codes by IPv4 value (from a
    /// <see cref="DnsBlocklistZone"/> given by the user, completed from the built-in definition of the same list).
    /// </summary>
    internal sealed class BlocklistZone
    {
        private BlocklistZone(string name, DnsBlocklistType type, Dictionary<uint, string> codes, bool bitmask, Dictionary<uint, string> errors)
        {
            Name = name;
            Type = type;
            Codes = codes;
            IsBitmask = bitmask;
            Errors = errors;
        }

        public string Name { get; }
        public DnsBlocklistType Type { get; }
        public Dictionary<uint, string> Codes { get; }
        public bool IsBitmask { get; }
        public Dictionary<uint, string> Errors { get; }

        /// <summary>Zone definitions checked and completed; a plain name of a built-in list gets that list's codes.</summary>
        /// <exception cref="SmtpToolsException">InvalidDnsBlocklistZone: a name that is not a domain, or a code that is not an IPv4 address in 127.0.0.0/8.</exception>
        public static IReadOnlyList<BlocklistZone> From(IEnumerable<DnsBlocklistZone> zones)
        {
            var result = new List<BlocklistZone>();
            foreach (var given in zones ?? DnsBlocklistZone.Default)
            {
                if (given == null) continue;
                if (!DomainNames.TryNormalize(given.Name, out var name, out var problem))
                    throw Invalid($"The blocklist zone {DomainNames.Display(given.Name)} is not a domain name: {problem}.");
                if (result.Any(z => z.Name == name)) continue;
                var known = DnsBlocklistZone.FindDefault(name);
                bool plain = given.ReturnCodes == null && given.ErrorCodes == null && given.Type == DnsBlocklistType.Auto && !given.IsBitmask;
                var source = plain && known != null ? known : given;
                result.Add(new BlocklistZone(name, source.Type, CodeTable(name, source.ReturnCodes), source.IsBitmask, CodeTable(name, source.ErrorCodes)));
            }
            if (result.Count == 0) throw Invalid("No blocklist zone was given.");
            return result;
        }

        private static Dictionary<uint, string> CodeTable(string zone, Hashtable table)
        {
            var codes = new Dictionary<uint, string>();
            if (table == null) return codes;
            foreach (DictionaryEntry entry in table)
            {
                string key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture);
                if (!DomainNames.TryParseIPAddress(key, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || ip.GetAddressBytes()[0] != 127)
                    throw Invalid($"The return code {DomainNames.Display(key)} of {zone} is not an IPv4 address in 127.0.0.0/8 (RFC 5782 2).");
                codes[BlocklistAnswer.Value(ip)] = Convert.ToString(entry.Value, CultureInfo.InvariantCulture);
            }
            return codes;
        }

        private static SmtpToolsException Invalid(string message) =>
            new SmtpToolsException(ErrorIds.InvalidDnsBlocklistZone, FailureKind.InvalidArgument, message)
            {
                Hint = "Give zones as names (-Zone bl.example.net) or as hashtables: @{ Name = 'bl.example.net'; ReturnCodes = @{ '127.0.0.2' = 'spam source' } }.",
            };

        public override string ToString() => Name;
    }

    /// <summary>
    /// What one list's A records for a question mean (RFC 5782 2): only addresses in 127.0.0.0/8 count; among those,
    /// error codes (127.255.255.0/24 as Spamhaus defines them, and the list's own) mean the query was refused; the rest
    /// are listings, named from the list's codes where known.
    /// </summary>
    internal sealed class BlocklistAnswer
    {
        public List<string> ListingCodes { get; } = new List<string>();
        public List<string> Reasons { get; } = new List<string>();
        /// <summary>Error codes answered, and what each means.</summary>
        public List<(string Code, string Meaning)> Refusals { get; } = new List<(string, string)>();

        /// <summary>How a refusal reads wherever it is reported, the same for a test point and a subject.</summary>
        public string RefusalText => "query refused by the list (public or open resolver?): " + string.Join("; ", Refusals.Select(r => $"{r.Code} = {r.Meaning}"));
        /// <summary>Answers outside 127.0.0.0/8: not listings (a rewriting resolver, or a broken list).</summary>
        public List<string> Outside { get; } = new List<string>();

        public bool IsListed => ListingCodes.Count > 0 && Refusals.Count == 0;
        public bool IsRefused => Refusals.Count > 0;

        public static BlocklistAnswer Read(BlocklistZone zone, IEnumerable<IPAddress> addresses)
        {
            var answer = new BlocklistAnswer();
            foreach (var address in addresses.Distinct())
            {
                var bytes = address.GetAddressBytes();
                if (bytes.Length != 4 || bytes[0] != 127)
                {
                    answer.Outside.Add(address.ToString());
                    continue;
                }
                uint value = Value(address);
                string error = ErrorMeaning(zone, value, bytes);
                if (error != null)
                {
                    answer.Refusals.Add((address.ToString(), error));
                    continue;
                }
                answer.ListingCodes.Add(address.ToString());
                answer.Reasons.AddRange(ReasonsOf(zone, value, address));
            }
            return answer;
        }

        private static string ErrorMeaning(BlocklistZone zone, uint value, byte[] bytes)
        {
            if (zone.Errors.TryGetValue(value, out var own)) return own;
            if (bytes[1] != 255 || bytes[2] != 255) return null;
            switch (bytes[3])
            {
                case 252: return "typing error in the list name";
                case 254: return "query via a public or open resolver";
                case 255: return "too many queries from this resolver";
                default: return "an error code of the list";
            }
        }

        private static IEnumerable<string> ReasonsOf(BlocklistZone zone, uint value, IPAddress address)
        {
            if (!zone.IsBitmask)
            {
                yield return zone.Codes.TryGetValue(value, out var reason) ? reason : $"listed ({address})";
                yield break;
            }
            uint bits = value & 0xFF;
            for (int bit = 0; bit < 8; bit++)
            {
                uint mask = 1u << bit;
                if ((bits & mask) == 0) continue;
                yield return zone.Codes.TryGetValue((value & 0xFFFFFF00) | mask, out var reason) ? reason : $"listed (bit {mask} of {address})";
            }
        }

        /// <summary>An IPv4 address as a number, most significant octet first.</summary>
        public static uint Value(IPAddress address)
        {
            var b = address.GetAddressBytes();
            return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        }

        /// <summary>
        /// The name to ask (RFC 5782 2.1, 2.4, 2.3): an IPv4 address's octets reversed, an IPv6 address's 32 nibbles
        /// reversed, a domain as it is, each followed by the zone.
        /// </summary>
        public static string QueryName(IPAddress address, string zone)
        {
            var bytes = address.GetAddressBytes();
            var sb = new StringBuilder(80);
            if (bytes.Length == 4)
                for (int i = 3; i >= 0; i--) sb.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
            else
            {
                const string hex = "0123456789abcdef";
                for (int i = 15; i >= 0; i--) sb.Append(hex[bytes[i] & 0xF]).Append('.').Append(hex[bytes[i] >> 4]).Append('.');
            }
            return sb.Append(zone).ToString();
        }
    }
}
