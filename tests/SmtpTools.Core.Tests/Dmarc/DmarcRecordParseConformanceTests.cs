using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using SmtpTools.Core.Dmarc;
using Xunit;

namespace SmtpTools.Core.Tests.Dmarc
{
    /// <summary>
    /// testdata/dmarc/record-parse.json: every case its own test, parsed under the spec the case names
    /// ("RFC7489" → <see cref="DmarcSpecification.Rfc7489"/>, "DMARCbis(RFC9989)" → <see cref="DmarcSpecification.Rfc9989"/>).
    /// </summary>
    public class DmarcRecordParseConformanceTests
    {
        private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() => Load("record-parse.json"));

        internal static Dictionary<string, JsonElement> Load(string file)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(PublicSuffixListTests.Folder, file)));
            return doc.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString(), c => c.Clone());
        }

        internal static DmarcSpecification SpecOf(JsonElement c)
        {
            var spec = c.GetProperty("spec").GetString();
            return spec switch
            {
                "RFC7489" => DmarcSpecification.Rfc7489,
                "DMARCbis(RFC9989)" => DmarcSpecification.Rfc9989,
                _ => throw new InvalidDataException("unknown spec " + spec),
            };
        }

        public static TheoryData<string> ParseCases
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var id in Cases.Value.Keys) data.Add(id);
                return data;
            }
        }

        [Fact]
        public void The_file_has_64_cases() => Assert.Equal(64, Cases.Value.Count);

        [Theory]
        [MemberData(nameof(ParseCases))]
        public void Record_parses_as_expected(string id)
        {
            var c = Cases.Value[id];
            var record = DmarcRecordParser.Parse(c.GetProperty("record").GetString(), SpecOf(c));
            bool expectedValid = c.GetProperty("expected_valid").GetBoolean();
            Assert.True(expectedValid == record.IsValid,
                $"{id}: expected valid={expectedValid}, got {record.Status}; findings: {string.Join(" | ", record.Findings)}");
            if (!expectedValid)
            {
                // An unusable record always says why.
                Assert.Contains(record.Findings, f => f.Severity == FindingSeverity.Error);
                return;
            }
            if (!c.TryGetProperty("expected_tags", out var tags)) return;
            foreach (var tag in tags.EnumerateObject())
            {
                switch (tag.Name)
                {
                    case "v": Assert.Equal(tag.Value.GetString(), record.Version); break;
                    case "p": Assert.Equal(tag.Value.GetString(), Word(record.Policy)); break;
                    case "sp": Assert.Equal(tag.Value.GetString(), Word(record.SubdomainPolicy)); break;
                    case "np": Assert.Equal(tag.Value.GetString(), Word(record.NonexistentSubdomainPolicy)); break;
                    case "adkim": Assert.Equal(tag.Value.GetString(), Mode(record.DkimAlignment)); break;
                    case "aspf": Assert.Equal(tag.Value.GetString(), Mode(record.SpfAlignment)); break;
                    case "pct": Assert.Equal(tag.Value.GetInt32(), record.Percentage); break;
                    case "ri": Assert.Equal(tag.Value.GetInt64(), record.ReportInterval); break;
                    case "fo": Assert.Equal(Strings(tag.Value), record.FailureOptions); break;
                    case "rf": Assert.Equal(Strings(tag.Value), record.ReportFormats); break;
                    case "psd": Assert.Equal(tag.Value.GetString(), record.PublicSuffixDomain); break;
                    case "t": Assert.Equal(tag.Value.GetString() == "y", record.Testing); break;
                    case "rua": AssertUris(tag.Value, record.AggregateReportUris); break;
                    case "ruf": AssertUris(tag.Value, record.ForensicReportUris); break;
                    default: throw new InvalidDataException($"{id}: unexpected tag {tag.Name} in expected_tags");
                }
            }
        }

        private static string Word(DmarcDisposition d) => d.ToString().ToLowerInvariant();
        private static string Mode(DmarcAlignmentMode m) => m == DmarcAlignmentMode.Strict ? "s" : "r";
        private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(x => x.GetString()).ToList();

        private static void AssertUris(JsonElement expected, IReadOnlyList<DmarcUri> actual)
        {
            var list = expected.EnumerateArray().ToList();
            Assert.Equal(list.Count, actual.Count);
            for (int i = 0; i < list.Count; i++)
            {
                Assert.Equal(list[i].GetProperty("uri").GetString(), actual[i].Uri);
                if (list[i].TryGetProperty("max_size", out var size)) Assert.Equal(size.GetUInt64(), actual[i].MaxSize);
                else Assert.Null(actual[i].MaxSize);
                if (list[i].TryGetProperty("unit", out var unit)) Assert.Equal(unit.GetString(), actual[i].SizeUnit);
            }
        }
    }
}
