using System.Collections.Generic;
using System.Net;
using DnsClient;
using SmtpTools.Core.Dns;
using Xunit;

namespace SmtpTools.Core.Tests.Dns
{
    /// <summary>The resolver's wire reader on hand-made packets (RFC 1035 4.1.4 compression in particular).</summary>
    public class DnsWireTests
    {
        [Theory]
        [InlineData("192.0.2.25")]
        [InlineData("2001:db8::25")]
        [InlineData("::ffff:198.18.0.1")]
        public void Reverse_names_match_an_independent_implementation(string address)
        {
            var ip = IPAddress.Parse(address);
            Assert.Equal(ip.GetArpaName().TrimEnd('.'), DnsWire.ReverseName(ip)); // DnsClient's, as an oracle
        }

        // Header (id 0x1234, QR RD RA, QD 1, AN n), question "mx.test MX IN" at offset 12.
        private static List<byte> Reply(int answers)
        {
            var p = new List<byte> { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, (byte)answers, 0, 0, 0, 0 };
            p.AddRange(new byte[] { 2, (byte)'m', (byte)'x', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 15, 0, 1 });
            return p;
        }

        private static readonly byte[] Question = { 2, (byte)'m', (byte)'x', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 15, 0, 1 };

        [Fact]
        public void Compressed_owner_and_exchange_are_read()
        {
            var p = Reply(1);
            // owner: pointer to the question name (12); MX 10 "mail" + pointer to "test" (offset 15)
            p.AddRange(new byte[] { 0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 9, 0, 10, 4, (byte)'m', (byte)'a', (byte)'i', (byte)'l', 0xC0, 15 });
            var records = new List<DnsMxRecord>();
            Assert.True(DnsWire.IsReplyTo(p.ToArray(), p.Count, Question));
            Assert.Null(DnsWire.ReadAnswers(p.ToArray(), p.Count, Question.Length, DnsType.Mx, DnsWire.ReadMx, records, new List<string>()));
            var mx = Assert.Single(records);
            Assert.Equal(10, mx.Preference);
            Assert.Equal("mail.test", mx.Exchange);
        }

        [Fact]
        public void A_forward_pointer_is_malformed_not_followed()
        {
            var p = Reply(1);
            int self = p.Count;
            p.AddRange(new byte[] { 0xC0, (byte)(self + 2), 0, 15, 0, 1, 0, 0, 0, 60, 0, 0 });
            var problem = DnsWire.ReadAnswers(p.ToArray(), p.Count, Question.Length, DnsType.Mx, DnsWire.ReadMx, new List<DnsMxRecord>(), new List<string>());
            Assert.NotNull(problem);
        }

        [Fact]
        public void A_question_in_other_case_is_still_ours_but_another_type_is_not()
        {
            var p = Reply(0);
            p[13] = (byte)'M';
            Assert.True(DnsWire.IsReplyTo(p.ToArray(), p.Count, Question));
            p[12 + Question.Length - 3] = 16; // TXT instead of MX
            Assert.False(DnsWire.IsReplyTo(p.ToArray(), p.Count, Question));
        }

        [Fact]
        public void A_record_running_past_the_end_is_malformed()
        {
            var p = Reply(1);
            p.AddRange(new byte[] { 0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 40, 0, 10 });
            Assert.NotNull(DnsWire.ReadAnswers(p.ToArray(), p.Count, Question.Length, DnsType.Mx, DnsWire.ReadMx, new List<DnsMxRecord>(), new List<string>()));
        }

        [Theory]
        [InlineData("example.com", true)]
        [InlineData("bücher.example", true)]
        [InlineData("a..b", false)]
        [InlineData("", false)]
        public void Questions_are_encoded_only_for_askable_names(string name, bool askable)
        {
            Assert.Equal(askable, DnsWire.EncodeQuestion(name, DnsType.Txt) != null);
        }
    }
}
