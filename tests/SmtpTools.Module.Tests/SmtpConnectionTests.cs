using System;
using System.Collections;
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
    /// <summary>
    /// Test-SmtpConnection in the hosted engine against the loopback Postfix and the tests' Knot (zone
    /// tests/Integration/zones/smtpconn.test.zone). SSL_CERT_FILE must point at SMTPTOOLS_CA_BUNDLE (tests/run-tests.sh).
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class SmtpConnectionTests : IClassFixture<PsSession>
    {
        private readonly PsSession _s;

        public SmtpConnectionTests(PsSession session)
        {
            _s = session;
            Assert.True(Environment.GetEnvironmentVariable("SSL_CERT_FILE") == IntegrationServers.Get("SMTPTOOLS_CA_BUNDLE"),
                "Set SSL_CERT_FILE to servers.env's SMTPTOOLS_CA_BUNDLE (tests/run-tests.sh does) so .NET trusts the test CA.");
        }

        private static string Host => IntegrationServers.Get("SMTPTOOLS_SMTP_HOST");
        private static int Plain => IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT");
        private static int Submission => IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT");
        private static int Implicit => IntegrationServers.GetInt("SMTPTOOLS_SMTP_IMPLICIT_TLS_PORT");
        private static int Untrusted => IntegrationServers.GetInt("SMTPTOOLS_SMTP_UNTRUSTED_PORT");
        private static int Closed => IntegrationServers.GetInt("SMTPTOOLS_SMTP_CLOSED_PORT");
        private static int Silent => IntegrationServers.GetInt("SMTPTOOLS_SMTP_SILENT_PORT");
        private static int Relay => IntegrationServers.GetInt("SMTPTOOLS_SMTP_OPEN_RELAY_PORT");

        private PsResult Run(string script, IDictionary<string, object> extra = null)
        {
            var variables = new Dictionary<string, object>
            {
                ["smtp"] = Host, ["plain"] = Plain, ["sub"] = Submission, ["implicit"] = Implicit, ["untrusted"] = Untrusted,
                ["closed"] = Closed, ["silent"] = Silent, ["relay"] = Relay, ["dns"] = IntegrationServers.Get("SMTPTOOLS_DNS"),
                ["user"] = IntegrationServers.Get("SMTPTOOLS_USER_ALICE"), ["pw"] = IntegrationServers.Get("SMTPTOOLS_PASSWORD_ALICE"),
            };
            if (extra != null) foreach (var pair in extra) variables[pair.Key] = pair.Value;
            return _s.Run("$cred = $null; if ($pw) { $sec = [securestring]::new(); foreach ($ch in $pw.ToCharArray()) { $sec.AppendChar($ch) }; $cred = [pscredential]::new($user, $sec) }\n" + script, variables);
        }

        private static object Value(PSObject o, string name) => o.Properties[name].Value;
        private static string Prop(PSObject o, string name) => Value(o, name)?.ToString();
        private static string[] Ids(PSObject o) => ((object[])Value(o, "Findings")).Select(f => PSObject.AsPSObject(f).Properties["Id"].Value.ToString()).ToArray();

        [Fact]
        public void SeveralServersAndPortsComeOutInInputOrderWithTypedObjects()
        {
            var r = Run("'127.0.0.1', 'localhost' | Test-SmtpConnection -Port $plain, $sub, $implicit -Security Auto -TimeoutSec 10");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "127.0.0.1:" + Plain, "127.0.0.1:" + Submission, "127.0.0.1:" + Implicit, "localhost:" + Plain, "localhost:" + Submission, "localhost:" + Implicit },
                r.Output.Select(o => Prop(o, "SmtpServer") + ":" + Prop(o, "Port")));
            Assert.All(r.Output, o => Assert.Equal("SmtpTools.SmtpConnectionResult", o.TypeNames[0]));
            var sub = r.Output[1];
            Assert.Equal("None", Prop(sub, "FailedPhase"));
            Assert.Equal(true, Value(sub, "IsEncrypted"));
            Assert.Equal("SmtpTools.SmtpCertificateInfo", PSObject.AsPSObject(Value(sub, "Certificate")).TypeNames[0]);
            Assert.Equal("SmtpTools.SmtpConnectionTimings", PSObject.AsPSObject(Value(sub, "Timings")).TypeNames[0]);
            Assert.Contains("PLAIN", (string[])Value(sub, "AuthMechanismsAfterTls"));
            Assert.Empty((string[])Value(sub, "AuthMechanismsBeforeTls"));
            Assert.Equal("", Prop(sub, "AuthBeforeTls"));
            Assert.Contains("PLAIN", Prop(sub, "AuthAfterTls"));
            Assert.Contains("mail.smtptools.test", Prop(sub, "CertificateSubject"));
            Assert.True((double)Value(sub, "TotalMs") > 0);
            // Auto on a port other than 465 is STARTTLS-when-offered: the implicit-TLS port cannot answer a plain client.
            Assert.Equal("Banner", Prop(r.Output[2], "FailedPhase"));
            Assert.Equal("Warning", Prop(r.Output[0], "Status"));
            Assert.Contains("SmtpStartTlsNotOffered", Ids(r.Output[0]));
            Assert.Equal("127.0.0.1", Prop(r.Output[3], "IPAddress"));
        }

        [Fact]
        public void PipelineByPropertyNameWithAliasesAndPorts()
        {
            var r = Run(@"@([pscustomobject]@{ ComputerName = $smtp; Port = $implicit },
                           [pscustomobject]@{ HostName = $smtp; Port = $closed },
                           [pscustomobject]@{ Server = $smtp; Port = $plain }) | Test-SmtpConnection -Security SslOnConnect -TimeoutSec 10");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { Implicit, Closed, Plain }, r.Output.Select(o => (int)Value(o, "Port")));
            Assert.Equal("None", Prop(r.Output[0], "FailedPhase"));
            Assert.Equal(true, Value(r.Output[0], "ImplicitTls"));
            Assert.Equal("Connect", Prop(r.Output[1], "FailedPhase"));
            Assert.Equal("StartTls", Prop(r.Output[2], "FailedPhase"));
        }

        [Fact]
        public void QuietGivesOneBooleanPerEndpoint()
        {
            var r = Run("Test-SmtpConnection $smtp -Port $plain, $closed, $sub -Quiet -TimeoutSec 10");
            Assert.Empty(r.Errors);
            Assert.Equal(new object[] { true, false, true }, r.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void CredentialsAndTokensNeverReachAnyStream()
        {
            var wrong = "Wr0ng-" + Guid.NewGuid().ToString("N");
            var token = "tok-" + Guid.NewGuid().ToString("N");
            var r = Run(@"$DebugPreference = 'Continue'; $VerbosePreference = 'Continue'
                Test-SmtpConnection $smtp -Port $sub -Credential $cred -Sender $user -Recipient $user -TimeoutSec 10
                $bad = [securestring]::new(); foreach ($ch in $wrong.ToCharArray()) { $bad.AppendChar($ch) }
                Test-SmtpConnection $smtp -Port $sub -Credential ([pscredential]::new($user, $bad)) -TimeoutSec 10
                $t = [securestring]::new(); foreach ($ch in $token.ToCharArray()) { $t.AppendChar($ch) }
                Test-SmtpConnection $smtp -Port $sub -AccessToken $t -Sender $user -TimeoutSec 10
                Test-SmtpConnection $smtp -Port $implicit -Security SslOnConnect -Credential $cred -TimeoutSec 10",
                new Dictionary<string, object> { ["wrong"] = wrong, ["token"] = token });
            Assert.Empty(r.Errors);
            Assert.Equal(4, r.Output.Count);
            Assert.Equal(true, Value(r.Output[0], "Authenticated"));
            Assert.Equal(true, Value(r.Output[0], "RecipientAccepted"));
            Assert.Equal("Authenticate", Prop(r.Output[1], "FailedPhase"));
            Assert.Equal(535, Value(r.Output[1], "ReplyCode"));
            Assert.Equal("Authenticate", Prop(r.Output[2], "FailedPhase"));
            Assert.Equal(true, Value(r.Output[3], "Authenticated"));
            Assert.NotEmpty(r.Debug);
            Assert.Contains(r.Debug, d => d.Contains("C: AUTH "));
            Assert.Contains(r.Verbose, v => v.Contains("authenticated with "));
            Assert.Contains(r.Verbose, v => v.Contains("failed at Authenticate"));

            var password = IntegrationServers.Get("SMTPTOOLS_PASSWORD_ALICE");
            var user = IntegrationServers.Get("SMTPTOOLS_USER_ALICE");
            var secrets = new[]
            {
                password, wrong, token,
                B64("\0" + user + "\0" + password), B64("\0" + user + "\0" + wrong), B64(password), B64(wrong),
                B64("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001"),
            };
            var everything = new StringBuilder();
            foreach (var o in r.Output) Dump(o, everything, 0);
            everything.AppendLine(string.Join("\n", r.Verbose)).AppendLine(string.Join("\n", r.Debug)).AppendLine(string.Join("\n", r.Warnings))
                .AppendLine(string.Join("\n", r.Errors.Select(e => e.ToString()))).AppendLine(r.HostText);
            foreach (var secret in secrets) Assert.DoesNotContain(secret, everything.ToString());
            Assert.Contains("********", everything.ToString());
        }

        private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

        private static void Dump(object value, StringBuilder into, int depth)
        {
            if (value == null || depth > 4) return;
            if (value is PSObject ps) value = ps.BaseObject;
            if (value is string || value.GetType().IsPrimitive || value is Enum) { into.AppendLine(value.ToString()); return; }
            if (value is IEnumerable list) { foreach (var item in list) Dump(item, into, depth + 1); return; }
            into.AppendLine(value.ToString());
            foreach (var p in value.GetType().GetProperties()) Dump(p.GetValue(value), into, depth + 1);
        }

        [Fact]
        public void DomainTestsEveryMxHostInPreferenceOrderThroughTheDnsServer()
        {
            var r = Run("Test-SmtpConnection -Domain smtpconn.test -Port $plain, $sub -DnsServer $dns -TimeoutSec 10");
            Assert.Empty(r.Errors);
            Assert.Equal(new[] { "mx1.smtpconn.test:" + Plain, "mx1.smtpconn.test:" + Submission, "mx2.smtpconn.test:" + Plain, "mx2.smtpconn.test:" + Submission },
                r.Output.Select(o => Prop(o, "SmtpServer") + ":" + Prop(o, "Port")));
            Assert.Equal(new object[] { 10, 10, 20, 20 }, r.Output.Select(o => Value(o, "MxPreference")));
            Assert.All(r.Output, o => Assert.Equal("smtpconn.test", Prop(o, "Domain")));
            Assert.All(r.Output, o => Assert.Equal("127.0.0.1", Prop(o, "IPAddress")));
            Assert.Equal("None", Prop(r.Output[0], "FailedPhase"));
            Assert.Equal("None", Prop(r.Output[2], "FailedPhase"));
            // The certificate names mail.smtptools.test, not the MX name: STARTTLS fails as a certificate failure.
            Assert.Equal("StartTls", Prop(r.Output[1], "FailedPhase"));
            Assert.Equal(false, Value(r.Output[1], "CertificateHostnameMatches"));
            Assert.Equal(true, Value(r.Output[1], "CertificateChainIsValid"));
            Assert.Contains("SmtpCertificateHostnameMismatch", Ids(r.Output[1]));

            var partial = Run("Test-SmtpConnection -Domain partial.smtpconn.test -Port $plain -DnsServer $dns -TimeoutSec 10");
            Assert.Equal(new[] { "mx1.smtpconn.test", "gone.smtpconn.test" }, partial.Output.Select(o => Prop(o, "SmtpServer")));
            Assert.Equal("Resolve", Prop(partial.Output[1], "FailedPhase"));

            var none = Run("Test-SmtpConnection -Domain nullmx.smtpconn.test -Port $plain -DnsServer $dns");
            Assert.Empty(none.Output);
            Assert.StartsWith("SmtpNullMx", Assert.Single(none.Errors).FullyQualifiedErrorId);

            var implicitMx = Run("Test-SmtpConnection -DomainName implicit.smtpconn.test -Port $plain -DnsServer $dns");
            Assert.Equal("implicit.smtpconn.test", Prop(implicitMx.Single(), "SmtpServer"));
        }

        [Fact]
        public void UntrustedCertificateWithAndWithoutSkip()
        {
            var r = Run("Test-SmtpConnection $smtp -Port $untrusted -TimeoutSec 10; Test-SmtpConnection $smtp -Port $untrusted -SkipCertificateCheck -TimeoutSec 10");
            Assert.Empty(r.Errors);
            Assert.Equal("StartTls", Prop(r.Output[0], "FailedPhase"));
            Assert.Contains("certificate", Prop(r.Output[0], "Error"));
            Assert.Equal(false, Value(r.Output[0], "CertificateChainIsValid"));
            Assert.DoesNotContain("SmtpStartTlsNotOffered", Ids(r.Output[0]));
            Assert.Equal("None", Prop(r.Output[1], "FailedPhase"));
            Assert.Equal("Fail", Prop(r.Output[1], "Status"));
            Assert.NotEmpty((string[])Value(PSObject.AsPSObject(Value(r.Output[1], "Certificate")), "ChainErrors"));
        }

        [Fact]
        public void SilentListenerTimesOutAtTheBannerAndOpenRelayIsFound()
        {
            var r = Run("Test-SmtpConnection $smtp -Port $silent -TimeoutSec 1; Test-SmtpConnection $smtp -Port $relay, $plain -TestOpenRelay -TimeoutSec 10");
            Assert.Empty(r.Errors);
            Assert.Equal("Banner", Prop(r.Output[0], "FailedPhase"));
            Assert.Equal(true, Value(r.Output[1], "IsOpenRelay"));
            Assert.Contains("SmtpOpenRelay", Prop(r.Output[1], "FindingIds"));
            Assert.Equal(false, Value(r.Output[2], "IsOpenRelay"));
        }

        [Fact]
        public void BadParametersStopTheCmdlet()
        {
            var badAddress = Run("Test-SmtpConnection $smtp -Port $plain -Sender 'not an address'");
            Assert.Empty(badAddress.Output);
            Assert.Contains(badAddress.Errors.Select(e => e.FullyQualifiedErrorId).Append(badAddress.Terminating?.Message ?? ""), id => id.StartsWith("AddressInvalid"));
            var noUser = Run("$t = [securestring]::new(); $t.AppendChar('x'); Test-SmtpConnection $smtp -Port $plain -AccessToken $t");
            Assert.Empty(noUser.Output);
            Assert.Contains(noUser.Errors.Select(e => e.FullyQualifiedErrorId), id => id.StartsWith("AccessTokenUserMissing"));
        }

        [Fact]
        public void TableView()
        {
            var text = _s.Render($"Test-SmtpConnection {Host} -Port {Plain}, {Closed} -TimeoutSec 10");
            foreach (var header in new[] { "SmtpServer", "Port", "Status", "FailedPhase", "Tls", "Auth", "CertDays", "TotalMs", "Findings" })
                Assert.Contains(header, text);
            Assert.Contains("SmtpStartTlsNotOffered", text);
            Assert.Contains("Connect", text);
            Assert.DoesNotContain("Transcript", text);
            Assert.DoesNotContain("CapabilityList", text);
        }

        [Fact]
        public void PesterFileParsesAndUsesOnlyRealParameters()
        {
            // pwsh and Pester are not installable here: at least the engine's parser and the cmdlet's metadata check the file.
            var path = Path.Combine(ModulePaths.RepoRoot, "tests", "Pester", "Test-SmtpConnection.Tests.ps1");
            var ast = System.Management.Automation.Language.Parser.ParseFile(path, out _, out var errors);
            Assert.Empty(errors);
            var known = Run("(Get-Command Test-SmtpConnection).Parameters.Values | ForEach-Object { $_.Name; $_.Aliases }").Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var calls = ast.FindAll(n => n is System.Management.Automation.Language.CommandAst c && c.GetCommandName() == "Test-SmtpConnection", true)
                .Cast<System.Management.Automation.Language.CommandAst>().ToList();
            Assert.True(calls.Count >= 10);
            var used = calls.SelectMany(c => c.CommandElements.OfType<System.Management.Automation.Language.CommandParameterAst>()).Select(p => p.ParameterName).ToList();
            Assert.All(used, name => Assert.Contains(name, known));
        }

        [Fact]
        public void ServerAndDomainParameterSetsAndOutputType()
        {
            var sets = Run("(Get-Command Test-SmtpConnection).ParameterSets.Name").Output.Select(o => o.ToString()).ToArray();
            Assert.Equal(new[] { "Server", "Domain" }, sets);
            Assert.Equal("SmtpTools.SmtpConnectionResult", Run("(Get-Command Test-SmtpConnection).OutputType[0].Name").Single().ToString());
        }
    }
}
