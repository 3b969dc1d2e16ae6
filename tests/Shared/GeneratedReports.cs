using System;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace SmtpTools.Tests.Shared
{
    /// <summary>
    /// Synthetic DMARC aggregate reports for the safety tests and the benchmark (generated at run time, never committed):
    /// RFC 7489 appendix C reports whose records look like real ones (two DKIM results, one SPF result, some override
    /// reasons), deterministic for a seed, packaged as xml, gzip, zip or an e-mail with a zip attachment.
    /// </summary>
    public static class GeneratedReports
    {
        public enum Packaging { Xml, Gzip, Zip, Eml }

        /// <summary>Writes a report with <paramref name="records"/> rows to <paramref name="output"/> (streamed: any size).</summary>
        public static void WriteXml(Stream output, int records, int seed, string reportId = null, string org = "reporter.example")
        {
            var random = new Random(seed);
            using var w = new StreamWriter(output, new UTF8Encoding(false), 65536, leaveOpen: true);
            w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n  <version>1.0</version>\n  <report_metadata>\n");
            w.Write($"    <org_name>{org}</org_name>\n    <email>dmarc-reports@{org}</email>\n");
            w.Write($"    <report_id>{reportId ?? seed.ToString("x8")}</report_id>\n");
            w.Write("    <date_range>\n      <begin>1767225600</begin>\n      <end>1767311999</end>\n    </date_range>\n  </report_metadata>\n");
            w.Write("  <policy_published>\n    <domain>example.com</domain>\n    <adkim>r</adkim>\n    <aspf>r</aspf>\n    <p>quarantine</p>\n    <sp>none</sp>\n    <pct>100</pct>\n    <fo>1</fo>\n  </policy_published>\n");
            for (int i = 0; i < records; i++) WriteRecord(w, random);
            w.Write("</feedback>\n");
        }

        /// <summary>One record element (about 820 bytes), its values drawn from <paramref name="random"/>.</summary>
        public static void WriteRecord(TextWriter w, Random random)
        {
            bool dkimPass = random.Next(4) != 0, spfPass = random.Next(3) != 0;
            string ip = $"198.18.{random.Next(256)}.{random.Next(1, 255)}";
            w.Write("  <record>\n    <row>\n");
            w.Write($"      <source_ip>{ip}</source_ip>\n      <count>{1 + random.Next(50)}</count>\n");
            w.Write("      <policy_evaluated>\n");
            w.Write($"        <disposition>{(dkimPass || spfPass ? "none" : "quarantine")}</disposition>\n");
            w.Write($"        <dkim>{(dkimPass ? "pass" : "fail")}</dkim>\n        <spf>{(spfPass ? "pass" : "fail")}</spf>\n");
            if (random.Next(20) == 0) w.Write("        <reason>\n          <type>forwarded</type>\n          <comment>list</comment>\n        </reason>\n");
            w.Write("      </policy_evaluated>\n    </row>\n");
            w.Write("    <identifiers>\n      <header_from>example.com</header_from>\n      <envelope_from>bounces.example.com</envelope_from>\n    </identifiers>\n");
            w.Write("    <auth_results>\n");
            w.Write($"      <dkim>\n        <domain>example.com</domain>\n        <selector>s{random.Next(3)}</selector>\n        <result>{(dkimPass ? "pass" : "fail")}</result>\n      </dkim>\n");
            w.Write("      <dkim>\n        <domain>esp.example.net</domain>\n        <selector>esp</selector>\n        <result>pass</result>\n      </dkim>\n");
            w.Write($"      <spf>\n        <domain>bounces.example.com</domain>\n        <scope>mfrom</scope>\n        <result>{(spfPass ? "pass" : "softfail")}</result>\n      </spf>\n");
            w.Write("    </auth_results>\n  </record>\n");
        }

        /// <summary>Writes one report file in the given packaging; returns its path.</summary>
        public static string WriteFile(string folder, int index, Packaging packaging, int records)
        {
            string name = $"reporter.example!example.com!1767225600!1767311999!{index}";
            var xml = new MemoryStream();
            WriteXml(xml, records, index);
            xml.Position = 0;
            switch (packaging)
            {
                case Packaging.Xml:
                {
                    string path = Path.Combine(folder, name + ".xml");
                    File.WriteAllBytes(path, xml.ToArray());
                    return path;
                }
                case Packaging.Gzip:
                {
                    string path = Path.Combine(folder, name + ".xml.gz");
                    using var file = File.Create(path);
                    using var gzip = new GZipStream(file, CompressionLevel.Fastest);
                    xml.CopyTo(gzip);
                    return path;
                }
                case Packaging.Zip:
                {
                    string path = Path.Combine(folder, name + ".zip");
                    File.WriteAllBytes(path, Zip(name + ".xml", xml.ToArray()));
                    return path;
                }
                default:
                {
                    string path = Path.Combine(folder, name + ".eml");
                    File.WriteAllText(path, Message(name, Zip(name + ".xml", xml.ToArray())));
                    return path;
                }
            }
        }

        public static byte[] Zip(string entryName, byte[] content)
        {
            var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            using (var entry = zip.CreateEntry(entryName, CompressionLevel.Fastest).Open())
                entry.Write(content, 0, content.Length);
            return buffer.ToArray();
        }

        /// <summary>A report mail as large providers send it: a short text part and a base64 zip attachment.</summary>
        public static string Message(string name, byte[] zip)
        {
            var b = new StringBuilder();
            b.Append("From: dmarc-reports@reporter.example\r\nTo: dmarc@example.com\r\n");
            b.Append($"Subject: Report domain: example.com Submitter: reporter.example Report-ID: {name}\r\n");
            b.Append("Date: Fri, 02 Jan 2026 06:00:00 +0000\r\nMessage-ID: <" + name.Replace('!', '.') + "@reporter.example>\r\n");
            b.Append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
            b.Append("--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is an aggregate report from reporter.example.\r\n");
            b.Append($"--b1\r\nContent-Type: application/zip; name=\"{name}.zip\"\r\nContent-Transfer-Encoding: base64\r\n");
            b.Append($"Content-Disposition: attachment; filename=\"{name}.zip\"\r\n\r\n");
            string base64 = Convert.ToBase64String(zip);
            for (int i = 0; i < base64.Length; i += 76) b.Append(base64, i, Math.Min(76, base64.Length - i)).Append("\r\n");
            b.Append("--b1--\r\n");
            return b.ToString();
        }
    }
}
