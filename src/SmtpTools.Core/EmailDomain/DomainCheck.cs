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

    /// <summary>
    /// One entry of Test-EmailDomain's check list: a check name and the async call that checks a (normalized) domain.
    /// Adding a check to the report is adding one entry in <see cref="EmailDomainChecks"/>.
    /// </summary>
    internal sealed class DomainCheck
    {
        private readonly Func<string, CancellationToken, Task<CheckOutcome>> _run;

        private DomainCheck(EmailDomainCheck check, Func<string, CancellationToken, Task<CheckOutcome>> run)
        {
            Check = check;
            _run = run;
        }

        public EmailDomainCheck Check { get; }

        public Task<CheckOutcome> RunAsync(string domain, CancellationToken cancellationToken) => _run(domain, cancellationToken);

        /// <summary>A check whose engine returns <typeparamref name="T"/>; <paramref name="describe"/> rates it and stores it in the report.</summary>
        public static DomainCheck Of<T>(EmailDomainCheck check, Func<string, CancellationToken, Task<T>> run, Func<T, CheckOutcome> describe) =>
            new DomainCheck(check, async (domain, ct) => describe(await run(domain, ct).ConfigureAwait(false)));
    }
}
