using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;

namespace SmtpTools.Core.Dns
{
    /// <summary>The record types the resolver asks for (RFC 1035 3.2.2, RFC 3596).</summary>
    internal enum DnsType : ushort
    {
        A = 1,
        Cname = 5,
        Soa = 6,
        Ptr = 12,
        Mx = 15,
        Txt = 16,
        Aaaa = 28,
        Opt = 41,
        Rrsig = 46,
        Tlsa = 52,
    }

    /// <summary>Header and EDNS(0) flags a query can carry beyond the defaults (RD, and AD as RFC 6840 5.7 asks of stubs).</summary>
    [Flags]
    internal enum DnsQueryFlags
    {
        None = 0,
        /// <summary>DO (RFC 3225): the resolver returns RRSIGs, and every validating resolver sets AD on validated answers.</summary>
        DnssecOk = 1,
        /// <summary>CD (RFC 4035 3.2.2): the resolver skips validation, so a bogus zone answers instead of SERVFAIL.</summary>
        CheckingDisabled = 2,
    }

    /// <summary>
    /// DNS messages on the wire (RFC 1035 4): the query we send and a strict reader for replies. The reader never
    /// throws and never trusts the packet: every offset is bounds-checked, compression pointers must point backwards
    /// and a name may not exceed 255 octets (so a pointer loop ends), and only records owned by the question's name
    /// (or the CNAME chain from it) are read.
    /// </summary>
    internal static class DnsWire
    {
        public const int HeaderLength = 12;
        /// <summary>EDNS(0) UDP payload we advertise: the DNS Flag Day 2020 size, which avoids IP fragmentation.</summary>
        public const int EdnsPayload = 1232;
        private const int MaxNameLength = 255;
        private const int MaxAnswerRecords = 1024;

        /// <summary>
        /// The question in wire form (labels, type, class IN) for an askable name, or null when the name cannot be
        /// asked (empty label, label over 63 or name over 253 octets, non-ASCII that is no valid IDN).
        /// </summary>
        public static byte[] EncodeQuestion(string name, DnsType type)
        {
            if (string.IsNullOrEmpty(name)) return null;
            for (int i = 0; i < name.Length; i++)
            {
                if (name[i] <= 0x7F) continue;
                try { name = new IdnMapping().GetAscii(name); }
                catch (ArgumentException) { return null; }
                break;
            }
            if (name.Length > 253) return null;
            var question = new byte[name.Length + 2 + 4];
            int p = 0, start = 0;
            for (int i = 0; i <= name.Length; i++)
            {
                if (i < name.Length && name[i] != '.') continue;
                int length = i - start;
                if (length == 0 || length > 63) return null;
                question[p++] = (byte)length;
                for (int c = start; c < i; c++) question[p++] = (byte)name[c];
                start = i + 1;
            }
            question[p++] = 0;
            question[p++] = (byte)((ushort)type >> 8);
            question[p++] = (byte)type;
            question[p++] = 0;
            question[p] = 1; // class IN
            return question;
        }

        /// <summary>
        /// Writes a query (header, question, and an EDNS(0) OPT record) into a new array. AD is always set: RFC 6840 5.7
        /// lets a stub ask for the AD bit that way, so every answer says whether a validating resolver validated it
        /// (authoritative servers ignore it), without the RRSIGs that DO would add to every reply.
        /// </summary>
        public static byte[] BuildQuery(ushort id, byte[] question, DnsQueryFlags flags = DnsQueryFlags.None)
        {
            var q = new byte[HeaderLength + question.Length + 11];
            q[0] = (byte)(id >> 8);
            q[1] = (byte)id;
            q[2] = 0x01; // RD: a stub asks its resolver to recurse
            q[3] = (byte)(AdBit | ((flags & DnsQueryFlags.CheckingDisabled) != 0 ? CdBit : 0));
            q[5] = 1;    // QDCOUNT
            q[11] = 1;   // ARCOUNT: the OPT record
            Buffer.BlockCopy(question, 0, q, HeaderLength, question.Length);
            int o = HeaderLength + question.Length;
            // root owner, TYPE 41, CLASS = payload size, TTL = 0 (extended RCODE, version, flags), RDLEN 0
            q[o + 1] = 0;
            q[o + 2] = 41;
            q[o + 3] = EdnsPayload >> 8;
            q[o + 4] = EdnsPayload & 0xFF;
            if ((flags & DnsQueryFlags.DnssecOk) != 0) q[o + 7] = 0x80; // DO, the top bit of the OPT TTL's flags (RFC 3225 3)
            return q;
        }

