using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace SmtpTools.Core.Dns
{
    /// <summary>Parses DNS server specifications as users type them: <c>host</c>, <c>host:port</c>, <c>v6</c>, <c>[v6]</c>, <c>[v6]:port</c>.</summary>
    public static class DnsServerEndpoint
    {
        public const int DefaultPort = 53;

        /// <exception cref="FormatException">The text is not a host, address or port we understand.</exception>
        /// <exception cref="System.Net.Sockets.SocketException">A host name could not be resolved by the system resolver.</exception>
        public static IReadOnlyList<IPEndPoint> Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) throw new FormatException("A DNS server must not be empty.");
            text = text.Trim();
            string host;
            int port = DefaultPort;

            if (text.StartsWith("[", StringComparison.Ordinal))
            {
                int close = text.IndexOf(']');
                if (close < 0) throw new FormatException($"DNS server '{text}': missing ']'.");
                host = text.Substring(1, close - 1);
                string rest = text.Substring(close + 1);
                if (rest.Length > 0)
                {
                    if (rest[0] != ':') throw new FormatException($"DNS server '{text}': expected ':port' after ']'.");
                    port = ParsePort(text, rest.Substring(1));
                }
                if (!IPAddress.TryParse(host, out _)) throw new FormatException($"DNS server '{text}': '{host}' is not an IP address.");
            }
            else if (text.Count(c => c == ':') > 1)
            {
                host = text; // a bare IPv6 address
            }
            else
            {
                int colon = text.IndexOf(':');
                host = colon < 0 ? text : text.Substring(0, colon);
                if (colon >= 0) port = ParsePort(text, text.Substring(colon + 1));
            }

            if (IPAddress.TryParse(host, out var address))
                return new[] { new IPEndPoint(address, port) };
            if (host.Length == 0) throw new FormatException($"DNS server '{text}': no host.");
            return System.Net.Dns.GetHostAddresses(host).Select(a => new IPEndPoint(a, port)).ToArray();
        }

        /// <exception cref="FormatException">One of the texts is not understood.</exception>
        public static IReadOnlyList<IPEndPoint> ParseAll(IEnumerable<string> texts) =>
            (texts ?? Enumerable.Empty<string>()).SelectMany(Parse).Distinct().ToList();

        private static int ParsePort(string text, string port)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > 65535)
                throw new FormatException($"DNS server '{text}': '{port}' is not a port number (1-65535).");
            return value;
        }
    }
}
