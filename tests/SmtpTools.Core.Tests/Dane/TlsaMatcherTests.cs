using System;
using System.Linq;
using SmtpTools.Core.Dane;
using SmtpTools.Core.Dns;
using Xunit;
using static SmtpTools.Core.Tests.Dane.TestPki;

namespace SmtpTools.Core.Tests.Dane
{
    /// <summary>TLSA matching by the rules of DANE for SMTP (RFC 7672 3, RFC 7671 5, RFC 6698 2.1), on certificates made here.</summary>
    public class TlsaMatcherTests
    {
        private static readonly string[] Host = { "mx.example.test" };
        private readonly TestPki _pki = new TestPki();

        private TlsaMatch Match(DnsTlsaRecord record, params System.Security.Cryptography.X509Certificates.X509Certificate2[] chain) =>
            TlsaMatcher.Match(new[] { record }, Chain(chain), Host, Now);

        [Theory]
        [InlineData(0, 0)] [InlineData(0, 1)] [InlineData(0, 2)]
        [InlineData(1, 0)] [InlineData(1, 1)] [InlineData(1, 2)]
        public void Dane_ee_matches_the_leaf_for_every_selector_and_matching_type(int selector, int matchingType)
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var result = Match(Tlsa(3, selector, matchingType, leaf), leaf, _pki.Root);
            Assert.True(result.IsMatch, result.Detail);
            Assert.Equal($"3 {selector} {matchingType}", string.Join(" ", result.MatchedRecord.Usage, result.MatchedRecord.Selector, result.MatchedRecord.MatchingType));
            Assert.True(result.Records.Single().IsMatch);
        }

