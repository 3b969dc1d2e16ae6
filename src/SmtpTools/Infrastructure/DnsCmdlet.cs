using System;
using System.Management.Automation;
using SmtpTools.Core.Dns;

namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// Base for the DNS cmdlets (Get-SpfRecord, Test-SpfRecord, Test-DmarcPolicy, Test-DkimRecord): the shared
    /// -Server/-TimeoutSec/-ThrottleLimit parameters and one resolver (one cache) for the whole pipeline.
    /// </summary>
    public abstract class DnsCmdlet : AsyncCmdlet
    {
        /// <summary>DNS servers as host, host:port or [IPv6]:port; default: the system's resolvers.</summary>
        [Parameter]
        [Alias("DnsServer")]
        [ValidateNotNullOrEmpty]
        public string[] Server { get; set; }

        /// <summary>Seconds to wait for one DNS answer (per try).</summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>How many inputs are worked on at once.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = 32;

        private IDnsResolver _resolver;

        /// <summary>The pipeline's resolver, created in BeginProcessing.</summary>
        internal IDnsResolver Resolver => _resolver;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ConcurrencyLimit = ThrottleLimit;
            _resolver = CreateResolver(this, Server, TimeoutSec, ThrottleLimit);
        }

        /// <summary>Closes the resolver's sockets at the end of the pipeline (they would close by themselves when idle).</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing) (_resolver as IDisposable)?.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>Builds the resolver for a cmdlet; a bad server specification terminates the cmdlet.</summary>
        internal static IDnsResolver CreateResolver(PSCmdlet cmdlet, string[] servers, int timeoutSec, int throttleLimit)
        {
            try
            {
                return new DnsResolver(new DnsResolverOptions
                {
                    Servers = DnsServerEndpoint.ParseAll(servers),
                    Timeout = TimeSpan.FromSeconds(timeoutSec),
                    Retries = 2,
                    MaxConcurrentQueries = Math.Max(8, throttleLimit * 2),
                });
            }
            catch (Exception ex) when (ex is FormatException || ex is System.Net.Sockets.SocketException)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "InvalidDnsServer", ErrorCategory.InvalidArgument, servers));
                return null;
            }
        }
    }
}
