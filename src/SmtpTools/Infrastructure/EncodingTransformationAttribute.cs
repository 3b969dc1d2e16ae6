using System;
using System.Management.Automation;
using System.Text;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Lets an Encoding parameter take what Send-MailMessage users type: a name (utf8, ascii, unicode, latin1,
    /// iso-8859-2 …), a code page number, or an Encoding object.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class EncodingTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case null: return null;
                case Encoding encoding: return encoding;
                case int codePage: return Encoding.GetEncoding(codePage);
                case string name: return FromName(name);
                default: throw new ArgumentTransformationMetadataException($"'{value}' is not an encoding.");
            }
        }

        internal static Encoding FromName(string name)
        {
            switch (name.Trim().ToLowerInvariant())
            {
                case "utf8":
                case "utf-8":
                case "utf8nobom":
                case "utf8bom":
                case "default": return new UTF8Encoding(false);
                case "ascii":
                case "us-ascii": return Encoding.ASCII;
                case "unicode":
                case "utf-16":
                case "utf16": return Encoding.Unicode;
                case "bigendianunicode": return Encoding.BigEndianUnicode;
                case "utf32":
                case "utf-32": return Encoding.UTF32;
                case "latin1":
                case "iso-8859-1": return Encoding.GetEncoding(28591);
            }
            try { return Encoding.GetEncoding(name.Trim()); }
            catch (ArgumentException)
            {
                throw new ArgumentTransformationMetadataException($"'{name}' is not an encoding name this system knows (try utf8, ascii, latin1 or unicode).");
            }
        }
    }
}
