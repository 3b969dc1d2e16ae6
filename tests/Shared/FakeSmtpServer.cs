using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Tests.Shared
{
    /// <summary>How the fake server offers TLS.</summary>
    public enum FakeTls
    {
        /// <summary>Plain text only, no STARTTLS in EHLO.</summary>
        None,
        /// <summary>STARTTLS offered in EHLO (RFC 3207).</summary>
        StartTls,
        /// <summary>TLS from the first byte (implicit TLS, RFC 8314).</summary>
        Implicit,
    }

    /// <summary>
    /// A tiny fault-injecting SMTP server on 127.0.0.1 for protocol tests: it speaks just enough ESMTP for MailKit
    /// (EHLO with SIZE and DSN, optional STARTTLS/implicit TLS with a throw-away self-signed certificate, AUTH, MAIL,
    /// RCPT, DATA, RSET, NOOP, QUIT) and asks <see cref="Script"/> what to answer. Script answers can also be one of
    /// the fault markers (<see cref="Drop"/>, <see cref="Stall"/>, <see cref="AcceptThenDrop"/>,
    /// <see cref="AcceptThenStall"/>). Every message the server kept is recorded in <see cref="Delivered"/> — also
    /// when its reply was then lost, which is exactly what a client cannot know.
    /// </summary>
    public sealed class FakeSmtpServer : IDisposable
    {
        /// <summary>Close the connection without a reply (at DATA-END: the message is NOT kept).</summary>
        public const string Drop = "<drop>";
        /// <summary>Never answer; the connection stays open until the client gives up (its timeout must end the wait).</summary>
        public const string Stall = "<stall>";
        /// <summary>At DATA-END: keep the message (it is queued), then close the connection before the 250 reply.</summary>
        public const string AcceptThenDrop = "<accept-drop>";
        /// <summary>At DATA-END: keep the message, then never send the 250 reply.</summary>
        public const string AcceptThenStall = "<accept-stall>";

        private static readonly Lazy<X509Certificate2> Certificate = new Lazy<X509Certificate2>(CreateCertificate);

        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly FakeTls _tls;
        private int _connections;

        public FakeSmtpServer(long maxSize = 10_000_000, FakeTls tls = FakeTls.None)
        {
            MaxSize = maxSize;
            _tls = tls;
            _listener.Start();
            _ = AcceptLoop();
        }

        /// <summary>Mechanisms for the EHLO AUTH line (e.g. "PLAIN" or "XOAUTH2 OAUTHBEARER"), offered with and without TLS; null offers no AUTH.</summary>
        public string AuthMechanisms { get; set; }

        /// <summary>With <see cref="FakeTls.StartTls"/>: whether new sessions are offered STARTTLS (a test can take it away mid-run).</summary>
        public bool StartTlsOffered { get; set; } = true;

        /// <summary>More EHLO keywords, one per line (e.g. "SMTPUTF8").</summary>
        public string ExtraCapabilities { get; set; }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public long MaxSize { get; }
        public int Connections => Volatile.Read(ref _connections);

        /// <summary>(verb, argument, how many DATA commands the server has seen so far) → reply line(s), a fault marker, or null for the default.</summary>
        public Func<string, string, int, string> Script { get; set; } = (verb, arg, n) => null;

        public ConcurrentQueue<DeliveredMessage> Delivered { get; } = new ConcurrentQueue<DeliveredMessage>();
        /// <summary>Every command line received, in order.</summary>
        public ConcurrentQueue<string> Commands { get; } = new ConcurrentQueue<string>();
        /// <summary>The command lines that arrived without TLS (what an eavesdropper on the wire could read).</summary>
        public ConcurrentQueue<string> PlainCommands { get; } = new ConcurrentQueue<string>();
        private int _dataCount;

        public sealed class DeliveredMessage
        {
            public string MailFrom { get; set; }
            public List<string> Recipients { get; set; }
            public string Data { get; set; }
            public int Connection { get; set; }
            public bool Tls { get; set; }
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

        private sealed class Channel
        {
            public Stream Stream;
            public StreamReader Reader;
            public StreamWriter Writer;
            public bool Tls;

            public Channel(Stream stream, bool tls)
            {
                Stream = stream;
                Tls = tls;
                Reader = new StreamReader(stream, new UTF8Encoding(false));
                Writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            }
        }

        private static async Task<Stream> SecureAsync(Stream stream)
        {
            var ssl = new SslStream(stream, false);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate.Value }).ConfigureAwait(false);
            return ssl;
        }

        private async Task Serve(TcpClient client, int connection)
        {
            using (client)
            {
                Channel io;
                string from = null;
                var rcpts = new List<string>();
                try
                {
                    io = new Channel(_tls == FakeTls.Implicit ? await SecureAsync(client.GetStream()).ConfigureAwait(false) : client.GetStream(), _tls == FakeTls.Implicit);
                    if (!await Reply(io, Script("CONNECT", "", _dataCount) ?? "220 fake.test ESMTP").ConfigureAwait(false)) return;
                    while (true)
                    {
                        var line = await io.Reader.ReadLineAsync().ConfigureAwait(false);
                        if (line == null) return;
                        Commands.Enqueue(line);
                        if (!io.Tls) PlainCommands.Enqueue(line);
                        var space = line.IndexOf(' ');
                        var verb = (space < 0 ? line : line.Substring(0, space)).ToUpperInvariant();
                        if (verb == "MAIL" || verb == "RCPT") verb = line.Substring(0, 4).ToUpperInvariant();
                        var arg = space < 0 ? "" : line.Substring(space + 1);
                        string reply;
                        switch (verb)
                        {
                            case "EHLO":
                                reply = Script(verb, arg, _dataCount) ?? Ehlo(io.Tls);
                                break;
                            case "HELO":
                                reply = "250 fake.test";
                                break;
                            case "STARTTLS":
                                if (_tls != FakeTls.StartTls || !StartTlsOffered || io.Tls) { reply = "502 5.5.1 Error: command not implemented"; break; }
                                reply = Script(verb, arg, _dataCount) ?? "220 2.0.0 Ready to start TLS";
                                if (!await Reply(io, reply).ConfigureAwait(false)) return;
                                if (!reply.StartsWith("220")) continue;
                                // RFC 3207 4.2: everything learnt before TLS is forgotten.
                                io = new Channel(await SecureAsync(io.Stream).ConfigureAwait(false), true);
                                from = null;
                                rcpts.Clear();
                                continue;
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
                                reply = Script(verb, arg, _dataCount) ?? "354 End data with <CR><LF>.<CR><LF>";
                                if (!reply.StartsWith("354")) break;
                                if (!await Reply(io, reply).ConfigureAwait(false)) return;
                                var data = new StringBuilder();
                                while (true)
                                {
                                    var d = await io.Reader.ReadLineAsync().ConfigureAwait(false);
                                    if (d == null) return;
                                    if (d == ".") break;
                                    data.Append(d.StartsWith("..") ? d.Substring(1) : d).Append("\r\n");
                                }
                                int n = Interlocked.Increment(ref _dataCount);
                                reply = Script("DATA-END", data.ToString(), n) ?? $"250 2.0.0 Ok: queued as Q{n}";
                                if (reply.StartsWith("2") || reply == AcceptThenDrop || reply == AcceptThenStall)
                                    Delivered.Enqueue(new DeliveredMessage { MailFrom = from, Recipients = new List<string>(rcpts), Data = data.ToString(), Connection = connection, Tls = io.Tls });
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
                                await Reply(io, "221 2.0.0 Bye").ConfigureAwait(false);
                                return;
                            default:
                                reply = "502 5.5.2 Error: command not recognized";
                                break;
                        }
                        if (!await Reply(io, reply).ConfigureAwait(false)) return;
                        if (reply.StartsWith("421")) return;
                    }
                }
                catch (IOException) { }
                catch (ObjectDisposedException) { }
                catch (System.Security.Authentication.AuthenticationException) { } // a client that does not speak TLS
            }
        }

        private string Ehlo(bool tls)
        {
            var lines = new List<string> { "fake.test", "SIZE " + MaxSize, "8BITMIME", "DSN" };
            if (_tls == FakeTls.StartTls && StartTlsOffered && !tls) lines.Add("STARTTLS");
            if (AuthMechanisms != null) lines.Add("AUTH " + AuthMechanisms);
            if (ExtraCapabilities != null) lines.AddRange(ExtraCapabilities.Split(new[] { "\r\n", "\n" }, StringSplitOptions.RemoveEmptyEntries));
            lines.Add("ENHANCEDSTATUSCODES");
            var text = new StringBuilder();
            for (int i = 0; i < lines.Count; i++) text.Append(i < lines.Count - 1 ? "250-" : "250 ").Append(lines[i]).Append(i < lines.Count - 1 ? "\r\n" : "");
            return text.ToString();
        }

        /// <summary>Sends the reply; false when the connection is to end here (a fault marker).</summary>
        private async Task<bool> Reply(Channel io, string reply)
        {
            switch (reply)
            {
                case Drop:
                case AcceptThenDrop:
                    return false;
                case Stall:
                case AcceptThenStall:
                    // Say nothing; read (and ignore) until the client hangs up or the server is disposed.
                    try
                    {
                        var buffer = new char[1024];
                        while (await io.Reader.ReadAsync(buffer, 0, buffer.Length).WaitAsync(_stop.Token).ConfigureAwait(false) > 0) { }
                    }
                    catch (OperationCanceledException) { }
                    return false;
                default:
                    await io.Writer.WriteLineAsync(reply).ConfigureAwait(false);
                    return true;
            }
        }

        private static string Address(string arg)
        {
            int lt = arg.IndexOf('<'), gt = arg.IndexOf('>');
            return lt >= 0 && gt > lt ? arg.Substring(lt + 1, gt - lt - 1) : arg;
        }

        private static X509Certificate2 CreateCertificate()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=fake.test", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("fake.test");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            // A PFX round trip gives a key the platform's TLS stack can use on every OS.
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
