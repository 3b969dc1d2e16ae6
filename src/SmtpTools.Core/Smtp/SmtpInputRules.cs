using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// What a value must look like before it may reach an SMTP command line (MAIL FROM, RCPT TO, EHLO) or an address
    /// header: no control character (a CR or LF would end the command and start another one — command injection) and
    /// RFC 5321's size limits. One definition for Send-SmtpMessage and Test-SmtpConnection.
    /// </summary>
    public static class SmtpInputRules
    {
        /// <summary>RFC 5321 4.5.3.1.1.</summary>
        public const int MaxLocalPartOctets = 64;
        /// <summary>RFC 5321 4.5.3.1.2.</summary>
        public const int MaxDomainOctets = 255;
        /// <summary>RFC 5321 4.5.3.1.3: a reverse-path or forward-path, angle brackets included.</summary>
        public const int MaxPathOctets = 256;

        // RFC 5321 4.1.2 Domain (letters, digits, hyphens; '_' too, as real host names carry it) or an address literal.
        private static readonly Regex HeloSyntax = new Regex(
            @"^(?:\[[^\[\]\\\s]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?)$",
            RegexOptions.CultureInvariant);

        /// <summary>True when <paramref name="value"/> holds a CR, LF, NUL or another control character.</summary>
        public static bool HasControlCharacter(string value)
        {
            if (value == null) return false;
            foreach (char c in value)
                if (c < 0x20 && c != '\t' || c == 0x7F) return true;
            return false;
        }

        /// <summary>Why <paramref name="address"/> (local-part@domain, no brackets) cannot go into MAIL FROM or RCPT TO; null when it can.</summary>
        public static string AddressProblem(string address)
        {
            if (string.IsNullOrEmpty(address)) return "it is empty";
            if (HasControlCharacter(address)) return "it contains a line break or another control character";
            var domainPart = DomainNames.OfAddress(address);
            if (domainPart == null) return "it is not of the form local-part@domain";
            int local = Octets(address.Substring(0, address.Length - domainPart.Length - 1));
            if (local > MaxLocalPartOctets) return $"its local part is {local} octets long; RFC 5321 allows {MaxLocalPartOctets}";
            int domain = Octets(domainPart);
            if (domain > MaxDomainOctets) return $"its domain is {domain} octets long; RFC 5321 allows {MaxDomainOctets}";
            int path = Octets(address) + 2;
            if (path > MaxPathOctets) return $"it is {path - 2} octets long; RFC 5321 allows {MaxPathOctets - 2} (a path of {MaxPathOctets} with the angle brackets)";
            return null;
        }

        /// <summary>Throws AddressInvalid when <paramref name="address"/> cannot go into an SMTP command.</summary>
        /// <param name="field">Where the address came from, for the message (e.g. "-To").</param>
        /// <exception cref="SmtpToolsException">AddressInvalid.</exception>
        public static void CheckAddress(string address, string field)
        {
            var problem = AddressProblem(address);
            if (problem != null)
                throw new SmtpToolsException(ErrorIds.AddressInvalid, FailureKind.InvalidArgument, $"{field}: '{Printable(address)}' cannot be used: {problem}.");
        }

        /// <summary>Why <paramref name="name"/> cannot be the EHLO argument (a domain or an address literal); null when it can.</summary>
        public static string HeloNameProblem(string name)
        {
            if (string.IsNullOrEmpty(name)) return "it is empty";
            if (HasControlCharacter(name)) return "it contains a line break or another control character";
            if (Octets(name) > MaxDomainOctets) return $"it is longer than {MaxDomainOctets} octets";
            if (!HeloSyntax.IsMatch(name)) return "it is neither a domain name nor an address literal such as [192.0.2.1]";
            return null;
        }

        /// <summary>
        /// True when the local part is not ASCII: such an address needs SMTPUTF8 (RFC 6531). A non-ASCII domain alone
        /// does not, because it travels as an A-label (xn--…).
        /// </summary>
        public static bool NeedsSmtpUtf8(string address)
        {
            if (address == null) return false;
            int at = address.LastIndexOf('@');
            var local = at < 0 ? address : address.Substring(0, at);
            foreach (char c in local) if (c > 0x7F) return true;
            return false;
        }

        /// <summary>The value with control characters shown as \r, \n or \xNN, so an error message cannot itself forge lines in a log.</summary>
        public static string Printable(string value)
        {
            if (value == null) return "";
            if (!HasControlCharacter(value)) return value;
            var text = new StringBuilder(value.Length + 8);
            foreach (char c in value)
            {
                if (c == '\r') text.Append("\\r");
                else if (c == '\n') text.Append("\\n");
                else if (c < 0x20 && c != '\t' || c == 0x7F) text.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                else text.Append(c);
            }
            return text.ToString();
        }

        private static int Octets(string s) => Encoding.UTF8.GetByteCount(s);
    }
}
