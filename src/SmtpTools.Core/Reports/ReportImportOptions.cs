using System;
using SmtpTools.Core.Import;

namespace SmtpTools.Core.Reports
{
    /// <summary>The report kinds an import accepts.</summary>
    [Flags]
    public enum ReportKinds
    {
        None = 0,
        /// <summary>DMARC aggregate reports (RFC 7489 appendix C, RFC 9990).</summary>
        DmarcAggregate = 1,
        /// <summary>DMARC failure reports in ARF (RFC 6591).</summary>
        DmarcFailure = 2,
        /// <summary>SMTP TLS reports (RFC 8460).</summary>
        SmtpTls = 4,
        Dmarc = DmarcAggregate | DmarcFailure,
        All = DmarcAggregate | DmarcFailure | SmtpTls,
    }

    /// <summary>Settings of a <see cref="ReportImporter"/>.</summary>
    public sealed class ReportImportOptions
    {
        /// <summary>The default cap on decompressed bytes per input file: 100 MB.</summary>
        public const long DefaultMaxUncompressedSize = 100L * 1024 * 1024;

        /// <summary>
        /// How many bytes the gzip and zip layers of one file may expand to, in total. A plain file is not capped (it is
        /// streamed); a compressed one that expands further stops with <see cref="ErrorIds.InputTooLarge"/>.
        /// </summary>
        public long MaxUncompressedSize { get; set; } = DefaultMaxUncompressedSize;

        /// <summary>The kinds to import; a report of another kind is an <see cref="ErrorIds.UnexpectedReportKind"/> error.</summary>
        public ReportKinds Kinds { get; set; } = ReportKinds.All;

        /// <summary>Keep every row in <see cref="DmarcAggregateReport.Rows"/> (-AsReport). Off: rows are only streamed.</summary>
        public bool CollectRows { get; set; }

        /// <summary>Leave out reports already seen in this import (same reporter, policy domain and report id).</summary>
        public bool SkipDuplicates { get; set; }
    }
}
