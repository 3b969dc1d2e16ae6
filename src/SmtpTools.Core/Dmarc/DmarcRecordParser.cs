using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>
    /// The DMARC tag-list grammar (RFC 7489 6.4, RFC 9989) with each specification's defaults. Strict where the
    /// RFCs let a receiver choose (a bad value in any known tag is a syntax error, as in mox, OpenDMARC and
    /// checkdmarc); RFC 7489 6.6.3's rescue rule (no valid p or a bad sp, but a valid rua: act as p=none) is applied.
    /// </summary>
    public static class DmarcRecordParser
    {
        // The version value is case-sensitive (%x44 %x4d %x41 %x52 %x43 %x31); the tag name is not.
        private static readonly Regex VersionPrefix = new Regex(@"^[ \t]*[vV][ \t]*=[ \t]*DMARC1(?=$|[ \t;])", RegexOptions.CultureInvariant);
        private static readonly Regex VersionTag = new Regex(@"^[ \t]*[vV][ \t]*=[ \t]*DMARC1[ \t]*$", RegexOptions.CultureInvariant);
        private static readonly Regex TagName = new Regex(@"^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
        private static readonly Regex UriSyntax = new Regex(@"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s,;!]+$", RegexOptions.CultureInvariant);
        private static readonly Regex SizeSyntax = new Regex(@"^([0-9]+)([kmgtKMGT])?$", RegexOptions.CultureInvariant);
        private static readonly Regex Keyword = new Regex(@"^[A-Za-z0-9\-]*[A-Za-z0-9]$", RegexOptions.CultureInvariant);
        private static readonly Regex Digits = new Regex(@"^[0-9]+$", RegexOptions.CultureInvariant);

        private static readonly HashSet<string> Rfc7489Tags = new HashSet<string>(StringComparer.Ordinal)
            { "v", "p", "sp", "np", "psd", "adkim", "aspf", "pct", "fo", "rf", "ri", "rua", "ruf" };
        private static readonly HashSet<string> Rfc9989Tags = new HashSet<string>(StringComparer.Ordinal)
            { "v", "p", "sp", "np", "psd", "t", "adkim", "aspf", "fo", "rua", "ruf" };
        private static readonly HashSet<string> Rfc9989RemovedTags = new HashSet<string>(StringComparer.Ordinal) { "pct", "rf", "ri" };

        /// <summary>True when the text begins with <c>v=DMARC1</c> (RFC 7489 6.6.3 step 2: other TXT records are discarded).</summary>
        public static bool IsDmarcRecord(string text) => text != null && VersionPrefix.IsMatch(text);

        /// <summary>Parses one record text. Never throws for bad input: problems are in Status, SyntaxErrors and Findings.</summary>
        public static DmarcRecord Parse(string text, DmarcSpecification specification)
        {
            text = text ?? "";
            var state = new ParseState(new DmarcRecord(text, specification));
            state.Run();
            return state.Record;
        }

        internal static string Ref(DmarcSpecification spec, string rfc7489Section, string rfc9989Section = null) =>
            spec == DmarcSpecification.Rfc7489 ? "RFC 7489 " + rfc7489Section : "RFC 9989" + (rfc9989Section == null ? "" : " " + rfc9989Section);

        private sealed class ParseState
        {
            public readonly DmarcRecord Record;
            private readonly DmarcSpecification _spec;
            private readonly List<DmarcSyntaxError> _errors = new List<DmarcSyntaxError>();
            private readonly List<Finding> _findings = new List<Finding>();
            private readonly List<DmarcTag> _tags = new List<DmarcTag>();
            private readonly List<string> _unknown = new List<string>();
            private DmarcDisposition? _p, _sp, _np;
            private bool _pInvalid, _spInvalid;
            private List<DmarcUri> _rua, _ruf;
            private bool Is7489 => _spec == DmarcSpecification.Rfc7489;

            public ParseState(DmarcRecord record)
            {
                Record = record;
                _spec = record.Specification;
            }

            public void Run()
            {
                string text = Record.Text;
                if (!IsDmarcRecord(text))
                {
                    Record.Status = DmarcRecordStatus.NotDmarc;
                    string message = text.Trim().Length == 0
                        ? "The record is empty."
                        : Regex.IsMatch(text, @"^[ \t]*v[ \t]*=[ \t]*dmarc1", RegexOptions.IgnoreCase)
                            ? "The version must be written v=DMARC1 in upper case; receivers ignore this record."
                            : "The record does not begin with v=DMARC1, so it is not a DMARC record.";
                    _errors.Add(new DmarcSyntaxError(1, message));
                    Finish();
                    return;
                }
                Record.Version = "DMARC1";

                var segments = Split(text);
                if (!VersionTag.IsMatch(segments[0].Text))
                    Error(segments[0].Text.IndexOf("DMARC1", StringComparison.Ordinal) + 7, "A ';' must follow v=DMARC1 before the next tag.");
                else if (Is7489 && segments.Count == 1)
                    Error(text.Length + 1, "A ';' must follow v=DMARC1 (RFC 7489 6.4 grammar).");

                for (int i = 1; i < segments.Count; i++)
                {
                    var (raw, start) = segments[i];
                    int lead = 0;
                    while (lead < raw.Length && (raw[lead] == ' ' || raw[lead] == '\t')) lead++;
                    int position = start + lead + 1;
                    if (lead == raw.Length)
                    {
                        if (i == segments.Count - 1) continue; // a trailing ';' is allowed
                        Error(position, "Empty tag between two ';'.");
                        continue;
                    }
                    int eq = raw.IndexOf('=');
                    if (eq < 0)
                    {
                        Error(position, $"'{raw.Trim()}' is not a tag=value pair.");
                        continue;
                    }
                    string name = raw.Substring(0, eq).Trim(' ', '\t');
                    string value = raw.Substring(eq + 1).Trim(' ', '\t');
                    if (!TagName.IsMatch(name))
                    {
                        Error(position, $"'{name}' is not a valid tag name.");
                        continue;
                    }
                    name = name.ToLowerInvariant();
                    if (_tags.Any(t => t.Name == name))
                    {
                        Error(position, $"The tag {name} appears more than once.");
                        continue;
                    }
                    var tag = new DmarcTag(name, value, position);
                    _tags.Add(tag);
                    if (name == "v")
                    {
                        Error(position, "v may appear only once, first.");
                        continue;
                    }
                    if (name == "p" && _tags.Count != 1)
                    {
                        if (Is7489) Error(position, "p must be the first tag after v (RFC 7489 6.3).");
                        else _findings.Add(FindingCatalog.DmarcPolicyNotSecond.Create(
                            $"p at position {position} is not the first tag after v: allowed by RFC 9989, but receivers that follow RFC 7489 reject the record."));
                    }
                    Tag(tag);
                }
                Finish();
            }

            private void Tag(DmarcTag tag)
            {
                string v = tag.Value;
                var known = Is7489 ? Rfc7489Tags : Rfc9989Tags;
                if (!Is7489 && Rfc9989RemovedTags.Contains(tag.Name))
                {
                    _findings.Add(FindingCatalog.DmarcRemovedTag.Create(
                        $"{tag.Name}={v} is ignored: RFC 9989 removed the {tag.Name} tag."));
                    return;
                }
                if (!known.Contains(tag.Name))
                {
                    _unknown.Add(tag.Name);
                    _findings.Add(FindingCatalog.DmarcUnknownTag.Create(_spec,
                        $"Unknown tag '{tag.Name}' at position {tag.Position} is ignored."));
                    return;
                }
                switch (tag.Name)
                {
                    case "p":
                        if (TryDisposition(v, out var p)) _p = p;
                        else if (Is7489)
                        {
                            _pInvalid = true;
                            _findings.Add(FindingCatalog.DmarcInvalidPolicy.Create($"p={v} at position {tag.Position} is not none, quarantine or reject."));
                        }
                        else BadValue(tag, "none, quarantine or reject");
                        break;
                    case "sp":
                        if (TryDisposition(v, out var sp)) _sp = sp;
                        else if (Is7489)
                        {
                            _spInvalid = true;
                            _findings.Add(FindingCatalog.DmarcInvalidPolicy.Create($"sp={v} at position {tag.Position} is not none, quarantine or reject."));
                        }
                        else BadValue(tag, "none, quarantine or reject");
                        break;
                    case "np":
                        if (TryDisposition(v, out var np)) _np = np;
                        else BadValue(tag, "none, quarantine or reject");
                        break;
                    case "adkim":
                    case "aspf":
                        var lower = v.ToLowerInvariant();
                        if (lower == "r" || lower == "s")
                        {
                            var mode = lower == "s" ? DmarcAlignmentMode.Strict : DmarcAlignmentMode.Relaxed;
                            if (tag.Name == "adkim") Record.DkimAlignment = mode; else Record.SpfAlignment = mode;
                        }
                        else BadValue(tag, "r or s");
                        break;
                    case "pct":
                        if (Digits.IsMatch(v) && v.Length <= 3 && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int pct) && pct <= 100)
                            Record.Percentage = pct;
                        else BadValue(tag, "a whole number from 0 to 100");
                        break;
                    case "ri":
                        if (Digits.IsMatch(v) && uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out uint ri))
                            Record.ReportInterval = ri;
                        else BadValue(tag, "a number of seconds (32-bit unsigned)");
                        break;
                    case "fo":
                        var fo = v.Split(':').Select(x => x.Trim(' ', '\t').ToLowerInvariant()).ToList();
                        if (fo.All(x => x == "0" || x == "1" || x == "d" || x == "s")) Record.FailureOptions = fo;
                        else BadValue(tag, "a ':'-separated list of 0, 1, d and s");
                        break;
                    case "rf":
                        var rf = v.Split(':').Select(x => x.Trim(' ', '\t').ToLowerInvariant()).ToList();
                        if (!rf.All(x => Keyword.IsMatch(x))) BadValue(tag, "a ':'-separated list of report format keywords");
                        else if (!rf.Contains("afrf")) Error(tag.Position, $"rf={v} names no registered report format (afrf is the only one).");
                        else
                        {
                            Record.ReportFormats = rf;
                            foreach (var other in rf.Where(x => x != "afrf"))
                                _findings.Add(FindingCatalog.DmarcUnregisteredReportFormat.Create($"Report format '{other}' is not registered and is ignored."));
                        }
                        break;
                    case "rua":
                    case "ruf":
                        var list = Uris(tag);
                        if (tag.Name == "rua") _rua = list; else _ruf = list;
                        break;
                    case "psd":
                        var psd = v.ToLowerInvariant();
                        if (psd == "y" || psd == "n" || psd == "u") Record.PublicSuffixDomain = psd;
                        else BadValue(tag, "y, n or u");
                        break;
                    case "t":
                        var t = v.ToLowerInvariant();
                        if (t == "y" || t == "n") Record.Testing = t == "y";
                        else BadValue(tag, "y or n");
                        break;
                }
            }

            private List<DmarcUri> Uris(DmarcTag tag)
            {
                var result = new List<DmarcUri>();
                if (tag.Value.Length == 0)
                {
                    BadValue(tag, "one or more URIs");
                    return null;
                }
                foreach (var part in tag.Value.Split(','))
                {
                    string item = part.Trim(' ', '\t');
                    string uri = item;
                    ulong? size = null;
                    string unit = null;
                    int bang = item.IndexOf('!');
                    if (bang >= 0)
                    {
                        uri = item.Substring(0, bang);
                        var m = SizeSyntax.Match(item.Substring(bang + 1));
                        if (!m.Success)
                        {
                            Error(tag.Position, $"{tag.Name}: '{item}' has a bad size limit (digits, then k, m, g or t).");
                            return null;
                        }
                        if (!ulong.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                        {
                            Error(tag.Position, $"{tag.Name}: the size limit of '{item}' is too large.");
                            return null;
                        }
                        size = n;
                        unit = m.Groups[2].Success ? m.Groups[2].Value.ToLowerInvariant() : null;
                    }
                    if (!UriSyntax.IsMatch(uri))
                    {
                        Error(tag.Position, $"{tag.Name}: '{item}' is not a URI.");
                        return null;
                    }
                    var entry = new DmarcUri(uri, size, unit);
                    if (size != null && !Is7489)
                        _findings.Add(FindingCatalog.DmarcReportSizeLimitIgnored.Create(
                            $"{tag.Name} destination {item}: RFC 9989 dropped the !size limit; reporters ignore it (RFC 7489 reporters still honour it)."));
                    if (entry.MailtoAddress == null)
                        _findings.Add(FindingCatalog.DmarcNonMailtoReportUri.Create(_spec, $"{tag.Name} destination {uri} is not a mailto: URI; receivers are only required to support mailto."));
                    else if (entry.MailtoDomain == null)
                        _findings.Add(FindingCatalog.DmarcReportAddressWithoutDomain.Create(_spec, $"{tag.Name} destination {uri} has no valid mailbox domain; reports cannot be delivered there."));
                    result.Add(entry);
                }
                return result;
            }

            private void Finish()
            {
                var record = Record;
                record.Tags = _tags;
                record.UnknownTags = _unknown;
                record.AggregateReportUris = (IReadOnlyList<DmarcUri>)_rua ?? Array.Empty<DmarcUri>();
                record.ForensicReportUris = (IReadOnlyList<DmarcUri>)_ruf ?? Array.Empty<DmarcUri>();
                record.HasExplicitPolicy = _p.HasValue;
                record.HasExplicitSubdomainPolicy = _sp.HasValue;
                record.HasExplicitNonexistentSubdomainPolicy = _np.HasValue;
                var p = _p ?? DmarcDisposition.None;
                var sp = _sp ?? p;

                if (record.Status != DmarcRecordStatus.NotDmarc)
                {
                    if (_errors.Count > 0) record.Status = DmarcRecordStatus.SyntaxError;
                    else if (Is7489 && (!_p.HasValue || _spInvalid))
                    {
                        if (record.AggregateReportUris.Count > 0)
                        {
                            // RFC 7489 6.6.3 step 5.1: act as if the record said p=none (sp then follows p).
                            p = DmarcDisposition.None;
                            sp = DmarcDisposition.None;
                            record.Status = DmarcRecordStatus.Valid;
                            _findings.Add(FindingCatalog.DmarcPolicyFromReportUri.Create(
                                (_pInvalid || _spInvalid ? "The record has an invalid p or sp" : "The record has no p tag") +
                                " but a valid rua: receivers act as if it said p=none."));
                        }
                        else
                        {
                            record.Status = DmarcRecordStatus.NoUsablePolicy;
                            _findings.Add(FindingCatalog.DmarcNoUsablePolicy.Create(
                                (_pInvalid || _spInvalid ? "The record has an invalid p or sp" : "The record has no p tag") +
                                " and no valid rua: receivers apply no DMARC processing."));
                        }
                    }
                    else
                    {
                        record.Status = DmarcRecordStatus.Valid;
                        if (!_p.HasValue)
                            _findings.Add(FindingCatalog.DmarcMissingPolicy.Create("The record has no p tag; it is treated as p=none."));
                    }
                }

                record.Policy = p;
                record.SubdomainPolicy = sp;
                record.NonexistentSubdomainPolicy = _np ?? sp;
                if (!Is7489) record.Percentage = 100;

                var findings = new List<Finding>();
                foreach (var e in _errors)
                    findings.Add((record.Status == DmarcRecordStatus.NotDmarc ? FindingCatalog.DmarcNotDmarcRecord : FindingCatalog.DmarcSyntaxError).Create(_spec,
                        $"Syntax error at position {e.Position}: {e.Message}"));
                findings.AddRange(_findings);
                if (record.Status == DmarcRecordStatus.Valid) PolicyFindings(record, findings);
                record.SyntaxErrors = _errors;
                record.Findings = Finding.Deduplicate(findings, "this record");
            }

            private void PolicyFindings(DmarcRecord r, List<Finding> findings)
            {
                if (r.Policy == DmarcDisposition.None)
                    findings.Add(FindingCatalog.DmarcPolicyNone.Create(_spec, "p=none: monitoring only, failing messages are still delivered."));
                if (r.HasExplicitSubdomainPolicy && r.SubdomainPolicy < r.Policy)
                    findings.Add(FindingCatalog.DmarcSubdomainPolicyWeaker.Create(_spec, $"sp={Word(r.SubdomainPolicy)} is weaker than p={Word(r.Policy)}: subdomains are less protected."));
                if (r.HasExplicitNonexistentSubdomainPolicy && r.NonexistentSubdomainPolicy < r.SubdomainPolicy)
                    findings.Add(FindingCatalog.DmarcNonexistentPolicyWeaker.Create(_spec, $"np={Word(r.NonexistentSubdomainPolicy)} is weaker than the policy for existing subdomains ({Word(r.SubdomainPolicy)})."));
                if (Is7489 && r.Percentage < 100)
                    findings.Add(FindingCatalog.DmarcPercentageBelow100.Create($"pct={r.Percentage}: the policy is applied to only {r.Percentage}% of failing messages."));
                if (r.Testing)
                    findings.Add(FindingCatalog.DmarcTestMode.Create("t=y: test mode, receivers apply a policy one level weaker than the one published."));
                if (r.AggregateReportUris.Count == 0)
                    findings.Add(FindingCatalog.DmarcNoAggregateReports.Create(_spec, "No rua tag: the domain receives no aggregate reports and cannot see who sends as it."));
                bool fo = _tags.Any(t => t.Name == "fo");
                if (fo && r.ForensicReportUris.Count == 0)
                    findings.Add(FindingCatalog.DmarcFailureOptionsWithoutRuf.Create(_spec, "fo is set but there is no ruf destination, so it has no effect."));
            }

            private void BadValue(DmarcTag tag, string expected) =>
                Error(tag.Position, $"{tag.Name}={tag.Value} is not valid; expected {expected}.");

            private void Error(int position, string message) => _errors.Add(new DmarcSyntaxError(position, message));
        }

        internal static string Word(DmarcDisposition d) => d.ToString().ToLowerInvariant();

        private static bool TryDisposition(string value, out DmarcDisposition disposition)
        {
            switch (value.ToLowerInvariant())
            {
                case "none": disposition = DmarcDisposition.None; return true;
                case "quarantine": disposition = DmarcDisposition.Quarantine; return true;
                case "reject": disposition = DmarcDisposition.Reject; return true;
                default: disposition = DmarcDisposition.None; return false;
            }
        }

        // Segments between ';' with their 0-based start offsets.
        private static List<(string Text, int Start)> Split(string text)
        {
            var result = new List<(string, int)>();
            int start = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || text[i] == ';')
                {
                    result.Add((text.Substring(start, i - start), start));
                    start = i + 1;
                }
            }
            return result;
        }
    }
}