        [Fact]
        public void Dane_ee_of_another_key_does_not_match_and_says_what_the_right_record_would_be()
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var other = _pki.Server(_pki.Root, "mx.example.test");
            var result = Match(Tlsa(3, 1, 1, other), leaf, _pki.Root);
            Assert.False(result.IsMatch);
            Assert.True(result.AnyUsable);
            Assert.Contains("3 1 1 " + Tlsa(3, 1, 1, leaf).DataHex, result.Detail);
        }

        [Fact]
        public void Dane_ee_ignores_names_and_dates_rfc7672_3_1_1()
        {
            var expiredWrongName = Issue(_pki.Root, "CN=somewhere.else", false, Now.AddDays(-400), Now.AddDays(-35), "somewhere.else");
            var result = Match(Tlsa(3, 1, 1, expiredWrongName), expiredWrongName);
            Assert.True(result.IsMatch, result.Detail);
        }

        [Fact]
        public void Dane_ee_spki_survives_a_new_certificate_for_the_same_key_but_cert_digest_does_not()
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var first = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=mx.example.test", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
                .CreateSelfSigned(Now.AddDays(-1), Now.AddDays(10));
            var renewed = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=mx.example.test", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
                .CreateSelfSigned(Now.AddDays(-1), Now.AddDays(100));
            Assert.True(Match(Tlsa(3, 1, 1, first), renewed).IsMatch);
            Assert.False(Match(Tlsa(3, 0, 1, first), renewed).IsMatch);
        }

        [Theory]
        [InlineData(0, 0)] [InlineData(0, 1)] [InlineData(0, 2)]
        [InlineData(1, 0)] [InlineData(1, 1)] [InlineData(1, 2)]
        public void Dane_ta_matches_the_issuer_the_server_sent_when_the_leaf_names_the_host(int selector, int matchingType)
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var result = Match(Tlsa(2, selector, matchingType, _pki.Root), leaf, _pki.Root);
            Assert.True(result.IsMatch, result.Detail);
            Assert.Contains("CN=Test Root", result.Detail);
        }

        [Fact]
        public void Dane_ta_digest_of_an_anchor_the_server_did_not_send_does_not_match_rfc7672_3_1_2()
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var result = Match(Tlsa(2, 0, 1, _pki.Root), leaf);
            Assert.False(result.IsMatch);
            Assert.Contains("none of the 0 certificate(s)", result.Detail);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        public void Dane_ta_with_the_full_anchor_in_dns_matches_without_the_server_sending_it(int selector)
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            Assert.True(Match(Tlsa(2, selector, 0, _pki.Root), leaf).IsMatch);
            var stranger = new TestPki("Stranger Root").Root;
            Assert.False(Match(Tlsa(2, selector, 0, stranger), leaf).IsMatch);
        }

        [Theory]
        [InlineData("mx.example.test", true)]
        [InlineData("*.example.test", true)]
        [InlineData("MX.EXAMPLE.TEST.", true)]
        [InlineData("other.example.test", false)]
        [InlineData("*.mx.example.test", false)]
        [InlineData("*.test", false)]
        public void Dane_ta_requires_the_leaf_to_name_the_mx_host(string certName, bool matches)
        {
            var leaf = _pki.Server(_pki.Root, certName);
            var result = Match(Tlsa(2, 1, 1, _pki.Root), leaf, _pki.Root);
            Assert.Equal(matches, result.IsMatch);
            if (!matches) Assert.Contains("names none of mx.example.test", result.Detail);
        }

        [Fact]
        public void Dane_ta_uses_the_common_name_only_when_there_is_no_dns_subject_alternative_name()
        {
            var cnOnly = Issue(_pki.Root, "CN=mx.example.test", false, Now.AddDays(-1), Now.AddDays(30));
            Assert.True(Match(Tlsa(2, 1, 1, _pki.Root), cnOnly, _pki.Root).IsMatch);
            var sanElsewhere = Issue(_pki.Root, "CN=mx.example.test", false, Now.AddDays(-1), Now.AddDays(30), "other.example.test");
            Assert.False(Match(Tlsa(2, 1, 1, _pki.Root), sanElsewhere, _pki.Root).IsMatch);
        }

        [Fact]
        public void Dane_ta_checks_the_leaf_dates()
        {
            var expired = Issue(_pki.Root, "CN=mx.example.test", false, Now.AddDays(-100), Now.AddDays(-1), "mx.example.test");
            var result = Match(Tlsa(2, 1, 1, _pki.Root), expired, _pki.Root);
            Assert.False(result.IsMatch);
            Assert.Contains("not valid now", result.Detail);
        }

        [Fact]
        public void Dane_ta_follows_intermediates_the_server_sent_and_needs_every_link()
        {
            var intermediate = _pki.Intermediate(_pki.Root);
            var leaf = _pki.Server(intermediate, "mx.example.test");
            Assert.True(Match(Tlsa(2, 1, 1, _pki.Root), leaf, intermediate, _pki.Root).IsMatch);
            Assert.True(Match(Tlsa(2, 1, 1, _pki.Root), leaf, _pki.Root, intermediate).IsMatch); // out of order still chains
            Assert.True(Match(Tlsa(2, 1, 1, intermediate), leaf, intermediate).IsMatch);          // an intermediate as anchor
            var missing = Match(Tlsa(2, 1, 1, _pki.Root), leaf, _pki.Root);
            Assert.False(missing.IsMatch);
            Assert.Contains("does not chain to it", missing.Detail);
        }

        [Fact]
        public void Dane_ta_of_an_unrelated_certificate_the_server_sent_does_not_match()
        {
            var stranger = new TestPki("Stranger Root").Root;
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var result = Match(Tlsa(2, 0, 1, stranger), leaf, stranger);
            Assert.False(result.IsMatch);
            Assert.Contains("does not chain to it", result.Detail);
        }

        [Fact]
        public void Dane_ta_does_not_match_the_leaf_itself()
        {
            var selfSigned = SelfSigned("CN=mx.example.test", false, "mx.example.test");
            Assert.False(Match(Tlsa(2, 0, 1, selfSigned), selfSigned).IsMatch);
            Assert.True(Match(Tlsa(3, 0, 1, selfSigned), selfSigned).IsMatch);
        }

        [Fact]
        public void Dane_ta_does_not_accept_an_intermediate_that_is_not_a_ca()
        {
            var notCa = Issue(_pki.Root, "CN=Not A CA", false, Now.AddDays(-10), Now.AddDays(100));
            var leaf = Issue(notCa, "CN=mx.example.test", false, Now.AddDays(-1), Now.AddDays(30), "mx.example.test");
            var result = Match(Tlsa(2, 1, 1, _pki.Root), leaf, notCa, _pki.Root);
            Assert.False(result.IsMatch);
            Assert.Contains("not a CA certificate", result.Detail);
        }

        [Theory]
        [InlineData(0, 1, 1, "PKIX-TA is not usable for SMTP")]
        [InlineData(1, 1, 1, "PKIX-EE is not usable for SMTP")]
        [InlineData(4, 1, 1, "usage 4 is unknown")]
        [InlineData(3, 2, 1, "selector 2 is unknown")]
        [InlineData(3, 1, 3, "matching type 3 is unknown")]
        public void Records_unusable_for_smtp_never_match_even_when_their_data_would(int usage, int selector, int matchingType, string reason)
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var data = Tlsa(3, Math.Min(selector, 1), Math.Min(matchingType, 2), leaf).Data;
            var result = TlsaMatcher.Match(new[] { new DnsTlsaRecord(usage, selector, matchingType, data) }, Chain(leaf, _pki.Root), Host, Now);
            Assert.False(result.IsMatch);
            Assert.False(result.AnyUsable);
            Assert.False(result.Records.Single().IsUsable);
            Assert.Contains(reason, result.Records.Single().Detail);
            Assert.StartsWith("No TLSA record is usable", result.Detail);
        }

        [Fact]
        public void One_matching_record_among_others_is_a_match_and_is_the_one_named()
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var other = _pki.Server(_pki.Root, "mx.example.test");
            var records = new[] { new DnsTlsaRecord(1, 1, 1, new byte[32]), Tlsa(3, 1, 1, other), Tlsa(3, 1, 1, leaf) };
            var result = TlsaMatcher.Match(records, Chain(leaf, _pki.Root), Host, Now);
            Assert.True(result.IsMatch);
            Assert.Same(records[2], result.MatchedRecord);
            Assert.Equal(new[] { false, false, true }, result.Records.Select(r => r.IsMatch));
            Assert.Equal(new[] { false, true, true }, result.Records.Select(r => r.IsUsable));
        }

        [Fact]
        public void A_chain_that_cannot_be_read_matches_nothing()
        {
            var leaf = _pki.Server(_pki.Root, "mx.example.test");
            var result = TlsaMatcher.Match(new[] { Tlsa(3, 0, 1, leaf) }, new[] { new byte[] { 0x30, 0x03, 0x02, 0x01 } }, Host, Now);
            Assert.False(result.IsMatch);
            Assert.Contains("could not be read", result.Detail);
        }
    }
}
