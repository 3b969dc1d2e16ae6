using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Dkim
{
    public class DkimCoreTests
    {
        private static MimeMessage NewMessage()
        {
            var m = new MimeMessage();
            m.From.Add(new MailboxAddress("Alice", "alice@example.test"));
            m.To.Add(new MailboxAddress("Bob", "bob@example.test"));
            m.Subject = "Hello";
            m.Date = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
            m.MessageId = "abc@example.test";
            m.Body = new TextPart("plain") { Text = "Hi Bob.\r\n" };
            return m;
        }

        [Theory]
        [InlineData(DkimKeyAlgorithm.Rsa, 1024)]
        [InlineData(DkimKeyAlgorithm.Rsa, 2048)]
        [InlineData(DkimKeyAlgorithm.Ed25519, 0)]
        public async Task GeneratedKeyRoundTripsThroughPemAndSignsVerifiably(DkimKeyAlgorithm algorithm, int bits)
        {
            var key = DkimPrivateKey.Generate(algorithm, bits == 0 ? 2048 : bits);
            var pem = key.ToPkcs8Pem();
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem);
            var loaded = DkimPrivateKey.Parse(pem);
            Assert.Equal(key.PublicKeyBase64, loaded.PublicKeyBase64);
            Assert.Equal(algorithm == DkimKeyAlgorithm.Ed25519 ? 256 : bits, loaded.KeyLength);

            var record = DkimRecordBuilder.BuildRecord(loaded, new DkimRecordOptions { Testing = true, EmailOnly = true, HashAlgorithm = "sha256", Note = "a; b" });
            var parsed = DkimKeyRecord.Parse(record);
            Assert.True(parsed.IsUsable, string.Join("; ", parsed.Findings));
            Assert.True(parsed.IsTesting);
            Assert.Equal(loaded.KeyLength, parsed.KeyLength);
            Assert.Equal("a=3B=20b", parsed.Note);
            Assert.True(loaded.Matches(parsed));
            var comparison = loaded.CompareWith(parsed);
            Assert.True(comparison.SignaturesWillVerify && comparison.SameAlgorithm);
            Assert.Equal(comparison.LocalKeyLength, comparison.PublishedKeyLength);
            var revoked = loaded.CompareWith(DkimKeyRecord.Parse("v=DKIM1; k=" + parsed.KeyType + "; p="));
            Assert.False(revoked.Matches || revoked.RecordUsable || revoked.SignaturesWillVerify);
            Assert.True(revoked.SameAlgorithm);
            var restricted = loaded.CompareWith(DkimKeyRecord.Parse(record.Replace("s=email", "s=other")));
            Assert.True(restricted.Matches);
            Assert.False(restricted.SignaturesWillVerify);
            Assert.False(DkimPrivateKey.Generate(algorithm, bits == 0 ? 2048 : bits).Matches(parsed));

            var dns = new InMemoryDnsResolver().AddTxt("sel._domainkey.example.test", DkimRecordBuilder.SplitIntoStrings(record).ToArray());
            var message = NewMessage();
            new DkimMessageSigner(loaded, "example.test", "sel").Sign(message);
            var raw = DkimConformanceTests.Serialize(message);
            var results = await new DkimMessageVerifier(dns).VerifyAsync(DkimConformanceTests.Parse(raw), CancellationToken.None);
            var check = Assert.Single(results);
            Assert.Equal(DkimAuthResult.Pass, check.Result);
            Assert.Equal(algorithm == DkimKeyAlgorithm.Ed25519 ? "ed25519-sha256" : "rsa-sha256", check.Algorithm);
            Assert.Contains("c=relaxed/relaxed", raw.Replace("\r\n", "").Replace(" ", ""));
            Assert.Equal(2, check.SignedHeaders.Count(h => h.Equals("from", StringComparison.OrdinalIgnoreCase)));
        }

        [Fact]
        public void SplitStringsAreAtMost255AndJoinBack()
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Rsa, 4096);
            var record = DkimRecordBuilder.BuildRecord(key);
            var strings = DkimRecordBuilder.SplitIntoStrings(record);
            Assert.True(strings.Count >= 3);
            Assert.All(strings, s => Assert.True(Encoding.ASCII.GetByteCount(s) <= 255));
            Assert.Equal(record, string.Concat(strings));
            var zone = DkimRecordBuilder.ZoneFileRecord("s._domainkey.example.test", strings);
            Assert.StartsWith("s._domainkey.example.test. IN TXT ( \"v=DKIM1; k=rsa; p=", zone);
            Assert.EndsWith("\" )", zone);
        }

        [Fact]
        public void DnsNameUsesALabels()
        {
            Assert.Equal("s1._domainkey.example.test", DkimRecordBuilder.DnsName("s1", "example.test."));
            Assert.Equal("s1._domainkey.xn--bcher-kva.test", DkimRecordBuilder.DnsName("s1", "b\u00fccher.test"));
        }

        [Fact]
        public void UnreadableKeyFileIsInvalidData()
        {
            var ex = Assert.Throws<SmtpToolsException>(() => DkimPrivateKey.Parse("not a key"));
            Assert.Equal("DkimKeyInvalid", ex.ErrorId);
            Assert.Equal(FailureKind.InvalidData, ex.Kind);
        }

        [Theory]
        [InlineData("v=DKIM1; p=", false, true)]
        [InlineData("v=DKIM2; p=MCowBQYDK2VwAyEA", false, false)]
        [InlineData("p=abc; v=DKIM1", false, false)]
        [InlineData("v=DKIM1; k=rsa; h=sha1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB", false, false)]
        [InlineData("v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", false, false)]
        public void KeyRecordUsability(string text, bool usable, bool revoked)
        {
            var record = DkimKeyRecord.Parse(text);
            Assert.Equal(usable, record.IsUsable);
            Assert.Equal(revoked, record.IsRevoked);
        }

        /// <summary>A PKCS#1 RSAPublicKey (RFC 8017 A.1.1) with the given modulus and e=65537, as p= carries it.</summary>
        private static string RsaRecord(System.Numerics.BigInteger modulus)
        {
            byte[] Integer(byte[] value) => Der(0x02, value);
            byte[] Der(byte tag, byte[] value)
            {
                var length = value.Length < 128 ? new[] { (byte)value.Length } : new byte[] { 0x82, (byte)(value.Length >> 8), (byte)value.Length };
                return new[] { tag }.Concat(length).Concat(value).ToArray();
            }
            var n = modulus.ToByteArray(isUnsigned: false, isBigEndian: true);
            var der = Der(0x30, Integer(n).Concat(Integer(new byte[] { 1, 0, 1 })).ToArray());
            return "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(der);
        }

        [Fact]
        public void KeyRecordRefusesModuliNoRsaKeyHas()
        {
            // The modulus of a real 2048-bit key is accepted in the PKCS#1 form too, and its length read without
            // BouncyCastle's primality test (the cost that held Test-EmailDomain to ~10 domains/s).
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var real = new System.Numerics.BigInteger(rsa.ExportParameters(false).Modulus, isUnsigned: true, isBigEndian: true);
            var good = DkimKeyRecord.Parse(RsaRecord(real));
            Assert.True(good.IsUsable);
            Assert.Equal(2048, good.KeyLength);

            foreach (var bad in new[] { real * 3, real * 751, real + 1 /* even */ })
            {
                var record = DkimKeyRecord.Parse(RsaRecord(bad));
                Assert.False(record.IsUsable);
                Assert.Contains(record.Findings, f => f.Is(FindingCatalog.DkimRecordBadPublicKey));
            }
        }

        [Fact]
        public async Task VerifierReportsTempErrorAndPermError()
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519);
            var message = NewMessage();
            new DkimMessageSigner(key, "example.test", "sel").Sign(message);
            var raw = DkimConformanceTests.Serialize(message);

            var timeout = new InMemoryDnsResolver().AddTimeout("sel._domainkey.example.test");
            Assert.Equal(DkimAuthResult.TempError, (await new DkimMessageVerifier(timeout).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single().Result);
            var missing = new InMemoryDnsResolver();
            var perm = (await new DkimMessageVerifier(missing).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single();
            Assert.Equal(DkimAuthResult.PermError, perm.Result);
            Assert.Contains("No DKIM key", perm.Reason);
            var revoked = new InMemoryDnsResolver().AddTxt("sel._domainkey.example.test", "v=DKIM1; k=ed25519; p=");
            Assert.Equal(DkimAuthResult.PermError, (await new DkimMessageVerifier(revoked).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single().Result);
            var wrongType = new InMemoryDnsResolver().AddTxt("sel._domainkey.example.test", DkimRecordBuilder.BuildRecord(DkimPrivateKey.Generate(DkimKeyAlgorithm.Rsa, 1024)));
            Assert.Equal(DkimAuthResult.PermError, (await new DkimMessageVerifier(wrongType).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single().Result);
            var otherKey = new InMemoryDnsResolver().AddTxt("sel._domainkey.example.test", DkimRecordBuilder.BuildRecord(DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519)));
            Assert.Equal(DkimAuthResult.Fail, (await new DkimMessageVerifier(otherKey).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single().Result);
        }

        [Theory]
        [InlineData("a=rsa-sha256", "a=rsa-sha1", "rsa-sha1")]
        [InlineData("a=rsa-sha256", "a=rsa-md5", "not a known")]
        [InlineData("d=example.test", "d=other.test", "is not in the d= domain")]
        [InlineData("v=1;", "v=1; x=1000;", "expired")]
        [InlineData("h=from:from:", "h=", "does not include From")]
        public async Task BrokenSignatureTagsArePermErrors(string from, string to, string reason)
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Rsa, 1024);
            var message = NewMessage();
            new DkimMessageSigner(key, "example.test", "sel") { AgentOrUserIdentifier = "@mail.example.test" }.Sign(message);
            var raw = DkimConformanceTests.Serialize(message);
            var dns = new InMemoryDnsResolver()
                .AddTxt("sel._domainkey.example.test", DkimRecordBuilder.BuildRecord(key))
                .AddTxt("sel._domainkey.other.test", DkimRecordBuilder.BuildRecord(key));
            Assert.Equal(DkimAuthResult.Pass, (await new DkimMessageVerifier(dns).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single().Result);
            var headerEnd = raw.IndexOf("\r\nFrom:", StringComparison.Ordinal);
            Assert.Contains(from, raw.Substring(0, headerEnd));
            var broken = raw.Substring(0, headerEnd).Replace(from, to) + raw.Substring(headerEnd);
            var check = (await new DkimMessageVerifier(dns).VerifyAsync(DkimConformanceTests.Parse(broken), default)).Single();
            Assert.Equal(DkimAuthResult.PermError, check.Result);
            Assert.Contains(reason, check.Reason);
        }

        [Fact]
        public async Task StrictKeyRejectsSubdomainIdentityAndTestingFlagIsReported()
        {
            var key = DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519);
            var message = NewMessage();
            new DkimMessageSigner(key, "example.test", "sel") { AgentOrUserIdentifier = "alice@mail.example.test" }.Sign(message);
            var raw = DkimConformanceTests.Serialize(message);
            var strict = new InMemoryDnsResolver().AddTxt("sel._domainkey.example.test", DkimRecordBuilder.BuildRecord(key, new DkimRecordOptions { StrictSubdomains = true }));
            var check = (await new DkimMessageVerifier(strict).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single();
            Assert.Equal(DkimAuthResult.PermError, check.Result);
            Assert.Equal("alice@mail.example.test", check.Identity);
            var testing = new InMemoryDnsResolver().AddTxt("sel._domainkey.example.test", DkimRecordBuilder.BuildRecord(key, new DkimRecordOptions { Testing = true }));
            check = (await new DkimMessageVerifier(testing).VerifyAsync(DkimConformanceTests.Parse(raw), default)).Single();
            Assert.Equal(DkimAuthResult.Pass, check.Result);
            Assert.True(check.KeyTesting);
            Assert.Equal(256, check.KeyLength);
        }

        [Fact]
        public async Task CheckerFindingsAndProbing()
        {
            var good = DkimPrivateKey.Generate(DkimKeyAlgorithm.Rsa, 2048);
            var weak = DkimPrivateKey.Generate(DkimKeyAlgorithm.Rsa, 1024);
            var dns = new InMemoryDnsResolver()
                .AddTxt("good._domainkey.example.test", DkimRecordBuilder.SplitIntoStrings(DkimRecordBuilder.BuildRecord(good)).ToArray())
                .AddTxt("weak._domainkey.example.test", DkimRecordBuilder.BuildRecord(weak, new DkimRecordOptions { Testing = true }))
                .AddTxt("revoked._domainkey.example.test", "v=DKIM1; k=rsa; p=")
                .AddTxt("selector1._domainkey.probe.test", DkimRecordBuilder.BuildRecord(good))
                .AddTxt("google._domainkey.probe.test", DkimRecordBuilder.BuildRecord(weak))
                .AddCname("selector2._domainkey.probe.test", "selector2-probe._domainkey.provider.test")
                .AddTimeout("slow._domainkey.example.test");
            var checker = new DkimRecordChecker(dns);

            var results = await checker.CheckAsync("example.test", new[] { "good", "weak", "revoked", "absent", "slow" }, good, default);
            Assert.Equal(new[] { "good", "weak", "revoked", "absent", "slow" }, results.Select(r => r.Selector));
            Assert.True(results[0].Found && results[0].IsUsable && results[0].MatchesPrivateKey == true);
            Assert.Equal(2, results[0].RecordStrings.Length);
            Assert.Contains(results[1].Findings, f => f.Id == "DkimRsaKeyTooShort");
            Assert.Contains(results[1].Findings, f => f.Id == "DkimTestingMode");
            Assert.Contains(results[1].Findings, f => f.Id == "DkimKeyMismatch");
            Assert.False(results[1].MatchesPrivateKey);
            Assert.True(results[2].Found && results[2].Revoked && !results[2].IsUsable);
            Assert.False(results[3].Found);
            Assert.Contains(results[3].Findings, f => f.Id == "DkimRecordNotFound");
            Assert.Contains(results[4].Findings, f => f.Id == "DkimLookupFailed");

            var probed = await checker.CheckAsync("probe.test", null, null, default);
            Assert.Equal(new[] { "selector1", "google" }.OrderBy(s => s), probed.Where(p => p.Found).Select(p => p.Selector).OrderBy(s => s));
            Assert.Equal(3, probed.Count);
            Assert.Contains(probed.Single(p => p.Selector == "selector2").Findings, f => f.Id == "DkimCnameTargetMissing");
            var none = Assert.Single(await checker.CheckAsync("nothing.test", null, null, default));
            Assert.False(none.Found);
            Assert.Null(none.Selector);
            Assert.Equal("DkimNoSelectorFound", Assert.Single(none.Findings).Id);
        }

        [Fact]
        public async Task CnameToMissingProviderKeyIsReported()
        {
            var dns = new InMemoryDnsResolver().AddCname("s1._domainkey.example.test", "s1.provider.test");
            var result = Assert.Single(await new DkimRecordChecker(dns).CheckAsync("example.test", new[] { "s1" }, null, default));
            Assert.False(result.Found);
            Assert.Contains(result.Findings, f => f.Id == "DkimCnameTargetMissing");
        }
    }
}
