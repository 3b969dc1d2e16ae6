using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;
using SmtpTools.Tests.Shared;
using Xunit;

namespace SmtpTools.Core.Tests.Integration
{
    /// <summary>
    /// The test servers answer as tests/Integration/README.md documents, so the transport-check cmdlets are tested
    /// against what the README promises: Knot and unbound through DnsClient, nginx through HttpClient (names resolved
    /// through Knot, not the operating system), the TLSA records recomputed here from the certificates with .NET and
    /// matched by OpenSSL's DANE code against what Postfix presents.
    /// </summary>
    public class TestServersTests
    {
        private static readonly Lazy<LookupClient> KnotClient = new Lazy<LookupClient>(() => Client("SMTPTOOLS_DNS_PORT"));
        private static readonly Lazy<LookupClient> UnboundClient = new Lazy<LookupClient>(() => Client("SMTPTOOLS_RESOLVER_PORT"));
        private static string Tls(string file) => Path.Combine(IntegrationServers.Get("SMTPTOOLS_TLS_DIR"), file);
        private static string Committed(string relative) => Path.Combine(IntegrationServers.RepoRoot, "tests", "Integration", relative);
        private static int SubmissionPort => IntegrationServers.GetInt("SMTPTOOLS_SMTP_SUBMISSION_PORT");

        private static LookupClient Client(string portKey) =>
            new LookupClient(new LookupClientOptions(new NameServer(IPAddress.Loopback, IntegrationServers.GetInt(portKey)))
            {
                UseCache = false,
                Retries = 1,
                Timeout = TimeSpan.FromSeconds(3),
                ThrowDnsErrors = false,
                ContinueOnDnsError = false,
                RequestDnsSecRecords = true,
            });

        private static Task<IDnsQueryResponse> Knot(string name, QueryType type) => KnotClient.Value.QueryAsync(name, type);
        private static Task<IDnsQueryResponse> Unbound(string name, QueryType type) => UnboundClient.Value.QueryAsync(name, type);

        private static string[] Rdata(IDnsQueryResponse r, QueryType type) =>
            r.Answers.Where(a => a.RecordType == (ResourceRecordType)type).Select(a => a.ToString().Split(new[] { '\t', ' ' }, 5).Last().Trim()).ToArray();

        // ---- DNS: Knot and unbound answer the documented records -----------------------------------------------------

        [Theory]
        [InlineData("multi.mx.test", QueryType.MX, "10 mx1.multi.mx.test.|20 mx2.multi.mx.test.|30 mx3.multi.mx.test.")]
        [InlineData("duphost.mx.test", QueryType.MX, "10 mx1.multi.mx.test.|20 mx1.multi.mx.test.")]
        [InlineData("cname.mx.test", QueryType.MX, "10 alias.cname.mx.test.")]
        [InlineData("alias.cname.mx.test", QueryType.CNAME, "mx1.multi.mx.test.")]
        [InlineData("ipliteral.mx.test", QueryType.MX, "10 192.0.2.25.")]
        [InlineData("nullmx-spf.mx.test", QueryType.MX, "0 .")]
        [InlineData("nullmx-spf.mx.test", QueryType.TXT, "\"v=spf1 ip4:192.0.2.0/24 -all\"")]
        [InlineData("implicit.mx.test", QueryType.A, "192.0.2.30")]
        [InlineData("40.2.0.192.in-addr.arpa", QueryType.PTR, "match.fcrdns.mx.test.")]
        [InlineData("41.2.0.192.in-addr.arpa", QueryType.PTR, "elsewhere.fcrdns.mx.test.")]
        [InlineData("0.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", QueryType.PTR, "match.fcrdns.mx.test.")]
        [InlineData("1.0.0.127.in-addr.arpa", QueryType.PTR, "mx1.mail.test.")]
        [InlineData("_mta-sts.enforce.sts.test", QueryType.TXT, "\"v=STSv1; id=20261207T000000;\"")]
        [InlineData("_smtp._tls.enforce.sts.test", QueryType.TXT, "\"v=TLSRPTv1; rua=mailto:tlsrpt@enforce.sts.test\"")]
        [InlineData("default._bimi.good.bimi.test", QueryType.TXT, "\"v=BIMI1; l=https://images.bimi.test/logo.svg; a=https://images.bimi.test/vmc.pem\"")]
        [InlineData("brand._bimi.good.bimi.test", QueryType.TXT, "\"v=BIMI1; l=https://images.bimi.test/other-logo.svg;\"")]
        [InlineData("2.0.0.127.ip.bl.test", QueryType.A, "127.0.0.2")]
        [InlineData("2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip.bl.test", QueryType.A, "127.0.0.2")]
        [InlineData("68.2.0.192.ip.bl.test", QueryType.A, "127.0.0.4|127.0.0.10")]
        [InlineData("3.0.18.198.ip.bl.test", QueryType.A, "127.255.255.254")]
        [InlineData("test.dbl.bl.test", QueryType.A, "127.0.1.2")]
        [InlineData("phish-domain.test.dbl.bl.test", QueryType.A, "127.0.1.4")]
        [InlineData("1.0.0.127.rewrite.bl.test", QueryType.A, "198.18.255.1")]
        [InlineData("1.0.0.127.listall.bl.test", QueryType.A, "127.0.0.2")]
        [InlineData("anything.at.all.refused.bl.test", QueryType.A, "127.255.255.254")]
        [InlineData("2.0.0.127.ratelimited.bl.test", QueryType.A, "127.255.255.255")]
        [InlineData("grade-listed.test", QueryType.MX, "10 mx.grade-listed.test.")]
        public async Task KnotAndUnboundAnswerTheDocumentedRecords(string name, QueryType type, string expected)
        {
            foreach (var response in new[] { await Knot(name, type), await Unbound(name, type) })
            {
                Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
                Assert.Equal(expected.Split('|').OrderBy(x => x, StringComparer.Ordinal), Rdata(response, type).OrderBy(x => x, StringComparer.Ordinal));
            }
        }