        /// <summary>AD and CD in the fourth header octet (RFC 4035 3.2, RFC 6840 5.7).</summary>
        private const byte AdBit = 0x20, CdBit = 0x10;

        /// <summary>The reply's AD bit: the resolver validated every record in it (RFC 4035 3.2.3).</summary>
        public static bool IsAuthenticated(byte[] reply) => (reply[3] & AdBit) != 0;

        public static void SetId(byte[] query, ushort id)
        {
            query[0] = (byte)(id >> 8);
            query[1] = (byte)id;
        }

        public static ushort IdOf(byte[] packet) => (ushort)(packet[0] << 8 | packet[1]);

        /// <summary>
        /// True when <paramref name="reply"/> answers <paramref name="question"/>: a response (QR=1) to a standard query,
        /// one question, the same name (case-insensitively), type and class. Anything else is not our answer, whatever its id.
        /// </summary>
        public static bool IsReplyTo(byte[] reply, int length, byte[] question)
        {
            if (length < HeaderLength + question.Length) return false;
            if ((reply[2] & 0x80) == 0 || (reply[2] & 0x78) != 0) return false; // QR, OPCODE 0
            if (reply[4] != 0 || reply[5] != 1) return false;                 // QDCOUNT 1
            int nameLength = question.Length - 4;
            for (int i = nameLength; i < question.Length; i++)
                if (reply[HeaderLength + i] != question[i]) return false; // type and class
            for (int i = 0; i < nameLength; i++)
            {
                byte a = reply[HeaderLength + i], b = question[i];
                if (a == b) continue;
                if (a >= 'A' && a <= 'Z') a = (byte)(a | 0x20);
                if (b >= 'A' && b <= 'Z') b = (byte)(b | 0x20);
                if (a != b) return false;
            }
            return true;
        }

        public static int Rcode(byte[] reply) => reply[3] & 0x0F;
        public static bool IsTruncated(byte[] reply) => (reply[2] & 0x02) != 0;

        /// <summary>Reads one record's data into a value; false when the data is malformed.</summary>
        public delegate bool RdataReader<T>(byte[] packet, int length, int offset, int rdLength, out T value);

        /// <summary>
        /// Reads the answer section of a reply already checked by <see cref="IsReplyTo"/>: the CNAME chain from the question's
        /// name (into <paramref name="aliases"/>) and the records of <paramref name="type"/> owned by the chain's last name.
        /// Records owned by any other name are ignored. Returns null on success, else why the reply is unusable.
        /// </summary>
        public static string ReadAnswers<T>(byte[] p, int length, int questionLength, DnsType type, RdataReader<T> read, List<T> records, List<string> aliases)
        {
            int answers = p[6] << 8 | p[7];
            if (answers > MaxAnswerRecords) return "too many answer records";
            int offset = HeaderLength + questionLength;
            var rrs = answers == 0 ? null : new Rr[answers];
            string broken = ReadRecords(p, length, ref offset, rrs);
            if (broken != null) return broken;

            // The chain: the question's name, then each CNAME owned by the current name.
            int current = HeaderLength;
            List<int> chain = null;
            for (int step = 0; step < answers; step++)
            {
                int next = -1;
                for (int i = 0; i < answers; i++)
                {
                    if (rrs[i].Type != (ushort)DnsType.Cname || rrs[i].Class != 1 || rrs[i].Used || !NamesEqual(p, length, rrs[i].Owner, current)) continue;
                    rrs[i].Used = true;
                    next = rrs[i].Data;
                    break;
                }
                if (next < 0) break;
                string alias = ReadName(p, length, next);
                if (alias == null) return NameError(p, length, next);
                if (chain == null) chain = new List<int> { HeaderLength };
                foreach (int seen in chain)
                    if (NamesEqual(p, length, seen, next))
                    {
                        aliases.Add(alias);
                        return "CNAME loop: " + ReadName(p, length, HeaderLength) + " -> " + string.Join(" -> ", aliases);
                    }
                chain.Add(next);
                aliases.Add(alias);
                current = next;
            }

            for (int i = 0; i < answers; i++)
            {
                if (rrs[i].Type != (ushort)type || rrs[i].Class != 1 || !NamesEqual(p, length, rrs[i].Owner, current)) continue;
                if (!read(p, length, rrs[i].Data, rrs[i].DataLength, out var value)) return "a malformed " + type.ToString().ToUpperInvariant() + " record";
                if (value != null) records.Add(value);
            }
            return null;
        }

