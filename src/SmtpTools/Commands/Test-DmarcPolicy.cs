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
            _options = new CoreDmarc.DmarcOptions { Specification = (CoreDmarc.DmarcSpecification)(int)Specification };
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
                    var check = _checker.CheckRecord(Record);
                    Write(Map(check), check.HasPolicy && check.Findings.All(f => f.Severity != FindingSeverity.Error));
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
            Track(ct => checker.CheckAsync(DomainNames.Normalize(name), ct),
                check =>
                {
                    if (VerboseWanted) WriteVerbose($"{check.Domain}: {check.Status} after {check.QueriedNames.Count} _dmarc quer{(check.QueriedNames.Count == 1 ? "y" : "ies")}; {check.Findings.Count} finding(s).");
                    Write(Map(check), check.HasPolicy && check.Findings.All(f => f.Severity != FindingSeverity.Error));
                },
                name);
        }

        private void EnqueueEvaluation(string name)
        {
            var checker = _checker;
            var spfResult = SpfResult;
            string spfDomain = SpfDomain;
            string[] dkimPassDomains = DkimPassDomain;
            Track(ct => EvaluateAsync(checker, Request(name, spfResult, spfDomain, dkimPassDomains), ct),
                result =>
                {
                    var (request, check, evaluation) = result;
                    if (VerboseWanted) WriteVerbose($"{check.Domain}: dmarc={evaluation.Result.ToString().ToLowerInvariant()} (SPF aligned: {evaluation.SpfAligned}, DKIM aligned: {evaluation.DkimAligned}).");
                    var output = Map(check);
                    ApplyEvaluation(output, evaluation, request, evaluation.Findings);
                    Write(output, evaluation.Result == DmarcResult.Pass);
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
            var specification = (DmarcSpecification)(int)Specification;
            var client = ClientIPAddress.ToString();
            Track(ct => evaluator.EvaluateFileAsync(path, context, ct),
                result =>
                {
                    var e = result.Evaluation;
                    WriteVerbose($"{path}: dmarc={e.Result.ToString().ToLowerInvariant()}; {result.DkimSignatures.Count} DKIM signature(s), SPF {(result.Spf == null ? "not checked" : result.Spf.Result + " for " + result.Spf.Domain)}.");
                    var output = result.Policy != null
                        ? Map(result.Policy)
                        : new DmarcPolicy { Specification = specification, Status = "NoFromDomain", QueriedNames = Array.Empty<string>() };
                    ApplyEvaluation(output, e, result.Request, result.Findings);
                    output.MessagePath = path;
                    output.ClientIPAddress = client;
                    output.DkimSignatures = result.DkimSignatures.Select(s => new DmarcDkimSignature
                    {
                        Domain = s.Domain,
                        Selector = s.Selector,
                        Algorithm = s.Algorithm,
                        Result = s.Result.ToString(),
                        Reason = s.Reason,
                        Aligned = s.Result == Core.Dkim.DkimVerificationResult.Pass && e.DkimAligned &&
                                  string.Equals(DomainNames.NormalizeOrNull(s.Domain), e.AlignedDkimDomain, StringComparison.OrdinalIgnoreCase),
                    }).ToArray();
                    if (result.Spf != null)
                    {
                        output.Spf = new DmarcSpfCheck
                        {
                            Identity = result.SpfIdentity,
                            Sender = result.SpfSender,
                            Domain = result.Spf.Domain,
                            Result = result.Spf.Result,
                            MatchedMechanism = result.Spf.MatchedMechanism,
                            Explanation = result.Spf.Explanation,
                            Reason = result.Spf.Reason,
                            DnsLookupCount = result.Spf.DnsLookupCount,
                            VoidLookupCount = result.Spf.VoidLookupCount,
                        };
                    }
                    Write(output, e.Result == DmarcResult.Pass);
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

        // The audit (with report-destination checks) and the evaluation share one discovery.
        private static async Task<(CoreDmarc.DmarcEvaluationRequest, CoreDmarc.DmarcPolicyCheck, CoreDmarc.DmarcEvaluation)> EvaluateAsync(
            CoreDmarc.DmarcPolicyChecker checker, CoreDmarc.DmarcEvaluationRequest request, CancellationToken ct)
        {
            var check = await checker.CheckAsync(request.FromDomains[0], ct).ConfigureAwait(false);
            var evaluation = await new CoreDmarc.DmarcEvaluator(checker).EvaluateAsync(request, ct, check).ConfigureAwait(false);
            return (request, check, evaluation);
        }

        private void Write(DmarcPolicy output, bool quietAnswer)
        {
            if (Quiet) WriteObject(quietAnswer);
            else WriteObject(output);
        }

        internal static DmarcPolicy Map(CoreDmarc.DmarcPolicyCheck check)
        {
            var record = check.Record;
            bool usable = check.HasPolicy;
            var output = new DmarcPolicy
            {
                Domain = check.Domain,
                PolicyDomain = check.PolicyDomain != null && check.Status != CoreDmarc.DmarcLookupStatus.TempError ? check.PolicyDomain : null,
                FoundVia = usable ? (DmarcPolicySource)(int)check.FoundVia : DmarcPolicySource.None,
                Specification = (DmarcSpecification)(int)check.Specification,
                Record = check.DmarcRecordTexts.Count == 0 ? null : string.Join(" | ", check.DmarcRecordTexts),
                RecordCount = check.Domain == null ? (record != null && record.Status != CoreDmarc.DmarcRecordStatus.NotDmarc ? 1 : 0) : check.DmarcRecordTexts.Count,
                IsValid = usable,
                QueriedNames = check.QueriedNames.ToArray(),
            };
            if (record != null && record.Status != CoreDmarc.DmarcRecordStatus.NotDmarc)
            {
                output.UnknownTags = record.UnknownTags.ToArray();
                output.SyntaxErrors = record.SyntaxErrors.Select(e => e.ToString()).ToArray();
                output.AggregateReportUris = record.AggregateReportUris.Select(MapUri).ToArray();
                output.ForensicReportUris = record.ForensicReportUris.Select(MapUri).ToArray();
                output.AggregateReportUri = Join(output.AggregateReportUris.Select(u => u.ToString()));
                output.ForensicReportUri = Join(output.ForensicReportUris.Select(u => u.ToString()));
                output.UnauthorizedReportDestination = Join(output.AggregateReportUris.Concat(output.ForensicReportUris)
                    .Where(u => u.IsAuthorized == false).Select(u => u.DestinationDomain).Distinct(StringComparer.OrdinalIgnoreCase));
                if (usable)
                {
                    output.Policy = record.Policy;
                    output.SubdomainPolicy = record.SubdomainPolicy;
                    output.NonexistentSubdomainPolicy = record.NonexistentSubdomainPolicy;
                    output.Percentage = record.Percentage;
                    output.DkimAlignment = record.DkimAlignment;
                    output.SpfAlignment = record.SpfAlignment;
                    output.FailureOptions = string.Join(":", record.FailureOptions);
                    output.ReportFormat = string.Join(":", record.ReportFormats);
                    output.ReportInterval = record.ReportInterval;
                    output.PublicSuffixDomain = record.PublicSuffixDomain;
                    output.Testing = record.Testing;
                }
            }
            SetFindings(output, check.Findings);
            output.Status = StatusOf(check, output);
            return output;
        }

        internal static void ApplyEvaluation(DmarcPolicy output, CoreDmarc.DmarcEvaluation evaluation, CoreDmarc.DmarcEvaluationRequest request,
            IEnumerable<Finding> evaluationFindings)
        {
            output.DmarcResult = evaluation.Result;
            output.FromDomains = evaluation.FromDomains.ToArray();
            output.SpfResult = request.SpfResult;
            output.SpfDomain = request.SpfDomain;
            output.DkimPassDomains = request.Dkim.Where(d => d.Result == DkimAuthResult.Pass).Select(d => d.Domain).ToArray();
            output.SpfAligned = evaluation.SpfAligned;
            output.DkimAligned = evaluation.DkimAligned;
            output.Disposition = evaluation.Disposition;
            output.DispositionSource = evaluation.PolicyTag;
            output.ApplyPolicy = evaluation.ApplyPolicy;
            output.Reject = evaluation.Reject;
            output.FromDomainExists = evaluation.FromDomainExists;
            output.OrganizationalDomain = evaluation.OrganizationalDomain;
            var findings = (output.Findings ?? Array.Empty<Finding>()).Concat(evaluationFindings ?? Array.Empty<Finding>()).ToArray();
            SetFindings(output, findings);
        }

        private static void SetFindings(DmarcPolicy output, IEnumerable<Finding> findings) => SetFindings(output, findings.ToArray());

        private static void SetFindings(DmarcPolicy output, Finding[] findings)
        {
            output.Findings = findings;
            output.FindingCount = findings.Length;
            output.ErrorCount = findings.Count(f => f.Severity == FindingSeverity.Error);
            output.WarningCount = findings.Count(f => f.Severity == FindingSeverity.Warning);
            output.FindingIds = string.Join(";", findings.Select(f => f.Id));
        }

        private static DmarcReportUri MapUri(CoreDmarc.DmarcReportUri u) => new DmarcReportUri
        {
            Uri = u.Uri,
            MaxSize = u.MaxSizeText,
            DestinationDomain = u.MailtoDomain,
            IsExternal = u.IsExternal,
            IsAuthorized = u.IsAuthorized,
        };

        private static string Join(IEnumerable<string> values)
        {
            var list = values.Where(v => v != null).ToList();
            return list.Count == 0 ? null : string.Join(";", list);
        }

        private static string StatusOf(CoreDmarc.DmarcPolicyCheck check, DmarcPolicy output)
        {
            switch (check.Status)
            {
                case CoreDmarc.DmarcLookupStatus.Found:
                    return output.ErrorCount + output.WarningCount > 0 ? "Warning" : "Valid";
                case CoreDmarc.DmarcLookupStatus.PermError: return "Invalid";
                case CoreDmarc.DmarcLookupStatus.NotFound when check.Domain == null: return "Invalid"; // -Record text that is not a DMARC record
                default: return check.Status.ToString();
            }
        }
    }
}
