using System;
using System.Collections.Generic;
using System.Linq;

namespace SmtpTools.Core.Dns
{
    /// <summary>What came back for one question. Never thrown: callers decide what a failure means.</summary>
    public enum DnsResponseStatus
    {
        /// <summary>NOERROR; Records may still be empty (NODATA).</summary>
        NoError,
        /// <summary>NXDOMAIN: the name does not exist.</summary>
        NonExistentDomain,
        /// <summary>The name cannot be asked about (empty label, label over 63 or name over 253 octets).</summary>
        InvalidName,
        /// <summary>SERVFAIL from the server.</summary>
        ServerFailure,
        /// <summary>REFUSED from the server.</summary>
        Refused,
        /// <summary>No answer within the timeout after all retries.</summary>
        Timeout,
        /// <summary>Any other transport or response error.</summary>
        OtherError,
    }

    /// <summary>One TXT resource record: the character-strings exactly as published, in order.</summary>
    public sealed class DnsTxtRecord
    {
        public DnsTxtRecord(IReadOnlyList<string> strings) { Strings = strings ?? throw new ArgumentNullException(nameof(strings)); }
        public DnsTxtRecord(params string[] strings) : this((IReadOnlyList<string>)strings) { }
        /// <summary>The character-strings of the record (each at most 255 octets on the wire).</summary>
        public IReadOnlyList<string> Strings { get; }
        private string _text;
        /// <summary>The strings joined without separators, as SPF (RFC 7208 3.3), DKIM and DMARC read them.</summary>
        public string Text => _text ?? (_text = Strings.Count == 1 ? Strings[0] : string.Concat(Strings));
        public override string ToString() => Text;
    }

    /// <summary>One MX resource record.</summary>
    public sealed class DnsMxRecord
    {
        public DnsMxRecord(int preference, string exchange) { Preference = preference; Exchange = exchange; }
        public int Preference { get; }
        /// <summary>The exchange host name, lower case, without the trailing dot.</summary>
        public string Exchange { get; }
        public override string ToString() => $"{Preference} {Exchange}";
    }

    /// <summary>The answer to one DNS question.</summary>
    public sealed class DnsAnswer<T>
    {
        public DnsAnswer(string name, DnsResponseStatus status, IReadOnlyList<T> records, string error = null, IReadOnlyList<string> aliases = null)
        {
            Name = name;
            Status = status;
            Records = records ?? Array.Empty<T>();
            Error = error;
            Aliases = aliases ?? Array.Empty<string>();
        }

        public string Name { get; }
        public DnsResponseStatus Status { get; }
        public IReadOnlyList<T> Records { get; }
        /// <summary>Human-readable reason for a failed query; null on success.</summary>
        public string Error { get; }
        /// <summary>CNAME targets followed to reach the answer, in order.</summary>
        public IReadOnlyList<string> Aliases { get; }

        /// <summary>The server answered authoritatively (records, NODATA or NXDOMAIN).</summary>
        public bool IsSuccess => Status == DnsResponseStatus.NoError || Status == DnsResponseStatus.NonExistentDomain || Status == DnsResponseStatus.InvalidName;
        /// <summary>SERVFAIL, REFUSED, timeout or transport error: the answer is unknown, try later.</summary>
        public bool IsTemporaryFailure => !IsSuccess;

        public static DnsAnswer<T> Failure(string name, DnsResponseStatus status, string error) => new DnsAnswer<T>(name, status, Array.Empty<T>(), error);

        public override string ToString() => $"{Name}: {Status} ({Records.Count} record(s)){(Error == null ? "" : " " + Error)}";

        internal DnsAnswer<T> WithRecords(IEnumerable<T> records) => new DnsAnswer<T>(Name, Status, records.ToList(), Error, Aliases);
    }
}
