using System;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Xml;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Import
{
    /// <summary>
    /// JSON as a <see cref="Node"/> tree, through the framework's JSON reader (the XML view of JSON that ships with .NET
    /// Standard and .NET Framework), which keeps the module free of another JSON library. Member names are element
    /// names; arrays hold "item" elements; <see cref="Node.JsonType"/> tells strings, numbers, objects and nulls apart.
    /// </summary>
    internal static class JsonNodes
    {
        private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

        /// <exception cref="SmtpToolsException">Not well-formed JSON, or not valid UTF-8.</exception>
        public static Node Read(byte[] json, int length)
        {
            try
            {
                int start = length >= 3 && json[0] == 0xEF && json[1] == 0xBB && json[2] == 0xBF ? 3 : 0;
                // Strict UTF-8 (RFC 8259): invalid bytes are an error, not silently replaced.
                StrictUtf8.GetCharCount(json, start, length - start);
                using var reader = JsonReaderWriterFactory.CreateJsonReader(json, start, length - start, Encoding.UTF8, XmlDictionaryReaderQuotas.Max, null);
                reader.MoveToContent();
                return Node.Read(reader);
            }
            catch (Exception e) when (e is XmlException || e is DecoderFallbackException)
            {
                throw new SmtpToolsException(ErrorIds.InputNotWellFormed, FailureKind.InvalidData, "not well-formed JSON: " + e.Message, e);
            }
        }
    }
}
