using System.Collections.Generic;
using System.Text;
using System.Xml;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Import
{
    /// <summary>
    /// A small element tree for one bounded part of a document (a report's metadata, one record, a TLS report). Names are
    /// local names: namespaces differ between report versions and reporters, the element names do not. Text is the
    /// element's own text, trimmed; mixed-in text between child elements is dropped (reporters leave stray text).
    /// </summary>
    internal sealed class Node
    {
        /// <summary>Bounds on one subtree, so a hostile record cannot grow without end.</summary>
        private const int MaxDepth = 32;
        private const int MaxNodes = 100_000;
        private const int MaxTextLength = 1_000_000;

        private static readonly Node[] NoChildren = new Node[0];
        private List<Node> _children;

        public Node(string name) { Name = name; }

        public string Name { get; }
        public string Text { get; private set; } = "";
        /// <summary>The JSON type attribute (object, array, string, number, boolean, null) when read from JSON.</summary>
        public string JsonType { get; private set; }
        public IReadOnlyList<Node> Children => (IReadOnlyList<Node>)_children ?? NoChildren;

        public Node Child(string name)
        {
            if (_children == null) return null;
            foreach (var c in _children) if (c.Name == name) return c;
            return null;
        }

        public IEnumerable<Node> ChildrenNamed(string name)
        {
            if (_children == null) yield break;
            foreach (var c in _children) if (c.Name == name) yield return c;
        }

        /// <summary>The text of a child; null when the child is absent (or JSON null), "" when present but empty.</summary>
        public string ChildText(string name)
        {
            var c = Child(name);
            if (c == null || c.JsonType == "null") return null;
            return c.Text;
        }

        private void Add(Node child) => (_children ??= new List<Node>()).Add(child);

        /// <summary>Reads the element the reader is on, and everything in it; leaves the reader after its end tag.</summary>
        /// <exception cref="XmlException">Not well-formed.</exception>
        /// <exception cref="SmtpToolsException">The element is nested or sized beyond the bounds.</exception>
        public static Node Read(XmlReader reader)
        {
            int count = 0;
            return ReadElement(reader, 0, ref count);
        }

        private static Node ReadElement(XmlReader reader, int depth, ref int count)
        {
            if (depth > MaxDepth || count++ > MaxNodes)
                throw new SmtpToolsException(ErrorIds.ReportValueInvalid, FailureKind.LimitsExceeded,
                    $"the element <{reader.LocalName}> is nested deeper or holds more elements than a report can (line {LineOf(reader)}).");
            var node = new Node(reader.LocalName);
            if (reader.HasAttributes)
            {
                string type = reader.GetAttribute("type");
                if (type != null) node.JsonType = type;
                // The JSON reader names members that are not XML names <item item="the name">.
                if (node.Name == "item" && reader.NamespaceURI == "item") node = new Node(reader.GetAttribute("item")) { JsonType = type };
            }
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return node;
            }
            reader.Read();
            StringBuilder text = null;
            string single = null;
            while (reader.NodeType != XmlNodeType.EndElement)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        node.Add(ReadElement(reader, depth + 1, ref count));
                        continue;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                    case XmlNodeType.SignificantWhitespace:
                    case XmlNodeType.Whitespace:
                        if (single == null) single = reader.Value;
                        else
                        {
                            text ??= new StringBuilder(single);
                            text.Append(reader.Value);
                            if (text.Length > MaxTextLength)
                                throw new SmtpToolsException(ErrorIds.ReportValueInvalid, FailureKind.LimitsExceeded,
                                    $"the text of <{node.Name}> is longer than a report value can be (line {LineOf(reader)}).");
                        }
                        break;
                    case XmlNodeType.None:
                        throw new XmlException($"unexpected end of input inside <{node.Name}>.");
                }
                reader.Read();
            }
            reader.Read();
            // Text beside child elements is stray (e.g. "11" after </sp> in a real report): keep text of leaves only.
            if (node._children == null) node.Text = (text?.ToString() ?? single ?? "").Trim();
            return node;
        }

        private static int LineOf(XmlReader reader) => (reader as IXmlLineInfo)?.LineNumber ?? 0;
    }
}
