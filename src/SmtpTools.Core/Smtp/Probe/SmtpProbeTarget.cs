using System;

namespace SmtpTools.Core.Smtp
{
    /// <summary>One endpoint to probe: a host (name or address literal) and a port, optionally found through a domain's MX.</summary>
    public sealed class SmtpProbeTarget
    {
        /// <exception cref="ArgumentException">host is empty.</exception>
        /// <exception cref="ArgumentOutOfRangeException">port is not 1..65535.</exception>
        public SmtpProbeTarget(string host, int port, string domain = null, int? mxPreference = null)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ArgumentException("A host name or address is required.", nameof(host));
            if (port < 1 || port > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "A port is 1..65535.");
            Host = host.Trim().TrimEnd('.');
            Port = port;
            Domain = domain;
            MxPreference = mxPreference;
        }

        public string Host { get; }
        public int Port { get; }
        /// <summary>The domain whose MX named this host (-Domain); null otherwise.</summary>
        public string Domain { get; }
        public int? MxPreference { get; }
        public override string ToString() => Host + ":" + Port;
    }
}
