using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>
    /// Test-EmailDomain's engine: runs the selected checks of a domain concurrently on the shared resolver, isolates
    /// their failures (a check that times out or fails is TempError or Error in its row, the others are reported as
    /// usual), flattens the findings and grades the result.
    /// </summary>
    public sealed class EmailDomainAuditor
    {
        private readonly IReadOnlyList<DomainCheck> _checks;
        private readonly TimeSpan _checkTimeout;
        private readonly IReadOnlyList<string> _dkimSelectors;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        /// <exception cref="Errors.SmtpToolsException">InvalidDnsBlocklistZone: a blocklist zone is malformed.</exception>
        public EmailDomainAuditor(IDnsResolver resolver, EmailDomainOptions options = null)
        {
            if (resolver == null) throw new ArgumentNullException(nameof(resolver));
            options = options ?? new EmailDomainOptions();
            var wanted = new HashSet<EmailDomainCheck>(options.Checks == null || options.Checks.Count == 0 ? AllChecks : options.Checks);
            _checks = EmailDomainChecks.Create(resolver, options, wanted).OrderBy(c => c.Check).ToArray();
            _checkTimeout = options.CheckTimeout;
            _dkimSelectors = options.DkimSelectors?.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();
        }

        /// <summary>The checks this auditor runs, in report order.</summary>
        public IReadOnlyList<EmailDomainCheck> Checks => _checks.Select(c => c.Check).ToArray();

        /// <summary>Every check Test-EmailDomain can run.</summary>
        public static IReadOnlyList<EmailDomainCheck> AllChecks { get; } = (EmailDomainCheck[])Enum.GetValues(typeof(EmailDomainCheck));

        /// <summary>Checks one domain. DNS failures and failing checks never throw: they are rows with TempError or Error.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName (FailureKind.InvalidArgument).</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public Task<EmailDomainReport> AuditAsync(string domain, CancellationToken cancellationToken) => AuditAsync(domain, null, cancellationToken);

        /// <summary>Checks one domain with the DKIM selectors of its input row (null or empty: the options' selectors, else probing).</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName (FailureKind.InvalidArgument).</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<EmailDomainReport> AuditAsync(string domain, IReadOnlyList<string> dkimSelectors, CancellationToken cancellationToken)
        {
            var name = DomainNames.Normalize(domain);
            var given = dkimSelectors?.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();
            var query = new DomainQuery(name, given != null && given.Length > 0 ? given : _dkimSelectors);
            var report = new EmailDomainReport { Domain = name, CheckedAt = DateTime.UtcNow };
            var runs = await Task.WhenAll(_checks.Select(c => RunAsync(c, query, cancellationToken))).ConfigureAwait(false);

            var rows = new List<EmailDomainCheckResult>(runs.Length);
            var findings = new List<EmailDomainFinding>();
            foreach (var (check, outcome, elapsed, message) in runs)
            {
                outcome.Store?.Invoke(report);
                var own = outcome.Findings ?? Array.Empty<Finding>();
                rows.Add(new EmailDomainCheckResult
                {
                    Check = check,
                    Status = outcome.Status,
                    CheckStatus = outcome.CheckStatus,
                    Summary = outcome.Summary,
                    Records = (outcome.Records ?? Array.Empty<string>()).ToArray(),
                    Message = message,
                    DurationMs = (long)elapsed.TotalMilliseconds,
                    FindingCount = own.Count,
                    ErrorCount = own.Count(f => f.Severity == FindingSeverity.Error),
                    WarningCount = own.Count(f => f.Severity == FindingSeverity.Warning),
                });
                findings.AddRange(own.Select(f => new EmailDomainFinding
                {
                    Check = check, Id = f.Id, Severity = f.Severity, Message = f.Message, Reference = f.Reference, Count = f.Count,
                }));
            }
            report.Checks = rows.ToArray();
            report.Findings = findings.ToArray();
            var (grade, reasons) = EmailDomainGrader.Grade(report);
            report.Grade = grade;
            report.GradeReasons = reasons.ToArray();
            return report;
        }

        private async Task<(EmailDomainCheck Check, CheckOutcome Outcome, TimeSpan Elapsed, string Message)> RunAsync(DomainCheck check, DomainQuery query, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(_checkTimeout);
                try
                {
                    var outcome = await check.RunAsync(query, deadline.Token).ConfigureAwait(false);
                    return (check.Check, outcome, clock.Elapsed, null);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (check.Check, new CheckOutcome { Status = EmailDomainCheckStatus.TempError, CheckStatus = "TempError" }, clock.Elapsed,
                        $"The {check.Check} check did not finish within {_checkTimeout.TotalSeconds:0} s (slow or silent DNS server); try again later.");
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    // One failing check must not cost the domain its report: the row says what went wrong.
                    return (check.Check, new CheckOutcome { Status = EmailDomainCheckStatus.Error, CheckStatus = "Error" }, clock.Elapsed,
                        $"The {check.Check} check failed: {ex.Message}");
                }
            }
        }
    }
}
