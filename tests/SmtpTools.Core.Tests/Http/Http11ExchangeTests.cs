using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Http;
using SmtpTools.Core.Tests.Support;
using Xunit;

namespace SmtpTools.Core.Tests.Http
{
    /// <summary>The HTTP/1.1 framing under the MTA-STS/BIMI fetches: every way a body is delimited, and the limits.</summary>
    public sealed class Http11ExchangeTests
    {
        private static async Task<(HttpsResponse Response, ScriptedHttpStream Stream)> Read(string answer, long maxBytes = 1024, int pieceSize = int.MaxValue)
        {
            var stream = new ScriptedHttpStream(answer, pieceSize);
            var response = new HttpsResponse();
            await new Http11Exchange(stream, null, CancellationToken.None).ReadResponseAsync(response, maxBytes);
            return (response, stream);
        }

        private static string Text(HttpsResponse r) => Encoding.UTF8.GetString(r.Body);

        [Theory]
        [InlineData(int.MaxValue)]
        [InlineData(1)]
        [InlineData(7)]
        public async Task ContentLengthBodyIsReadExactly(int pieceSize)
        {
            var (r, _) = await Read("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 5\r\n\r\nhello", pieceSize: pieceSize);
            Assert.True(r.IsSuccess);
            Assert.Equal(200, r.StatusCode);
            Assert.Equal("OK", r.ReasonPhrase);
            Assert.Equal("text/plain", r.MediaType);
            Assert.Equal("utf-8", r.Charset);
            Assert.Equal("hello", Text(r));
        }

        [Theory]
        [InlineData(int.MaxValue)]
        [InlineData(3)]
        public async Task ChunkedBodyIsJoinedAndTrailersSkipped(int pieceSize)
        {
            var (r, _) = await Read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n", pieceSize: pieceSize);
            Assert.True(r.IsSuccess, r.Error);
            Assert.Equal("hello 0123456789", Text(r));
        }

        [Fact]
        public async Task BodyWithoutLengthEndsWithTheConnectionAndBareLfIsAccepted()
        {
            var (r, _) = await Read("HTTP/1.0 200 OK\nContent-Type: text/plain\n\nversion: STSv1\nmode: none\n");
            Assert.True(r.IsSuccess, r.Error);
            Assert.Equal("version: STSv1\nmode: none\n", Text(r));
        }

        [Fact]
        public async Task InformationalAnswersBeforeTheRealOneAreSkipped()
        {
            var (r, _) = await Read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            Assert.Equal(200, r.StatusCode);
            Assert.Equal("ok", Text(r));
        }

        [Fact]
        public async Task DeclaredOversizedBodyIsRefusedWithoutReadingIt()
        {
            var body = new string('x', 5000);
            var (r, stream) = await Read($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}", maxBytes: 1000, pieceSize: 64);
            Assert.Equal(HttpsFetchFailure.TooLarge, r.Failure);
            Assert.Equal(5000, r.BodyLength);
            Assert.Null(r.Body);
            Assert.Contains("4.9 KB (5,000 bytes)", r.Error);
            Assert.True(stream.BytesRead < 1000, "read " + stream.BytesRead + " bytes of a body it refused");
        }

