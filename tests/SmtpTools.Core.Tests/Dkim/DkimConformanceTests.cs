using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Dkim
{
    /// <summary>Every case of testdata/dkim/cases.json, one test each, named by its id.</summary>
    public class DkimConformanceTests
    {
        internal static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "testdata", "dkim");
        private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
            return doc.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString(), c => c.Clone());
        });

        public static TheoryData<string> CasesOf(string kind)
        {
            var data = new TheoryData<string>();
            foreach (var c in Cases.Value.Values.Where(c => c.GetProperty("kind").GetString() == kind)) data.Add(c.GetProperty("id").GetString());
            return data;
        }

        public static TheoryData<string> VerifyCases => CasesOf("verify");
        public static TheoryData<string> SignCases => CasesOf("sign");
        public static TheoryData<string> RoundTripCases => CasesOf("sign-then-verify");
        public static TheoryData<string> KeyRecordCases => CasesOf("key-record");

        internal static string ReadMessage(string file, string lineEndings)
        {
            var text = File.ReadAllText(Path.Combine(Folder, file));
            if (lineEndings != null && lineEndings.StartsWith("LF")) text = text.Replace("\r\n", "\n").Replace("\n", "\r\n");
            return text;
        }

        internal static MimeMessage Parse(string raw) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));

        internal static string Serialize(MimeMessage message)
        {
            using var ms = new MemoryStream();
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            message.WriteTo(options, ms);
            return Encoding.UTF8.GetString(ms.ToArray());
        }

        private static InMemoryDnsResolver Dns(JsonElement c)
        {
            var dns = new InMemoryDnsResolver();
            if (c.TryGetProperty("dns_txt", out var txt))
                foreach (var p in txt.EnumerateObject())
                {
                    var value = p.Value.GetString();
                    if (value.StartsWith("file:")) value = File.ReadAllText(Path.Combine(Folder, value.Substring(5))).Trim();
                    dns.AddTxt(p.Name, value);
                }
            return dns;
        }

        private static DkimPrivateKey Key(JsonElement key)
        {
            if (key.TryGetProperty("pem_file", out var pem)) return DkimPrivateKey.Load(Path.Combine(Folder, pem.GetString()));
            if (key.TryGetProperty("seed_file", out var seed)) return DkimPrivateKey.Load(Path.Combine(Folder, seed.GetString()));
            return DkimPrivateKey.Parse(key.GetProperty("seed_base64").GetString());
        }

        private static string Ending(JsonElement c) => c.TryGetProperty("line_endings", out var le) ? le.GetString() : "CRLF";

        [Theory]
        [MemberData(nameof(VerifyCases))]
        public async Task Verify(string id)
        {
            var c = Cases.Value[id];
            var message = Parse(ReadMessage(c.GetProperty("message").GetString(), Ending(c)));
            var results = await new DkimMessageVerifier(Dns(c)).VerifyAsync(message, CancellationToken.None);
            var expected = c.GetProperty("expected_signatures").EnumerateArray().ToList();
            Assert.Equal(expected.Count, results.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].GetProperty("d").GetString(), results[i].Domain);
                Assert.Equal(expected[i].GetProperty("s").GetString(), results[i].Selector);
                Assert.Equal(expected[i].GetProperty("a").GetString(), results[i].Algorithm);
                Assert.True(results[i].Result == DkimAuthResult.Pass, results[i].ToString());
                Assert.Equal(expected[i].GetProperty("result").GetString(), results[i].Result.ToString().ToLowerInvariant());
            }
            if (c.TryGetProperty("expected_identity", out var identity))
            {
                Assert.Equal(identity.GetProperty("d").GetString(), results[0].Domain);
                Assert.Equal(identity.GetProperty("i").GetString(), results[0].Identity);
                Assert.Equal(identity.GetProperty("h").EnumerateArray().Select(h => h.GetString()), results[0].SignedHeaders);
            }
        }

        [Theory]
        [MemberData(nameof(SignCases))]
        public async Task Sign(string id)
        {
            var c = Cases.Value[id];
            var key = Key(c.GetProperty("key"));
            if (c.GetProperty("key").TryGetProperty("public_base64", out var pub)) Assert.Equal(pub.GetString(), key.PublicKeyBase64);
            var p = c.GetProperty("params");
            var input = ReadMessage(c.GetProperty("input").GetString(), "CRLF");
            var expectedRaw = ReadMessage(c.GetProperty("expected_output").GetString(), "CRLF");
            var expectedField = DkimTemplateSigner.SplitFields(expectedRaw)[0];
            Assert.StartsWith("DKIM-Signature:", expectedField);
            var expectedTags = DkimMessageVerifier.ParseTags(expectedField.Substring(expectedField.IndexOf(':') + 1));
            // The expected output is the input with the signature prepended.
            Assert.Equal(expectedRaw, expectedField + input);

            // 1. Byte-exact b=: our key loading + an independent canonicalizer over the expected header's tags.
            Assert.Equal(expectedTags["b"], DkimTemplateSigner.ComputeSignature(key, input, expectedField));

            // 2. MimeKit signing through DkimMessageSigner with the case's parameters: same body hash, and it verifies.
            var canon = p.GetProperty("c").GetString().Split('/');
            var signer = new DkimMessageSigner(key, p.GetProperty("d").GetString(), p.GetProperty("s").GetString())
            {
                HeaderCanonicalization = canon[0] == "simple" ? DkimCanonicalization.Simple : DkimCanonicalization.Relaxed,
                BodyCanonicalization = canon[1] == "simple" ? DkimCanonicalization.Simple : DkimCanonicalization.Relaxed,
                Headers = p.GetProperty("h").EnumerateArray().Select(h => h.GetString()).ToList(),
            };
            var message = Parse(input);
            signer.Sign(message);
            var ours = DkimMessageVerifier.ParseTags(message.Headers[HeaderId.DkimSignature]);
            Assert.Equal(expectedTags["bh"], ours["bh"]);
            Assert.Equal(expectedTags["h"], ours["h"], ignoreCase: true);
            Assert.Equal(expectedTags["a"], ours["a"]);
            var dns = new InMemoryDnsResolver().AddTxt(DkimRecordBuilder.DnsName(signer.Selector, signer.Domain), DkimRecordBuilder.BuildRecord(key));
            var results = await new DkimMessageVerifier(dns).VerifyAsync(Parse(Serialize(message)), CancellationToken.None);
            Assert.Equal(DkimAuthResult.Pass, Assert.Single(results).Result);
        }

        [Theory]
        [MemberData(nameof(RoundTripCases))]
        public async Task SignThenVerify(string id)
        {
            var c = Cases.Value[id];
            var key = Key(c.GetProperty("key"));
            var p = c.GetProperty("params");
            var dns = Dns(c);
            var input = ReadMessage(c.GetProperty("input").GetString(), Ending(c));
            var combos = p.TryGetProperty("c", out var cs) ? cs.EnumerateArray().Select(x => x.GetString()).ToList()
                : new List<string> { "simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed" };
            foreach (var combo in combos)
            {
                var parts = combo.Split('/');
                var signer = new DkimMessageSigner(key, p.GetProperty("d").GetString(), p.GetProperty("s").GetString())
                {
                    HeaderCanonicalization = parts[0] == "simple" ? DkimCanonicalization.Simple : DkimCanonicalization.Relaxed,
                    BodyCanonicalization = parts[1] == "simple" ? DkimCanonicalization.Simple : DkimCanonicalization.Relaxed,
                };
                var message = Parse(input);
                signer.Sign(message);
                var signed = Serialize(message);
                Assert.Contains($"c={combo}", signed.Replace("\r\n", "").Replace(" ", ""));
                Assert.Equal(DkimAuthResult.Pass, await Single(dns, signed));

                // Negative checks: every case must notice a changed body; oversigned From catches an added From.
                Assert.Equal(DkimAuthResult.Fail, await Single(dns, signed + "foo"));
                var fromAt = signed.IndexOf("\r\nFrom:", StringComparison.Ordinal) + 2;
                Assert.Equal(DkimAuthResult.Fail, await Single(dns, "From: Mallory <mallory@example.org>\r\n" + signed));
                Assert.Equal(DkimAuthResult.Fail, await Single(dns, signed.Insert(fromAt, "From: Mallory <mallory@example.org>\r\n")));
                Assert.Equal(DkimAuthResult.Pass, await Single(dns, "X-Foo: added in transit\r\n" + signed));
            }
        }

        private static async Task<DkimAuthResult> Single(InMemoryDnsResolver dns, string raw)
        {
            var results = await new DkimMessageVerifier(dns).VerifyAsync(Parse(raw), CancellationToken.None);
            return Assert.Single(results).Result;
        }

        [Theory]
        [MemberData(nameof(KeyRecordCases))]
        public void KeyRecord(string id)
        {
            var c = Cases.Value[id];
            var text = c.TryGetProperty("record", out var r) ? r.GetString() : File.ReadAllText(Path.Combine(Folder, c.GetProperty("record_file").GetString())).Trim();
            var record = DkimKeyRecord.Parse(text);
            var expected = c.GetProperty("expected");
            Assert.True(expected.GetProperty("usable").GetBoolean() == record.IsUsable, string.Join("; ", record.Findings));
            if (expected.TryGetProperty("k", out var k)) Assert.Equal(k.GetString(), record.KeyType);
            if (expected.TryGetProperty("g", out var g)) Assert.Equal(g.GetString(), record.Granularity);
            if (record.IsUsable) Assert.True(record.KeyLength >= 256);
        }
    }
}
