using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MimeKit;
using SmtpTools.Core.Dkim;
using SmtpTools.Core.Dns;
using SmtpTools.Core.IO;
using SmtpTools.Core.Spf;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>The SMTP facts that came with a message (what a receiving MTA knew).</summary>
    public sealed class DmarcMessageContext
    {
        /// <summary>The SMTP client's address (for SPF).</summary>
        public IPAddress ClientIPAddress { get; set; }
        /// <summary>The HELO/EHLO name; used as the SPF identity for a null sender.</summary>
        public string HeloDomain { get; set; }
        /// <summary>The MAIL FROM address; null = take it from the Return-Path header ("" = null sender).</summary>
        public string Sender { get; set; }
    }

    /// <summary>DMARC for a real message: its DKIM signatures, SPF for its envelope sender, and the evaluation.</summary>
    public sealed class DmarcMessageEvaluation
    {
        public DmarcEvaluation Evaluation { get; internal set; }
        /// <summary>Discovery (with report-destination checks) for the deciding From domain; null without a From domain.</summary>
        public DmarcPolicyCheck Policy { get; internal set; }
        public IReadOnlyList<DmarcDkimSignature> DkimSignatures { get; internal set; } = Array.Empty<DmarcDkimSignature>();
        /// <summary>Null when SPF could not be run (no sender and no HELO name).</summary>
        public SpfCheckResult Spf { get; internal set; }
        /// <summary>"MailFrom" or "Helo".</summary>
        public string SpfIdentity { get; internal set; }
        /// <summary>The MAIL FROM address used (empty for a null sender).</summary>
        public string SpfSender { get; internal set; }
        /// <summary>The request the evaluation was made from (From domains, SPF and DKIM results).</summary>
        public DmarcEvaluationRequest Request { get; internal set; }
        /// <summary>The evaluation's findings plus the message's own (several From headers, no SPF identity …).</summary>
        public IReadOnlyList<Finding> Findings { get; internal set; } = Array.Empty<Finding>();
    }

    /// <summary>
    /// Evaluates DMARC for a message file the way a receiver would: every DKIM-Signature verified with keys from DNS,
    /// check_host() for the Return-Path (or HELO) identity, the RFC5322.From domain(s), then <see cref="DmarcEvaluator"/>.
    /// </summary>
    public sealed class DmarcMessageEvaluator
    {
        private readonly DmarcPolicyChecker _checker;
        private readonly SpfChecker _spf;
        private readonly DkimMessageVerifier _dkim;

        /// <exception cref="ArgumentNullException">checker is null.</exception>
        public DmarcMessageEvaluator(DmarcPolicyChecker checker)
        {
            _checker = checker ?? throw new ArgumentNullException(nameof(checker));
            _spf = new SpfChecker(checker.Resolver);
            _dkim = new DkimMessageVerifier(checker.Resolver);
        }

        /// <summary>
        /// No mail server accepts more than about 150 MB per message (Microsoft 365; Gmail 50 MB, most others 25 to 50 MB),
        /// and header sections beyond 1 MiB are refused everywhere (Postfix: 100 KB). Parsing costs about a second per
        /// 30 MB of body and far more per megabyte of header fields, so a wrong file (a log, an mbox, a device) fails fast.
        /// </summary>
        public static readonly FileSizeLimit MessageFileLimit =
            new FileSizeLimit("The message file", 160L << 20, "mail servers accept at most 150 MB per message, so check -MessagePath", maxHeaderBytes: 1 << 20);

        /// <summary>Test-DmarcPolicy -MessagePath: one .eml file evaluated, as the public result.</summary>
        /// <inheritdoc cref="EvaluateFileAsync"/>
        public async Task<DmarcPolicy> AuditFileAsync(string path, DmarcMessageContext context, CancellationToken cancellationToken) =>
            DmarcPolicyResults.FromMessage(await EvaluateFileAsync(path, context, cancellationToken).ConfigureAwait(false), path, context, _checker.Options.Specification);

        /// <summary>Reads and evaluates one .eml file.</summary>
        /// <exception cref="ArgumentNullException">path or context (or its ClientIPAddress) is null.</exception>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="IOException">The file cannot be read.</exception>
        /// <exception cref="Errors.SmtpToolsException">FileTooLarge or MessageHeaderTooLarge: larger than <see cref="MessageFileLimit"/>.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<DmarcMessageEvaluation> EvaluateFileAsync(string path, DmarcMessageContext context, CancellationToken cancellationToken)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            MimeMessage message;
            using (var stream = BoundedFile.OpenRead(path, MessageFileLimit))
                message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
            return await EvaluateAsync(message, context, cancellationToken).ConfigureAwait(false);
        }

        /// <inheritdoc cref="EvaluateFileAsync"/>
        public async Task<DmarcMessageEvaluation> EvaluateAsync(MimeMessage message, DmarcMessageContext context, CancellationToken cancellationToken)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            if (context?.ClientIPAddress == null) throw new ArgumentNullException(nameof(context), "The client IP address is needed for SPF.");
            var result = new DmarcMessageEvaluation();
            var findings = new List<Finding>();
            var spec = _checker.Options.Specification;

            var dkimTask = _dkim.VerifyAsync(message, cancellationToken);
            var spfTask = CheckSpfAsync(message, context, result, findings, cancellationToken);
            result.DkimSignatures = await dkimTask.ConfigureAwait(false);
            result.Spf = await spfTask.ConfigureAwait(false);

            int fromHeaders = message.Headers.Count(h => h.Id == HeaderId.From);
            var request = new DmarcEvaluationRequest
            {
                FromDomains = fromHeaders == 1 ? FromDomainExtractor.FromMessage(message) : Array.Empty<string>(),
                SpfResult = result.Spf?.Result ?? SpfResult.None,
                SpfDomain = result.Spf?.Domain,
                Dkim = result.DkimSignatures.Select(s => new DkimAuthInput(s.Domain, s.Result)).ToList(),
            };
            result.Request = request;
            if (fromHeaders != 1)
                findings.Add(FindingCatalog.DmarcFromHeaderCount.Create(spec,
                    $"The message has {fromHeaders} From header fields; DMARC needs exactly one, so the result is permerror."));

            DmarcPolicyCheck policy = null;
            if (request.FromDomains.Count == 1)
                policy = await _checker.CheckAsync(request.FromDomains[0], cancellationToken).ConfigureAwait(false);
            var evaluation = await new DmarcEvaluator(_checker).EvaluateAsync(request, cancellationToken, policy).ConfigureAwait(false);
            result.Evaluation = evaluation;
            result.Policy = policy ?? evaluation.Policy;
            // Per signature: did it pass for the very domain DMARC aligned with the From domain?
            foreach (var s in result.DkimSignatures)
                s.Aligned = s.Result == DkimAuthResult.Pass && evaluation.DkimAligned &&
                            string.Equals(DomainNames.NormalizeOrNull(s.Domain), evaluation.AlignedDkimDomain, StringComparison.OrdinalIgnoreCase);
            findings.AddRange(evaluation.Findings);
            foreach (var s in result.DkimSignatures.Where(s => s.Result != DkimAuthResult.Pass))
                findings.Add(FindingCatalog.DmarcDkimSignatureNotPassing.Create($"DKIM signature d={s.Domain} s={s.Selector}: {s.Result} ({s.Reason})."));
            if (result.DkimSignatures.Count == 0)
                findings.Add(FindingCatalog.DmarcMessageUnsigned.Create(spec, "The message has no DKIM-Signature; only SPF can make DMARC pass."));
            result.Findings = Finding.Deduplicate(findings, "the message");
            return result;
        }

        private async Task<SpfCheckResult> CheckSpfAsync(MimeMessage message, DmarcMessageContext context, DmarcMessageEvaluation result, List<Finding> findings, CancellationToken ct)
        {
            string sender = context.Sender ?? ReturnPath(message);
            string helo = string.IsNullOrWhiteSpace(context.HeloDomain) ? null : context.HeloDomain.Trim();
            if (string.IsNullOrEmpty(sender))
            {
                if (helo == null)
                {
                    findings.Add(FindingCatalog.DmarcNoSpfIdentity.Create(
                        "The message has no Return-Path (or a null sender) and no -HeloDomain was given: SPF was not checked."));
                    return null;
                }
                result.SpfIdentity = "Helo";
                result.SpfSender = "";
            }
            else
            {
                result.SpfIdentity = "MailFrom";
                result.SpfSender = sender;
            }
            return await _spf.CheckHostAsync(new SpfCheckRequest
            {
                IPAddress = context.ClientIPAddress,
                Sender = result.SpfSender,
                HeloDomain = helo,
            }, ct).ConfigureAwait(false);
        }

        // The address inside the (last-added, i.e. topmost) Return-Path header; "" for <>; null when there is none.
        private static string ReturnPath(MimeMessage message)
        {
            var header = message.Headers.FirstOrDefault(h => h.Id == HeaderId.ReturnPath);
            if (header == null) return null;
            string value = header.Value.Trim();
            if (value.StartsWith("<", StringComparison.Ordinal))
            {
                int end = value.IndexOf('>');
                value = end < 0 ? value.Substring(1) : value.Substring(1, end - 1);
            }
            return value.Trim();
        }
    }
}