        /// <summary>Reads the fixed part of <c>records.Length</c> records from <paramref name="offset"/> on; null, or why the reply is broken.</summary>
        private static string ReadRecords(byte[] p, int length, ref int offset, Rr[] records)
        {
            if (records == null) return null;
            for (int i = 0; i < records.Length; i++)
            {
                int owner = offset;
                if (!SkipName(p, length, ref offset)) return NameError(p, length, owner);
                if (offset + 10 > length) return "a record runs past the end of the reply";
                int rdLength = p[offset + 8] << 8 | p[offset + 9];
                records[i] = new Rr { Owner = owner, Type = (ushort)(p[offset] << 8 | p[offset + 1]), Class = (ushort)(p[offset + 2] << 8 | p[offset + 3]), Data = offset + 10, DataLength = rdLength };
                offset += 10 + rdLength;
                if (offset > length) return "a record runs past the end of the reply";
            }
            return null;
        }

        /// <summary>
        /// What a reply to a query with DO says about DNSSEC (<see cref="DnsSecurityFacts"/>): the RRSIGs in its answer
        /// and authority sections (a negative answer carries its proof there) with the earliest expiration and latest
        /// inception among them, and the zone, from the SOA in either section. Null on success, else why the reply is broken.
        /// </summary>
        public static string ReadSecurityFacts(byte[] p, int length, int questionLength, DateTime utcNow, out DnsSecurityFacts facts)
        {
            facts = null;
            int answers = p[6] << 8 | p[7], authority = p[8] << 8 | p[9];
            if (answers + authority > MaxAnswerRecords) return "too many records";
            int offset = HeaderLength + questionLength;
            var rrs = answers + authority == 0 ? null : new Rr[answers + authority];
            string broken = ReadRecords(p, length, ref offset, rrs);
            if (broken != null) return broken;
            string zone = null;
            int signatures = 0;
            DateTime? expires = null, incepted = null;
            for (int i = 0; i < (rrs?.Length ?? 0); i++)
            {
                var rr = rrs[i];
                if (rr.Class != 1) continue;
                if (rr.Type == (ushort)DnsType.Soa && zone == null) zone = ReadName(p, length, rr.Owner);
                if (rr.Type != (ushort)DnsType.Rrsig) continue;
                // RFC 4034 3.1: type covered (2), algorithm, labels, original TTL (4), expiration (4), inception (4), key tag, signer.
                if (rr.DataLength < 18) return "a malformed RRSIG record";
                signatures++;
                var expiration = SerialTime(ReadUInt32(p, rr.Data + 8), utcNow);
                var inception = SerialTime(ReadUInt32(p, rr.Data + 12), utcNow);
                if (expires == null || expiration < expires) expires = expiration;
                if (incepted == null || inception > incepted) incepted = inception;
            }
            facts = new DnsSecurityFacts(zone, signatures, expires, incepted);
            return null;
        }

        private static uint ReadUInt32(byte[] p, int o) => (uint)(p[o] << 24 | p[o + 1] << 16 | p[o + 2] << 8 | p[o + 3]);

