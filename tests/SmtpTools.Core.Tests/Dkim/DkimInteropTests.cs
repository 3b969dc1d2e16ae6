using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dns;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Dkim
{
    /// <summary>
    /// Interop with real peers (Debian's opendkim-tools and python3-dkim) and the integration Knot server:
    /// keys made by our generator (the code New-DkimKey runs) are accepted by them, and theirs by our signer.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class DkimInteropTests : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("dkim-interop-").FullName;

        public void Dispose() => Directory.Delete(_folder, true);

        private static MimeMessage NewMessage(string selector)
        {
            var m = new MimeMessage();
            m.From.Add(new MailboxAddress("Alice", "alice@dkim.test"));
            m.To.Add(new MailboxAddress("Bob", "bob@example.test"));
            m.Subject = "Interop " + selector;
            m.Date = DateTimeOffset.UtcNow;
            m.MessageId = selector + "@dkim.test";
            m.Body = new TextPart("plain") { Text = "Caf\u00e9 body with a long line " + new string('x', 200) + "\r\nand a second line.\r\n" };
            return m;
        }

        private static async Task<DkimAuthResult> VerifyWithOurVerifier(string raw)
        {
            var resolver = new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { DkimTestZone.Dns }) });
            var results = await new DkimMessageVerifier(resolver).VerifyAsync(DkimConformanceTests.Parse(raw), CancellationToken.None);
            return Assert.Single(results).Result;
        }

        [Theory]
        [InlineData(DkimKeyAlgorithm.Rsa, 1024)]
        [InlineData(DkimKeyAlgorithm.Rsa, 2048)]
        [InlineData(DkimKeyAlgorithm.Rsa, 4096)]
        [InlineData(DkimKeyAlgorithm.Ed25519, 256)]
        public async Task OurKeyIsAcceptedByOpendkimAndDkimpy(DkimKeyAlgorithm algorithm, int bits)
        {
            var key = DkimPrivateKey.Generate(algorithm, algorithm == DkimKeyAlgorithm.Rsa ? bits : 2048);
            var keyFile = Path.Combine(_folder, "our.key");
            File.WriteAllText(keyFile, key.ToPkcs8Pem());
            var selector = DkimTestZone.NewSelector("ours");
            var record = DkimRecordBuilder.BuildRecord(key);
            DkimTestZone.AddTxt(selector + "._domainkey", DkimRecordBuilder.SplitIntoStrings(record));

            if (algorithm == DkimKeyAlgorithm.Rsa)
            {
                // opendkim-testkey checks RSA only: the record parses and belongs to the key file.
                var testkey = DkimTestZone.OpendkimTestKey(_folder, selector, keyFile);
                Assert.True(testkey.ExitCode == 0, testkey.ToString());
                Assert.Contains("key OK", testkey.Output);
                var other = Path.Combine(_folder, "other.key");
                File.WriteAllText(other, DkimPrivateKey.Generate(DkimKeyAlgorithm.Rsa, bits).ToPkcs8Pem());
                var mismatch = DkimTestZone.OpendkimTestKey(_folder, selector, other);
                Assert.NotEqual(0, mismatch.ExitCode);
            }

            foreach (var headerCanon in new[] { DkimCanonicalization.Relaxed, DkimCanonicalization.Simple })
            foreach (var bodyCanon in new[] { DkimCanonicalization.Relaxed, DkimCanonicalization.Simple })
            {
                var message = NewMessage(selector);
                var signer = DkimMessageSigner.FromKeyFile(keyFile, DkimTestZone.Zone, selector);
                signer.HeaderCanonicalization = headerCanon;
                signer.BodyCanonicalization = bodyCanon;
                signer.Sign(message);
                var signed = DkimConformanceTests.Serialize(message);
                var verify = DkimTestZone.DkimpyVerify(signed);
                Assert.True(verify.ExitCode == 0, $"{headerCanon}/{bodyCanon}: {verify}");
                Assert.Equal(DkimAuthResult.Pass, await VerifyWithOurVerifier(signed));

                var tampered = DkimTestZone.DkimpyVerify(signed.Replace("second line", "2nd line"));
                Assert.NotEqual(0, tampered.ExitCode);
            }
        }

        [Fact]
        public void Ed25519Pkcs8PemIsTheSameFormatOpensslUses()
        {
            // OpenSSL's Ed25519 PKCS#8 key is readable by us ...
            var theirs = Path.Combine(_folder, "openssl-ed25519.pem");
            Assert.Equal(0, DkimTestZone.Run("openssl", null, "genpkey", "-algorithm", "ed25519", "-out", theirs).ExitCode);
            var key = DkimPrivateKey.Load(theirs);
            Assert.Equal(DkimKeyAlgorithm.Ed25519, key.Algorithm);
            Assert.Equal(RawEd25519PublicKey(theirs), key.PublicKeyBase64);

            // ... and ours by OpenSSL, which derives the same public key we publish.
            var ours = Path.Combine(_folder, "ours-ed25519.pem");
            var generated = DkimPrivateKey.Generate(DkimKeyAlgorithm.Ed25519);
            File.WriteAllText(ours, generated.ToPkcs8Pem());
            Assert.Equal(generated.PublicKeyBase64, RawEd25519PublicKey(ours));
        }

        private string RawEd25519PublicKey(string pemFile)
        {
            var der = Path.Combine(_folder, "pub.der");
            var r = DkimTestZone.Run("openssl", null, "pkey", "-in", pemFile, "-pubout", "-outform", "DER", "-out", der);
            Assert.True(r.ExitCode == 0, r.ToString());
            var bytes = File.ReadAllBytes(der);
            return Convert.ToBase64String(bytes, bytes.Length - 32, 32);
        }

        [Theory]
        [InlineData(1024, false)]
        [InlineData(2048, true)]
        public async Task OpendkimGenkeyKeyIsReadableByOurSigner(int bits, bool convertToPkcs1)
        {
            var selector = DkimTestZone.NewSelector("og");
            var gen = DkimTestZone.Run("opendkim-genkey", null, "-b", bits.ToString(), "-d", DkimTestZone.Zone, "-s", selector, "-D", _folder);
            Assert.True(gen.ExitCode == 0, gen.ToString());
            var keyFile = Path.Combine(_folder, selector + ".private");
            if (convertToPkcs1)
            {
                var pkcs1 = Path.Combine(_folder, selector + ".pkcs1");
                var conv = DkimTestZone.Run("openssl", null, "rsa", "-traditional", "-in", keyFile, "-out", pkcs1);
                Assert.True(conv.ExitCode == 0, conv.ToString());
                Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", File.ReadAllText(pkcs1));
                keyFile = pkcs1;
            }
            // The .txt file is a zone-file snippet: the quoted strings are the record.
            var zoneText = File.ReadAllText(Path.Combine(_folder, selector + ".txt"));
            var strings = Regex.Matches(zoneText, "\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
            var parsed = DkimKeyRecord.Parse(string.Concat(strings));
            Assert.True(parsed.IsUsable);
            Assert.Equal(bits, parsed.KeyLength);
            DkimTestZone.AddTxt(selector + "._domainkey", strings);

            var key = DkimPrivateKey.Load(keyFile);
            Assert.True(key.Matches(parsed));
            var message = NewMessage(selector);
            DkimMessageSigner.FromKeyFile(keyFile, DkimTestZone.Zone, selector).Sign(message);
            var signed = DkimConformanceTests.Serialize(message);
            var verify = DkimTestZone.DkimpyVerify(signed);
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Equal(DkimAuthResult.Pass, await VerifyWithOurVerifier(signed));
        }

        [Fact]
        public async Task DknewkeyEd25519SeedIsReadableByOurSignerAndDkimpySignaturesVerifyWithUs()
        {
            var selector = DkimTestZone.NewSelector("dk");
            var name = Path.Combine(_folder, selector);
            var gen = DkimTestZone.Run("dknewkey", null, "--ktype", "ed25519", name);
            Assert.True(gen.ExitCode == 0, gen.ToString());
            var record = File.ReadAllText(name + ".dns").Trim();
            DkimTestZone.AddTxt(selector + "._domainkey", new[] { record });

            var message = NewMessage(selector);
            DkimMessageSigner.FromKeyFile(name + ".key", DkimTestZone.Zone, selector).Sign(message);
            var signed = DkimConformanceTests.Serialize(message);
            var verify = DkimTestZone.DkimpyVerify(signed);
            Assert.True(verify.ExitCode == 0, verify.ToString());

            // And the other way: dkimpy signs, our verifier (MimeKit + our DNS locator) accepts.
            var unsigned = DkimConformanceTests.Serialize(NewMessage(selector));
            var dkimpySigned = DkimTestZone.DkimpySign(unsigned, name + ".key", DkimTestZone.Zone, selector, ed25519: true);
            Assert.True(dkimpySigned.ExitCode == 0, dkimpySigned.ToString());
            Assert.Equal(DkimAuthResult.Pass, await VerifyWithOurVerifier(dkimpySigned.StandardOutput));
        }
    }
}
