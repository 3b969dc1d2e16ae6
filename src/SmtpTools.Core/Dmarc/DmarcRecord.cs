using System;
using System.Collections.Generic;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Dmarc
{
    /// <summary>What a TXT text amounts to as a DMARC policy record.</summary>
    public enum DmarcRecordStatus
    {
        /// <summary>A usable policy record (possibly acting as p=none per RFC 7489 6.6.3).</summary>
        Valid,
        /// <summary>The text does not begin with v=DMARC1: not a DMARC record at all.</summary>
        NotDmarc,
        /// <summary>A DMARC record that breaks the grammar: a permanent error.</summary>
        SyntaxError,
        /// <summary>RFC 7489 6.6.3: no valid p (or an invalid sp) and no valid rua — no DMARC processing.</summary>
        NoUsablePolicy,
    }

    /// <summary>One tag as written in the record.</summary>
    public sealed class DmarcTag
    {
        public DmarcTag(string name, string value, int position) { Name = name; Value = value; Position = position; }
        /// <summary>Lower-case tag name.</summary>
        public string Name { get; }
        public string Value { get; }
        /// <summary>1-based character position of the tag name in the record text.</summary>
        public int Position { get; }
        public override string ToString() => Name + "=" + Value;
    }

    /// <summary>One rua/ruf destination.</summary>
    public sealed class DmarcUri
    {
        public DmarcUri(string uri, ulong? maxSize, string sizeUnit)
        {
            Uri = uri;
            MaxSize = maxSize;
            SizeUnit = sizeUnit;
            if (uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                string address = System.Uri.UnescapeDataString(uri.Substring(7));
                int q = address.IndexOf('?');
                if (q >= 0) address = address.Substring(0, q);
                MailtoAddress = address;
                int at = address.LastIndexOf('@');
                if (at > 0 && at < address.Length - 1) MailtoDomain = DomainNames.NormalizeOrNull(address.Substring(at + 1));
            }
        }

        /// <summary>The URI without the !size suffix.</summary>
        public string Uri { get; }
        /// <summary>The number before the unit in <c>!10m</c>; null when no limit is given.</summary>
        public ulong? MaxSize { get; }
        /// <summary>k, m, g or t (lower case); null for bytes or no limit.</summary>
        public string SizeUnit { get; }
        /// <summary>The mailbox of a mailto: URI; null for other schemes.</summary>
        public string MailtoAddress { get; }
        /// <summary>The domain of a mailto: mailbox (lower-case A-labels); null when there is none or it is not a domain name.</summary>
        public string MailtoDomain { get; }
        /// <summary>
        /// External destinations only (RFC 7489 7.1): true when the destination published the
        /// <c>&lt;policy-domain&gt;._report._dmarc.&lt;destination&gt;</c> authorization record, false when it did not,
        /// null when no check was needed (same organizational domain, not mailto, or not checked).
        /// </summary>
        public bool? IsAuthorized { get; internal set; }
        /// <summary>True when the destination is outside the policy domain's organizational domain.</summary>
        public bool IsExternal { get; internal set; }

        /// <summary>The size limit as written, e.g. "10m"; null without one.</summary>
        public string MaxSizeText => MaxSize == null ? null : MaxSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + (SizeUnit ?? "");

        public override string ToString() => MaxSize == null ? Uri : Uri + "!" + MaxSizeText;
    }

    /// <summary>
    /// A parsed DMARC policy record with the specification's defaults applied. Built by
    /// <see cref="DmarcRecordParser.Parse"/>; <see cref="Status"/> says whether it is usable.
    /// </summary>
    public sealed class DmarcRecord
    {
        internal DmarcRecord(string text, DmarcSpecification specification)
        {
            Text = text;
            Specification = specification;
        }

        /// <summary>The record text (TXT strings joined).</summary>
        public string Text { get; }
        public DmarcSpecification Specification { get; }
        public DmarcRecordStatus Status { get; internal set; }
        /// <summary>A usable policy record.</summary>
        public bool IsValid => Status == DmarcRecordStatus.Valid;

        /// <summary>"DMARC1" when the text begins with v=DMARC1.</summary>
        public string Version { get; internal set; }
        /// <summary>The effective p (None when absent under RFC 9989, or when RFC 7489 6.6.3 turns it into p=none).</summary>
        public DmarcDisposition Policy { get; internal set; }
        /// <summary>The record states a valid p itself.</summary>
        public bool HasExplicitPolicy { get; internal set; }
        /// <summary>The effective sp (defaults to p).</summary>
        public DmarcDisposition SubdomainPolicy { get; internal set; }
        public bool HasExplicitSubdomainPolicy { get; internal set; }
        /// <summary>The effective np (defaults to sp, which defaults to p).</summary>
        public DmarcDisposition NonexistentSubdomainPolicy { get; internal set; }
        public bool HasExplicitNonexistentSubdomainPolicy { get; internal set; }
        public DmarcAlignmentMode DkimAlignment { get; internal set; } = DmarcAlignmentMode.Relaxed;
        public DmarcAlignmentMode SpfAlignment { get; internal set; } = DmarcAlignmentMode.Relaxed;
        /// <summary>pct (RFC 7489, default 100). Always 100 under RFC 9989, which removed pct.</summary>
        public int Percentage { get; internal set; } = 100;
        /// <summary>ri in seconds (RFC 7489, default 86400). RFC 9989 removed ri; the value is then the default.</summary>
        public long ReportInterval { get; internal set; } = 86400;
        /// <summary>fo values (default "0").</summary>
        public IReadOnlyList<string> FailureOptions { get; internal set; } = new[] { "0" };
        /// <summary>rf values (default "afrf").</summary>
        public IReadOnlyList<string> ReportFormats { get; internal set; } = new[] { "afrf" };
        /// <summary>psd: "y", "n" or "u" (default "u").</summary>
        public string PublicSuffixDomain { get; internal set; } = "u";
        /// <summary>t=y (RFC 9989 test mode).</summary>
        public bool Testing { get; internal set; }
        public IReadOnlyList<DmarcUri> AggregateReportUris { get; internal set; } = Array.Empty<DmarcUri>();
        public IReadOnlyList<DmarcUri> ForensicReportUris { get; internal set; } = Array.Empty<DmarcUri>();
        /// <summary>Every tag as written, in order.</summary>
        public IReadOnlyList<DmarcTag> Tags { get; internal set; } = Array.Empty<DmarcTag>();
        /// <summary>Names of tags the specification does not define (ignored).</summary>
        public IReadOnlyList<string> UnknownTags { get; internal set; } = Array.Empty<string>();
        /// <summary>Grammar errors with their 1-based positions.</summary>
        public IReadOnlyList<DmarcSyntaxError> SyntaxErrors { get; internal set; } = Array.Empty<DmarcSyntaxError>();
        /// <summary>Observations about the record itself (not about DNS).</summary>
        public IReadOnlyList<Finding> Findings { get; internal set; } = Array.Empty<Finding>();

        public override string ToString() => Text;
    }

    /// <summary>One grammar error in a record.</summary>
    public sealed class DmarcSyntaxError
    {
        public DmarcSyntaxError(int position, string message) { Position = position; Message = message; }
        /// <summary>1-based character position in the record text.</summary>
        public int Position { get; }
        public string Message { get; }
        public override string ToString() => $"position {Position}: {Message}";
    }
}