        /// <summary>RRSIG times are seconds since 1970 in serial-number arithmetic (RFC 4034 3.1.5, RFC 1982): the value nearest to now.</summary>
        private static DateTime SerialTime(uint value, DateTime utcNow)
        {
            long nowSeconds = (long)Math.Floor((utcNow - UnixEpoch).TotalSeconds);
            return UnixEpoch.AddSeconds(nowSeconds + (int)(value - (uint)nowSeconds));
        }

        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private static string NameError(byte[] p, int length, int offset) =>
            IsPointerLoop(p, length, offset) ? "a compression pointer loop" : "a malformed name";

        private struct Rr
        {
            public int Owner;
            public ushort Type;
            public ushort Class;
            public int Data;
            public int DataLength;
            public bool Used;
        }

        /// <summary>Moves <paramref name="offset"/> past a name as it sits in the message; false when the name is malformed.</summary>
        private static bool SkipName(byte[] p, int length, ref int offset)
        {
            int end = -1, total = 0, o = offset;
            for (int hops = 0; hops < 128; hops++)
            {
                if (o >= length) return false;
                int b = p[o];
                if (b == 0)
                {
                    offset = end < 0 ? o + 1 : end;
                    return true;
                }
                if ((b & 0xC0) == 0xC0)
                {
                    if (o + 1 >= length) return false;
                    int target = (b & 0x3F) << 8 | p[o + 1];
                    if (target >= o) return false; // only backwards: this is what ends pointer loops
                    if (end < 0) end = o + 2;
                    o = target;
                    continue;
                }
                if ((b & 0xC0) != 0) return false; // 0x40/0x80: extended label types, not used in answers
                total += b + 1;
                if (total > MaxNameLength) return false;
                o += b + 1;
                hops--; // a label is not a pointer hop
            }
            return false;
        }

        private static bool IsPointerLoop(byte[] p, int length, int offset)
        {
            int o = offset;
            if (o + 1 >= length || (p[o] & 0xC0) != 0xC0) return false;
            int target = (p[o] & 0x3F) << 8 | p[o + 1];
            return target >= o;
        }

        /// <summary>The two names in the message are equal (ASCII case-insensitive), following compression pointers.</summary>
        private static bool NamesEqual(byte[] p, int length, int a, int b)
        {
            for (int guard = 0; guard < 256; guard++)
            {
                if (!Resolve(p, length, ref a) || !Resolve(p, length, ref b)) return false;
                int la = p[a], lb = p[b];
                if (la != lb) return false;
                if (la == 0) return true;
                if (a + 1 + la > length || b + 1 + lb > length) return false;
                for (int i = 1; i <= la; i++)
                {
                    byte x = p[a + i], y = p[b + i];
                    if (x == y) continue;
                    if (x >= 'A' && x <= 'Z') x = (byte)(x | 0x20);
                    if (y >= 'A' && y <= 'Z') y = (byte)(y | 0x20);
                    if (x != y) return false;
                }
                a += 1 + la;
                b += 1 + lb;
            }
            return false;
        }

        /// <summary>Follows pointers until <paramref name="o"/> is at a length byte.</summary>
        private static bool Resolve(byte[] p, int length, ref int o)
        {
            for (int hops = 0; hops < 128; hops++)
            {
                if (o >= length) return false;
                int b = p[o];
                if ((b & 0xC0) == 0) return true;
                if ((b & 0xC0) != 0xC0 || o + 1 >= length) return false;
                int target = (b & 0x3F) << 8 | p[o + 1];
                if (target >= o) return false;
                o = target;
            }
            return false;
        }

