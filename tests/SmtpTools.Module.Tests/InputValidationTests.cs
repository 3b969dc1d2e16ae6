using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SmtpTools.Module.Tests.Infrastructure;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Module.Tests
{
    /// <summary>
    /// Issue 11 items 6 and 8: names are checked before they become a DNS query, a file path or a zone-file line;
    /// a blank or malformed input is an InvalidArgument error in its place and the pipeline goes on.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class InputValidationTests : IClassFixture<PsSession>, IDisposable
    {
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("input-validation-").FullName;

        public InputValidationTests(PsSession session) { _s = session; }

        public void Dispose()
        {
            _s.Run("$null = $ExecutionContext.SessionState.Path.SetLocation([IO.Path]::GetTempPath())");
            Directory.Delete(_dir, true);
        }

        private PsResult Run(string script, Dictionary<string, object> variables = null)
        {
            var vars = variables ?? new Dictionary<string, object>();
            vars["dir"] = _dir;
            vars["dns"] = SpfTestZone.Dns;
            return _s.Run(script, vars);
        }

        // Output and error records merged in the order the cmdlet wrote them: a result's Domain (or SmtpServer), or
        // "error:<ErrorId>:<category>" for an error record.
        private const string Rows = @" 2>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error:' + $_.FullyQualifiedErrorId.Split(',')[0] + ':' + $_.CategoryInfo.Category }
            elseif ($_.PSObject.Properties['SmtpServer']) { $_.SmtpServer } else { $_.Domain } }";

        private static string[] Lines(PsResult r)
        {
            Assert.Null(r.Terminating);
            return r.Output.Select(o => o.ToString()).ToArray();
        }

        // ---- New-DkimKey (item 6) ----

        [Fact]
        public void New_DkimKey_never_writes_outside_the_Path_folder()
        {
            var keys = Directory.CreateDirectory(Path.Combine(_dir, "keys")).FullName;
            var victim = Path.Combine(_dir, "target.key");
            File.WriteAllText(victim, "precious");

            var r = Run("New-DkimKey -Domain 'x/../../target' -Selector s1 -Path ([IO.Path]::Combine($dir, 'keys')) -Force -KeyAlgorithm Ed25519");
            Assert.Empty(r.Output);
            var error = Assert.Single(r.Errors);
            Assert.StartsWith("InvalidDomainName,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal("x/../../target", error.TargetObject);
            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Empty(Directory.GetFileSystemEntries(keys));
            Assert.Equal(new[] { victim }, Directory.GetFiles(_dir));

            // Through the selector, and with the other separator.
            var bySelector = Run("New-DkimKey -Domain example.test -Selector '..\\..\\target' -Path ([IO.Path]::Combine($dir, 'keys')) -Force -KeyAlgorithm Ed25519");
            Assert.StartsWith("InvalidDkimSelector,", Assert.Single(bySelector.Errors).FullyQualifiedErrorId);
            Assert.Empty(Directory.GetFileSystemEntries(keys));
            Assert.Equal("precious", File.ReadAllText(victim));
        }

        [Theory]
        [InlineData("example.test`r`nevil IN TXT x", "s1", "InvalidDomainName")]
        [InlineData("example.test", "s1`nevil", "InvalidDkimSelector")]
        [InlineData("a..b", "s1", "InvalidDomainName")]
        [InlineData("example.test", "a..b", "InvalidDkimSelector")]
        [InlineData("*.example.test", "s1", "InvalidDomainName")]
        public void New_DkimKey_refuses_names_that_are_not_DNS_names(string domain, string selector, string errorId)
        {
            var r = Run($"New-DkimKey -Domain \"{domain}\" -Selector \"{selector}\" -Path $dir -KeyAlgorithm Ed25519");
            Assert.Empty(r.Output);
            var error = Assert.Single(r.Errors);
            Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.DoesNotContain("\n", error.Exception.Message);
            Assert.Empty(Directory.GetFileSystemEntries(_dir));
        }

        [Fact]
        public void New_DkimKey_rows_from_a_CSV_keep_their_place_and_the_good_ones_are_made()
        {
            var r = Run(@"
                @([pscustomobject]@{ Domain = 'a.test'; Selector = 'k1' },
                  [pscustomobject]@{ Domain = '   '; Selector = 'k2' },
                  [pscustomobject]@{ Domain = 'c.test'; Selector = 'k3' }) | New-DkimKey -Path $dir -KeyAlgorithm Ed25519" + Rows);
            Assert.Equal(new[] { "a.test", "error:InvalidDomainName:InvalidArgument", "c.test" }, Lines(r));
            Assert.Equal(2, Directory.GetFiles(_dir, "*.key").Length);
        }

        [Fact]
        public void New_DkimKey_takes_an_internationalized_domain_as_A_labels()
        {
            var r = Run("New-DkimKey -Domain 'Bücher.example.' -Selector s1 -Path $dir -KeyAlgorithm Ed25519");
            var key = r.Single();
            Assert.Equal("xn--bcher-kva.example", key.Properties["Domain"].Value);
            Assert.Equal("s1._domainkey.xn--bcher-kva.example", key.Properties["DnsName"].Value);
            Assert.StartsWith("s1._domainkey.xn--bcher-kva.example. IN TXT (", (string)key.Properties["ZoneFileRecord"].Value);
            Assert.True(File.Exists(Path.Combine(_dir, "s1.xn--bcher-kva.example.key")));
        }

        // ---- white space and malformed names in the pipeline (item 8) ----

        [Fact]
        public void Get_SpfRecord_reports_blank_and_malformed_rows_in_their_place()
        {
            var r = Run("'good.spf.test', '   ', '', $null, 'exa mple.com', 'split.spf.test', '192.0.2.1', 'alice@good.spf.test', \"nul`0.test\", 'x/y.test', 'a*b.test' | Get-SpfRecord -Server $dns" + Rows);
            Assert.Equal(new[]
            {
                "good.spf.test", "error:InvalidDomainName:InvalidArgument", "error:InvalidDomainName:InvalidArgument", "error:InvalidDomainName:InvalidArgument",
                "error:InvalidDomainName:InvalidArgument", "split.spf.test",
                "error:InvalidDomainName:InvalidArgument", "error:InvalidDomainName:InvalidArgument", "error:InvalidDomainName:InvalidArgument",
                "error:InvalidDomainName:InvalidArgument", "error:InvalidDomainName:InvalidArgument",
            }, Lines(r));
        }

        [Fact]
        public void Malformed_names_are_never_looked_up()
        {
            using var silent = new SilentDnsServer();
            var vars = new Dictionary<string, object> { ["silent"] = silent.Endpoint };
            var bad = "'   ', 'exa mple.com', '192.0.2.1', '[192.0.2.1]', 'alice@example.test', \"nul`0.test\", 'x/y.test', '*.example.test', 'a..b'";
            foreach (var cmdlet in new[] { "Get-SpfRecord", "Test-DmarcPolicy", "Test-DkimRecord", "Test-MxRecord", "Test-DnssecStatus" })
            {
                var r = Run($"{bad} | {cmdlet} -Server $silent -TimeoutSec 1", vars);
                Assert.Empty(r.Output);
                Assert.Equal(9, r.Errors.Count);
                Assert.All(r.Errors, e =>
                {
                    Assert.StartsWith("InvalidDomainName,", e.FullyQualifiedErrorId);
                    Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
                });
                Assert.False(silent.HasQuestion, cmdlet + " sent a DNS question for a malformed name");
            }
        }

        [Fact]
        public void Test_DmarcPolicy_and_Test_DkimRecord_report_blank_rows_in_their_place()
        {
            var dmarc = Run("'good.dmarc.test', ' ', 'good.dmarc.test' | Test-DmarcPolicy -Server $dns" + Rows);
            Assert.Equal(new[] { "good.dmarc.test", "error:InvalidDomainName:InvalidArgument", "good.dmarc.test" }, Lines(dmarc));

            var dkim = Run("'dkim.test', \"`t\", 'dkim.test' | Test-DkimRecord -Selector good -Server $dns" + Rows);
            Assert.Equal(new[] { "dkim.test", "error:InvalidDomainName:InvalidArgument", "dkim.test" }, Lines(dkim));

            var selector = Run("[pscustomobject]@{ Domain = 'dkim.test'; Selector = 'a..b' }, [pscustomobject]@{ Domain = 'dkim.test'; Selector = 'good' } | Test-DkimRecord -Server $dns" + Rows);
            Assert.Equal(new[] { "error:InvalidDkimSelector:InvalidArgument", "dkim.test" }, Lines(selector));
        }

        [Fact]
        public void Test_DmarcPolicy_checks_the_evaluation_domains_too()
        {
            var r = Run("Test-DmarcPolicy -Domain good.dmarc.test -SpfResult Pass -SpfDomain 'bounce example.test' -Server $dns" + Rows);
            Assert.Equal(new[] { "error:InvalidDomainName:InvalidArgument" }, Lines(r));
            var ok = Run("Test-DmarcPolicy -Domain GOOD.dmarc.test. -SpfResult Pass -SpfDomain 'good.dmarc.test' -DkimPassDomain '', ' ' -Server $dns");
            Assert.Empty(ok.Errors);
            Assert.Equal("good.dmarc.test", ok.Single().Properties["SpfDomain"].Value);
        }

        [Fact]
        public void Test_SpfRecord_checks_an_explicit_Domain_and_keeps_RFC_7208_none_for_a_malformed_sender()
        {
            var r = Run(@"[pscustomobject]@{ IPAddress = '192.0.2.1'; Domain = 'good.spf.test' },
                          [pscustomobject]@{ IPAddress = '192.0.2.1'; Domain = 'x y.test' },
                          [pscustomobject]@{ IPAddress = ' '; Sender = 'a@good.spf.test' },
                          [pscustomobject]@{ IPAddress = '192.0.2.1'; Sender = ' ' } | Test-SpfRecord -Server $dns" + Rows);
            Assert.Equal(new[] { "good.spf.test", "error:InvalidDomainName:InvalidArgument", "error:InvalidIPAddress:InvalidArgument", "error:SpfNoIdentity:InvalidArgument" }, Lines(r));

            // A sender's domain is protocol data: check_host() gives none for a malformed one, and says why.
            var none = Run("Test-SpfRecord -IPAddress 192.0.2.1 -Sender 'alice@exa mple.test' -Server $dns").Single();
            Assert.Equal("None", none.Properties["Result"].Value.ToString());
            Assert.Contains("a space", (string)none.Properties["Reason"].Value);
        }

        [Fact]
        public void Test_SmtpConnection_reports_blank_and_malformed_servers_once_each_in_their_place()
        {
            var vars = new Dictionary<string, object> { ["smtp"] = IntegrationServers.Get("SMTPTOOLS_SMTP_HOST"), ["port"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT") };
            var r = Run("$smtp, ' ', 'smtp.example.test:25', $smtp | Test-SmtpConnection -Port $port, $port -TimeoutSec 10" + Rows, vars);
            var host = (string)vars["smtp"];
            Assert.Equal(new[] { host, host, "error:InvalidHostName:InvalidArgument", "error:InvalidHostName:InvalidArgument", host, host }, Lines(r));

            var domain = Run("Test-SmtpConnection -Domain '192.0.2.1'" + Rows);
            Assert.Equal(new[] { "error:InvalidDomainName:InvalidArgument" }, Lines(domain));
        }
    }
}
