using System;
using System.Net;
using System.Net.Sockets;

namespace SmtpTools.Tests.Shared
{
    /// <summary>The spf.test zone of the integration Knot server (tests/Integration/zones/spf.test.zone).</summary>
    public static class SpfTestZone
    {
        public const string Zone = "spf.test";
        public static string Dns => IntegrationServers.Get("SMTPTOOLS_DNS");
    }

    /// <summary>
    /// A UDP socket on 127.0.0.1 that receives DNS questions and never answers: a DNS timeout without touching
    /// any address off this machine. Dispose closes it.
    /// </summary>
    public sealed class SilentDnsServer : IDisposable
    {
        private readonly Socket _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        public SilentDnsServer()
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        /// <summary>host:port for -Server.</summary>
        public string Endpoint => "127.0.0.1:" + ((IPEndPoint)_socket.LocalEndPoint).Port;
        public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint;

        /// <summary>A question has arrived (and is waiting, unanswered, in the socket).</summary>
        public bool HasQuestion => _socket.Available > 0;

        public void Dispose() => _socket.Dispose();
    }
}
