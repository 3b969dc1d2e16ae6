using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>
    /// The <see cref="DmarcPolicy"/> Test-DmarcPolicy writes, put together in one place from what the engines worked
    /// with: discovery (<see cref="DmarcPolicyCheck"/>, with the parsed record), an evaluation and a message's checks.
    /// The rules that are about the result rather than the protocol live here: the Status, which fields a policy
    /// that does not apply leaves empty, the order of the findings.
    /// </summary>
    internal static class DmarcPolicyResults
    {
        public static DmarcPolicy FromCheck(DmarcPolicyCheck check)
        {
            var record = check.Record;
            bool usable = check.HasPolicy;
            bool isDmarc = record != null && record.Status != DmarcRecordStatus.NotDmarc;
            var output = new DmarcPolicy
            {
                Domain = check.Domain,
                PolicyDomain = check.PolicyDomain != null && check.Status != DmarcLookupStatus.TempError ? check.PolicyDomain : null,
                FoundVia = usable ? check.FoundVia : DmarcPolicySource.None,
                Specification = check.Specification,
                Record = check.DmarcRecordTexts.Count == 0 ? null : string.Join(" | ", check.DmarcRecordTexts),
                RecordCount = check.Domain == null ? (isDmarc ? 1 : 0) : check.DmarcRecordTexts.Count,
                IsValid = usable,
                QueriedNames = check.QueriedNames.ToArray(),
                Findings = check.Findings.ToArray(),
                Status = StatusOf(check),
            };
            if (isDmarc)
            {
                output.UnknownTags = record.UnknownTags.ToArray();
                output.SyntaxErrors = record.SyntaxErrors.Select(e => e.ToString()).ToArray();
                output.AggregateReportUris = record.AggregateReportUris.Select(ReportUri).ToArray();
                output.ForensicReportUris = record.ForensicReportUris.Select(ReportUri).ToArray();
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
            return output;
        }

        /// <summary>The evaluation's outcome on the policy result; its findings follow the policy's.</summary>
        public static DmarcPolicy WithEvaluation(DmarcPolicy output, DmarcEvaluation evaluation, DmarcEvaluationRequest request, IEnumerable<Finding> findings)
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
            output.Findings = output.Findings.Concat(findings ?? Array.Empty<Finding>()).ToArray();
            return output;
        }

        /// <summary>A message's evaluation: the policy of its (deciding) From domain, or NoFromDomain when it has none.</summary>
        public static DmarcPolicy FromMessage(DmarcMessageEvaluation result, string path, DmarcMessageContext context, DmarcSpecification specification)
        {
            var output = result.Policy != null
                ? FromCheck(result.Policy)
                : new DmarcPolicy { Specification = specification, Status = DmarcPolicyStatus.NoFromDomain, QueriedNames = Array.Empty<string>() };
            WithEvaluation(output, result.Evaluation, result.Request, result.Findings);
            output.MessagePath = path;
            output.ClientIPAddress = context.ClientIPAddress?.ToString();
            output.DkimSignatures = result.DkimSignatures.ToArray();
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
            return output;
        }

        /// <summary>Test-DmarcPolicy -Quiet: dmarc=pass when something was evaluated, else a usable policy without errors.</summary>
        public static bool Passes(DmarcPolicy policy) =>
            policy.DmarcResult != null ? policy.DmarcResult == DmarcResult.Pass : policy.IsValid && policy.ErrorCount == 0;

        private static DmarcReportUri ReportUri(DmarcUri u) => new DmarcReportUri
        {
            Uri = u.Uri,
            MaxSize = u.MaxSizeText,
            DestinationDomain = u.MailtoDomain,
            IsExternal = u.IsExternal,
            IsAuthorized = u.IsAuthorized,
        };

        /// <summary>Found is Valid, or Warning when the policy has any warning or error finding.</summary>
        private static DmarcPolicyStatus StatusOf(DmarcPolicyCheck check)
        {
            switch (check.Status)
            {
                case DmarcLookupStatus.Found:
                    return check.Findings.Any(f => f.Severity != FindingSeverity.Information) ? DmarcPolicyStatus.Warning : DmarcPolicyStatus.Valid;
                case DmarcLookupStatus.PermError: return DmarcPolicyStatus.Invalid;
                case DmarcLookupStatus.NotFound when check.Domain == null: return DmarcPolicyStatus.Invalid; // -Record text that is not a DMARC record
                case DmarcLookupStatus.NotFound: return DmarcPolicyStatus.NotFound;
                case DmarcLookupStatus.MultipleRecords: return DmarcPolicyStatus.MultipleRecords;
                case DmarcLookupStatus.NoUsablePolicy: return DmarcPolicyStatus.NoUsablePolicy;
                case DmarcLookupStatus.TempError: return DmarcPolicyStatus.TempError;
                case DmarcLookupStatus.InvalidDomain: return DmarcPolicyStatus.InvalidDomain;
                default: throw new ArgumentOutOfRangeException(nameof(check), check.Status, "An unknown discovery outcome.");
            }
        }
    }
}
