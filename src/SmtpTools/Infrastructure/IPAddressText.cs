using System.Net;
using System.Text.RegularExpressions;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// An IPv4 address in dotted-quad form or an IPv6 address. IPAddress.TryParse alone would accept "1" or "1.2" as
    /// IPv4, which are typing mistakes here, not addresses.
    /// </summary>
    internal static class IPAddressText
    {
        private static readonly Regex DottedQuad = new Regex(@"^\d{1,3}(\.\d{1,3}){3}$", RegexOptions.CultureInvariant);

        internal static bool IsAddress(string text)
        {
            text = text?.Trim();
            if (string.IsNullOrEmpty(text) || !IPAddress.TryParse(text, out var address)) return false;
            return text.IndexOf(':') >= 0 ? address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 : DottedQuad.IsMatch(text);
        }
    }
}
