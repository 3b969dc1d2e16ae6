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
    /// Send-SmtpMessage at scale (issue 17) in the real engine: a session pool against Postfix with real anvil limits and
    /// Dovecot delivering into the Maildir, resumable merges (-SkipSentLog) after PowerShell.Stop, secrets with several
    /// sessions, the fault-injecting server for throttling replies.
    /// </summary>
    [Trait("Category", "Integration")]
    public sealed class SendPoolTests : IClassFixture<PsSession>, IDisposable
    {
        private readonly PsSession _s;
        private readonly string _dir = Directory.CreateTempSubdirectory("send-pool-").FullName;

        public SendPoolTests(PsSession session) { _s = session; }

        public void Dispose() => Directory.Delete(_dir, true);

        private static string Prop(PSObject o, string name) => o.Properties[name].Value?.ToString();

        private Dictionary<string, object> Variables() => new Dictionary<string, object>
        {
            ["server"] = IntegrationServers.Get("SMTPTOOLS_SMTP_HOST"),
            ["port"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT"),
            ["plain"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_PLAIN_PORT"),
            ["limited"] = IntegrationServers.GetInt("SMTPTOOLS_SMTP_CONNECTION_LIMIT_PORT"),
            ["alice"] = IntegrationServers.Get("SMTPTOOLS_USER_ALICE"),
            ["pw"] = IntegrationServers.Get("SMTPTOOLS_PASSWORD_ALICE"),
            ["dir"] = _dir,
        };

        /// <summary>
        /// What `Export-Csv -Append` does, for the hosted engine (which has no Export-Csv; the Pester test uses the real one):
        /// each result appended to the log as a CSV row the moment it is written to the pipeline.
        /// </summary>
        private const string SaveRow = @"
function Save-Row([string] $Path) { begin { if (-not [IO.File]::Exists($Path)) { [IO.File]::AppendAllText($Path, '""Status"",""MessageId"",""Subject"",""Throttled""' + [char]10) } }
  process { [IO.File]::AppendAllText($Path, ('""{0}"",""{1}"",""{2}"",""{3}""' -f $_.Status, $_.MessageId, $_.Subject, $_.Throttled) + [char]10) } }
";

        /// <summary>The rows of a log written by Save-Row.</summary>
        private static List<Dictionary<string, string>> ReadLog(string path)
        {
            var lines = File.ReadAllLines(path);
            var header = lines[0].Trim('"').Split("\",\"");
            return lines.Skip(1).Select(l => l.Trim('"').Split("\",\"")).Select(f => header.Zip(f).ToDictionary(p => p.First, p => p.Second)).ToList();
        }

        [Fact]
        public void TwoThousandRowMergeWithFourSessionsIntoPostfixWithAnvilLimits()
        {
            string run = Guid.NewGuid().ToString("N").Substring(0, 8);
            string log = Path.Combine(_dir, "merge.csv");
            var r = _s.Run(SaveRow + $@"
$rows = 1..2000 | ForEach-Object {{ [pscustomobject]@{{ To = $alice; Subject = ""{run} row $_""; Body = ""Dear reader $_"" }} }}
$rows | Send-SmtpMessage -SmtpServer $server -Port $limited -Security None -From merge@example.test -ConnectionCount 4 -PassThru -Verbose |
  Save-Row -Path '{log}'", Variables());
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            // The log is complete and in input order.
            var rows = ReadLog(log).Select(e => new[] { e["Subject"], e["Status"], e["MessageId"], e["Throttled"] }).ToList();
            Assert.Equal(Enumerable.Range(1, 2000).Select(i => $"{run} row {i}"), rows.Select(x => x[0]));
            Assert.All(rows, x => Assert.Equal("Sent", x[1]));
            // Postfix allows two sessions per client: the pool met anvil's 421 and went on with two.
            Assert.Contains(rows, x => x[3] == "True");
            Assert.Contains(r.Verbose, v => v.Contains("too many connections"));
            Assert.Contains(r.Verbose, v => v.StartsWith("2000 message(s) over ") && v.Contains("throttled"));
            // Every Message-ID exactly once in the Maildir.
            var ids = rows.Select(x => x[2]).ToList();
            var counts = Maildir.WaitForAll("alice", ids, waitMs: 300000);
            Assert.All(ids, i => Assert.Equal(1, counts.TryGetValue(i, out var n) ? n : 0));
        }

        [Fact]
        public void ResumeAfterStopSendsEveryRowExactlyOnce()
        {
            string run = Guid.NewGuid().ToString("N").Substring(0, 8);
            string log = Path.Combine(_dir, "resume.csv");
            string merge = $@"
$rows = 1..500 | ForEach-Object {{ [pscustomobject]@{{ To = $alice; Subject = ""{run} resume $_""; Body = ""Row $_"" }} }}
$rows | Send-SmtpMessage -SmtpServer $server -Port $plain -Security None -From merge@example.test -ConnectionCount 3 -SkipSentLog '{log}' -PassThru |
  Save-Row -Path '{log}'";
            int LoggedRows() { try { return File.Exists(log) ? File.ReadLines(log).Count() - 1 : 0; } catch (IOException) { return 0; } }
            var (inTime, state, _) = _s.RunAndStop(SaveRow + merge, () => LoggedRows() >= 100, TimeSpan.FromSeconds(15), Variables());
            Assert.True(inTime);
            Assert.Equal(PSInvocationState.Stopped, state);
            int first = LoggedRows();
            Assert.InRange(first, 100, 499);

            var again = _s.Run(SaveRow + merge, Variables());
            Assert.True(again.Errors.Count == 0 && again.Terminating == null, again.ToString());
            // The re-run skipped what the log (and the results that finished after the stop) says was sent.
            int skipped = ReadLog(log).Count(e => e["Status"] == "AlreadySent");
            Assert.True(skipped >= first, $"{skipped} skipped, {first} logged before the stop");

            // The log, and what the stopped run kept of the results it could no longer write.
            var stopped = log + ".stopped.csv";
            var entries = ReadLog(log).Concat(File.Exists(stopped) ? ReadLog(stopped) : new List<Dictionary<string, string>>())
                .Select(e => (Subject: e["Subject"], Status: e["Status"], Id: e["MessageId"])).ToList();
            var sent = entries.Where(e => e.Status == "Sent").ToList();
            Assert.Equal(500, sent.Select(e => e.Subject).Distinct().Count());
            Assert.Equal(500, sent.Count); // no row was sent by both runs
            var counts = Maildir.WaitForAll("alice", sent.Select(e => e.Id).ToList(), waitMs: 120000);
            Assert.All(sent, e => Assert.Equal(1, counts.TryGetValue(e.Id, out var n) ? n : 0));
        }

        [Fact]
        public void NoSecretInAnyStreamWithSeveralSessions()
        {
            var r = _s.Run(@"
$ss = [securestring]::new(); foreach ($c in $pw.ToCharArray()) { $ss.AppendChar($c) }; $cred = [pscredential]::new($alice, $ss)
1..12 | ForEach-Object { [pscustomobject]@{ To = $alice; Subject = ""secret pool $_"" } } |
  Send-SmtpMessage -SmtpServer $server -Port $port -Security StartTls -Credential $cred -From $alice -Body x -ConnectionCount 3 -PassThru -Verbose -Debug -WarningAction Continue", Variables());
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(12, r.Output.Count);
            // Several sessions, each authenticated once: the transcript shows as many AUTH commands as sessions.
            int auths = r.Debug.Count(d => d.StartsWith("C: AUTH "));
            Assert.InRange(auths, 2, 3);
            SendTests.NoSecretAnywhere(r, IntegrationServers.Get("SMTPTOOLS_PASSWORD_ALICE"));
        }

        [Fact]
        public void ThrottlingRepliesFromTheFakeServerAreAdaptedToAndNamedInTheSummary()
        {
            using var fake = new FakeSmtpServer();
            int refusals = 0;
            fake.Script = (verb, arg, n) =>
            {
                if (verb == "MAIL") System.Threading.Thread.Sleep(2);
                return verb == "MAIL" && n >= 15 && System.Threading.Interlocked.Increment(ref refusals) <= 2 ? "451 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded" : null;
            };
            var r = _s.Run($@"
1..60 | ForEach-Object {{ [pscustomobject]@{{ To = ""r$_@example.test""; Subject = ""throttle $_"" }} }} |
  Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From s@example.test -Body x -ConnectionCount 4 -PassThru -Verbose");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(Enumerable.Range(1, 60).Select(i => "throttle " + i), r.Output.Select(o => Prop(o, "Subject")));
            Assert.All(r.Output, o => Assert.Equal("Sent", Prop(o, "Status")));
            Assert.Equal(60, fake.Delivered.Count);
            Assert.Equal(2, r.Output.Count(o => Prop(o, "Throttled") == "True" && Prop(o, "Attempts") == "2"));
            Assert.Contains(r.Verbose, v => v.Contains("throttled") && v.Contains("2 throttling repl"));
        }

        [Fact]
        public void RateLimitSpacesTheMessagesAndMaxMessagesPerConnectionReconnects()
        {
            using var fake = new FakeSmtpServer();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var r = _s.Run($@"
1..9 | ForEach-Object {{ [pscustomobject]@{{ To = ""r$_@example.test""; Subject = ""rate $_"" }} }} |
  Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From s@example.test -Body x -ConnectionCount 2 -RateLimit 10 -MaxMessagesPerConnection 3 -PassThru");
            watch.Stop();
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal(9, fake.Delivered.Count);
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.8), watch.Elapsed.ToString()); // 9 messages at 10/s: at least 0.8 s
            Assert.All(fake.Delivered.GroupBy(d => d.Connection), g => Assert.True(g.Count() <= 3));
            Assert.All(r.Output, o => Assert.Equal("False", Prop(o, "Throttled"))); // the caller's own limit is not throttling
        }

        [Fact]
        public void MessageIdFromACsvColumnAndAForeignLogIsRefused()
        {
            using var fake = new FakeSmtpServer();
            var r = _s.Run($@"
[pscustomobject]@{{ To = 'a@example.test'; Subject = 'own id'; MessageId = 'row-17@crm.example.test' }} |
  Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From s@example.test -Body x -PassThru");
            Assert.True(r.Errors.Count == 0 && r.Terminating == null, r.ToString());
            Assert.Equal("row-17@crm.example.test", Prop(r.Single(), "MessageId"));
            Assert.Contains("<row-17@crm.example.test>", fake.Delivered.Single().Data);

            File.WriteAllText(Path.Combine(_dir, "foreign.csv"), "Name,Address\nx,y\n");
            var bad = _s.Run($"Send-SmtpMessage -To a@example.test -From s@example.test -Subject x -Body x -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -SkipSentLog '{Path.Combine(_dir, "foreign.csv")}'");
            // A set-up failure: nothing is sent, and the error says what the file lacks.
            var error = bad.Terminating is RuntimeException rt && rt.ErrorRecord != null ? rt.ErrorRecord : Assert.Single(bad.Errors);
            Assert.StartsWith("SendLogInvalid", error.FullyQualifiedErrorId);
            Assert.Contains("MessageId", error.ToString());
            Assert.Single(fake.Delivered);
        }
    }
}
