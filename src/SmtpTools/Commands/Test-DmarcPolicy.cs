using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;
using SmtpTools.Infrastructure;
using CoreDmarc = SmtpTools.Core.Dmarc;

namespace SmtpTools.Commands
{
    /// <summary>
    /// Finds, validates and explains a domain's DMARC policy; with SPF/DKIM results (or a message file) also
    /// evaluates DMARC for a message: result, alignment and the disposition that applies.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "DmarcPolicy", DefaultParameterSetName = AuditSet)]
    [OutputType(typeof(DmarcPolicy))]
    [OutputType(typeof(bool))]
    public sealed class TestDmarcPolicyCommand : DnsCmdlet
    {
        private const string AuditSet = "Audit";
        private const string RecordSet = "Record";
        private const string EvaluateSet = "Evaluate";
        private const string MessageSet = "Message";

        /// <summary>The domain(s) to audit, or the RFC5322.From domain to evaluate.</summary>
        [Parameter(ParameterSetName = AuditSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = EvaluateSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name", "DomainName")]
        // Blank cells are not binding errors (those would be written ahead of earlier rows' results): the name check
        // reports them as InvalidDomainName in their place.
        [AllowNull]
        [AllowEmptyString]
        public string[] Domain { get; set; }

        /// <summary>A DMARC record text to validate offline (no DNS).</summary>
        [Parameter(ParameterSetName = RecordSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public string Record { get; set; }

        /// <summary>The SPF result of the message (evaluation); None when only DKIM results are given.</summary>
        [Parameter(ParameterSetName = EvaluateSet, ValueFromPipelineByPropertyName = true)]
        public SpfResult SpfResult { get; set; } = SpfResult.None;

        /// <summary>The domain SPF checked (MAIL FROM domain, or HELO for a null sender).</summary>
        [Parameter(ParameterSetName = EvaluateSet, ValueFromPipelineByPropertyName = true)]
        [Alias("MailFromDomain")]
        public string SpfDomain { get; set; }

        /// <summary>d= domains of DKIM signatures that passed.</summary>
        [Parameter(ParameterSetName = EvaluateSet, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyCollection]
        public string[] DkimPassDomain { get; set; }

        /// <summary>A message file (.eml) to evaluate: DKIM signatures verified, SPF checked, From domain(s) extracted.</summary>
        [Parameter(ParameterSetName = MessageSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string MessagePath { get; set; }

        /// <summary>The SMTP client address the message came from (for SPF).</summary>
        [Parameter(ParameterSetName = MessageSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IPAddress")]
        [ValidateNotNull]
        public IPAddress ClientIPAddress { get; set; }

        /// <summary>The HELO/EHLO name the client gave (the SPF identity when the sender is null).</summary>
        [Parameter(ParameterSetName = MessageSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Helo")]
        public string HeloDomain { get; set; }

        /// <summary>The envelope sender (MAIL FROM); default: the message's Return-Path header. '' = null sender.</summary>
        [Parameter(ParameterSetName = MessageSet, ValueFromPipelineByPropertyName = true)]
        [Alias("MailFrom")]
        [AllowEmptyString]
        public string Sender { get; set; }

        /// <summary>Rfc9989 (DMARCbis tree walk, default) or Rfc7489 (Public Suffix List organizational domain).</summary>
        [Parameter]
        public DmarcSpecification Specification { get; set; } = DmarcSpecification.Rfc9989;

        /// <summary>A Public Suffix List file to use instead of the embedded copy (RFC 7489 organizational domains).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string PublicSuffixListPath { get; set; }

        /// <summary>Return only true/false: a usable policy without errors (audit, -Record) or dmarc=pass (evaluation).</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private CoreDmarc.DmarcPolicyChecker _checker;
        private CoreDmarc.DmarcOptions _options;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _options = new CoreDmarc.DmarcOptions { Specification = Specification };
            if (PublicSuffixListPath != null)
            {
                string path = null;
                try
                {
                    path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(PublicSuffixListPath);
                    _options.PublicSuffixList = CoreDmarc.PublicSuffixList.Load(path);
                    WriteVerbose($"Using the Public Suffix List in {path} ({_options.PublicSuffixList.RuleCount} rules).");
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    // Every organizational-domain answer would rest on it: a set-up failure.
                    ThrowTerminatingError(ErrorRecordFactory.FromException(ex, path ?? PublicSuffixListPath));
                }
            }
            _checker = new CoreDmarc.DmarcPolicyChecker(Resolver, _options);
            ProgressActivity = "Test-DmarcPolicy";
            ProgressActivityId = 7489;
            ProgressUnit = "input(s) checked";
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (ParameterSetName != RecordSet)
                WriteVerbose($"{CompletedCount} input(s) checked; {Resolver.QueriesSent} DNS question(s) sent.");
        }

        // Enqueue with a non-terminating error per failed input.
        private void Track<T>(Func<System.Threading.CancellationToken, Task<T>> work, Action<T> onSuccess, object target) =>
            Enqueue(work, onSuccess, ex => WriteError(ErrorRecordFactory.FromException(ex, target)));

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case RecordSet:
                    Write(_checker.AuditRecord(Record));
                    return;
                case EvaluateSet:
                    foreach (var name in Domain ?? new string[1]) EnqueueEvaluation(name);
                    return;
                case MessageSet:
                    EnqueueMessage();
                    return;
                default:
                    foreach (var name in Domain ?? new string[1]) EnqueueAudit(name);
                    return;
            }
        }

        // Every input gets a result or an error, in input order: the names are checked inside the work, so a blank or
        // malformed one becomes an InvalidDomainName error in its place and nothing is looked up for it.
        private void EnqueueAudit(string name)
        {
            var checker = _checker;
            Track(ct => checker.AuditAsync(name, ct),
                policy =>
                {
                    if (VerboseWanted) WriteVerbose($"{policy.Domain}: {policy.Status} after {policy.QueriedNames.Length} _dmarc quer{(policy.QueriedNames.Length == 1 ? "y" : "ies")}; {policy.FindingCount} finding(s).");
                    Write(policy);
                },
                name);
        }

        private void EnqueueEvaluation(string name)
        {
            var evaluator = new CoreDmarc.DmarcEvaluator(_checker);
            var spfResult = SpfResult;
            string spfDomain = SpfDomain;
            string[] dkimPassDomains = DkimPassDomain;
            Track(ct => evaluator.EvaluatePolicyAsync(Request(name, spfResult, spfDomain, dkimPassDomains), ct),
                policy =>
                {
                    if (VerboseWanted) WriteVerbose($"{policy.Domain}: dmarc={policy.DmarcResult.ToString().ToLowerInvariant()} (SPF aligned: {policy.SpfAligned}, DKIM aligned: {policy.DkimAligned}).");
                    Write(policy);
                },
                name);
        }

        private void EnqueueMessage()
        {
            string path;
            try { path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(MessagePath); }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                WriteError(ErrorRecordFactory.FromException(ex, MessagePath));
                return;
            }
            var evaluator = new CoreDmarc.DmarcMessageEvaluator(_checker);
            var context = new CoreDmarc.DmarcMessageContext { ClientIPAddress = ClientIPAddress, HeloDomain = HeloDomain, Sender = Sender };
            Track(ct => evaluator.AuditFileAsync(path, context, ct),
                policy =>
                {
                    WriteVerbose($"{path}: dmarc={policy.DmarcResult.ToString().ToLowerInvariant()}; {policy.DkimSignatures.Length} DKIM signature(s), SPF {(policy.Spf == null ? "not checked" : policy.Spf.Result + " for " + policy.Spf.Domain)}.");
                    Write(policy);
                },
                path);
        }

        // Every name given is checked before anything is looked up; empty -SpfDomain/-DkimPassDomain cells mean "none".
        private static CoreDmarc.DmarcEvaluationRequest Request(string domain, SpfResult spfResult, string spfDomain, string[] dkimPassDomains) =>
            new CoreDmarc.DmarcEvaluationRequest
            {
                FromDomains = new[] { DomainNames.Normalize(domain) },
                SpfResult = spfResult,
                SpfDomain = string.IsNullOrWhiteSpace(spfDomain) ? null : DomainNames.Normalize(spfDomain),
                Dkim = (dkimPassDomains ?? Array.Empty<string>()).Where(d => !string.IsNullOrWhiteSpace(d))
                    .Select(d => new CoreDmarc.DkimAuthInput(DomainNames.Normalize(d), DkimAuthResult.Pass)).ToList(),
            };

        private void Write(DmarcPolicy policy)
        {
            if (Quiet) WriteObject(CoreDmarc.DmarcPolicyChecker.Passes(policy));
            else WriteObject(policy);
        }
    }
}
