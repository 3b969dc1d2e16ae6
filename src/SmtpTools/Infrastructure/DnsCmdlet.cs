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

        /// <summary>
        /// How many inputs are worked on at once. The default is high because the work waits on DNS round trips, not on
        /// the CPU: with a resolver 30 ms away, 32 at once gave 200 domains/s. The resolver still sends fewer questions at
        /// once while its server times out, fails or loses datagrams.
        /// </summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        public const int DefaultThrottleLimit = 256;

        private IDnsResolver _resolver;

        /// <summary>The pipeline's resolver, created in BeginProcessing.</summary>
        internal IDnsResolver Resolver => _resolver;

        /// <summary>
        /// Someone listens to the verbose stream (-Verbose or $VerbosePreference). Per-record verbose text is only built
        /// then: formatting it for every one of thousands of records that nobody reads was measurable.
        /// </summary>
        protected bool VerboseWanted { get; private set; }

        private bool WantsVerbose()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var given)) return given is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(given);
            var preference = GetVariableValue("VerbosePreference");
            return !(preference is ActionPreference p) || (p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore);
        }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ConcurrencyLimit = ThrottleLimit;
            StartWorkInline = true;
            VerboseWanted = WantsVerbose();
            _resolver = CreateResolver(this, Server, TimeoutSec, ThrottleLimit);
        }

        /// <summary>Closes the resolver's sockets at the end of the pipeline (they would close by themselves when idle).</summary>
        protected override void Dispose(bool disposing)
        {
            if (disposing) (_resolver as IDisposable)?.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>
        /// One Core check per input domain (or address: Test-DnsBlocklist -IPAddress), started now and written in input
        /// order by <paramref name="write"/>; an input the check refuses (InvalidDomainName …) or that fails is a
        /// non-terminating error in its place.
        /// </summary>
        protected void EnqueueEachDomain<T>(string[] domains, System.Func<string, System.Threading.CancellationToken, System.Threading.Tasks.Task<T>> check, System.Action<T> write) =>
            EnqueueEachDomain<T>(domains, check, (name, result) => write(result));

        /// <summary>As above; <paramref name="write"/> also gets the domain as the input gave it.</summary>
        protected void EnqueueEachDomain<T>(string[] domains, System.Func<string, System.Threading.CancellationToken, System.Threading.Tasks.Task<T>> check, System.Action<string, T> write)
        {
            // A missing array (a null bound from the pipeline) is one blank input: it gets its InvalidDomainName error too.
            foreach (var domain in domains ?? new string[1])
            {
                string name = domain;
                Enqueue(ct => check(name, ct), result => write(name, result), ex => WriteError(ErrorRecordFactory.FromException(ex, name)));
            }
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
                    // Up to two questions per input in flight (A and AAAA go together), within what one resolver is asked at once.
                    MaxConcurrentQueries = Math.Max(8, Math.Min(throttleLimit * 2, 512)),
                });
            }
            catch (Exception ex) when (ex is FormatException || ex is System.Net.Sockets.SocketException)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidDnsServer, ErrorCategory.InvalidArgument, servers));
                return null;
            }
        }
    }
}
