using System;
using SmtpTools.Core.Dns;
using SmtpTools.Tests.Shared;

namespace SmtpTools.Core.Tests.Support
{
    /// <summary>The module's resolver pointed at one of the integration DNS servers of servers.env.</summary>
    public static class TestServerResolver
    {
        /// <param name="key">SMTPTOOLS_DNS (Knot, authoritative) or SMTPTOOLS_RESOLVER (unbound, validating).</param>
        public static DnsResolver For(string key = "SMTPTOOLS_DNS") =>
            new DnsResolver(new DnsResolverOptions { Servers = DnsServerEndpoint.ParseAll(new[] { IntegrationServers.Get(key) }), Timeout = TimeSpan.FromSeconds(3), Retries = 1 });
    }
}
