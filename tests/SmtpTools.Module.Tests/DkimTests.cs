using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>New-DkimKey: files, permissions, -Force, -WhatIf, pipeline input, the DNS record it returns.</summary>
    public sealed class DkimKeyTests : IClassFixture<PsSession>, IDisposable
    {
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("dkim-module-").FullName;

        public DkimKeyTests(PsSession session) { _s = session; }

        public void Dispose()
        {
            _s.Run("$null = $ExecutionContext.SessionState.Path.SetLocation([IO.Path]::GetTempPath())");
            Directory.Delete(_dir, true);
        }

        private PsResult Run(string script) => _s.Run(script, new Dictionary<string, object> { ["dir"] = _dir });

        private static string Prop(PSObject o, string name) => o.Properties[name].Value?.ToString();

        [Fact]
        public void WritesOwnerOnlyPkcs8KeyAndReturnsTheRecord()
        {
            var r = Run("New-DkimKey -Domain Example.TEST -Selector s1 -Path $dir");
            var key = r.Single();
            Assert.Equal("SmtpTools.DkimKey", key.TypeNames[0]);
            var path = Path.Combine(_dir, "s1.example.test.key");
            Assert.Equal(path, Prop(key, "PrivateKeyPath"));
            Assert.Equal("s1._domainkey.example.test", Prop(key, "DnsName"));
            Assert.Equal("Rsa", Prop(key, "KeyAlgorithm"));
            Assert.Equal(2048, r.Value<int>(0, "KeyLength"));
            Assert.Matches("^[0-9a-f]{64}$", Prop(key, "PublicKeyFingerprint"));

            var pem = File.ReadAllText(path);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(_dir, ".*")));

            // The secret never reaches the output object.
            var body = pem.Split('\n')[1];
            foreach (var p in key.Properties)
                Assert.DoesNotContain(body, p.Value is string[] a ? string.Join("", a) : p.Value?.ToString() ?? "");

            var record = Prop(key, "DnsRecord");
            Assert.StartsWith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", record);
            var strings = (string[])key.Properties["DnsRecordStrings"].Value;
            Assert.True(strings.Length >= 2);
            Assert.All(strings, s => Assert.True(Encoding.UTF8.GetByteCount(s) <= 255));
            Assert.Equal(record, string.Concat(strings));
            Assert.Equal("s1._domainkey.example.test. IN TXT ( " + string.Join(" ", strings.Select(x => "\"" + x + "\"")) + " )", Prop(key, "ZoneFileRecord"));
        }

        [Fact]
        public void DefaultPathIsThePowerShellLocationNotTheProcessDirectory()
        {
            var r = Run("$null = $ExecutionContext.SessionState.Path.SetLocation($dir); New-DkimKey -Domain example.test -Selector here -KeyAlgorithm Ed25519");
            var key = r.Single();
            Assert.Equal(Path.Combine(_dir, "here.example.test.key"), Prop(key, "PrivateKeyPath"));
            Assert.True(File.Exists(Path.Combine(_dir, "here.example.test.key")));
            Assert.Equal(256, r.Value<int>(0, "KeyLength"));
            Assert.Matches("^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$", Prop(key, "DnsRecord"));

            var relative = Run("New-DkimKey -Domain example.test -Selector rel -Path ./custom.pem -KeyAlgorithm Ed25519");
            Assert.Equal(Path.Combine(_dir, "custom.pem"), Prop(relative.Single(), "PrivateKeyPath"));
        }

        [Fact]
        public void RefusesToOverwriteWithoutForce()
        {
            var first = Run("New-DkimKey -Domain example.test -Selector dup -Path $dir -KeyAlgorithm Ed25519");
            var path = Prop(first.Single(), "PrivateKeyPath");
            var before = File.ReadAllText(path);

            var again = Run("New-DkimKey -Domain example.test -Selector dup -Path $dir -KeyAlgorithm Ed25519");
            Assert.Empty(again.Output);
            var error = Assert.Single(again.Errors);
            Assert.StartsWith("DkimKeyFileExists", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
            Assert.Equal(before, File.ReadAllText(path));

            var forced = Run("New-DkimKey -Domain example.test -Selector dup -Path $dir -KeyAlgorithm Ed25519 -Force");
            Assert.Empty(forced.Errors);
            Assert.NotEqual(Prop(first.Single(), "PublicKeyFingerprint"), Prop(forced.Single(), "PublicKeyFingerprint"));
            Assert.NotEqual(before, File.ReadAllText(path));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        [Fact]
        public void WhatIfWritesNothing()
        {
            var r = Run("New-DkimKey -Domain example.test -Selector wi -Path $dir -WhatIf");
            Assert.Empty(r.Output);
            Assert.Empty(r.Errors);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
        }

        [Fact]
        public void PipelineOfSelectorsMakesOneKeyEach()
        {
            var r = Run(@"
                @([pscustomobject]@{ Domain = 'a.test'; Selector = 'k1' },
                  [pscustomobject]@{ DomainName = 'b.test'; Selector = 'k2' },
                  [pscustomobject]@{ Domain = 'c.test'; Selector = 'k3' }) | New-DkimKey -Path $dir -KeyLength 1024");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "k1._domainkey.a.test", "k2._domainkey.b.test", "k3._domainkey.c.test" }, r.Output.Select(o => Prop(o, "DnsName")));
            Assert.All(r.Output, o => Assert.Equal("1024", Prop(o, "KeyLength")));
            Assert.Equal(3, Directory.GetFiles(_dir, "*.key").Length);
            Assert.Equal(3, r.Output.Select(o => Prop(o, "PublicKeyFingerprint")).Distinct().Count());
        }

        [Fact]
        public void RecordOptionsBecomeTags()
        {
            var r = Run("New-DkimKey -Domain example.test -Selector opt -Path $dir -KeyAlgorithm Ed25519 -Testing -StrictSubdomains -ServiceType Email -HashAlgorithm Sha256 -Note 'rotated 2026; ops'");
            var record = Prop(r.Single(), "DnsRecord");
            Assert.StartsWith("v=DKIM1; k=ed25519; h=sha256; t=y:s; s=email; n=rotated=202026=3B=20ops; p=", record);
            Assert.Equal("True", Prop(r.Single(), "Testing"));
        }

        [Fact]
        public void KeyLengthWithEd25519IsRejected()
        {
            // A cmdlet's terminating error stops its statement; the hosted script reports it on the error stream.
            var r = Run("New-DkimKey -Domain example.test -Selector bad -Path $dir -KeyAlgorithm Ed25519 -KeyLength 2048");
            Assert.Empty(r.Output);
            Assert.StartsWith("DkimKeyLengthNotApplicable", Assert.Single(r.Errors).FullyQualifiedErrorId);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
            var invalid = Run("New-DkimKey -Domain example.test -Selector bad -Path $dir -KeyLength 512");
            Assert.StartsWith("ParameterArgumentValidationError", Assert.Single(invalid.Errors).FullyQualifiedErrorId);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
        }

        [Fact]
        public void TableView()
        {
            var text = _s.Render($"New-DkimKey -Domain example.test -Selector tv -Path '{_dir}' -KeyAlgorithm Ed25519");
            Assert.Contains("DnsName", text);
            Assert.Contains("Algorithm", text);
            Assert.Contains("PrivateKeyPath", text);
            Assert.Contains("tv._domainkey.example.test", text);
            Assert.Contains("Ed25519", text);
            Assert.DoesNotContain("ZoneFileRecord", text);
        }
    }

    /// <summary>Test-DkimRecord against the integration Knot server (zone tests/Integration/zones/dkim.test.zone).</summary>
    [Trait("Category", "Integration")]
    public sealed class DkimRecordTests : IClassFixture<PsSession>, IDisposable
    {
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("dkim-record-").FullName;

        public DkimRecordTests(PsSession session) { _s = session; }

        public void Dispose() => Directory.Delete(_dir, true);

        private PsResult Run(string script) =>
            _s.Run(script, new Dictionary<string, object> { ["dir"] = _dir, ["dns"] = DkimTestZone.Dns });

        private static string Prop(PSObject o, string name) => o.Properties[name].Value?.ToString();
        private static string[] Ids(PSObject o) => ((object[])o.Properties["Findings"].Value).Select(f => PSObject.AsPSObject(f).Properties["Id"].Value.ToString()).ToArray();

        [Fact]
        public void GoodRevokedTestingWeakAndBrokenRecords()
        {
            var r = Run("Test-DkimRecord -Domain dkim.test -Selector good, revoked, testing, weak, ed, badk, badv, split, absent -Server $dns");
            Assert.Empty(r.Errors);
            var bySelector = r.Output.ToDictionary(o => Prop(o, "Selector"));
            Assert.Equal(new[] { "good", "revoked", "testing", "weak", "ed", "badk", "badv", "split", "absent" }, r.Output.Select(o => Prop(o, "Selector")));
            Assert.Equal("SmtpTools.DkimRecordCheck", r.Output[0].TypeNames[0]);

            var good = bySelector["good"];
            Assert.Equal("Valid", Prop(good, "Status"));
            Assert.Equal("True", Prop(good, "IsUsable"));
            Assert.Equal("rsa", Prop(good, "KeyAlgorithm"));
            Assert.Equal("2048", Prop(good, "KeyLength"));
            Assert.Equal("2", Prop(good, "RecordStringCount"));
            Assert.Equal(Prop(good, "Record"), string.Concat((string[])good.Properties["RecordStrings"].Value));
            Assert.Null(good.Properties["MatchesPrivateKey"].Value);

            Assert.Equal("Revoked", Prop(bySelector["revoked"], "Status"));
            Assert.Equal("True", Prop(bySelector["revoked"], "Revoked"));
            Assert.Equal("False", Prop(bySelector["revoked"], "IsUsable"));

            Assert.Equal("True", Prop(bySelector["testing"], "Testing"));
            Assert.Equal("Warning", Prop(bySelector["testing"], "Status"));
            Assert.Contains("DkimTestingMode", Ids(bySelector["testing"]));

            Assert.Equal("1024", Prop(bySelector["weak"], "KeyLength"));
            Assert.Contains("DkimRsaKeyTooShort", Ids(bySelector["weak"]));
            Assert.Equal("Warning", Prop(bySelector["weak"], "Status"));

            Assert.Equal("ed25519", Prop(bySelector["ed"], "KeyAlgorithm"));
            Assert.Equal("256", Prop(bySelector["ed"], "KeyLength"));

            Assert.Contains("DkimRecordUnknownKeyType", Ids(bySelector["badk"]));
            Assert.Equal("Invalid", Prop(bySelector["badk"], "Status"));
            Assert.Contains("DkimRecordBadVersion", Ids(bySelector["badv"]));
            Assert.Contains("DkimRecordSplitIntoRecords", Ids(bySelector["split"]));
            Assert.Equal("NotFound", Prop(bySelector["absent"], "Status"));
            Assert.Contains("DkimRecordNotFound", Ids(bySelector["absent"]));
        }

        [Fact]
        public void CnamedKeys()
        {
            var r = Run("Test-DkimRecord dkim.test -Selector hosted, cname -Server $dns");
            Assert.Equal("Valid", Prop(r.Output[0], "Status"));
            Assert.Equal("hosted-key.provider.dkim.test", Prop(r.Output[0], "CnameTarget"));
            Assert.Equal("NotFound", Prop(r.Output[1], "Status"));
            Assert.Contains("DkimCnameTargetMissing", Ids(r.Output[1]));
        }

        [Theory]
        [InlineData("Rsa", 1024)]
        [InlineData("Rsa", 2048)]
        [InlineData("Rsa", 4096)]
        [InlineData("Ed25519", 0)]
        public void NewDkimKeyRecordPublishedInKnotMatchesAndPeersAgree(string algorithm, int bits)
        {
            var selector = DkimTestZone.NewSelector("nk");
            var lengthArg = bits == 0 ? "" : " -KeyLength " + bits;
            var made = Run($"New-DkimKey -Domain dkim.test -Selector {selector} -Path $dir -KeyAlgorithm {algorithm}{lengthArg}");
            var key = made.Single();
            var keyFile = Prop(key, "PrivateKeyPath");
            DkimTestZone.AddTxt(selector + "._domainkey", (string[])key.Properties["DnsRecordStrings"].Value);

            var check = Run($"Test-DkimRecord -Domain dkim.test -Selector {selector} -KeyPath '{keyFile}' -Server $dns").Single();
            Assert.Equal("True", Prop(check, "MatchesPrivateKey"));
            Assert.Equal("True", Prop(check, "IsUsable"));
            Assert.Equal(Prop(key, "PublicKeyFingerprint"), Prop(check, "PublicKeyFingerprint"));
            Assert.Equal(Prop(key, "DnsRecord"), Prop(check, "Record"));
            Assert.Equal("True", Run($"Test-DkimRecord -Domain dkim.test -Selector {selector} -KeyPath '{keyFile}' -Server $dns -Quiet").Single().ToString());

            // The same published record checked against another key: a mismatch.
            var other = Prop(Run($"New-DkimKey -Domain dkim.test -Selector other{selector} -Path $dir -KeyAlgorithm {algorithm}{lengthArg}").Single(), "PrivateKeyPath");
            var mismatch = Run($"Test-DkimRecord -Domain dkim.test -Selector {selector} -KeyPath '{other}' -Server $dns").Single();
            Assert.Equal("False", Prop(mismatch, "MatchesPrivateKey"));
            Assert.Contains("DkimKeyMismatch", Ids(mismatch));
            Assert.Equal("Invalid", Prop(mismatch, "Status"));

            if (algorithm == "Rsa")
            {
                // opendkim (RSA only) and dkimpy read New-DkimKey's PKCS#8 file and agree with the published record.
                var testkey = DkimTestZone.OpendkimTestKey(_dir, selector, keyFile);
                Assert.True(testkey.ExitCode == 0, testkey.ToString());
                Assert.Contains("key OK", testkey.Output);
                Assert.NotEqual(0, DkimTestZone.OpendkimTestKey(_dir, selector, other).ExitCode);

                var message = "From: alice@dkim.test\r\nTo: bob@example.test\r\nSubject: interop\r\nDate: Tue, 24 Nov 2026 05:00:00 +0000\r\nMessage-ID: <" + selector + "@dkim.test>\r\n\r\nHello.\r\n";
                var signed = DkimTestZone.DkimpySign(message, keyFile, "dkim.test", selector, ed25519: false);
                Assert.True(signed.ExitCode == 0, signed.ToString());
                var verified = DkimTestZone.DkimpyVerify(signed.StandardOutput);
                Assert.True(verified.ExitCode == 0, verified.ToString());
                var badSigned = DkimTestZone.DkimpySign(message, other, "dkim.test", selector, ed25519: false);
                Assert.NotEqual(0, DkimTestZone.DkimpyVerify(badSigned.StandardOutput).ExitCode);
            }
        }

        [Fact]
        public void ProbesCommonSelectorsAndReportsWhenNoneIsFound()
        {
            var r = Run("'probe.dkim.test', 'nokeys.dkim.test' | Test-DkimRecord -Server $dns");
            Assert.Empty(r.Errors);
            Assert.Equal(3, r.Output.Count);
            Assert.Equal(new[] { "probe.dkim.test", "probe.dkim.test", "nokeys.dkim.test" }, r.Output.Select(o => Prop(o, "Domain")));
            Assert.Equal(new[] { "selector1", "google" }.OrderBy(x => x), r.Output.Take(2).Select(o => Prop(o, "Selector")).OrderBy(x => x));
            var none = r.Output[2];
            Assert.Null(none.Properties["Selector"].Value);
            Assert.Equal("False", Prop(none, "Found"));
            Assert.Equal(new[] { "DkimNoSelectorFound" }, Ids(none));
        }

        [Fact]
        public void PipelineByPropertyNameKeepsInputOrderAndQuietGivesBooleans()
        {
            var r = Run(@"@([pscustomobject]@{ Domain = 'dkim.test'; Selector = 'weak' },
                            [pscustomobject]@{ DomainName = 'dkim.test'; Selector = 'good' },
                            [pscustomobject]@{ Name = 'dkim.test'; Selector = 'revoked' }) | Test-DkimRecord -Server $dns -ThrottleLimit 3");
            Assert.Equal(new[] { "weak", "good", "revoked" }, r.Output.Select(o => Prop(o, "Selector")));
            var quiet = Run("Test-DkimRecord dkim.test -Selector good -Server $dns -Quiet; Test-DkimRecord dkim.test -Selector revoked -Server $dns -Quiet; Test-DkimRecord dkim.test -Selector badk -Server $dns -Quiet");
            Assert.Equal(new object[] { true, false, false }, quiet.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void MissingKeyFileIsATerminatingError()
        {
            var r = Run("Test-DkimRecord dkim.test -Selector good -KeyPath ($dir + '/nope.key') -Server $dns");
            Assert.Empty(r.Output);
            var error = Assert.Single(r.Errors);
            Assert.StartsWith("FileNotFound", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        }

        [Fact]
        public void TableView()
        {
            var text = _s.Render($"Test-DkimRecord dkim.test -Selector good, testing, revoked -Server '{DkimTestZone.Dns}'");
            foreach (var header in new[] { "Domain", "Selector", "Status", "Key", "Bits", "Flags", "Findings" }) Assert.Contains(header, text);
            Assert.Contains("Valid", text);
            Assert.Contains("DkimTestingMode", text);
            Assert.Contains("Revoked", text);
            Assert.DoesNotContain("RecordStrings", text);
        }
    }
}
