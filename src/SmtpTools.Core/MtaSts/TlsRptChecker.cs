using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.MtaSts
{
    /// <summary>
    /// Looks up and checks the SMTP TLS reporting record of a domain (RFC 8460 3): TXT at _smtp._tls.&lt;domain&gt;,
    /// exactly one v=TLSRPTv1 record, rua= destinations that senders can use. DNS only; thread-safe.
    /// </summary>
    public sealed class TlsRptChecker
    {
        private readonly IDnsResolver _resolver;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public TlsRptChecker(IDnsResolver resolver)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        }

        /// <summary>The record of <paramref name="domain"/>. A DNS failure is TempError, never NotFound.</summary>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName: <paramref name="domain"/> is not a domain name.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<TlsRptRecord> CheckAsync(string domain, CancellationToken cancellationToken)
        {
            string name = DomainNames.Normalize(domain);
            string owner = "_smtp._tls." + name;
            var result = new TlsRptRecord { Domain = name };
            var findings = new List<Finding>();
            var answer = await _resolver.GetTxtAsync(owner, cancellationToken).ConfigureAwait(false);
            if (answer.IsTemporaryFailure)
            {
                result.Status = TlsRptStatus.TempError;
                findings.Add(FindingCatalog.TlsRptDnsTempError.Create($"The TXT query for {owner} failed ({answer.Status}{(answer.Error == null ? "" : ": " + answer.Error)}); whether the domain asks for TLS reports is unknown until DNS answers."));
                return Finish(result, findings);
            }
            var texts = answer.Records.Select(r => r.Text).ToList();
            var records = texts.Where(TlsRptRecordParser.IsTlsRptRecord).ToList();
            foreach (var lookAlike in texts.Where(TlsRptRecordParser.LooksLikeTlsRptRecord))
                findings.Add(FindingCatalog.TlsRptRecordIgnored.Create($"{owner} has \"{TagRecord.Cut(lookAlike)}\", which does not begin with \"{TlsRptRecordParser.Version};\" exactly; senders ignore it."));
            if (records.Count == 0)
            {
                result.Status = TlsRptStatus.NotFound;
                findings.Add(FindingCatalog.TlsRptNoRecord.Create($"No TLS reporting record at {owner}: senders do not report TLS failures (MTA-STS, DANE) to the domain."));
                return Finish(result, findings);
            }
            result.Record = records[0];
            if (records.Count > 1)
            {
                result.Status = TlsRptStatus.InvalidRecord;
                findings.Add(FindingCatalog.TlsRptMultipleRecords.Create($"{owner} has {records.Count} v=TLSRPTv1 records; senders then send no reports at all: \"{string.Join("\" | \"", records.Select(TagRecord.Cut))}\"."));
                return Finish(result, findings);
            }
            var parse = TlsRptRecordParser.Parse(records[0]);
            findings.AddRange(parse.Findings);
            result.ReportUris = parse.ReportUris.ToArray();
            result.MailtoAddresses = parse.MailtoAddresses.ToArray();
            result.HttpsUris = parse.HttpsUris.ToArray();
            result.Status = parse.IsValid ? TlsRptStatus.Valid : TlsRptStatus.InvalidRecord;
            return Finish(result, findings);
        }

        private static TlsRptRecord Finish(TlsRptRecord result, List<Finding> findings)
        {
            result.Findings = Finding.Deduplicate(findings, result.Domain).ToArray();
            return result;
        }
    }
}
