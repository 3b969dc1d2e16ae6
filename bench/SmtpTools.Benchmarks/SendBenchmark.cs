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
    /// dotnet run -c Release --project bench/SmtpTools.Benchmarks -- send [--messages 2000] [--per-connection 500] [--server 127.0.0.1:2527] [--no-smtp-source]
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

            Console.WriteLine($"send benchmark: {server}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            OneSession(host, port, 100, text); // warm-up: JIT, TLS-free socket paths, MimeKit caches

            var one = OneSession(host, port, messages, text);
            var many = SessionPerMessage(host, port, perConnection, text);
            double? source = options.ContainsKey("no-smtp-source") ? (double?)null : SmtpSource(host, port, messages);

            Console.WriteLine();
            Console.WriteLine($"{"mode",-44} {"messages",9} {"seconds",8} {"msg/s",8}");
            Console.WriteLine($"{"SmtpSender, one session",-44} {messages,9} {one.Seconds,8:0.00} {one.Rate,8:0}");
            Console.WriteLine($"{"SmtpSender, new session per message",-44} {perConnection,9} {many.Seconds,8:0.00} {many.Rate,8:0}");
            if (source.HasValue) Console.WriteLine($"{"postfix smtp-source -s 1 (one session)",-44} {messages,9} {messages / source.Value,8:0.00} {source.Value,8:0}");
            Console.WriteLine();
            Console.WriteLine($"one session / session per message: {one.Rate / many.Rate:0.0}x");
            if (source.HasValue) Console.WriteLine($"one session / smtp-source:         {one.Rate / source.Value:0.00}");
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
            Security = SmtpSecurityMode.None,
            MaxRetries = 0,
        };

        private static OutgoingMessage Message(int i, string text) => new OutgoingMessage
        {
            From = "bench@example.test",
            To = { "rcpt" + i.ToString(CultureInfo.InvariantCulture) + "@example.test" },
            Subject = "Benchmark message " + i.ToString(CultureInfo.InvariantCulture),
            Body = text,
        };

        private static void Check(SmtpSendOutcome outcome)
        {
            if (outcome.Status != SmtpSendStatus.Sent)
                throw new InvalidOperationException($"message not sent: {outcome.ServerResponse} {outcome.Error?.Message}");
        }

        private static int Int(IReadOnlyDictionary<string, string> options, string key, int fallback) =>
            options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }
}
