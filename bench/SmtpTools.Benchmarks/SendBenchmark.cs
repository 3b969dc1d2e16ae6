using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Smtp;

namespace SmtpTools.Benchmarks
{
    /// <summary>
    /// Send-SmtpMessage's engine (SmtpSender) pushing messages into smtp-sink: one SMTP session for all messages
    /// (what a pipeline does) versus a new session per message (what Send-MailMessage in a loop does), next to
    /// Postfix's smtp-source with one session on the same machine.
    /// dotnet run -c Release --project bench/SmtpTools.Benchmarks -- send [--messages 2000] [--per-connection 500] [--rounds 5] [--server 127.0.0.1:2527] [--no-smtp-source]
    /// </summary>
    internal sealed class SendBenchmark : IBenchmark
    {
        public string Name => "send";
        public string Description => "messages/s into smtp-sink: one session vs a session per message, and smtp-source";

        public int Run(IReadOnlyDictionary<string, string> options)
        {
            int messages = Int(options, "messages", 2000);
            int perConnection = Int(options, "per-connection", 500);
            var server = options.TryGetValue("server", out var s) ? s : "127.0.0.1:2527";
            int colon = server.LastIndexOf(':');
            var host = server.Substring(0, colon);
            int port = int.Parse(server.Substring(colon + 1), CultureInfo.InvariantCulture);
            var body = new string('x', 70) + "\n";
            var text = string.Concat(System.Linq.Enumerable.Repeat(body, 14)); // about 1 KB, like smtp-source -l 1024

            int rounds = Int(options, "rounds", 5);
            bool withSource = !options.ContainsKey("no-smtp-source");
            Console.WriteLine($"send benchmark: {server}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {rounds} interleaved rounds (medians reported)");
            OneSession(host, port, 100, text); // warm-up: JIT, socket paths, MimeKit caches

            // Interleaved rounds and medians: on a shared machine a single run says more about the neighbours.
            var one = new List<double>();
            var many = new List<double>();
            var source = new List<double>();
            var ratioSource = new List<double>();
            for (int r = 1; r <= rounds; r++)
            {
                one.Add(OneSession(host, port, messages, text).Rate);
                many.Add(SessionPerMessage(host, port, perConnection, text).Rate);
                var src = withSource ? SmtpSource(host, port, messages) : null;
                if (src.HasValue) { source.Add(src.Value); ratioSource.Add(one[one.Count - 1] / src.Value); }
                Console.WriteLine($"round {r}: one session {one[one.Count - 1],6:0} msg/s, session per message {many[many.Count - 1],6:0} msg/s" + (src.HasValue ? $", smtp-source {src.Value,6:0} msg/s" : ""));
            }

            Console.WriteLine();
            Console.WriteLine($"{"mode (median of rounds)",-44} {"messages",9} {"msg/s",8}");
            Console.WriteLine($"{"SmtpSender, one session",-44} {messages,9} {Median(one),8:0}");
            Console.WriteLine($"{"SmtpSender, new session per message",-44} {perConnection,9} {Median(many),8:0}");
            if (source.Count > 0) Console.WriteLine($"{"postfix smtp-source -s 1 (one session)",-44} {messages,9} {Median(source),8:0}");
            Console.WriteLine();
            Console.WriteLine($"one session / session per message: {Median(one) / Median(many):0.0}x");
            if (source.Count > 0) Console.WriteLine($"one session / smtp-source (median of per-round ratios): {Median(ratioSource):0.00}");
            return 0;
        }

        private static (double Seconds, double Rate) OneSession(string host, int port, int count, string text)
        {
            var watch = Stopwatch.StartNew();
            using (var sender = new SmtpSender(Options(host, port)))
            {
                sender.ConnectAsync(CancellationToken.None).GetAwaiter().GetResult();
                for (int i = 0; i < count; i++) Check(sender.SendAsync(Message(i, text), CancellationToken.None).GetAwaiter().GetResult());
                sender.DisconnectAsync(CancellationToken.None).GetAwaiter().GetResult();
                if (sender.ConnectionsOpened != 1) throw new InvalidOperationException($"expected one session, used {sender.ConnectionsOpened}");
            }
            return (watch.Elapsed.TotalSeconds, count / watch.Elapsed.TotalSeconds);
        }

        private static (double Seconds, double Rate) SessionPerMessage(string host, int port, int count, string text)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                using var sender = new SmtpSender(Options(host, port));
                sender.ConnectAsync(CancellationToken.None).GetAwaiter().GetResult();
                Check(sender.SendAsync(Message(i, text), CancellationToken.None).GetAwaiter().GetResult());
                sender.DisconnectAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            return (watch.Elapsed.TotalSeconds, count / watch.Elapsed.TotalSeconds);
        }

        /// <summary>Postfix's own SMTP load generator with one session; null when it is not installed.</summary>
        private static double? SmtpSource(string host, int port, int count)
        {
            var psi = new ProcessStartInfo("smtp-source") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-s", "1", "-m", count.ToString(CultureInfo.InvariantCulture), "-l", "1024", "-f", "bench@example.test", "-t", "sink@example.test", host + ":" + port })
                psi.ArgumentList.Add(a);
            var watch = Stopwatch.StartNew();
            try
            {
                using var p = Process.Start(psi);
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException("smtp-source failed: " + p.StandardError.ReadToEnd());
            }
            catch (System.ComponentModel.Win32Exception)
            {
                Console.WriteLine("smtp-source not found (Debian package postfix); skipping the comparison.");
                return null;
            }
            return count / watch.Elapsed.TotalSeconds;
        }

        private static SmtpSenderOptions Options(string host, int port) => new SmtpSenderOptions
        {
            Host = host,
            Port = port,
            Security = SmtpSecurity.None,
            MaxRetries = 0,
        };

        private static OutgoingMessage Message(int i, string text) => new OutgoingMessage
        {
            From = "bench@example.test",
            To = { "rcpt" + i.ToString(CultureInfo.InvariantCulture) + "@example.test" },
            Subject = "Benchmark message " + i.ToString(CultureInfo.InvariantCulture),
            Body = text,
        };

        private static void Check(SmtpSendResult outcome)
        {
            if (outcome.Status != SmtpSendStatus.Sent)
                throw new InvalidOperationException($"message not sent ({outcome.Status}, {outcome.FailedPhase}): {outcome.ServerResponse} {outcome.Hint}");
        }

        private static double Median(List<double> values)
        {
            var sorted = new List<double>(values);
            sorted.Sort();
            int n = sorted.Count;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        private static int Int(IReadOnlyDictionary<string, string> options, string key, int fallback) =>
            options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }
}
