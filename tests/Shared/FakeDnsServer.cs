using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Tests.Shared
{
    /// <summary>What <see cref="FakeDnsServer"/> does with one UDP question.</summary>
    public enum DnsFault
    {
        /// <summary>The honest answer from the zone.</summary>
        Answer,
        /// <summary>No reply at all.</summary>
        Silence,
        /// <summary>RCODE 2.</summary>
        ServFail,
        /// <summary>RCODE 5.</summary>
        Refused,
        /// <summary>The question's id followed by random bytes.</summary>
        Garbage,
        /// <summary>The right id and question, then an answer whose owner name is a compression pointer to itself.</summary>
        PointerLoop,
        /// <summary>A well-formed spoofed answer (<see cref="FakeDnsServer.SpoofTxt"/>) with another transaction id, then silence.</summary>
        WrongId,
        /// <summary>The spoofed answer with another transaction id, then the honest answer.</summary>
        WrongIdThenAnswer,
        /// <summary>The right id, but the question and answer are for <see cref="FakeDnsServer.SpoofName"/>; then silence.</summary>
        WrongQuestion,
        /// <summary>The right id with another question (spoofed answer), then the honest answer.</summary>
        WrongQuestionThenAnswer,
        /// <summary>The right id and question; the answer section holds a spoofed record owned by another name before the honest records.</summary>
        ForeignRecord,
        /// <summary>TC=1 and no records: the client must ask again over TCP (which always answers honestly).</summary>
        Truncate,
        /// <summary>Only the name's own CNAME record (NOERROR), as a resolver that leaves the chase to the client; AD as for the name's zone.</summary>
        CnameOnly,
    }

    /// <summary>
    /// A small fault-injecting DNS server on 127.0.0.1 (UDP and TCP on one port) for resolver tests: an in-memory zone
    /// (TXT, A, AAAA, MX, CNAME; NXDOMAIN for unknown names, NODATA for known ones, CNAME chains as an authoritative
    /// server gives them, loops included) and a <see cref="Script"/> that picks a <see cref="DnsFault"/> per question.
    /// Its wire encoder is its own, so the tests never use the code under test to build what they feed it.
    /// </summary>
    public sealed class FakeDnsServer : IDisposable
    {
        private readonly Socket _udp;
        private readonly TcpListener _tcp;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Dictionary<string, List<(ushort Type, byte[] Data)>> _zone = new Dictionary<string, List<(ushort, byte[])>>(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, int> _asked = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        private readonly Random _random = new Random(7208);

        public const ushort A = 1, Cname = 5, Soa = 6, Ptr = 12, Mx = 15, Txt = 16, Aaaa = 28, Rrsig = 46, Tlsa = 52;

        public FakeDnsServer()
        {
            // The system picks the UDP port and TCP must take the same number, which another process on this shared
            // machine may hold already: then try again with another UDP port.
            for (int attempt = 1; ; attempt++)
            {
                var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var tcp = new TcpListener(IPAddress.Loopback, ((IPEndPoint)udp.LocalEndPoint).Port);
                try
                {
                    tcp.Start();
                    _udp = udp;
                    _tcp = tcp;
                    break;
                }
                catch (SocketException) when (attempt < 20)
                {
                    udp.Dispose();
                }
            }
            _ = UdpLoop();
            _ = TcpLoop();
        }

        public int Port => ((IPEndPoint)_udp.LocalEndPoint).Port;
        /// <summary>host:port for -Server.</summary>
        public string Endpoint => "127.0.0.1:" + Port;

        /// <summary>(name, type as "TXT"/"A"/…, how often this question was asked before) → what to do. Default: answer.</summary>
        public Func<string, string, int, DnsFault> Script { get; set; } = (name, type, before) => DnsFault.Answer;

        /// <summary>The owner of spoofed answers.</summary>
        public string SpoofName { get; set; } = "spoof.fake.test";
        /// <summary>The text of spoofed TXT answers: a policy that would let anyone pass.</summary>
        public string SpoofTxt { get; set; } = "v=spf1 +all";

        /// <summary>Answer NXDOMAIN for a name that only has names below it (an empty non-terminal), as some broken servers do.</summary>
        public bool EmptyNonTerminalsAsNxdomain { get; set; }

        /// <summary>Questions received (UDP and TCP), as "TYPE name".</summary>
        public ConcurrentQueue<string> Log { get; } = new ConcurrentQueue<string>();

        /// <summary>Questions received with the DNSSEC bits they carried: "TYPE name" and AD, CD (header), DO (EDNS).</summary>
        public ConcurrentQueue<(string Question, bool Ad, bool Cd, bool Do)> FlagLog { get; } = new ConcurrentQueue<(string, bool, bool, bool)>();

        private readonly Dictionary<string, (bool Secure, bool Bogus, DateTime Expires, bool Signatures)> _signed = new Dictionary<string, (bool, bool, DateTime, bool)>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Answers for names at or below <paramref name="zone"/> as a validating resolver would: with DO, an RRSIG (expiring
        /// at <paramref name="expires"/>) after every record; AD when <paramref name="secure"/> and the query asked for it
        /// (AD or DO, RFC 6840 5.7); SERVFAIL when <paramref name="bogus"/>, unless the query set CD. The signatures are
        /// valid from 14 days before they expire; <paramref name="signatures"/> false leaves them out (a DS for an unsigned zone).
        /// </summary>
        public FakeDnsServer Sign(string zone, bool secure = true, bool bogus = false, DateTime? expires = null, bool signatures = true)
        {
            lock (_zone) _signed[zone.TrimEnd('.')] = (secure, bogus, expires ?? DateTime.UtcNow.AddDays(7), signatures);
            return this;
        }

        public int Count(string type, string name) => Log.Count(q => q.Equals(type + " " + name, StringComparison.OrdinalIgnoreCase));

        public FakeDnsServer AddTxt(string name, params string[] strings)
        {
            var data = new MemoryStream();
            foreach (var s in strings)
            {
                var bytes = Encoding.UTF8.GetBytes(s);
                data.WriteByte((byte)bytes.Length);
                data.Write(bytes, 0, bytes.Length);
            }
            return Add(name, Txt, data.ToArray());
        }

        public FakeDnsServer AddA(string name, string address) => Add(name, A, IPAddress.Parse(address).GetAddressBytes());
        public FakeDnsServer AddAaaa(string name, string address) => Add(name, Aaaa, IPAddress.Parse(address).GetAddressBytes());
        public FakeDnsServer AddCname(string name, string target) => Add(name, Cname, EncodeName(target));
        public FakeDnsServer AddPtr(string name, string target) => Add(name, Ptr, EncodeName(target));

        /// <summary>A zone apex: its SOA, which NODATA and NXDOMAIN answers for names below it carry in the authority section.</summary>
        public FakeDnsServer AddSoa(string zone)
        {
            var data = new List<byte>(EncodeName("ns." + zone));
            data.AddRange(EncodeName("hostmaster." + zone));
            data.AddRange(new byte[] { 0, 0, 0, 1, 0, 0, 14, 16, 0, 0, 2, 88, 0, 1, 81, 128, 0, 0, 0, 60 });
            return Add(zone, Soa, data.ToArray());
        }

        public FakeDnsServer AddTlsa(string name, int usage, int selector, int matchingType, string hex)
        {
            var data = new List<byte> { (byte)usage, (byte)selector, (byte)matchingType };
            for (int i = 0; i < hex.Length; i += 2) data.Add(Convert.ToByte(hex.Substring(i, 2), 16));
            return Add(name, Tlsa, data.ToArray());
        }

        public FakeDnsServer AddMx(string name, int preference, string exchange)
        {
            var name2 = EncodeName(exchange);
            var data = new byte[2 + name2.Length];
            data[0] = (byte)(preference >> 8);
            data[1] = (byte)preference;
            name2.CopyTo(data, 2);
            return Add(name, Mx, data);
        }

        private FakeDnsServer Add(string name, ushort type, byte[] data)
        {
            lock (_zone)
            {
                if (!_zone.TryGetValue(name.TrimEnd('.'), out var list)) _zone[name.TrimEnd('.')] = list = new List<(ushort, byte[])>();
                list.Add((type, data));
            }
            return this;
        }

        private static string TypeName(ushort type) =>
            type switch { A => "A", Cname => "CNAME", Soa => "SOA", Mx => "MX", Txt => "TXT", Aaaa => "AAAA", Ptr => "PTR", Tlsa => "TLSA", _ => type.ToString() };

        private async Task UdpLoop()
        {
            var buffer = new byte[4096];
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try { received = await _udp.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)); }
                catch (ObjectDisposedException) { return; }
                catch (SocketException) { if (_stop.IsCancellationRequested) return; continue; }
                if (!TryParseQuestion(buffer, received.ReceivedBytes, out var q)) continue;
                string type = TypeName(q.Type);
                int before = _asked.AddOrUpdate(type + " " + q.Name, 0, (_, n) => n + 1);
                Log.Enqueue(type + " " + q.Name);
                FlagLog.Enqueue((type + " " + q.Name, q.Ad, q.Cd, q.Do));
                DnsFault fault;
                try { fault = Script(q.Name, type, before); }
                catch (Exception) { fault = DnsFault.Silence; }
                foreach (var reply in Replies(q, fault))
                {
                    try { await _udp.SendToAsync(new ArraySegment<byte>(reply), SocketFlags.None, received.RemoteEndPoint); }
                    catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException) { }
                }
            }
        }

        private IEnumerable<byte[]> Replies(Question q, DnsFault fault)
        {
            switch (fault)
            {
                case DnsFault.Silence: yield break;
                case DnsFault.ServFail: yield return Response(q, 2, Array.Empty<byte[]>()); break;
                case DnsFault.Refused: yield return Response(q, 5, Array.Empty<byte[]>()); break;
                case DnsFault.Garbage:
                {
                    var junk = new byte[48];
                    lock (_random) _random.NextBytes(junk);
                    junk[0] = (byte)(q.Id >> 8);
                    junk[1] = (byte)q.Id;
                    yield return junk;
                    break;
                }
                case DnsFault.PointerLoop:
                {
                    // Header, the question, then one answer whose owner name is a pointer to its own offset.
                    var head = Response(q, 0, Array.Empty<byte[]>());
                    int self = head.Length;
                    var packet = new List<byte>(head) { (byte)(0xC0 | (self >> 8)), (byte)self, 0, (byte)Txt, 0, 1, 0, 0, 0, 60, 0, 2, 1, (byte)'x' };
                    packet[7] = 1; // ANCOUNT
                    yield return packet.ToArray();
                    break;
                }
                case DnsFault.WrongId:
                case DnsFault.WrongIdThenAnswer:
                {
                    var spoof = Response(q, 0, new[] { Record(q.Name, q.Type == Txt ? Txt : q.Type, SpoofData(q.Type)) });
                    spoof[0] ^= 0x5A;
                    yield return spoof;
                    if (fault == DnsFault.WrongIdThenAnswer) yield return Honest(q);
                    break;
                }
                case DnsFault.WrongQuestion:
                case DnsFault.WrongQuestionThenAnswer:
                {
                    var other = new Question { Id = q.Id, Name = SpoofName, Type = q.Type, Rd = q.Rd };
                    yield return Response(other, 0, new[] { Record(SpoofName, q.Type, SpoofData(q.Type)) });
                    if (fault == DnsFault.WrongQuestionThenAnswer) yield return Honest(q);
                    break;
                }
                case DnsFault.ForeignRecord:
                {
                    var (rcode, records) = Resolve(q.Name, q.Type);
                    yield return Response(q, rcode, new[] { Record(SpoofName, q.Type, SpoofData(q.Type)) }.Concat(records).ToArray());
                    break;
                }
                case DnsFault.Truncate:
                {
                    var tc = Response(q, 0, Array.Empty<byte[]>());
                    tc[2] |= 0x02;
                    yield return tc;
                    break;
                }
                case DnsFault.CnameOnly:
                {
                    byte[] cname;
                    lock (_zone) cname = _zone.TryGetValue(q.Name, out var entries) ? entries.FirstOrDefault(e => e.Type == Cname).Data : null;
                    var reply = Response(q, 0, cname == null ? Array.Empty<byte[]>() : new[] { Record(q.Name, Cname, cname) });
                    var signing = SigningOf(q.Name);
                    if (signing != null && signing.Value.Secure && (q.Ad || q.Do)) reply[3] |= 0x20;
                    yield return reply;
                    break;
                }
                default: yield return Honest(q); break;
            }
        }

        private byte[] SpoofData(ushort type)
        {
            if (type == A) return new byte[] { 198, 18, 0, 66 };
            if (type == Aaaa) return IPAddress.Parse("2001:db8::66").GetAddressBytes();
            var text = Encoding.ASCII.GetBytes(SpoofTxt);
            return new[] { (byte)text.Length }.Concat(text).ToArray();
        }

        private byte[] Honest(Question q)
        {
            var (rcode, records) = Resolve(q.Name, q.Type);
            var signing = SigningOf(q.Name);
            if (signing == null) return Response(q, rcode, records, Authority(q.Name, rcode, records, false));
            var (secure, bogus, expires, signatures) = signing.Value;
            if (bogus && !q.Cd) return Response(q, 2, Array.Empty<byte[]>());
            bool sign = q.Do && signatures;
            var signedRecords = sign ? WithSignatures(records, expires) : records;
            var reply = Response(q, rcode, signedRecords, Authority(q.Name, rcode, records, sign, expires));
            if (secure && (q.Ad || q.Do)) reply[3] |= 0x20; // AD
            if (q.Cd) reply[3] |= 0x10;
            return reply;
        }

        private (bool Secure, bool Bogus, DateTime Expires, bool Signatures)? SigningOf(string name)
        {
            lock (_zone)
                for (string n = name; n.Length > 0; n = n.IndexOf('.') < 0 ? "" : n.Substring(n.IndexOf('.') + 1))
                    if (_signed.TryGetValue(n, out var signing)) return signing;
            return null;
        }

        /// <summary>NODATA and NXDOMAIN carry the SOA of the zone (the nearest added with <see cref="AddSoa"/>), signed when asked.</summary>
        private byte[][] Authority(string name, int rcode, byte[][] records, bool signatures, DateTime expires = default)
        {
            if (records.Length > 0) return Array.Empty<byte[]>();
            lock (_zone)
                for (string n = name; n.Length > 0; n = n.IndexOf('.') < 0 ? "" : n.Substring(n.IndexOf('.') + 1))
                {
                    if (!_zone.TryGetValue(n, out var entries)) continue;
                    var soa = entries.FirstOrDefault(e => e.Type == Soa);
                    if (soa.Data == null) continue;
                    var soaRecord = new[] { Record(n, Soa, soa.Data) };
                    return signatures ? WithSignatures(soaRecord, expires) : soaRecord;
                }
            return Array.Empty<byte[]>();
        }

        /// <summary>Each record followed by an RRSIG over it (algorithm 13, a fake signature: nothing here validates it).</summary>
        private static byte[][] WithSignatures(byte[][] records, DateTime expires)
        {
            var result = new List<byte[]>();
            foreach (var record in records)
            {
                result.Add(record);
                int o = 0;
                while (record[o] != 0) o += 1 + record[o];
                string owner = DecodeName(record);
                ushort covered = (ushort)(record[o + 1] << 8 | record[o + 2]);
                uint expiration = (uint)(expires - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
                uint inception = expiration - 14 * 86400;
                var data = new List<byte> { (byte)(covered >> 8), (byte)covered, 13, (byte)owner.Split('.').Length, 0, 0, 0, 60 };
                data.AddRange(new[] { (byte)(expiration >> 24), (byte)(expiration >> 16), (byte)(expiration >> 8), (byte)expiration });
                data.AddRange(new[] { (byte)(inception >> 24), (byte)(inception >> 16), (byte)(inception >> 8), (byte)inception });
                data.AddRange(new byte[] { 0x30, 0x39 });
                data.AddRange(EncodeName(owner));
                data.AddRange(new byte[64]);
                result.Add(Record(owner, Rrsig, data.ToArray()));
            }
            return result.ToArray();
        }

        /// <summary>Like an authoritative server: follow CNAMEs inside the zone (stopping at a loop), then the records of the type.</summary>
        private (int Rcode, byte[][] Records) Resolve(string name, ushort type)
        {
            var records = new List<byte[]>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            string current = name;
            lock (_zone)
            {
                while (true)
                {
                    if (!_zone.TryGetValue(current, out var entries))
                    {
                        // An empty non-terminal exists (NODATA, RFC 8020); NXDOMAIN is for the last name of the chain (RFC 6604).
                        bool below = !EmptyNonTerminalsAsNxdomain && _zone.Keys.Any(k => k.EndsWith("." + current, StringComparison.OrdinalIgnoreCase));
                        return (below ? 0 : 3, records.ToArray());
                    }
                    var cname = entries.FirstOrDefault(e => e.Type == Cname);
                    if (cname.Data != null && type != Cname)
                    {
                        records.Add(Record(current, Cname, cname.Data));
                        if (!seen.Add(current)) return (0, records.ToArray());
                        current = DecodeName(cname.Data);
                        if (seen.Contains(current)) return (0, records.ToArray());
                        continue;
                    }
                    records.AddRange(entries.Where(e => e.Type == type).Select(e => Record(current, type, e.Data)));
                    return (0, records.ToArray());
                }
            }
        }

        private async Task TcpLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _tcp.AcceptTcpClientAsync(); }
                catch (Exception) { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            var length = new byte[2];
                            await ReadExactly(stream, length);
                            var query = new byte[(length[0] << 8) | length[1]];
                            await ReadExactly(stream, query);
                            if (!TryParseQuestion(query, query.Length, out var q)) return;
                            Log.Enqueue(TypeName(q.Type) + " " + q.Name);
                            var reply = Honest(q);
                            await stream.WriteAsync(new[] { (byte)(reply.Length >> 8), (byte)reply.Length }.Concat(reply).ToArray());
                        }
                        catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException) { }
                    }
                });
            }
        }

        private static async Task ReadExactly(Stream stream, byte[] buffer)
        {
            int read = 0;
            while (read < buffer.Length)
            {
                int n = await stream.ReadAsync(buffer, read, buffer.Length - read);
                if (n == 0) throw new IOException("closed");
                read += n;
            }
        }

        private sealed class Question
        {
            public ushort Id;
            public string Name;
            public ushort Type;
            public bool Rd;
            public bool Ad;
            public bool Cd;
            public bool Do;
        }

        private static bool TryParseQuestion(byte[] b, int length, out Question q)
        {
            q = null;
            if (length < 17 || (b[4] << 8 | b[5]) != 1) return false;
            var labels = new List<string>();
            int i = 12;
            while (i < length && b[i] != 0)
            {
                int len = b[i];
                if (len > 63 || i + 1 + len > length) return false;
                labels.Add(Encoding.ASCII.GetString(b, i + 1, len));
                i += 1 + len;
            }
            if (i + 5 > length) return false;
            q = new Question
            {
                Id = (ushort)(b[0] << 8 | b[1]),
                Name = string.Join(".", labels).ToLowerInvariant(),
                Type = (ushort)(b[i + 1] << 8 | b[i + 2]),
                Rd = (b[2] & 0x01) != 0,
                Ad = (b[3] & 0x20) != 0,
                Cd = (b[3] & 0x10) != 0,
            };
            // An OPT record right after the question (root owner, TYPE 41): DO is the top bit of its TTL's flags.
            int opt = i + 5;
            if ((b[10] << 8 | b[11]) > 0 && opt + 11 <= length && b[opt] == 0 && b[opt + 1] == 0 && b[opt + 2] == 41)
                q.Do = (b[opt + 7] & 0x80) != 0;
            return true;
        }

        private static byte[] Response(Question q, int rcode, byte[][] answers, byte[][] authority = null)
        {
            authority ??= Array.Empty<byte[]>();
            var p = new List<byte>
            {
                (byte)(q.Id >> 8), (byte)q.Id,
                (byte)(0x84 | (q.Rd ? 1 : 0)), (byte)rcode, // QR, AA, RD as asked; RCODE
                0, 1, (byte)(answers.Length >> 8), (byte)answers.Length, (byte)(authority.Length >> 8), (byte)authority.Length, 0, 0,
            };
            p.AddRange(EncodeName(q.Name));
            p.AddRange(new byte[] { (byte)(q.Type >> 8), (byte)q.Type, 0, 1 });
            foreach (var a in answers) p.AddRange(a);
            foreach (var a in authority) p.AddRange(a);
            return p.ToArray();
        }

        private static byte[] Record(string owner, ushort type, byte[] data)
        {
            var p = new List<byte>(EncodeName(owner)) { (byte)(type >> 8), (byte)type, 0, 1, 0, 0, 0, 60, (byte)(data.Length >> 8), (byte)data.Length };
            p.AddRange(data);
            return p.ToArray();
        }

        private static byte[] EncodeName(string name)
        {
            var p = new List<byte>();
            foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                var bytes = Encoding.ASCII.GetBytes(label);
                p.Add((byte)bytes.Length);
                p.AddRange(bytes);
            }
            p.Add(0);
            return p.ToArray();
        }

        private static string DecodeName(byte[] data)
        {
            var labels = new List<string>();
            for (int i = 0; data[i] != 0; i += 1 + data[i]) labels.Add(Encoding.ASCII.GetString(data, i + 1, data[i]));
            return string.Join(".", labels);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _udp.Dispose();
            _tcp.Stop();
        }
    }
}
