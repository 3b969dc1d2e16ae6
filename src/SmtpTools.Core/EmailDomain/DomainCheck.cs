using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.EmailDomain
{
    /// <summary>What a check of one domain concluded, on the report's common scale.</summary>
    internal sealed class CheckOutcome
    {
        public EmailDomainCheckStatus Status { get; set; }
        public string CheckStatus { get; set; }
        public string Summary { get; set; }
        public IReadOnlyList<string> Records { get; set; } = Array.Empty<string>();
        public IReadOnlyList<Finding> Findings { get; set; } = Array.Empty<Finding>();
        /// <summary>Puts the check's full result and its flat columns into the report.</summary>
        public Action<EmailDomainReport> Store { get; set; }
    }

    /// <summary>What one domain is checked for: the normalized name, and what the input row adds (its DKIM selectors).</summary>
    internal sealed class DomainQuery
    {
        public DomainQuery(string domain, IReadOnlyList<string> dkimSelectors) { Domain = domain; DkimSelectors = dkimSelectors; }
        public string Domain { get; }
        /// <summary>Null or empty: probe.</summary>
        public IReadOnlyList<string> DkimSelectors { get; }
    }

    /// <summary>
    /// One entry of Test-EmailDomain's check list: a check name and the async call that checks a (normalized) domain.
    /// Adding a check to the report is adding one entry in <see cref="EmailDomainChecks"/>.
    /// </summary>
    internal sealed class DomainCheck
    {
        private readonly Func<DomainQuery, CancellationToken, Task<CheckOutcome>> _run;

        private DomainCheck(EmailDomainCheck check, Func<DomainQuery, CancellationToken, Task<CheckOutcome>> run)
        {
            Check = check;
            _run = run;
        }

        public EmailDomainCheck Check { get; }

        public Task<CheckOutcome> RunAsync(DomainQuery query, CancellationToken cancellationToken) => _run(query, cancellationToken);

        /// <summary>A check whose engine takes the domain name and returns <typeparamref name="T"/>; <paramref name="describe"/> rates it and stores it in the report.</summary>
        public static DomainCheck Of<T>(EmailDomainCheck check, Func<string, CancellationToken, Task<T>> run, Func<T, CheckOutcome> describe) =>
            Of(check, (query, ct) => run(query.Domain, ct), describe);

        /// <summary>A check that is not run with these options: its row says why (<paramref name="outcome"/>).</summary>
        public static DomainCheck NotRun(EmailDomainCheck check, CheckOutcome outcome) =>
            new DomainCheck(check, (query, ct) => Task.FromResult(outcome));

        /// <summary>A check that needs more of the input than the domain name (DKIM: the row's selectors).</summary>
        public static DomainCheck Of<T>(EmailDomainCheck check, Func<DomainQuery, CancellationToken, Task<T>> run, Func<T, CheckOutcome> describe) =>
            new DomainCheck(check, async (query, ct) => describe(await run(query, ct).ConfigureAwait(false)));
    }
}
