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
        /// <summary>The exchange host name, lower case, without the trailing dot; empty for the root (a null MX).</summary>
        public string Exchange { get; }
        /// <summary>The exchange is the root: "0 ." is RFC 7505's null MX, "the domain accepts no mail".</summary>
        public bool IsNullMx => Exchange.Length == 0;
        public override string ToString() => $"{Preference} {(IsNullMx ? "." : Exchange)}";
    }

    /// <summary>One TLSA resource record (RFC 6698 2.1), as published.</summary>
    public sealed class DnsTlsaRecord
    {
        public DnsTlsaRecord(int usage, int selector, int matchingType, byte[] data)
        {
            Usage = usage;
            Selector = selector;
            MatchingType = matchingType;
            Data = data ?? throw new ArgumentNullException(nameof(data));
        }

        /// <summary>Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 7218 names).</summary>
        public int Usage { get; }
        /// <summary>0: the whole certificate, 1: its SubjectPublicKeyInfo.</summary>
        public int Selector { get; }
        /// <summary>0: the selected data itself, 1: its SHA-256, 2: its SHA-512.</summary>
        public int MatchingType { get; }
        /// <summary>The certificate association data.</summary>
        public byte[] Data { get; }
        /// <summary>The association data in lower-case hex, as zone files write it.</summary>
        public string DataHex
        {
            get
            {
                var sb = new System.Text.StringBuilder(Data.Length * 2);
                foreach (byte b in Data) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }
        public override string ToString() => $"{Usage} {Selector} {MatchingType} {DataHex}";
    }

    /// <summary>
    /// What one reply to a query with the DO bit shows of DNSSEC, beside its AD bit (<see cref="DnsAnswer{T}.Authenticated"/>):
    /// whether signatures came with it and when they expire. A reply without signatures is from an unsigned zone, or
    /// from a resolver that drops them.
    /// </summary>
    public sealed class DnsSecurityFacts
    {
        public DnsSecurityFacts(string zone, int signatureCount, DateTime? signaturesExpire, DateTime? signaturesIncepted)
        {
            Zone = zone;
            SignatureCount = signatureCount;
            SignaturesExpire = signaturesExpire;
            SignaturesIncepted = signaturesIncepted;
        }

        /// <summary>The zone the name is in (the owner of the SOA in the answer or authority section); null when none came.</summary>
        public string Zone { get; }
        /// <summary>RRSIG records in the answer and authority sections.</summary>
        public int SignatureCount { get; }
        /// <summary>The earliest expiration among those signatures (UTC), or null.</summary>
        public DateTime? SignaturesExpire { get; }
        /// <summary>The latest inception among those signatures (UTC), or null.</summary>
        public DateTime? SignaturesIncepted { get; }
        public override string ToString() => $"zone {Zone ?? "?"}, {SignatureCount} signature(s)";
    }

    /// <summary>The answer to one DNS question.</summary>
    public sealed class DnsAnswer<T>
    {
        public DnsAnswer(string name, DnsResponseStatus status, IReadOnlyList<T> records, string error = null, IReadOnlyList<string> aliases = null, bool authenticated = false)
        {
            Name = name;
            Status = status;
            Records = records ?? Array.Empty<T>();
            Error = error;
            Aliases = aliases ?? Array.Empty<string>();
            Authenticated = authenticated;
        }

        public string Name { get; }
        public DnsResponseStatus Status { get; }
        public IReadOnlyList<T> Records { get; }
        /// <summary>Human-readable reason for a failed query; null on success.</summary>
        public string Error { get; }
        /// <summary>CNAME targets followed to reach the answer, in order.</summary>
        public IReadOnlyList<string> Aliases { get; }
        /// <summary>
        /// The AD bit: a validating resolver validated the answer with DNSSEC, records or proof of their absence, along the
        /// whole CNAME chain (RFC 4035 3.2.3). Only as trustworthy as the path to that resolver; false from a resolver
        /// that does not validate, for unsigned zones, and for failures.
        /// </summary>
        public bool Authenticated { get; }

        /// <summary>The server answered authoritatively (records, NODATA or NXDOMAIN).</summary>
        public bool IsSuccess => Status == DnsResponseStatus.NoError || Status == DnsResponseStatus.NonExistentDomain || Status == DnsResponseStatus.InvalidName;
        /// <summary>SERVFAIL, REFUSED, timeout or transport error: the answer is unknown, try later.</summary>
        public bool IsTemporaryFailure => !IsSuccess;
        /// <summary>An authoritative answer with no records (NODATA or NXDOMAIN): a "void lookup" in RFC 7208 4.6.4 terms.</summary>
        public bool IsEmpty => IsSuccess && Records.Count == 0;

        public static DnsAnswer<T> Failure(string name, DnsResponseStatus status, string error) => new DnsAnswer<T>(name, status, Array.Empty<T>(), error);

        public override string ToString() => $"{Name}: {Status} ({Records.Count} record(s)){(Error == null ? "" : " " + Error)}";

        internal DnsAnswer<T> WithRecords(IEnumerable<T> records) => new DnsAnswer<T>(Name, Status, records.ToList(), Error, Aliases, Authenticated);
    }
}
