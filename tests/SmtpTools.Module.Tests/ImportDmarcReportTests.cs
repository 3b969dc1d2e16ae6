using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Import-DmarcReport against the built module and the real report samples (tests/testdata/reports, parsedmarc's
    /// samples with expected.json): every packaging, folders and Maildirs, path binding, bad files as one error each in
    /// their place, duplicates, the decompression cap, reverse DNS through a fake DNS server.
    /// </summary>
    public sealed class ImportDmarcReportTests : ImportTestBase, IClassFixture<PsSession>
    {
        internal static readonly string Samples = Path.Combine(ModulePaths.RepoRoot, "tests", "testdata", "reports");
        private static readonly Lazy<JsonElement> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Samples, "expected.json"))).RootElement.GetProperty("files"));

        public ImportDmarcReportTests(PsSession session)
            : base(session, "import-dmarc-", new Dictionary<string, object> { ["samples"] = Samples }) { }

        public static TheoryData<string> AggregateSamples()
        {
            var data = new TheoryData<string>();
            foreach (var file in Expected.Value.EnumerateObject())
                if (file.Value.GetProperty("type").ValueKind == JsonValueKind.String && file.Value.GetProperty("type").GetString() == "aggregate" && !file.Value.GetProperty("invalid").GetBoolean())
                    data.Add(file.Name);
            return data;
        }

        [Theory]
        [MemberData(nameof(AggregateSamples))]
        public void EveryPackagingGivesOneFlatRowPerRecord(string sample)
        {
            var expected = Expected.Value.GetProperty(sample);
            string path = Path.Combine(Samples, sample);
            var r = Run("Import-DmarcReport -LiteralPath $p", new() { ["p"] = path });
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            var records = expected.GetProperty("records").EnumerateArray().ToList();
            Assert.Equal(expected.GetProperty("record_count").GetInt32(), r.Output.Count);
            for (int i = 0; i < r.Output.Count; i++)
            {
                var row = r.Output[i];
                Assert.Equal("SmtpTools.DmarcReportRow", row.TypeNames[0]);
                Assert.Equal(expected.GetProperty("report_id").GetString(), row.Properties["ReportId"].Value);
                Assert.Equal((expected.GetProperty("org_name").GetString() ?? "").Trim(), row.Properties["OrgName"].Value);
                Assert.Equal(expected.GetProperty("policy_published").GetProperty("domain").GetString(), row.Properties["PolicyDomain"].Value);
                Assert.Equal(DateTime.Parse(expected.GetProperty("begin_utc").GetString()).ToUniversalTime(), (DateTime)row.Properties["Begin"].Value);
                Assert.Equal(records[i].GetProperty("source_ip").GetString(), row.Properties["SourceIP"].Value);
                Assert.Equal(records[i].GetProperty("count").GetInt64(), (long)row.Properties["Count"].Value);
                Assert.Equal(records[i].GetProperty("header_from").GetString(), row.Properties["HeaderFrom"].Value);
                Assert.Equal(records[i].GetProperty("dkim").GetString(), row.Properties["DkimResult"].Value?.ToString().ToLowerInvariant());
                Assert.Equal(records[i].GetProperty("spf").GetString(), row.Properties["SpfResult"].Value?.ToString().ToLowerInvariant());
                // The flat CSV companions of the nested auth results, in order.
                Assert.Equal(string.Join(";", records[i].GetProperty("auth_dkim").EnumerateArray().Select(d => d.GetProperty("domain").GetString())), row.Properties["DkimDomains"].Value);
                Assert.Equal(string.Join(";", records[i].GetProperty("auth_spf").EnumerateArray().Select(d => d.GetProperty("domain").GetString() ?? "")), row.Properties["SpfDomains"].Value);
                Assert.Equal(path, row.Properties["SourceFile"].Value);
                Assert.False((bool)row.Properties["IsDuplicate"].Value);
            }
            // Measure-Object's job, the way a script does it: the counts add up to the report's message count.
            Assert.Equal(expected.GetProperty("message_count").GetInt64(), r.Output.Sum(o => (long)o.Properties["Count"].Value));
        }

        [Fact]
        public void AFolderIsReadFileByFileAndEachBadFileIsOneErrorInItsPlace()
        {
            string folder = Path.Combine(Samples, "aggregate");
            var r = Run("Import-DmarcReport $folder 2>&1", new() { ["folder"] = folder });
            Assert.Null(r.Terminating);
            var items = r.Output.ToList();
            var errors = items.Where(i => i.BaseObject is ErrorRecord).ToList();
            Assert.Equal(2, errors.Count);
            foreach (var (name, item) in new[] { "invalid_utf_8.xml", "invalid_xml.xml" }.Zip(errors))
            {
                var error = (ErrorRecord)item.BaseObject;
                string path = Path.Combine(folder, name);
                Assert.Equal("InputNotWellFormed,SmtpTools.Commands.ImportDmarcReportCommand", error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
                Assert.Equal(path, error.TargetObject);
                Assert.StartsWith(path + ": ", error.ToString());
                // In its place: the rows before it come from files named before it, the rows after from files after.
                int at = items.IndexOf(item);
                Assert.All(items.Take(at).Where(IsRow), i => Assert.True(string.CompareOrdinal(Source(i), path) < 0, Source(i)));
                Assert.All(items.Skip(at + 1).Where(IsRow), i => Assert.True(string.CompareOrdinal(Source(i), path) > 0, Source(i)));
            }
            // Every valid file (plain, gzip, zip, e-mail) is read: the pipeline went on after each bad one.
            int expectedRows = ((IEnumerable<object[]>)AggregateSamples()).Select(d => (string)d[0]).Where(s => s.StartsWith("aggregate/", StringComparison.Ordinal))
                .Sum(s => Expected.Value.GetProperty(s).GetProperty("record_count").GetInt32());
            Assert.Equal(expectedRows, items.Count(IsRow));
            Assert.Equal(11, items.Where(IsRow).Select(Source).Distinct().Count());
        }

        private static bool IsRow(PSObject item) => !(item.BaseObject is ErrorRecord);
        private static string Source(PSObject row) => (string)row.Properties["SourceFile"].Value;

        [Fact]
        public void WildcardsLiteralPathsAndFileObjectsBind()
        {
            string report = Path.Combine(Samples, "aggregate", "rfc9990-sample.xml");
            File.Copy(report, Path.Combine(_dir, "[1] report.xml"));
            File.Copy(report, Path.Combine(_dir, "2 report.xml"));

            // -LiteralPath takes the brackets as written; -Path reads them as a wildcard, which matches nothing here.
            Assert.Single(Run("Import-DmarcReport -LiteralPath ([IO.Path]::Combine($dir, '[1] report.xml'))").ThrowOnError().Output);
            var wildcard = Run("Import-DmarcReport -Path ([IO.Path]::Combine($dir, '[1] report.xml'))");
            Assert.Empty(wildcard.Output);
            Assert.Equal("FileNotFound,SmtpTools.Commands.ImportDmarcReportCommand", Assert.Single(wildcard.Errors).FullyQualifiedErrorId);

            Assert.Equal(2, Run("Import-DmarcReport ([IO.Path]::Combine($dir, '*.xml'))").ThrowOnError().Output.Count);
            // FileInfo objects (here from .NET; Get-ChildItem's also carry PSPath, see the Pester tests) bind by FullName.
            Assert.Equal(2, Run("[IO.DirectoryInfo]::new($dir).GetFiles('*.xml') | Import-DmarcReport").ThrowOnError().Output.Count);
            // A provider-qualified PSPath, as Get-ChildItem writes it.
            var pspath = Run(@"[pscustomobject]@{ PSPath = 'Microsoft.PowerShell.Core\FileSystem::' + ([IO.Path]::Combine($dir, '[1] report.xml')) } | Import-DmarcReport").ThrowOnError();
            Assert.Equal(Path.Combine(_dir, "[1] report.xml"), Assert.Single(pspath.Output).Properties["SourceFile"].Value);
        }

        [Fact]
        public void AMaildirIsReadFromCurAndNewOnly()
        {
            string maildir = Path.Combine(_dir, "Maildir");
            foreach (var sub in new[] { "cur", "new", "tmp" }) Directory.CreateDirectory(Path.Combine(maildir, sub));
            File.Copy(Path.Combine(Samples, "aggregate", "twilight.eml"), Path.Combine(maildir, "cur", "1700000000.M1P1.host:2,S"));
            File.Copy(Path.Combine(Samples, "aggregate", "rfc9990-sample.xml"), Path.Combine(maildir, "new", "1700000001.M2P1.host"));
            // Not mail: a message still being delivered, the Maildir's own files, a hidden file.
            File.WriteAllText(Path.Combine(maildir, "tmp", "1700000002.M3P1.host"), "From: half");
            File.WriteAllText(Path.Combine(maildir, "dovecot-uidlist"), "3 V1700000000 N3\n");
            File.WriteAllText(Path.Combine(maildir, "maildirfolder"), "");
            File.WriteAllText(Path.Combine(maildir, "cur", ".DS_Store"), "\0\0\0\u0001Bud1");

            var r = Run("Import-DmarcReport $m -Verbose", new() { ["m"] = maildir }).ThrowOnError();
            Assert.Equal(new[] { "google.com", "Sample Reporter" }, r.Output.Select(o => (string)o.Properties["OrgName"].Value));
            Assert.Contains(r.Verbose, v => v.StartsWith(maildir + ": 2 file(s)", StringComparison.Ordinal));

            var empty = Run("Import-DmarcReport $e", new() { ["e"] = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName });
            Assert.Empty(empty.Output);
            Assert.Empty(empty.Errors);
            Assert.Contains("holds no files", Assert.Single(empty.Warnings));
        }

        [Fact]
        public void AsReportGivesOneObjectPerReportWithItsRowsNested()
        {
            var r = Run("Import-DmarcReport ([IO.Path]::Combine($samples, 'aggregate')) -AsReport -ErrorAction SilentlyContinue");
            Assert.Equal(11, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.DmarcAggregateReport", o.TypeNames[0]));
            var google = r.Output.Single(o => (string)o.Properties["OrgName"].Value == "google.com");
            var rows = ((System.Collections.IEnumerable)google.Properties["Rows"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
            Assert.Equal(1, (int)google.Properties["RowCount"].Value);
            Assert.Equal("87.106.127.28", Assert.Single(rows).Properties["SourceIP"].Value);
            Assert.Equal("1627703331531660819", rows[0].Properties["ReportId"].Value);
            var outlook = r.Output.Single(o => (string)o.Properties["OrgName"].Value == "Outlook.com");
            Assert.Equal(Expected.Value.GetProperty("aggregate/protection.outlook.com!example.com!1711756800!1711843200.xml").GetProperty("message_count").GetInt64(),
                (long)outlook.Properties["MessageCount"].Value);
        }

        [Fact]
        public void ADuplicateReportIsFlaggedOrLeftOutWithUnique()
        {
            string original = Path.Combine(Samples, "aggregate", "example.net!example.com!1529366400!1529452799.xml");
            File.Copy(original, Path.Combine(_dir, "a.xml"));
            File.Copy(original, Path.Combine(_dir, "b-delivered-again.xml"));
            File.Copy(Path.Combine(Samples, "aggregate", "rfc9990-sample.xml"), Path.Combine(_dir, "c.xml"));

            var flagged = Run("Import-DmarcReport $dir").ThrowOnError();
            Assert.Equal(new[] { false, true, false }, flagged.Output.Select(o => (bool)o.Properties["IsDuplicate"].Value));

            var unique = Run("Import-DmarcReport $dir -Unique -Verbose").ThrowOnError();
            Assert.Equal(new[] { "a.xml", "c.xml" }, unique.Output.Select(o => Path.GetFileName((string)o.Properties["SourceFile"].Value)));
            Assert.Contains(unique.Verbose, v => v.Contains("b-delivered-again.xml") && v.Contains("duplicate") && v.Contains("a.xml"));

            var reports = Run("Import-DmarcReport $dir -Unique -AsReport").ThrowOnError();
            Assert.Equal(2, reports.Output.Count);
        }

        [Fact]
        public void FailureReportsComeAsTheirOwnObjects()
        {
            var r = Run("Import-DmarcReport ([IO.Path]::Combine($samples, 'failure'))").ThrowOnError();
            Assert.Equal(3, r.Output.Count);
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.DmarcFailureReport", o.TypeNames[0]));
            var domainDe = r.Output.Single(o => ((string)o.Properties["SourceFile"].Value).Contains("domain.de"));
            Assert.Equal("domain.de", domainDe.Properties["ReportedDomain"].Value);
            Assert.Equal("10.10.10.10", domainDe.Properties["SourceIP"].Value);
            Assert.Equal("dmarc", domainDe.Properties["AuthFailure"].Value);
        }

        [Fact]
        public void AnotherKindOfReportOrAnEmptyFileIsAnErrorAndTheNextFileIsRead()
        {
            var r = Run("Import-DmarcReport ([IO.Path]::Combine($samples, 'smtp_tls/rfc8460.json')), ([IO.Path]::Combine($samples, 'empty.xml')), ([IO.Path]::Combine($dir, 'nothere.xml')), ([IO.Path]::Combine($samples, 'aggregate/rfc9990-sample.xml'))");
            Assert.Single(r.Output);
            Assert.Equal(new[] { "UnexpectedReportKind", "InputEmpty", "FileNotFound" }, r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Contains("Import-SmtpTlsReport", r.Errors[0].ToString());
            Assert.Equal(ErrorCategory.ObjectNotFound, r.Errors[2].CategoryInfo.Category);
            Assert.Equal(Path.Combine(_dir, "nothere.xml"), r.Errors[2].TargetObject);
        }

        [Fact]
        public void AGzipBombStopsAtMaxUncompressedSizeAndTheNextFileIsRead()
        {
            // 200 MB of whitespace inside a report: about 200 KB of gzip, twice the default cap of 100 MB when inflated.
            string bomb = Path.Combine(_dir, "a-bomb.xml.gz");
            using (var file = File.Create(bomb))
            using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            {
                var head = Encoding.ASCII.GetBytes("<?xml version=\"1.0\"?><feedback>");
                gzip.Write(head);
                var blanks = new byte[1 << 20];
                Array.Fill(blanks, (byte)' ');
                for (int i = 0; i < 200; i++) gzip.Write(blanks);
            }
            Assert.True(new FileInfo(bomb).Length < 1 << 20);
            File.Copy(Path.Combine(Samples, "aggregate", "fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz"), Path.Combine(_dir, "b.xml.gz"));

            var r = Run("Import-DmarcReport $dir");
            var error = Assert.Single(r.Errors);
            Assert.Equal("InputTooLarge,SmtpTools.Commands.ImportDmarcReportCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
            Assert.Equal(bomb, error.TargetObject);
            Assert.Contains("MaxUncompressedSize", error.ToString());
            Assert.Equal("FastMail Pty Ltd", Assert.Single(r.Output).Properties["OrgName"].Value);

            // The cap is the parameter's: a genuine report larger than a (small) cap is refused too.
            var capped = Run("Import-DmarcReport ([IO.Path]::Combine($dir, 'b.xml.gz')) -MaxUncompressedSize 200");
            Assert.Empty(capped.Output);
            Assert.Equal("InputTooLarge", Assert.Single(capped.Errors).FullyQualifiedErrorId.Split(',')[0]);
        }

        [Fact]
        public void ResolveSourceNameAddsEachSourcesReverseNameAskingOncePerAddress()
        {
            using var dns = new FakeDnsServer();
            // The reverse names written out here, not computed by the code under test.
            dns.AddPtr("1.0.18.198.in-addr.arpa", "mail1.sender.example").AddPtr("2.0.18.198.in-addr.arpa", "mail2.sender.example");
            // 198.18.0.3 has no PTR record.
            string[] ips = { "198.18.0.1", "198.18.0.2", "198.18.0.3" };
            File.WriteAllText(Path.Combine(_dir, "r.xml"), ReportXml(Enumerable.Range(0, 600).Select(i => ips[i % 3])));

            var plain = Run("Import-DmarcReport $dir").ThrowOnError();
            Assert.All(plain.Output, o => Assert.Null(o.Properties["SourceName"].Value));

            var named = Run("Import-DmarcReport $dir -ResolveSourceName -Server $dns -Verbose", new() { ["dns"] = dns.Endpoint }).ThrowOnError();
            Assert.Equal(600, named.Output.Count);
            for (int i = 0; i < 600; i++)
            {
                // Rows keep their order while the lookups run concurrently.
                Assert.Equal(plain.Output[i].Properties["SourceIP"].Value, named.Output[i].Properties["SourceIP"].Value);
                Assert.Equal((long)i + 1, (long)named.Output[i].Properties["Count"].Value);
                string expected = (i % 3) switch { 0 => "mail1.sender.example", 1 => "mail2.sender.example", _ => null };
                Assert.Equal(expected, named.Output[i].Properties["SourceName"].Value);
            }
            // One question per address, whatever the number of rows (the module's count: on a busy machine a UDP
            // retransmission may repeat a question on the wire, so the server's log is compared by name).
            Assert.Contains("Reverse DNS: 3 distinct source address(es), 3 question(s) sent.", named.Verbose);
            Assert.Equal(3, dns.Log.Where(q => q.StartsWith("PTR ", StringComparison.Ordinal)).Distinct().Count());

            var warned = Run("Import-DmarcReport $dir -Server $dns", new() { ["dns"] = dns.Endpoint });
            Assert.Contains("-ResolveSourceName", Assert.Single(warned.Warnings));
        }

        [Fact]
        public void AnUnusableDnsServerIsASetUpFailure()
        {
            File.Copy(Path.Combine(Samples, "aggregate", "rfc9990-sample.xml"), Path.Combine(_dir, "r.xml"));
            var r = Run("Import-DmarcReport $dir -ResolveSourceName -Server 'not a server:x'");
            Assert.Empty(r.Output);
            Assert.Contains("InvalidDnsServer", (r.Terminating as IContainsErrorRecord)?.ErrorRecord.FullyQualifiedErrorId ?? r.ToString());
        }

        [Fact]
        public void ProgressIsARunningCountOfFilesAndRowsThatCompletes() =>
            AssertProgressCompletes("Import-DmarcReport", "Import-DmarcReport ([IO.Path]::Combine($samples, 'aggregate')) -ErrorAction SilentlyContinue",
                r => $"13 of 13 file(s) read, {r.Output.Count} row(s)");

        /// <summary>An RFC 7489 report with one row per source; row i has count i + 1.</summary>
        internal static string ReportXml(IEnumerable<string> sources, string reportId = "r1")
        {
            var b = new StringBuilder("<?xml version=\"1.0\"?><feedback><report_metadata><org_name>reporter.example</org_name><email>r@reporter.example</email>");
            b.Append($"<report_id>{reportId}</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata>");
            b.Append("<policy_published><domain>example.com</domain><p>reject</p></policy_published>");
            int n = 0;
            foreach (var ip in sources)
            {
                n++;
                b.Append($"<record><row><source_ip>{ip}</source_ip><count>{n}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>");
                b.Append("<identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>pass</result></dkim></auth_results></record>");
            }
            return b.Append("</feedback>").ToString();
        }
    }
}
