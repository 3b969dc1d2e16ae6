using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Tests.Shared
{
    /// <summary>
    /// A tiny fault-injecting SMTP server on 127.0.0.1 for protocol tests: it speaks just enough ESMTP for MailKit
    /// (EHLO with SIZE and DSN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and asks <see cref="Script"/> what to answer.
    /// A script answer of <see cref="Drop"/> closes the socket without a reply. Every message whose DATA got a
    /// 2xx is recorded in <see cref="Delivered"/>.
    /// </summary>
    public sealed class FakeSmtpServer : IDisposable
    {
        public const string Drop = "<drop>";

        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private int _connections;

        public FakeSmtpServer(long maxSize = 10_000_000)
        {
            MaxSize = maxSize;
            _listener.Start();
            _ = AcceptLoop();
        }

        /// <summary>Mechanisms for the EHLO AUTH line (e.g. "XOAUTH2 OAUTHBEARER"); null offers no AUTH.</summary>
        public string AuthMechanisms { get; set; }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public long MaxSize { get; }
        public int Connections => Volatile.Read(ref _connections);

        /// <summary>(verb, argument, how many DATA commands the server has seen so far) → reply line(s), Drop, or null for the default.</summary>
        public Func<string, string, int, string> Script { get; set; } = (verb, arg, n) => null;

        public ConcurrentQueue<DeliveredMessage> Delivered { get; } = new ConcurrentQueue<DeliveredMessage>();
        public ConcurrentQueue<string> Commands { get; } = new ConcurrentQueue<string>();
        private int _dataCount;

        public sealed class DeliveredMessage
        {
            public string MailFrom { get; set; }
            public List<string> Recipients { get; set; }
            public string Data { get; set; }
            public int Connection { get; set; }
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false); }
                catch (Exception) { return; }
                int id = Interlocked.Increment(ref _connections);
                _ = Task.Run(() => Serve(client, id));
            }
        }

        private async Task Serve(TcpClient client, int connection)
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, new UTF8Encoding(false));
                var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
                string from = null;
                var rcpts = new List<string>();
                try
                {
                    if (!await Reply(writer, Script("CONNECT", "", _dataCount) ?? "220 fake.test ESMTP")) return;
                    while (true)
                    {
                        var line = await reader.ReadLineAsync().ConfigureAwait(false);
                        if (line == null) return;
                        Commands.Enqueue(line);
                        var space = line.IndexOf(' ');
                        var verb = (space < 0 ? line : line.Substring(0, space)).ToUpperInvariant();
                        if (verb == "MAIL" || verb == "RCPT") verb = line.Substring(0, 4).ToUpperInvariant();
                        var arg = space < 0 ? "" : line.Substring(space + 1);
                        string reply;
                        switch (verb)
                        {
                            case "EHLO":
                                reply = Script(verb, arg, _dataCount) ?? $"250-fake.test\r\n250-SIZE {MaxSize}\r\n250-8BITMIME\r\n250-DSN\r\n{(AuthMechanisms == null ? "" : "250-AUTH " + AuthMechanisms + "\r\n")}250 ENHANCEDSTATUSCODES";
                                break;
                            case "HELO":
                                reply = "250 fake.test";
                                break;
                            case "MAIL":
                                reply = Script(verb, arg, _dataCount);
                                if (reply == null && from != null) reply = "503 5.5.1 Error: nested MAIL command";
                                reply = reply ?? "250 2.1.0 Ok";
                                if (reply.StartsWith("2")) { from = Address(arg); rcpts.Clear(); }
                                break;
                            case "RCPT":
                                reply = Script(verb, Address(arg), _dataCount) ?? (from == null ? "503 5.5.1 Error: need MAIL command" : "250 2.1.5 Ok");
                                if (reply.StartsWith("2")) rcpts.Add(Address(arg));
                                break;
                            case "DATA":
                                if (rcpts.Count == 0) { reply = "554 5.5.1 Error: no valid recipients"; break; }
                                if (!await Reply(writer, "354 End data with <CR><LF>.<CR><LF>")) return;
                                var data = new StringBuilder();
                                while (true)
                                {
                                    var d = await reader.ReadLineAsync().ConfigureAwait(false);
                                    if (d == null) return;
                                    if (d == ".") break;
                                    data.Append(d.StartsWith("..") ? d.Substring(1) : d).Append("\r\n");
                                }
                                int n = Interlocked.Increment(ref _dataCount);
                                reply = Script("DATA-END", data.ToString(), n) ?? $"250 2.0.0 Ok: queued as Q{n}";
                                if (reply.StartsWith("2"))
                                    Delivered.Enqueue(new DeliveredMessage { MailFrom = from, Recipients = new List<string>(rcpts), Data = data.ToString(), Connection = connection });
                                from = null;
                                rcpts.Clear();
                                break;
                            case "AUTH":
                                reply = Script(verb, arg, _dataCount) ?? "235 2.7.0 Authentication successful";
                                break;
                            case "RSET":
                                from = null;
                                rcpts.Clear();
                                reply = Script(verb, arg, _dataCount) ?? "250 2.0.0 Ok";
                                break;
                            case "NOOP":
                                reply = Script(verb, arg, _dataCount) ?? "250 2.0.0 Ok";
                                break;
                            case "QUIT":
                                await Reply(writer, "221 2.0.0 Bye");
                                return;
                            default:
                                reply = "502 5.5.2 Error: command not recognized";
                                break;
                        }
                        if (!await Reply(writer, reply)) return;
                        if (reply.StartsWith("421")) return;
                    }
                }
                catch (IOException) { }
                catch (ObjectDisposedException) { }
            }
        }

        private static async Task<bool> Reply(StreamWriter writer, string reply)
        {
            if (reply == Drop) return false;
            await writer.WriteLineAsync(reply).ConfigureAwait(false);
            return true;
        }

        private static string Address(string arg)
        {
            int lt = arg.IndexOf('<'), gt = arg.IndexOf('>');
            return lt >= 0 && gt > lt ? arg.Substring(lt + 1, gt - lt - 1) : arg;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
