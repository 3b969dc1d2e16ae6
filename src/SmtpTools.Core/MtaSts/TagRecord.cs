using System;
using System.Collections.Generic;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>
    /// The shared shape of the MTA-STS (RFC 8461 3.1) and TLS-RPT (RFC 8460 3) TXT records: a version that must come
    /// first, then name=value fields separated by *WSP ";" *WSP, an optional trailing separator, and extension names of
    /// the same grammar in both.
    /// </summary>
    internal static class TagRecord
    {
        /// <summary>One name=value field, in record order.</summary>
        internal readonly struct Field
        {
            public Field(string name, string value) { Name = name; Value = value; }
            public string Name { get; }
            public string Value { get; }
        }

        internal static bool IsWsp(char c) => c == ' ' || c == '\t';

        /// <summary>The record begins with <paramref name="version"/> exactly, followed by its end, white space or ';'.</summary>
        public static bool StartsWithVersion(string text, string version)
        {
            if (text == null || !text.StartsWith(version, StringComparison.Ordinal)) return false;
            return text.Length == version.Length || IsWsp(text[version.Length]) || text[version.Length] == ';';
        }

        /// <summary>
        /// A record that was meant to be of this kind (it starts with "v=" and the version's name in any case, or with
        /// white space before it) but is not exactly it, e.g. "v=STSv2", "v=stsv1", " v=STSv1".
        /// </summary>
        public static bool LooksLike(string text, string version)
        {
            if (text == null || StartsWithVersion(text, version)) return false;
            string stem = version.Substring(0, version.Length - 1);   // "v=STSv" of "v=STSv1"
            var head = new System.Text.StringBuilder();
            for (int i = 0; i < text.Length && i < 40; i++)
                if (!IsWsp(text[i])) head.Append(text[i]);
            return head.ToString().StartsWith(stem, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>
        /// The fields after the version. Grammar problems (empty fields, a term without '=') go to
        /// <paramref name="syntaxError"/>; the fields that can be read are returned.
        /// </summary>
        public static List<Field> Split(string text, string version, Action<string> syntaxError)
        {
            var fields = new List<Field>();
            var terms = text.Split(';');
            if (terms[0].TrimEnd(' ', '\t') != version)
                syntaxError($"the record must begin with \"{version};\", not \"{Cut(terms[0])}\"");
            for (int i = 1; i < terms.Length; i++)
            {
                string term = terms[i].Trim(' ', '\t');
                if (term.Length == 0)
                {
                    if (i < terms.Length - 1) syntaxError("it has an empty field (';;')");
                    continue;
                }
                int eq = term.IndexOf('=');
                if (eq <= 0)
                {
                    syntaxError($"\"{Cut(term)}\" is not a name=value field");
                    continue;
                }
                fields.Add(new Field(term.Substring(0, eq), term.Substring(eq + 1)));
            }
            return fields;
        }

        /// <summary>ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".").</summary>
        public static bool IsExtensionName(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 32 || !IsAlphaDigit(name[0])) return false;
            foreach (char c in name)
                if (!IsAlphaDigit(c) && c != '_' && c != '-' && c != '.') return false;
            return true;
        }

        /// <summary>ext-value = 1*(%x21-3A / %x3C / %x3E-7E): printable ASCII without space, '=' and ';'.</summary>
        public static bool IsExtensionValue(string value)
        {
            if (string.IsNullOrEmpty(value)) return false;
            foreach (char c in value)
                if (c < 0x21 || c > 0x7e || c == '=' || c == ';') return false;
            return true;
        }

        public static bool IsAlphaDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

        public static string Cut(string text) => text.Length <= 60 ? text : text.Substring(0, 60) + "…";
    }
}
