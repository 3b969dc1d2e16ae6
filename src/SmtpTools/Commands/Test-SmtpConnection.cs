using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Smtp;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Probes SMTP endpoints (or every MX host of a domain) phase by phase: banner, EHLO, STARTTLS/TLS, certificate,
    /// AUTH, optional credential, sender/recipient and open-relay tests. Never sends DATA.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "SmtpConnection", DefaultParameterSetName = ServerSet)]
    [OutputType(typeof(SmtpConnectionResult))]
    [OutputType(typeof(bool))]
    public sealed class TestSmtpConnectionCommand : AsyncCmdlet
    {
        private const string ServerSet = "Server";
        private const string DomainSet = "Domain";

        /// <summary>Host names or addresses of the SMTP servers.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ServerSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "HostName", "Server")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the host check
        // reports them as InvalidHostName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] SmtpServer { get; set; }

        /// <summary>Test every MX host of this domain, in preference order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DomainSet)]
        [Alias("DomainName")]
        [ValidateNotNullOrEmpty]
        public string Domain { get; set; }

        /// <summary>Ports to test on every host (default 25).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        [ValidateNotNullOrEmpty]
        public int[] Port { get; set; } = { 25 };

        [Parameter]
        public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

        /// <summary>Test AUTH with these credentials (nothing is sent).</summary>
        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>Test AUTH with an OAuth 2.0 access token (XOAUTH2/OAUTHBEARER); the user name comes from -Credential or -Sender.</summary>
        [Parameter]
        public SecureString AccessToken { get; set; }

        /// <summary>MAIL FROM address for the sender/recipient test.</summary>
        [Parameter]
        [Alias("From")]
        public string Sender { get; set; }

        /// <summary>RCPT TO address: is it accepted? (RSET follows; DATA is never sent.)</summary>
        [Parameter]
        [Alias("To")]
        public string Recipient { get; set; }

        /// <summary>Without AUTH, try RCPT TO an outside address (relay-test@example.invalid); acceptance means open relay.</summary>
        [Parameter]
        public SwitchParameter TestOpenRelay { get; set; }

        /// <summary>The name to send with EHLO (default: MailKit's, the local host name).</summary>
        [Parameter]
        [Alias("LocalDomain")]
        [ValidateNotNullOrEmpty]
        public string HeloName { get; set; }

        /// <summary>Continue with an invalid certificate (its facts and findings are still reported).</summary>
        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>Seconds one step may wait for the server (connect, each reply, TLS handshake).</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>How many endpoints are probed at once.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 16;

        /// <summary>DNS servers (host, host:port, [v6]:port) for MX lookups and host names.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DnsServer { get; set; }

        /// <summary>Return only true/false per endpoint: true unless Status is Fail.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private SmtpConnectionProber _prober;
        private SmtpProbeOptions _options;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-SmtpConnection";
            ProgressActivityId = 5321;
            ProgressUnit = "endpoint(s) probed";
            ConcurrencyLimit = ThrottleLimit;
            var resolver = DnsCmdlet.CreateResolver(this, DnsServer, Math.Min(TimeoutSec, 30), ThrottleLimit);
            _prober = new SmtpConnectionProber(resolver, new CmdletOperationSink(this));
            _options = new SmtpProbeOptions
            {
                Security = Security,
                Credential = Credential?.GetNetworkCredential(),
                Sender = Address(Sender, nameof(Sender)),
                Recipient = Address(Recipient, nameof(Recipient)),
                TestOpenRelay = TestOpenRelay,
                HeloName = HeloNameOf(HeloName),
                SkipCertificateCheck = SkipCertificateCheck,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                ResolveWithDnsLayer = DnsServer != null,
            };
            if (AccessToken != null)
            {
                var user = Credential?.UserName ?? (string.IsNullOrEmpty(_options.Sender) ? null : _options.Sender);
                if (user == null)
                    ThrowTerminatingError(ErrorRecordFactory.Create(ErrorIds.AccessTokenUserMissing, ErrorCategory.InvalidArgument,
                        "-AccessToken needs the account's user name: give -Credential (its password is not used) or -Sender.", AccessToken));
                _options.AccessToken = new NetworkCredential(user, AccessToken);
                _options.Credential = null;
            }
            if (Recipient != null && Sender == null)
                WriteVerbose("-Recipient without -Sender: MAIL FROM uses the null reverse path <>.");
        }

        private string Address(string value, string parameter)
        {
            try { return SmtpConnectionProber.NormalizeAddress(value, parameter); }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.AddressInvalid, ErrorCategory.InvalidArgument, value));
                return null;
            }
        }

        private string HeloNameOf(string value)
        {
            try { return SmtpConnectionProber.NormalizeHeloName(value, nameof(HeloName)); }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InvalidHeloName, ErrorCategory.InvalidArgument, value));
                return null;
            }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == DomainSet)
            {
                IReadOnlyList<DnsMxRecord> exchangers;
                string domain = Domain;
                try
                {
                    domain = DomainNames.Normalize(Domain);
                    exchangers = Run(ct => _prober.GetMailExchangersAsync(domain, ct));
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    WriteError(ErrorRecordFactory.FromException(ex, domain));
                    return;
                }
                WriteVerbose($"{domain}: MX {string.Join(", ", exchangers.Select(m => m.ToString()))}.");
                foreach (var mx in exchangers)
                    foreach (var port in Port)
                        Probe(new SmtpProbeTarget(mx.Exchange, port, domain, mx.Preference));
                return;
            }
            foreach (var server in SmtpServer ?? new string[1])
            {
                // A blank or malformed server is one error in its place (not one per port), and nothing is connected.
                string host;
                try { host = DomainNames.NormalizeHost(server); }
                catch (SmtpToolsException ex)
                {
                    Enqueue(ct => Task.FromException<bool>(ex), _ => { }, e => WriteError(ErrorRecordFactory.FromException(e, server)));
                    continue;
                }
                foreach (var port in Port)
                    Probe(new SmtpProbeTarget(host, port));
            }
        }

        private void Probe(SmtpProbeTarget target)
        {
            var prober = _prober;
            var options = _options;
            Enqueue(ct => prober.ProbeAsync(target, options, ct),
                result =>
                {
                    if (Quiet) WriteObject(result.Status != SmtpConnectionStatus.Fail);
                    else WriteObject(result);
                },
                ex => WriteError(ErrorRecordFactory.FromException(ex, target.ToString())));
        }
    }
}