        [Theory]
        [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3E8\r\n{0}\r\n3E8\r\n{0}\r\n0\r\n\r\n")]
        [InlineData("HTTP/1.1 200 OK\r\n\r\n{0}{0}")]
        public async Task UndeclaredOversizedBodyStopsAtTheLimit(string template)
        {
            var (r, stream) = await Read(string.Format(template, new string('x', 1000)), maxBytes: 1500, pieceSize: 256);
            Assert.Equal(HttpsFetchFailure.TooLarge, r.Failure);
            Assert.Contains("larger than the limit of 1.5 KB", r.Error);
            Assert.True(stream.BytesRead < 2000, "read " + stream.BytesRead);
        }

        [Fact]
        public async Task BodyExactlyAtTheLimitIsAccepted()
        {
            var (r, _) = await Read("HTTP/1.1 200 OK\r\n\r\n" + new string('y', 64), maxBytes: 64);
            Assert.True(r.IsSuccess, r.Error);
            Assert.Equal(64, r.Body.Length);
        }

        [Fact]
        public async Task RedirectIsReportedWithItsTargetAndNotFollowed()
        {
            var (r, _) = await Read("HTTP/1.1 301 Moved Permanently\r\nLocation: https://mta-sts.other.example/.well-known/mta-sts.txt\r\nContent-Length: 0\r\n\r\n");
            Assert.Equal(HttpsFetchFailure.Redirect, r.Failure);
            Assert.Equal(301, r.StatusCode);
            Assert.Equal("https://mta-sts.other.example/.well-known/mta-sts.txt", r.Location);
            Assert.Equal("the server answers 301 Moved Permanently redirecting to https://mta-sts.other.example/.well-known/mta-sts.txt", r.Error);
        }

        [Fact]
        public async Task OtherStatusIsAFailureWithTheStatus()
        {
            var (r, _) = await Read("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nnot found");
            Assert.Equal(HttpsFetchFailure.HttpStatus, r.Failure);
            Assert.Equal("the server answers 404 Not Found", r.Error);
            Assert.Null(r.Body);
        }

        [Theory]
        [InlineData("SSH-2.0-OpenSSH_9.2\r\n", "not an HTTP/1.x status line")]
        [InlineData("", "closed the connection without an answer")]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "closed after 5 of 10 body bytes")]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "two different Content-Length")]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", "invalid Content-Length")]
        [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding")]
        [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size")]
        [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line")]
        public async Task BrokenFramingIsAProtocolError(string answer, string message)
        {
            var e = await Assert.ThrowsAsync<HttpProtocolException>(() => Read(answer));
            Assert.Contains(message, e.Message);
        }

        [Fact]
        public async Task EndlessHeaderLineIsCut()
        {
            var e = await Assert.ThrowsAsync<HttpProtocolException>(() => Read("HTTP/1.1 200 OK\r\nX: " + new string('a', 100_000)));
            Assert.Contains("longer than 8 KB", e.Message);
        }

        [Fact]
        public async Task TooManyHeadersAreRefused()
        {
            var headers = string.Concat(Enumerable.Range(0, 150).Select(i => $"X-{i}: v\r\n"));
            var e = await Assert.ThrowsAsync<HttpProtocolException>(() => Read("HTTP/1.1 200 OK\r\n" + headers + "\r\n"));
            Assert.Contains("100 fields", e.Message);
        }

        [Fact]
        public void RequestAsksForIdentityAndClosesTheConnection()
        {
            var request = Encoding.ASCII.GetString(Http11Exchange.BuildRequest(new Uri("https://mta-sts.bücher.example/.well-known/mta-sts.txt"), "text/plain"));
            Assert.StartsWith("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.xn--bcher-kva.example\r\n", request);
            Assert.Contains("\r\nAccept: text/plain\r\n", request);
            Assert.Contains("\r\nAccept-Encoding: identity\r\n", request);
            Assert.EndsWith("\r\nConnection: close\r\n\r\n", request);
        }

        [Theory]
        [InlineData("text/plain", "text/plain", null)]
        [InlineData("Text/Plain ; Charset=\"US-ASCII\"", "text/plain", "us-ascii")]
        [InlineData("image/svg+xml;charset=utf-8;x=y", "image/svg+xml", "utf-8")]
        [InlineData(null, null, null)]
        public void ContentTypeIsSplitIntoMediaTypeAndCharset(string header, string media, string charset)
        {
            Http11Exchange.ParseContentType(header, out var m, out var c);
            Assert.Equal(media, m);
            Assert.Equal(charset, c);
        }
    }
}
