using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dane;

namespace SmtpTools.Core.Tests.Dane
{
    /// <summary>
    /// A minimal STARTTLS client for the DANE integration tests: banner, EHLO, STARTTLS, then the TLS handshake with
    /// SslStream, keeping the certificates the server sent (SslStream puts them in the chain policy's ExtraStore) and
    /// accepting any certificate, as a DANE sender does before matching. Independent of the module's SMTP prober.
    /// </summary>
    internal sealed class SslStreamHandshaker : IStartTlsHandshaker
    {
        public async Task<StartTlsHandshake> HandshakeAsync(string hostName, IPAddress address, int port, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var tcp = new TcpClient(address.AddressFamily);
            try
            {
                await tcp.ConnectAsync(address, port, timeout.Token);
            }
            catch (SocketException ex)
            {
                return StartTlsHandshake.Failed(StartTlsOutcome.ConnectFailed, ex.Message);
            }
            var stream = tcp.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            if (!(await ReplyAsync(reader, timeout.Token)).Any(l => l.StartsWith("220", StringComparison.Ordinal)))
                return StartTlsHandshake.Failed(StartTlsOutcome.ConnectFailed, "no greeting");
            await WriteAsync(stream, "EHLO dane-test.smtptools.test", timeout.Token);
            var ehlo = await ReplyAsync(reader, timeout.Token);
            if (!ehlo.Any(l => l.Length > 4 && l.Substring(4).Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
                return StartTlsHandshake.Failed(StartTlsOutcome.StartTlsNotOffered, "EHLO did not list STARTTLS");
            await WriteAsync(stream, "STARTTLS", timeout.Token);
            var go = await ReplyAsync(reader, timeout.Token);
            if (!go.Last().StartsWith("220", StringComparison.Ordinal))
                return StartTlsHandshake.Failed(StartTlsOutcome.StartTlsNotOffered, go.Last());
            List<byte[]> sent = null;
            using var ssl = new SslStream(stream, false, (_, certificate, chain, _) =>
            {
                sent = chain.ChainPolicy.ExtraStore.Select(c => c.RawData).ToList();
                if (sent.Count == 0 && certificate != null) sent.Add(certificate.GetRawCertData());
                return true;
            });
            try
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = hostName,
                    // A full handshake every time: a session resumed from another address of the host would show its certificate.
                    AllowTlsResume = false,
                }, timeout.Token);
            }
            catch (Exception ex) when (ex is IOException || ex is System.Security.Authentication.AuthenticationException)
            {
                return StartTlsHandshake.Failed(StartTlsOutcome.TlsFailed, ex.Message);
            }
            return StartTlsHandshake.Completed(sent);
        }

        private static Task WriteAsync(Stream stream, string line, CancellationToken ct) =>
            stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), ct).AsTask();

        private static async Task<List<string>> ReplyAsync(StreamReader reader, CancellationToken ct)
        {
            var lines = new List<string>();
            string line;
            do
            {
                line = await reader.ReadLineAsync(ct) ?? throw new IOException("connection closed");
                lines.Add(line);
            }
            while (line.Length > 3 && line[3] == '-');
            return lines;
        }
    }
}
