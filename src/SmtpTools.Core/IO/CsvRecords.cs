using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SmtpTools.Core.IO
{
    /// <summary>
    /// Reads the CSV files Export-Csv writes (RFC 4180: quoted fields, "" inside quotes, line breaks inside quotes) on
    /// PowerShell 7 and Windows PowerShell 5.1: an optional "#TYPE …" first line, quotes on every field or only where
    /// needed, a comma or the delimiter of -UseCulture/-Delimiter (found in the header line), UTF-8 or any encoding with
    /// a byte-order mark. One record at a time, so a log of a million rows is never in memory at once.
    /// </summary>
    public sealed class CsvRecords : IDisposable
    {
        private static readonly char[] Delimiters = { ',', ';', '\t', '|' };
        private readonly TextReader _reader;
        private char _delimiter = ',';

        public CsvRecords(TextReader reader)
        {
            _reader = reader ?? throw new ArgumentNullException(nameof(reader));
            Header = ReadHeader();
        }

        /// <summary>Opens <paramref name="path"/> for reading while another program (Export-Csv -Append) may be writing it.</summary>
        public static CsvRecords Open(string path) =>
            new CsvRecords(new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false), true));

        /// <summary>The column names; empty for an empty file.</summary>
        public IReadOnlyList<string> Header { get; }

        /// <summary>The index of the column named <paramref name="name"/> (ignoring case), or -1.</summary>
        public int ColumnOf(string name)
        {
            for (int i = 0; i < Header.Count; i++)
                if (string.Equals(Header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
            return -1;
        }

        /// <summary>The next record's fields, or null at the end. A record with fewer fields than the header is padded with nulls.</summary>
        public string[] Next()
        {
            var fields = ReadRecord();
            if (fields == null) return null;
            var row = new string[Math.Max(Header.Count, fields.Count)];
            fields.CopyTo(row);
            return row;
        }

        private IReadOnlyList<string> ReadHeader()
        {
            // Windows PowerShell 5.1 writes "#TYPE Namespace.Type" first unless -NoTypeInformation.
            while (_reader.Peek() == '#') _reader.ReadLine();
            var first = new StringBuilder();
            bool quoted = false;
            for (int c = _reader.Peek(); c >= 0 && (quoted || c != '\r' && c != '\n'); c = _reader.Peek())
            {
                if (c == '"') quoted = !quoted;
                else if (!quoted && Array.IndexOf(Delimiters, (char)c) >= 0)
                {
                    _delimiter = (char)c;
                    break;
                }
                first.Append((char)_reader.Read());
            }
            var rest = ReadRecord();
            if (rest == null) return first.Length == 0 ? Array.Empty<string>() : new[] { Unquote(first.ToString()) };
            rest[0] = Unquote(first.ToString()) + rest[0];
            return rest;
        }

        private static string Unquote(string text) => text.Length >= 2 && text[0] == '"' && text[text.Length - 1] == '"' ? text.Substring(1, text.Length - 2).Replace("\"\"", "\"") : text;

        private List<string> ReadRecord()
        {
            int c = _reader.Peek();
            if (c < 0) return null;
            var fields = new List<string>();
            var field = new StringBuilder();
            bool quoted = false, wasQuoted = false;
            while (true)
            {
                c = _reader.Read();
                if (c < 0)
                {
                    fields.Add(field.ToString());
                    return fields;
                }
                char ch = (char)c;
                if (quoted)
                {
                    if (ch != '"') field.Append(ch);
                    else if (_reader.Peek() == '"') field.Append((char)_reader.Read());
                    else quoted = false;
                }
                else if (ch == '"' && (field.Length == 0 || wasQuoted)) quoted = wasQuoted = true;
                else if (ch == _delimiter)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                }
                else if (ch == '\r' || ch == '\n')
                {
                    if (ch == '\r' && _reader.Peek() == '\n') _reader.Read();
                    fields.Add(field.ToString());
                    return fields;
                }
                else field.Append(ch);
            }
        }

        public void Dispose() => _reader.Dispose();
    }
}
