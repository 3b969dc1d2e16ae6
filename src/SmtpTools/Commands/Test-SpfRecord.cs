using System;
using System.Management.Automation;
using System.Net;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;
using SmtpTools.Core.Spf;
using SmtpTools.Infrastructure;

namespace SmtpTools.Commands
{
    /// <summary>Evaluates RFC 7208 check_host() for a client address and sender (or HELO name).</summary>
    [Cmdlet(VerbsDiagnostic.Test, "SpfRecord")]
    [OutputType(typeof(SpfCheckResult))]
    [OutputType(typeof(bool))]
    public sealed class TestSpfRecordCommand : DnsCmdlet
    {
        /// <summary>The SMTP client's address (IPv4 or IPv6).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("IP", "ClientIP", "Address")]
        // Checked in ProcessRecord rather than by a validation attribute, whose binding errors would be written ahead
        // of earlier rows' results: every row's result or error comes out in input order.
        [AllowEmptyString]
        public string IPAddress { get; set; }

        /// <summary>The MAIL FROM address; empty checks the HELO identity (postmaster@HeloDomain).</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("MailFrom", "EmailAddress", "From")]
        [AllowEmptyString]
        [AllowNull]
        public string Sender { get; set; }

        /// <summary>The HELO/EHLO name the client gave.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Helo", "Ehlo")]
        [AllowEmptyString]
        [AllowNull]
        public string HeloDomain { get; set; }

        /// <summary>Checks this domain's policy instead of the sender's domain.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("DomainName", "Name")]
        [AllowEmptyString]
        [AllowNull]
        public string Domain { get; set; }

        /// <summary>The receiving host's name, for %{r} in explanations.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Receiver")]
        [AllowEmptyString]
        [AllowNull]
        public string ReceiverName { get; set; }

        /// <summary>Return only true (Pass) or false per input.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private SpfChecker _checker;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ProgressActivity = "Test-SpfRecord";
            ProgressActivityId = 7209;
            ProgressUnit = "check(s) done";
            _checker = new SpfChecker(Resolver);
        }

        protected override void ProcessRecord()
        {
            string text = IPAddress?.Trim() ?? "";
            if (!IPAddressText.IsAddress(text))
            {
                InputError(ErrorIds.InvalidIPAddress, $"{DomainNames.Display(IPAddress)} is not an IPv4 or IPv6 address (-IPAddress is the SMTP client's address).", IPAddress);
                return;
            }
            var request = new SpfCheckRequest
            {
                IPAddress = System.Net.IPAddress.Parse(text),
                Sender = Sender,
                HeloDomain = HeloDomain,
                Domain = Domain,
                ReceiverName = ReceiverName,
            };
            if (string.IsNullOrWhiteSpace(request.Sender) && string.IsNullOrWhiteSpace(request.HeloDomain) && string.IsNullOrWhiteSpace(request.Domain))
            {
                InputError(ErrorIds.SpfNoIdentity, $"Give -Sender, -HeloDomain or -Domain for {text}: there is no identity to check.", text);
                return;
            }
            var checker = _checker;
            string domain = Domain;
            Enqueue(ct =>
                {
                    // -Domain is the user's choice, not protocol data: a malformed one is an InvalidDomainName error (in input
                    // order), where a malformed sender or HELO domain gives check_host()'s none (RFC 7208 4.3).
                    if (!string.IsNullOrWhiteSpace(domain)) request.Domain = DomainNames.Normalize(domain);
                    return checker.CheckHostAsync(request, ct);
                },
                check =>
                {
                    if (VerboseWanted) WriteVerbose($"{text} / {check.Domain}: {check.Result}. {check.Reason}");
                    if (Quiet) WriteObject(check.Result == SpfResult.Pass);
                    else WriteObject(check);
                },
                ex => WriteError(ErrorRecordFactory.FromException(ex, text)));
        }

        // An error found before any work, queued like a result so it comes out in its row's place.
        private void InputError(string errorId, string message, object target)
        {
            var error = new SmtpToolsException(errorId, FailureKind.InvalidArgument, message);
            Enqueue(ct => Task.FromException<bool>(error), _ => { }, ex => WriteError(ErrorRecordFactory.FromException(ex, target)));
        }
    }
}
