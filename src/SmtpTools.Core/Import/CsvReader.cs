using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SmtpTools.Core.Import
{
    /// <summary>
    /// Reads a CSV file as Export-Csv writes it (RFC 4180: quoted fields with doubled quotes and line breaks inside
    /// quotes), so a send log can be read where Import-Csv is not available (a bare hosted engine). Windows PowerShell's
    /// leading "#TYPE …" line is skipped, and the delimiter is the one the header row uses (',' or, from
    /// Export-Csv -UseCulture, ';' or a tab).
    /// </summary>
    internal sealed class CsvReader : IDisposable
    {
        private readonly TextReader _reader;
        private readonly StringBuilder _field = new StringBuilder();
        private char _delimiter = ',';

        public CsvReader(TextReader reader) { _reader = reader ?? throw new ArgumentNullException(nameof(reader)); }

        /// <summary>The header row's names; null for an empty file.</summary>
        public string[] ReadHeader()
        {
            string first = _reader.ReadLine();
            while (first != null && (first.StartsWith("#TYPE", StringComparison.Ordinal) || first.Trim().Length == 0)) first = _reader.ReadLine();
            if (first == null) return null;
            _delimiter = DelimiterOf(first);
            using (var line = new CsvReader(new StringReader(first)) { _delimiter = _delimiter })
                return line.ReadRecord();
        }

        /// <summary>The next record's fields; null at the end of the file.</summary>
        public string[] ReadRecord()
        {
            var fields = new List<string>();
            int c = _reader.Read();
            if (c < 0) return null;
            // A blank line between records (a trailing newline) is no record.
            while (c == '\r' || c == '\n')
            {
                c = _reader.Read();
                if (c < 0) return null;
            }
            bool quoted = false;
            _field.Clear();
            while (true)
            {
                if (quoted)
                {
                    if (c < 0) break; // an unterminated quote: the rest of the file is the field
                    if (c == '"')
                    {
                        if (_reader.Peek() == '"') { _field.Append('"'); _reader.Read(); }
                        else quoted = false;
                    }
                    else _field.Append((char)c);
                }
                else if (c == '"' && _field.Length == 0) quoted = true;
                else if (c == _delimiter) { fields.Add(_field.ToString()); _field.Clear(); }
                else if (c == '\r' || c == '\n' || c < 0)
                {
                    if (c == '\r' && _reader.Peek() == '\n') _reader.Read();
                    break;
                }
                else _field.Append((char)c);
                c = _reader.Read();
            }
            fields.Add(_field.ToString());
            return fields.ToArray();
        }

        /// <summary>The candidate that occurs most often outside quotes in the header row.</summary>
        private static char DelimiterOf(string header)
        {
            int comma = 0, semicolon = 0, tab = 0;
            bool quoted = false;
            foreach (char ch in header)
            {
                if (ch == '"') quoted = !quoted;
                else if (!quoted && ch == ',') comma++;
                else if (!quoted && ch == ';') semicolon++;
                else if (!quoted && ch == '\t') tab++;
            }
            if (semicolon > comma && semicolon >= tab) return ';';
            if (tab > comma && tab > semicolon) return '\t';
            return ',';
        }

        public void Dispose() => _reader.Dispose();
    }
}