        /// <summary>
        /// The name at <paramref name="offset"/> in lower case without the trailing dot, or null when it is malformed or
        /// has a label that cannot be written as text we could ask again (a dot or a control character inside a label).
        /// </summary>
        public static string ReadName(byte[] p, int length, int offset)
        {
            var sb = new StringBuilder(64);
            int total = 0, o = offset;
            for (int hops = 0; hops < 256; hops++)
            {
                if (!Resolve(p, length, ref o)) return null;
                int len = p[o];
                if (len == 0) return sb.ToString();
                total += len + 1;
                if (total > MaxNameLength || o + 1 + len > length) return null;
                if (sb.Length > 0) sb.Append('.');
                for (int i = o + 1; i <= o + len; i++)
                {
                    byte c = p[i];
                    if (c <= 0x20 || c == '.' || c >= 0x7F) return null;
                    sb.Append(c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : (char)c);
                }
                o += len + 1;
            }
            return null;
        }

        public static bool ReadTxt(byte[] p, int length, int offset, int rdLength, out DnsTxtRecord value)
        {
            value = null;
            int end = offset + rdLength, o = offset, count = 0;
            while (o < end) { o += 1 + p[o]; count++; }
            if (o != end) return false;
            var strings = new string[count];
            o = offset;
            for (int i = 0; i < count; i++)
            {
                int len = p[o];
                strings[i] = Encoding.UTF8.GetString(p, o + 1, len);
                o += 1 + len;
            }
            value = new DnsTxtRecord(strings);
            return true;
        }

        public static bool ReadA(byte[] p, int length, int offset, int rdLength, out IPAddress value)
        {
            value = null;
            if (rdLength != 4) return false;
            value = new IPAddress((uint)(p[offset] | p[offset + 1] << 8 | p[offset + 2] << 16 | p[offset + 3] << 24));
            return true;
        }

        public static bool ReadAaaa(byte[] p, int length, int offset, int rdLength, out IPAddress value)
        {
            value = null;
            if (rdLength != 16) return false;
            var bytes = new byte[16];
            Buffer.BlockCopy(p, offset, bytes, 0, 16);
            value = new IPAddress(bytes);
            return true;
        }

        /// <summary>An MX whose exchange cannot be read as a host name is skipped (value null), not a broken reply.</summary>
        public static bool ReadMx(byte[] p, int length, int offset, int rdLength, out DnsMxRecord value)
        {
            value = null;
            if (rdLength < 3) return false;
            int preference = p[offset] << 8 | p[offset + 1];
            int o = offset + 2;
            if (!SkipName(p, offset + rdLength, ref o) || o != offset + rdLength) return false;
            string exchange = ReadName(p, length, offset + 2);
            if (exchange != null) value = new DnsMxRecord(preference, exchange);
            return true;
        }

        /// <summary>A TLSA record (RFC 6698 2.1): usage, selector, matching type and the association data as published.</summary>
        public static bool ReadTlsa(byte[] p, int length, int offset, int rdLength, out DnsTlsaRecord value)
        {
            value = null;
            if (rdLength < 3) return false;
            var data = new byte[rdLength - 3];
            Buffer.BlockCopy(p, offset + 3, data, 0, data.Length);
            value = new DnsTlsaRecord(p[offset], p[offset + 1], p[offset + 2], data);
            return true;
        }

        /// <summary>A PTR name that cannot be read as a host name is skipped (value null).</summary>
        public static bool ReadPtr(byte[] p, int length, int offset, int rdLength, out string value)
        {
            int o = offset;
            value = null;
            if (!SkipName(p, offset + rdLength, ref o) || o != offset + rdLength) return false;
            value = ReadName(p, length, offset);
            return true;
        }

        /// <summary>The reverse-lookup name of an address (RFC 1035 3.5, RFC 3596 2.5), without the trailing dot.</summary>
        public static string ReverseName(IPAddress address)
        {
            var bytes = address.GetAddressBytes();
            var sb = new StringBuilder(72);
            if (bytes.Length == 4)
            {
                for (int i = 3; i >= 0; i--) sb.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
                return sb.Append("in-addr.arpa").ToString();
            }
            const string hex = "0123456789abcdef";
            for (int i = bytes.Length - 1; i >= 0; i--)
                sb.Append(hex[bytes[i] & 0xF]).Append('.').Append(hex[bytes[i] >> 4]).Append('.');
            return sb.Append("ip6.arpa").ToString();
        }
    }
}