        [Theory]
        [InlineData("1.0.0.127.ip.bl.test")]          // RFC 5782 5: 127.0.0.1 must not be listed
        [InlineData("1.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip.bl.test")]
        [InlineData("invalid.dbl.bl.test")]
        [InlineData("2.0.0.127.dead.bl.test")]
        [InlineData("42.2.0.192.in-addr.arpa")]        // noptr.fcrdns.mx.test
        [InlineData("missing.noaddr.mx.test")]
        [InlineData("mta-sts.no-host.sts.test")]
        public async Task NamesThatMustNotExistAreNxdomainThroughBoth(string name)
        {
            Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await Knot(name, QueryType.A)).Header.ResponseCode);
            Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await Unbound(name, QueryType.A)).Header.ResponseCode);
        }

        [Theory]
        [InlineData("mta-sts.enforce.sts.test")]
        [InlineData("mta-sts.grade-good.test")]
        [InlineData("images.bimi.test")]
        public async Task HttpsHostsPointAtThisWorkTreesNginx(string host)
        {
            Assert.Equal(new[] { IntegrationServers.Get("SMTPTOOLS_HTTPS_ADDRESS") }, Rdata(await Unbound(host, QueryType.A), QueryType.A));
        }

        // ---- DNSSEC -----------------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("dnssec.test", QueryType.A)]
        [InlineData("grade-good.test", QueryType.MX)]
        [InlineData("_25._tcp.mx1.mail.test", QueryType.TLSA)]
        [InlineData("_25._tcp.notlsa.dane.test", QueryType.TLSA)]  // authenticated denial
        public async Task SignedZonesAreValidatedByUnbound(string name, QueryType type)
        {
            var viaUnbound = await Unbound(name, type);
            Assert.True(viaUnbound.Header.IsAuthenticData, name + " should carry the AD bit through unbound");
            var viaKnot = await Knot(name, type);
            Assert.False(viaKnot.Header.IsAuthenticData);   // an authoritative server does not validate
            Assert.Contains(viaKnot.AllRecords.Concat(viaKnot.Authorities), r => r is RRSigRecord);
        }

        [Theory]
        [InlineData("multi.mx.test", QueryType.MX)]
        [InlineData("grade-unsigned.test", QueryType.MX)]
        [InlineData("_25._tcp.mx.dane-insecure.test", QueryType.TLSA)]
        public async Task UnsignedZonesAnswerThroughUnboundWithoutAd(string name, QueryType type)
        {
            var response = await Unbound(name, type);
            Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
            Assert.NotEmpty(response.Answers);
            Assert.False(response.Header.IsAuthenticData);
        }

        [Theory]
        [InlineData("dnssec-expired.test")]
        [InlineData("dnssec-badanchor.test")]
        [InlineData("grade-dnssec-bogus.test")]
        public async Task BrokenSignedZonesAreServfailThroughUnboundButAnswerFromKnot(string zone)
        {
            Assert.Equal(DnsHeaderResponseCode.ServerFailure, (await Unbound(zone, QueryType.MX)).Header.ResponseCode);
            var direct = await Knot(zone, QueryType.MX);
            Assert.Equal(DnsHeaderResponseCode.NoError, direct.Header.ResponseCode);
            Assert.NotEmpty(direct.Answers.MxRecords());
        }

        [Fact]
        public async Task TheExpiredZonesSignaturesHaveAllExpired()
        {
            var signatures = (await Knot("dnssec-expired.test", QueryType.A)).Answers.OfType<RRSigRecord>().ToList();
            Assert.NotEmpty(signatures);
            Assert.All(signatures, s => Assert.True(s.SignatureExpiration < DateTimeOffset.UtcNow, "expires " + s.SignatureExpiration));
            var valid = (await Knot("dnssec.test", QueryType.A)).Answers.OfType<RRSigRecord>().Single();
            Assert.True(valid.SignatureExpiration > DateTimeOffset.UtcNow && valid.SignatureInception < DateTimeOffset.UtcNow);
        }

        // ---- DANE: TLSA records, recomputed here, and OpenSSL's verdict ----------------------------------------------------

        public static IEnumerable<object[]> TlsaHosts() => new[]
        {
            new object[] { "ee-cert-full.dane.test", "3 0 0 server" }, new object[] { "ee-cert-sha256.dane.test", "3 0 1 server" },
            new object[] { "ee-cert-sha512.dane.test", "3 0 2 server" }, new object[] { "ee-spki-full.dane.test", "3 1 0 server" },
            new object[] { "ee-spki-sha256.dane.test", "3 1 1 server" }, new object[] { "ee-spki-sha512.dane.test", "3 1 2 server" },
            new object[] { "ta-cert-full.dane.test", "2 0 0 ca" }, new object[] { "ta-cert-sha256.dane.test", "2 0 1 ca" },
            new object[] { "ta-cert-sha512.dane.test", "2 0 2 ca" }, new object[] { "ta-spki-full.dane.test", "2 1 0 ca" },
            new object[] { "ta-spki-sha256.dane.test", "2 1 1 ca" }, new object[] { "ta-spki-sha512.dane.test", "2 1 2 ca" },
            new object[] { "nomatch-ee.dane.test", "3 1 1 other" }, new object[] { "nomatch-ta.dane.test", "2 0 1 other" },
            new object[] { "mixed.dane.test", "3 1 1 other|3 1 1 server" }, new object[] { "pkix-only.dane.test", "1 1 1 server|0 0 1 ca" },
            new object[] { "selfsigned.dane.test", "3 1 1 untrusted" }, new object[] { "mx1.mail.test", "3 1 1 server|2 0 1 ca" },
            new object[] { "mx2.mail.test", "3 1 1 server" }, new object[] { "mx-badtlsa.mail.test", "3 1 1 other" },
        };

        private static readonly Dictionary<string, string> CertFiles = new Dictionary<string, string>
        {
            ["server"] = "server.crt", ["ca"] = "ca.crt", ["untrusted"] = "untrusted.crt", ["other"] = "other.crt",
        };

        /// <summary>RFC 6698 2.1 association data, computed with .NET from the certificate file.</summary>
        private static string Association(string spec)
        {
            var p = spec.Split(' ');
            using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Tls(CertFiles[p[3]])));
            var data = p[1] == "0" ? cert.RawData : cert.PublicKey.ExportSubjectPublicKeyInfo();
            data = p[2] == "1" ? SHA256.HashData(data) : p[2] == "2" ? SHA512.HashData(data) : data;
            return $"{p[0]} {p[1]} {p[2]} {Convert.ToHexString(data)}";
        }

        [Theory]
        [MemberData(nameof(TlsaHosts))]
        public async Task TlsaRecordsAreTheDocumentedCertificatesAtPort25AndEachPostfixPort(string host, string specs)
        {
            var expected = specs.Split('|').Select(Association).OrderBy(x => x, StringComparer.Ordinal).ToList();
            foreach (var port in new[] { 25, SubmissionPort, IntegrationServers.GetInt("SMTPTOOLS_SMTP_UNTRUSTED_PORT") })
            {
                var response = await Unbound($"_{port}._tcp.{host}", QueryType.TLSA);
                Assert.True(response.Header.IsAuthenticData, $"TLSA at _{port}._tcp.{host} not validated");
                var published = response.Answers.OfType<TlsaRecord>()
                    .Select(t => $"{(int)t.CertificateUsage} {(int)t.Selector} {(int)t.MatchingType} {Convert.ToHexString(t.CertificateAssociationData.ToArray())}")
                    .OrderBy(x => x, StringComparer.Ordinal);
                Assert.Equal(expected, published);
            }
        }

        [Theory]
        [InlineData("ee-cert-full.dane.test", true)]
        [InlineData("ee-cert-sha256.dane.test", true)]
        [InlineData("ee-cert-sha512.dane.test", true)]
        [InlineData("ee-spki-full.dane.test", true)]
        [InlineData("ee-spki-sha256.dane.test", true)]
        [InlineData("ee-spki-sha512.dane.test", true)]
        [InlineData("ta-cert-full.dane.test", true)]
        [InlineData("ta-cert-sha256.dane.test", true)]
        [InlineData("ta-cert-sha512.dane.test", true)]
        [InlineData("ta-spki-full.dane.test", true)]
        [InlineData("ta-spki-sha256.dane.test", true)]
        [InlineData("ta-spki-sha512.dane.test", true)]
        [InlineData("mixed.dane.test", true)]
        [InlineData("nomatch-ee.dane.test", false)]
        [InlineData("nomatch-ta.dane.test", false)]
        [InlineData("selfsigned.dane.test", false)]
        [InlineData("mx1.mail.test", true)]
        [InlineData("mx-badtlsa.mail.test", false)]
        public Task OpenSslDaneAgreesOnTheStartTlsPort(string host, bool matches) => AssertDane(host, SubmissionPort, matches);

        [Fact]
        public Task TheSelfSignedCertificateMatchesItsTlsaOnTheUntrustedPort() =>
            AssertDane("selfsigned.dane.test", IntegrationServers.GetInt("SMTPTOOLS_SMTP_UNTRUSTED_PORT"), true);

        private static async Task AssertDane(string host, int port, bool matches)
        {
            var records = (await Unbound($"_{port}._tcp.{host}", QueryType.TLSA)).Answers.OfType<TlsaRecord>().ToList();
            Assert.NotEmpty(records);
            var args = new List<string> { "s_client", "-brief", "-starttls", "smtp", "-connect", "127.0.0.1:" + port,
                                          "-dane_tlsa_domain", host, "-dane_ee_no_namechecks", "-verify_return_error" };
            foreach (var t in records)
            {
                args.Add("-dane_tlsa_rrdata");
                args.Add($"{(int)t.CertificateUsage} {(int)t.Selector} {(int)t.MatchingType} {Convert.ToHexString(t.CertificateAssociationData.ToArray())}");
            }
            var result = DkimTestZone.Run("openssl", "QUIT\r\n", args.ToArray());
            Assert.True(matches == result.Output.Contains("Verification: OK"), $"{host}:{port} expected match={matches}: {result.Output}");
            if (matches) Assert.Contains("DANE TLSA", result.Output);
        }

        // ---- HTTPS: nginx, reached the way production code must reach it -------------------------------------------------

        /// <summary>
        /// An HttpClient that resolves every host through the test Knot (never the operating system's resolver) and
        /// trusts exactly the test CA, checking the name: what Test-MtaStsPolicy/Test-BimiRecord are asked to do.
        /// </summary>
        private static HttpClient Https()
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Tls("ca.crt")));
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = async (context, token) =>
                {
                    var a = (await Knot(context.DnsEndPoint.Host, QueryType.A)).Answers.ARecords().First().Address;
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(new IPEndPoint(a, context.DnsEndPoint.Port), token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    {
                        if (certificate == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                        using var own = new X509Chain();
                        own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        own.ChainPolicy.CustomTrustStore.Add(ca);
                        own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        return own.Build(new X509Certificate2(certificate));
                    },
                },
            };
            return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        }

        public static IEnumerable<object[]> PolicyFiles() =>
            Directory.GetFiles(Committed(Path.Combine("https", "mta-sts")), "*.txt")
                .Select(Path.GetFileNameWithoutExtension)
                .Where(d => d != "expired-cert.sts.test" && d != "wrong-name.sts.test" && d != "content-type.sts.test")
                .OrderBy(d => d, StringComparer.Ordinal)
                .Select(d => new object[] { d });

        [Theory]
        [MemberData(nameof(PolicyFiles))]
        public async Task EveryCommittedPolicyIsServedAsTextPlainWithAValidCertificate(string domain)
        {
            using var http = Https();
            using var response = await http.GetAsync($"https://mta-sts.{domain}/.well-known/mta-sts.txt");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(File.ReadAllText(Committed(Path.Combine("https", "mta-sts", domain + ".txt"))), await response.Content.ReadAsStringAsync());
        }

        [Theory]
        [InlineData("content-type.sts.test", HttpStatusCode.OK, "text/html")]
        [InlineData("redirect.sts.test", HttpStatusCode.MovedPermanently, null)]
        [InlineData("notfound.sts.test", HttpStatusCode.NotFound, null)]
        [InlineData("servererror.sts.test", HttpStatusCode.InternalServerError, null)]
        [InlineData("grade-mtasts-broken.test", HttpStatusCode.NotFound, null)]
        public async Task PolicyVariantsAnswerAsDocumented(string domain, HttpStatusCode status, string contentType)
        {
            using var http = Https();
            using var response = await http.GetAsync($"https://mta-sts.{domain}/.well-known/mta-sts.txt");
            Assert.Equal(status, response.StatusCode);
            if (contentType != null) Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
            if (status == HttpStatusCode.MovedPermanently)
                Assert.Equal("https://mta-sts.enforce.sts.test/.well-known/mta-sts.txt", response.Headers.Location?.ToString());
        }

        [Fact]
        public async Task TheManyHeadersVariantServesAValidPolicyBehindMoreThan100HeaderFields()
        {
            using var http = Https();
            using var response = await http.GetAsync("https://mta-sts.manyheaders.sts.test/.well-known/mta-sts.txt");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.Count() + response.Content.Headers.Count() > 100);
            Assert.StartsWith("version: STSv1", await response.Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task TheOversizedPolicyIsOver64KBAndStillParsesAsAPolicy()
        {
            using var http = Https();
            var body = await http.GetStringAsync("https://mta-sts.oversized.sts.test/.well-known/mta-sts.txt");
            Assert.True(Encoding.UTF8.GetByteCount(body) > 64 * 1024);
            Assert.StartsWith("version: STSv1\r\nmode: enforce\r\n", body);
        }

        [Theory]
        [InlineData("expired-cert.sts.test")]
        [InlineData("wrong-name.sts.test")]
        public async Task BadCertificatesAreRefused(string domain)
        {
            using var http = Https();
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"https://mta-sts.{domain}/.well-known/mta-sts.txt"));
            Assert.IsType<System.Security.Authentication.AuthenticationException>(e.InnerException);   // TLS refused, not "no server"
        }

        [Fact]
        public void TheExpiredAndWrongNameCertificatesAreWhatTheirNamesSay()
        {
            using var expired = X509Certificate2.CreateFromPem(File.ReadAllText(Tls("expired.crt")));
            Assert.True(expired.NotAfter < DateTime.Now);
            using var wrong = X509Certificate2.CreateFromPem(File.ReadAllText(Tls("wrongname.crt")));
            Assert.True(wrong.MatchesHostname("mta-sts.other-name.sts.test"));
            Assert.False(wrong.MatchesHostname("mta-sts.wrong-name.sts.test"));
        }

        [Theory]
        [InlineData("logo.svg")]
        [InlineData("other-logo.svg")]
        [InlineData("script.svg")]
        [InlineData("external.svg")]
        [InlineData("animation.svg")]
        [InlineData("notsquare.svg")]
        [InlineData("notitle.svg")]
        [InlineData("noprofile.svg")]
        public async Task BimiLogosAreServedAsSvg(string file)
        {
            using var http = Https();
            using var response = await http.GetAsync("https://images.bimi.test/" + file);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(File.ReadAllBytes(Committed(Path.Combine("https", "bimi", file))), await response.Content.ReadAsByteArrayAsync());
        }

        [Fact]
        public async Task TheBigLogoIsOver32KBAndMissingOnesAre404()
        {
            using var http = Https();
            Assert.True((await http.GetByteArrayAsync("https://images.bimi.test/big.svg")).Length > 32 * 1024);
            using var missing = await http.GetAsync("https://images.bimi.test/missing.svg");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // ---- BIMI mark certificates ------------------------------------------------------------------------------------

        [Theory]
        [InlineData("vmc.pem", "good.bimi.test", "Registered Mark", "logo.svg")]
        [InlineData("cmc.pem", "cmc.bimi.test", "Prior Use Mark", "logo.svg")]
        [InlineData("vmc-other-logo.pem", "vmc-mismatch.bimi.test", "Registered Mark", "other-logo.svg")]
        public async Task MarkCertificatesCarryTheBimiProfileAndTheirLogo(string file, string domain, string markType, string embeddedLogo)
        {
            using var http = Https();
            var pem = await http.GetStringAsync("https://images.bimi.test/" + file);
            var blocks = pem.Split("-----END CERTIFICATE-----", StringSplitOptions.RemoveEmptyEntries)
                .Where(b => b.Contains("BEGIN CERTIFICATE")).Select(b => X509Certificate2.CreateFromPem(b + "-----END CERTIFICATE-----")).ToList();
            Assert.Equal(2, blocks.Count);   // the mark certificate, then its issuer
            var cert = blocks[0];

            using (var chain = new X509Chain())
            {
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(blocks[1]);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                Assert.True(chain.Build(cert));
            }
            Assert.True(cert.MatchesHostname(domain));
            Assert.Contains("1.3.6.1.5.5.7.3.31", cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
            Assert.Contains("OID.1.3.6.1.4.1.53087.1.13=" + markType, cert.SubjectName.Format(false));
            var policies = new AsnReader(cert.Extensions["2.5.29.32"].RawData, AsnEncodingRules.DER).ReadSequence();
            Assert.Equal("1.3.6.1.4.1.53087.1.1", policies.ReadSequence().ReadObjectIdentifier());

            // LogotypeExtn { subjectLogo [2] EXPLICIT { direct [0] { image SEQUENCE OF { LogotypeImage { LogotypeDetails {
            //   mediaType, logotypeHash, logotypeURI SEQUENCE OF IA5String } } } } } }  (RFC 3709)
            var logotype = new AsnReader(cert.Extensions["1.3.6.1.5.5.7.1.12"].RawData, AsnEncodingRules.DER).ReadSequence();
            var details = logotype.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true))
                .ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence().ReadSequence().ReadSequence();
            Assert.Equal("image/svg+xml", details.ReadCharacterString(UniversalTagNumber.IA5String));
            var hash = details.ReadSequence().ReadSequence();
            Assert.Equal("2.16.840.1.101.3.4.2.1", hash.ReadSequence().ReadObjectIdentifier());
            var digest = hash.ReadOctetString();
            var uri = details.ReadSequence().ReadCharacterString(UniversalTagNumber.IA5String);
            const string prefix = "data:image/svg+xml;base64,";
            Assert.StartsWith(prefix, uri);
            var compressed = Convert.FromBase64String(uri.Substring(prefix.Length));
            Assert.Equal(digest, SHA256.HashData(compressed));
            using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var svg = new MemoryStream();
            gunzip.CopyTo(svg);
            Assert.Equal(File.ReadAllBytes(Committed(Path.Combine("https", "bimi", embeddedLogo))), svg.ToArray());
        }
    }
}
