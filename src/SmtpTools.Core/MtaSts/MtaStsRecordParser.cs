using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>One _mta-sts TXT record read against RFC 8461 3.1.</summary>
    internal sealed class MtaStsRecordParse
    {
        public string Text { get; set; }
        /// <summary>The id= value when it is present (valid or not).</summary>
        public string Id { get; set; }
        public List<Finding> Findings { get; } = new List<Finding>();
        /// <summary>No error: senders would use this record.</summary>
        public bool IsValid => Findings.All(f => f.Severity != FindingSeverity.Error);
    }

    /// <summary>
    /// The _mta-sts TXT record (RFC 8461 3.1):
    /// <code>
    /// sts-text-record = sts-version 1*(sts-sep sts-field) [sts-sep]
    /// sts-field       = sts-id / sts-extension          ; sts-id is required
    /// sts-version     = %s"v=STSv1"
    /// sts-sep         = *WSP %x3B *WSP
    /// sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
    /// sts-extension   = sts-ext-name "=" sts-ext-value
    /// </code>
    /// </summary>
    internal static class MtaStsRecordParser
    {
        public const string Version = "v=STSv1";
        public const int MaxIdLength = 32;

        /// <summary>Senders keep only records that begin with v=STSv1 (RFC 8461 3.1); every other TXT string is discarded.</summary>
        public static bool IsStsRecord(string text) => TagRecord.StartsWithVersion(text, Version);

        /// <summary>Almost an STSv1 record (another version, other case, white space): discarded by senders, worth a word.</summary>
        public static bool LooksLikeStsRecord(string text) => TagRecord.LooksLike(text, Version);

        public static MtaStsRecordParse Parse(string text)
        {
            var result = new MtaStsRecordParse { Text = text };
            var findings = result.Findings;
            var fields = TagRecord.Split(text, Version, problem => findings.Add(FindingCatalog.MtaStsRecordSyntax.Create($"The _mta-sts record is malformed: {problem}.")));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                if (!seen.Add(field.Name))
                {
                    findings.Add(FindingCatalog.MtaStsRecordDuplicateField.Create($"The field {field.Name}= appears more than once; only the first counts."));
                    continue;
                }
                if (field.Name == "id")
                {
                    result.Id = field.Value;
                    var problems = IdProblems(field.Value);
                    if (problems.Count > 0)
                        findings.Add(FindingCatalog.MtaStsRecordIdInvalid.Create($"id=\"{TagRecord.Cut(field.Value)}\" {string.Join(" and ", problems)}; it must be 1 to {MaxIdLength} letters and digits. Senders ignore the record."));
                    continue;
                }
                if (!TagRecord.IsExtensionName(field.Name))
                {
                    findings.Add(FindingCatalog.MtaStsRecordSyntax.Create($"\"{TagRecord.Cut(field.Name)}\" is not a valid field name (letters, digits, '_', '-', '.'; at most 32)."));
                    continue;
                }
                if (!TagRecord.IsExtensionValue(field.Value))
                {
                    findings.Add(FindingCatalog.MtaStsRecordSyntax.Create($"The value of {field.Name}= is empty or holds a space, '=' or a control character."));
                    continue;
                }
                findings.Add(FindingCatalog.MtaStsRecordUnknownField.Create($"The field {field.Name}= is not defined by RFC 8461; senders ignore it."));
            }
            if (result.Id == null)
                findings.Add(FindingCatalog.MtaStsRecordNoId.Create("The _mta-sts record has no id= field, which is required; senders ignore the record."));
            return result;
        }

        private static List<string> IdProblems(string id)
        {
            var problems = new List<string>();
            if (id.Length == 0) problems.Add("is empty");
            if (id.Length > MaxIdLength) problems.Add($"is {id.Length} characters long");
            if (id.Any(c => !TagRecord.IsAlphaDigit(c))) problems.Add("holds characters other than letters and digits");
            return problems;
        }
    }
}
