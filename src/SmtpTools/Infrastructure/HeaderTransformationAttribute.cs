using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Lets -Header take text as well as a hashtable, so a CSV column can carry headers in a mail merge:
    /// "Name: value" per line (one string with line breaks, or an array of such strings).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class HeaderTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case null: return null;
                case Hashtable table: return table;
                case IDictionary dictionary: return new Hashtable(dictionary, StringComparer.OrdinalIgnoreCase);
                case string text: return Parse(text.Split(new[] { "\r\n", "\n" }, StringSplitOptions.None));
                case IEnumerable items: return Parse(Strings(items));
                default: throw new ArgumentTransformationMetadataException($"'{value}' is not a header: use a hashtable or 'Name: value' text.");
            }
        }

        private static IEnumerable<string> Strings(IEnumerable items)
        {
            foreach (var item in items)
            {
                var value = item is PSObject pso ? pso.BaseObject : item;
                if (!(value is string s)) throw new ArgumentTransformationMetadataException($"'{value}' is not a header: use a hashtable or 'Name: value' text.");
                yield return s;
            }
        }

        private static Hashtable Parse(IEnumerable<string> lines)
        {
            var headers = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var raw in lines)
            {
                if (string.IsNullOrWhiteSpace(raw)) continue;
                int colon = raw.IndexOf(':');
                var name = colon > 0 ? raw.Substring(0, colon).Trim() : null;
                // RFC 5322 2.2: a field name is printable US-ASCII except ':' and space.
                if (string.IsNullOrEmpty(name) || name.IndexOfAny(new[] { ' ', '\t' }) >= 0 || !IsPrintableAscii(name))
                    throw new ArgumentTransformationMetadataException($"'{raw}' is not a header line: expected 'Name: value'.");
                headers[name] = raw.Substring(colon + 1).Trim();
            }
            return headers;
        }

        private static bool IsPrintableAscii(string s)
        {
            foreach (char c in s) if (c < 33 || c > 126) return false;
            return true;
        }
    }
}
