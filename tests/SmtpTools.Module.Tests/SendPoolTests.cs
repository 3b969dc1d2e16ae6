using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading;
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
        /// each result appended to the log as a CSV row the moment it is written to the pipeline. With -StopAt it is the
        /// point where the test stops the merge: that row never reaches the log (the consumer is busy with it when the
        /// stop comes), $Signal tells the test to stop now.
        /// </summary>
        private const string SaveRow = @"
function Save-Row([string] $Path, [string] $StopAt, $Signal) { begin { if (-not [IO.File]::Exists($Path)) { [IO.File]::AppendAllText($Path, '""Status"",""MessageId"",""Subject"",""Throttled"",""Attempts""' + [char]10) } }
  process {
    if ($StopAt -and $_.Subject -eq $StopAt) { $Signal.Set(); while ($true) { Start-Sleep -Milliseconds 20 } }
    [IO.File]::AppendAllText($Path, ('""{0}"",""{1}"",""{2}"",""{3}"",""{4}""' -f $_.Status, $_.MessageId, $_.Subject, $_.Throttled, $_.Attempts) + [char]10) } }
";

        /// <summary>The rows of a log written by Save-Row (or of the stopped file the cmdlet writes next to it).</summary>
        private static List<Dictionary<string, string>> ReadLog(string path)
        {
            static string[] Fields(string line) => Regex.Matches(line, "\"((?:[^\"]|\"\")*)\"").Select(m => m.Groups[1].Value.Replace("\"\"", "\"")).ToArray();
            var lines = File.ReadAllLines(path);
            var header = Fields(lines[0]);
            return lines.Skip(1).Select(Fields).Select(f => header.Zip(f).ToDictionary(p => p.First, p => p.Second)).ToList();
        }

        /// <summary>The log and what a stopped run kept in its stopped file, one entry per line.</summary>
        private static List<(string Subject, string Status, string Id)> LogEntries(string log)
        {
            var stopped = log + ".stopped.csv";
            return ReadLog(log).Concat(File.Exists(stopped) ? ReadLog(stopped) : new List<Dictionary<string, string>>())
                .Select(e => (e["Subject"], e["Status"], e["MessageId"].Trim('<', '>'))).ToList();
        }

        /// <summary>A log status that means the server has (or may have) the message: a -SkipSentLog re-run must not send it again.</summary>
        private static bool Delivering(string status) => status == "Sent" || status == "PartiallySent" || status == "Unconfirmed";

        private static string HeaderOf(string data, string name) => Regex.Match(data, $@"(?im)^{name}:[ \t]*(.*?)\r?$").Groups[1].Value.Trim();

        /// <summary>
        /// The log after a stop says exactly what the server has: every message it has is in the log as Sent or Unconfirmed
        /// (the outcome unknown), and every one the log calls Sent it has.
        /// </summary>
        private static void AssertLogMatchesServer(List<(string Subject, string Status, string Id)> entries, ICollection<string> delivered)
        {
            var claimed = entries.Where(e => Delivering(e.Status)).Select(e => e.Id).ToHashSet();
            var missing = delivered.Where(id => !claimed.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"the server has {missing.Count} message(s) the log does not name: {string.Join(", ", missing)}");
            var invented = entries.Where(e => e.Status == "Sent" && !delivered.Contains(e.Id)).Select(e => e.Subject).ToList();
            Assert.True(invented.Count == 0, $"the log calls {invented.Count} message(s) sent that the server does not have: {string.Join(", ", invented)}");
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

        /// <summary>
        /// A 500-row merge into Postfix/Dovecot with three sessions, stopped (PowerShell.Stop, as Ctrl+C) at a point the
        /// test controls: while the log's writer takes row 100, so that row reaches no log and the rows behind it are in
        /// flight or finished but waiting for their turn. The log and the stopped file then hold every message Postfix
        /// has; the re-run with -SkipSentLog sends the rest, and every row is in the Maildir exactly once.
        /// </summary>
        [Fact]
        public void ResumeAfterStopSendsEveryRowExactlyOnce()
        {
            string run = Guid.NewGuid().ToString("N").Substring(0, 8);
            string log = Path.Combine(_dir, "resume.csv");
            using var stopHere = new ManualResetEventSlim();
            var variables = Variables();
            variables["stopHere"] = stopHere;
            string Merge(string stopAt) => SaveRow + $@"
$rows = 1..500 | ForEach-Object {{ [pscustomobject]@{{ To = $alice; Subject = ""{run} resume $_""; Body = ""Row $_"" }} }}
$rows | Send-SmtpMessage -SmtpServer $server -Port $plain -Security None -From merge@example.test -ConnectionCount 3 -SkipSentLog '{log}' -PassThru |
  Save-Row -Path '{log}' -StopAt '{stopAt}' -Signal $stopHere";
            var (inTime, state, _) = _s.RunAndStop(Merge($"{run} resume 100"), () => stopHere.IsSet, TimeSpan.FromSeconds(20), variables);
            Assert.True(inTime);
            Assert.Equal(PSInvocationState.Stopped, state);
            var before = LogEntries(log);
            Assert.Equal(99, ReadLog(log).Count); // rows 1-99; row 100 and those behind it are in the stopped file
            Assert.Contains(before, e => e.Subject == $"{run} resume 100" && e.Status == "Sent");

            var again = _s.Run(Merge(""), variables);
            Assert.True(again.Errors.Count == 0 && again.Terminating == null, again.ToString());
            // Each row was sent by exactly one run: the re-run sent none the stopped run had sent (or may have).
            var rerun = ReadLog(log).Skip(99).Select(e => (Subject: e["Subject"], Status: e["Status"], Id: e["MessageId"], Attempts: e["Attempts"])).ToList();
            var sentBefore = before.Where(e => Delivering(e.Status)).Select(e => e.Subject).ToHashSet();
            Assert.Equal(500, sentBefore.Count + rerun.Count(e => e.Attempts != "0"));
            Assert.DoesNotContain(rerun, e => e.Attempts != "0" && sentBefore.Contains(e.Subject));
            var delivering = before.Where(e => Delivering(e.Status)).Concat(rerun.Where(e => e.Attempts != "0" && Delivering(e.Status)).Select(e => (e.Subject, e.Status, e.Id))).ToList();
            Assert.Equal(Enumerable.Range(1, 500).Select(i => $"{run} resume {i}").OrderBy(x => x), delivering.Select(e => e.Subject).OrderBy(x => x));
            // Postfix has each Sent row exactly once (an Unconfirmed one at most once: its outcome was unknown).
            var counts = Maildir.WaitForAll("alice", delivering.Where(e => e.Status != "Unconfirmed").Select(e => e.Id).ToList(), waitMs: 120000);
            Assert.All(delivering, e =>
            {
                int n = counts.GetValueOrDefault(e.Id);
                Assert.True(e.Status == "Unconfirmed" ? n <= 1 : n == 1, $"{e.Subject} ({e.Status}) is in the Maildir {n} time(s)");
            });
        }

        /// <summary>
        /// The never-twice rule under a stop, with the order of events in the test's hands (the fault-injecting server):
        /// the server answers row 100 only once rows 101-104 have reached it, so those are under way when row 100 is
        /// written; the stop comes while the log's writer takes row 100 (that write is cut short). By then row 101 waits
        /// for its final reply, which comes only once the stop is under way; row 103 was kept by the server, which never
        /// answers (its outcome is unknown); rows 102 and 104 are done and wait for their turn in the ordered output.
        /// Afterwards the log and its stopped file say exactly which messages the server has; the re-run sends every
        /// other row once and not row 103; only -RetryUnconfirmed sends row 103 again.
        /// </summary>
        [Fact]
        public void StopMidMergeLeavesALogOfExactlyTheMessagesTheServerHas()
        {
            using var fake = new FakeSmtpServer();
            using var stopHere = new ManualResetEventSlim();
            var arrived = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
            int held = 0, late = 0, stalled = 0;
            fake.Script = (verb, data, n) =>
            {
                if (verb != "DATA-END") return null;
                var subject = HeaderOf(data, "Subject");
                arrived[subject] = true;
                if (subject == "stop row 100" && Interlocked.Exchange(ref held, 1) == 0)
                    SpinWait.SpinUntil(() => Enumerable.Range(101, 4).All(i => arrived.ContainsKey($"stop row {i}")), TimeSpan.FromSeconds(60));
                if (subject == "stop row 101" && Interlocked.Exchange(ref late, 1) == 0)
                {
                    stopHere.Wait(TimeSpan.FromSeconds(60));
                    Thread.Sleep(300);
                }
                if (subject == "stop row 103" && Interlocked.Exchange(ref stalled, 1) == 0) return FakeSmtpServer.AcceptThenStall;
                return null;
            };
            string log = Path.Combine(_dir, "stop.csv");
            // Four sessions: rows 100, 101 and 103 hold one each until the stop, the fourth carries rows 102 and 104.
            string Merge(string stopAt, string more = "") => SaveRow + $@"
$rows = 1..500 | ForEach-Object {{ [pscustomobject]@{{ To = ""r$_@example.test""; Subject = ""stop row $_""; Body = ""Row $_"" }} }}
$rows | Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From merge@example.test -ConnectionCount 4 -SkipSentLog '{log}' -PassThru {more} |
  Save-Row -Path '{log}' -StopAt '{stopAt}' -Signal $stopHere";
            var variables = new Dictionary<string, object> { ["stopHere"] = stopHere };
            HashSet<string> Delivered() => fake.Delivered.Select(d => HeaderOf(d.Data, "Message-Id").Trim('<', '>')).ToHashSet();

            var (inTime, state, _) = _s.RunAndStop(Merge("stop row 100"), () => stopHere.IsSet, TimeSpan.FromSeconds(20), variables);
            Assert.True(inTime);
            Assert.Equal(PSInvocationState.Stopped, state);
            var entries = LogEntries(log);
            AssertLogMatchesServer(entries, Delivered());
            Assert.Equal(99, ReadLog(log).Count);
            string StatusOf(int row) => string.Join("+", entries.Where(e => e.Subject == $"stop row {row}").Select(e => e.Status));
            Assert.Equal("Sent", StatusOf(100)); // its write was cut short by the stop
            Assert.Equal("Sent", StatusOf(101)); // its reply came during the stop
            Assert.Equal("Sent", StatusOf(102));
            Assert.Equal("Unconfirmed", StatusOf(103));
            Assert.Equal("Sent", StatusOf(104));

            var again = _s.Run(Merge(""), variables);
            Assert.True(again.Errors.Count == 0 && again.Terminating == null, again.ToString());
            var bySubject = fake.Delivered.GroupBy(d => HeaderOf(d.Data, "Subject")).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Enumerable.Range(1, 500).Select(i => $"stop row {i}").OrderBy(x => x), bySubject.Keys.OrderBy(x => x));
            Assert.All(bySubject, pair => Assert.Equal(1, pair.Value));
            AssertLogMatchesServer(LogEntries(log), Delivered());
            // The re-run says row 103 is still unconfirmed (and sends it not), so a later -RetryUnconfirmed knows it.
            Assert.Contains(again.Warnings, w => w.Contains("1 unconfirmed"));

            var retry = _s.Run(Merge("", "-RetryUnconfirmed"), variables);
            Assert.True(retry.Errors.Count == 0 && retry.Terminating == null, retry.ToString());
            Assert.Equal(501, fake.Delivered.Count);
            Assert.Equal(2, fake.Delivered.Count(d => HeaderOf(d.Data, "Subject") == "stop row 103"));
        }

        /// <summary>
        /// One session sends on the pipeline thread itself (no worker, issue 17's cost per message). A stop while that thread
        /// waits for row 50's final reply: the reply comes during the stop (the stopped file calls the row Sent), or never
        /// comes (Unconfirmed once the verdict grace is over). Nothing after row 50 was sent, the log and its stopped file
        /// say exactly what the server has, and the re-run sends every other row exactly once, row 50 not again.
        /// </summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void OneSessionStoppedWhileWaitingForAReplyKeepsTheNeverTwiceRule(bool replyNeverComes)
        {
            using var fake = new FakeSmtpServer();
            using var arrived = new ManualResetEventSlim();
            using var stopping = new ManualResetEventSlim();
            int held = 0;
            fake.Script = (verb, data, n) =>
            {
                if (verb != "DATA-END" || HeaderOf(data, "Subject") != "one row 50" || Interlocked.Exchange(ref held, 1) != 0) return null;
                arrived.Set();
                if (replyNeverComes) return FakeSmtpServer.AcceptThenStall;
                // The reply comes during the stop, while the sender waits for it (and well within its 5 s verdict grace).
                stopping.Wait(TimeSpan.FromSeconds(60));
                Thread.Sleep(2000);
                return null;
            };
            string log = Path.Combine(_dir, $"one-{replyNeverComes}.csv");
            string Merge() => SaveRow + $@"
$rows = 1..300 | ForEach-Object {{ [pscustomobject]@{{ To = ""r$_@example.test""; Subject = ""one row $_""; Body = ""Row $_"" }} }}
$rows | Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From merge@example.test -SkipSentLog '{log}' -PassThru |
  Save-Row -Path '{log}'";
            HashSet<string> Delivered() => fake.Delivered.Select(d => HeaderOf(d.Data, "Message-Id").Trim('<', '>')).ToHashSet();

            bool StopNow()
            {
                if (!arrived.IsSet) return false;
                stopping.Set();
                return true;
            }
            var (inTime, state, _) = _s.RunAndStop(Merge(), StopNow, TimeSpan.FromSeconds(20));
            Assert.True(inTime);
            Assert.Equal(PSInvocationState.Stopped, state);
            var entries = LogEntries(log);
            Assert.Equal(Enumerable.Range(1, 49).Select(i => $"one row {i}"), ReadLog(log).Select(e => e["Subject"]));
            Assert.Equal(replyNeverComes ? "Unconfirmed" : "Sent", Assert.Single(entries, e => e.Subject == "one row 50").Status);
            Assert.Equal(Enumerable.Range(1, 50).Select(i => $"one row {i}").OrderBy(x => x), fake.Delivered.Select(d => HeaderOf(d.Data, "Subject")).OrderBy(x => x));
            AssertLogMatchesServer(entries, Delivered());

            var again = _s.Run(Merge());
            Assert.True(again.Errors.Count == 0 && again.Terminating == null, again.ToString());
            var bySubject = fake.Delivered.GroupBy(d => HeaderOf(d.Data, "Subject")).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Enumerable.Range(1, 300).Select(i => $"one row {i}").OrderBy(x => x), bySubject.Keys.OrderBy(x => x));
            Assert.All(bySubject, pair => Assert.Equal(1, pair.Value));
            // The re-run's results follow the stopped run's 49 rows, in input order: the first 50 not sent again.
            var rerun = ReadLog(log).Skip(49).ToList();
            Assert.Equal(Enumerable.Range(1, 300).Select(i => $"one row {i}"), rerun.Select(e => e["Subject"]));
            Assert.All(rerun.Take(49), e => Assert.Equal("AlreadySent", e["Status"]));
            Assert.Equal(replyNeverComes ? "Unconfirmed" : "AlreadySent", rerun[49]["Status"]);
            Assert.All(rerun.Skip(50), e => Assert.Equal("Sent", e["Status"]));
        }

        /// <summary>
        /// One session sends on the pipeline thread, blocked in a read of its own (synchronously used) socket while the
        /// server says nothing after MAIL FROM: Ctrl+C still stops the pipeline at once, long before -TimeoutSec, by
        /// closing the socket under the read; nothing after the silent transaction is sent.
        /// </summary>
        [Fact]
        public void OneSessionStopsPromptlyWhileTheServerIsSilentMidTransaction()
        {
            using var fake = new FakeSmtpServer();
            using var silent = new ManualResetEventSlim();
            fake.Script = (verb, arg, n) =>
            {
                if (verb != "MAIL" || n != 2) return null;
                silent.Set();
                return FakeSmtpServer.Stall;
            };
            var (inTime, state, _) = _s.RunAndStop($@"
1..20 | ForEach-Object {{ [pscustomobject]@{{ To = ""r$_@example.test""; Subject = ""silent $_"" }} }} |
  Send-SmtpMessage -SmtpServer 127.0.0.1 -Port {fake.Port} -Security None -From s@example.test -Body x -TimeoutSec 120 -PassThru", () => silent.IsSet, TimeSpan.FromSeconds(15));
            Assert.True(inTime, "Ctrl+C did not stop a send blocked on a silent server within 15 s (-TimeoutSec 120)");
            Assert.Equal(PSInvocationState.Stopped, state);
            Assert.Equal(new[] { "silent 1", "silent 2" }, fake.Delivered.Select(d => HeaderOf(d.Data, "Subject")).OrderBy(x => x));
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
