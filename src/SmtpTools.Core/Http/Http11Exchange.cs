using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SmtpTools.Core.Http
{
    /// <summary>The answer broke HTTP/1.1 framing; the message says how.</summary>
    internal sealed class HttpProtocolException : Exception
    {
        public HttpProtocolException(string message) : base(message) { }
    }

    /// <summary>
    /// One HTTP/1.1 GET over an open (TLS) stream: the request, then the status line, the headers and the body as
    /// Content-Length, chunked or close-delimited framing gives it. Strict limits throughout (line and header sizes, the
    /// caller's body limit, read before the body is), because the other end is whatever a DNS record points at.
    /// </summary>
    internal sealed class Http11Exchange
    {
        internal const int MaxLineLength = 8 * 1024;
        internal const int MaxHeaderBytes = 64 * 1024;
        internal const int MaxHeaderCount = 100;

        private static readonly Encoding Latin1 = Encoding.GetEncoding("ISO-8859-1");

        private readonly Stream _stream;
        private readonly Action _progress;
        private readonly CancellationToken _token;
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;
        private bool _eof;

        /// <param name="progress">Called whenever bytes arrive (re-arms the caller's idle timer).</param>
        public Http11Exchange(Stream stream, Action progress, CancellationToken token)
        {
            _stream = stream;
            _progress = progress ?? (() => { });
            _token = token;
        }

        /// <summary>The request bytes: GET with Host, identity encoding and Connection: close (one request per connection).</summary>
        public static byte[] BuildRequest(Uri url, string accept)
        {
            string host = url.IdnHost;
            if (url.HostNameType == UriHostNameType.IPv6) host = "[" + host + "]";
            if (!url.IsDefaultPort) host += ":" + url.Port.ToString(CultureInfo.InvariantCulture);
            var text = new StringBuilder()
                .Append("GET ").Append(url.PathAndQuery).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(host).Append("\r\n")
                .Append("User-Agent: SmtpTools/").Append(typeof(Http11Exchange).Assembly.GetName().Version.ToString(3)).Append("\r\n")
                .Append("Accept: ").Append(string.IsNullOrEmpty(accept) ? "*/*" : accept).Append("\r\n")
                .Append("Accept-Encoding: identity\r\n")
                .Append("Connection: close\r\n\r\n")
                .ToString();
            return Encoding.ASCII.GetBytes(text);
        }

        public async Task SendAsync(byte[] request)
        {
            await _stream.WriteAsync(request, 0, request.Length, _token).ConfigureAwait(false);
            await _stream.FlushAsync(_token).ConfigureAwait(false);
        }

        /// <summary>
        /// Reads the response into <paramref name="response"/>: status, headers, and for a 200 the body of at most
        /// <paramref name="maxBytes"/> bytes. Sets Failure for redirects, other statuses and an oversized body.
        /// </summary>
        /// <exception cref="HttpProtocolException">The answer is not HTTP/1.x or its framing is broken.</exception>
        /// <exception cref="IOException">The connection failed.</exception>
        public async Task ReadResponseAsync(HttpsResponse response, long maxBytes)
        {
            Dictionary<string, string> headers;
            while (true)
            {
                var statusLine = await ReadLineAsync().ConfigureAwait(false);
                if (statusLine == null) throw new HttpProtocolException("the server closed the connection without an answer");
                ParseStatusLine(statusLine, response);
                headers = await ReadHeadersAsync().ConfigureAwait(false);
                // 1xx answers (100 Continue, 103 Early Hints) precede the real one; 101 would switch protocols, which a
                // GET without Upgrade never asks for.
                if (response.StatusCode >= 100 && response.StatusCode < 200 && response.StatusCode != 101) continue;
                break;
            }

            headers.TryGetValue("content-type", out var contentType);
            response.ContentType = contentType;
            ParseContentType(contentType, out var mediaType, out var charset);
            response.MediaType = mediaType;
            response.Charset = charset;
            headers.TryGetValue("content-encoding", out var encoding);
            response.ContentEncoding = encoding;
            headers.TryGetValue("location", out var location);
            response.Location = location;

            if (response.StatusCode >= 300 && response.StatusCode < 400)
            {
                response.Failure = HttpsFetchFailure.Redirect;
                response.Error = $"the server answers {Status(response)}" + (string.IsNullOrEmpty(location) ? " without a Location" : " redirecting to " + location);
                return;
            }
            if (response.StatusCode != 200)
            {
                response.Failure = HttpsFetchFailure.HttpStatus;
                response.Error = $"the server answers {Status(response)}";
                return;
            }

            headers.TryGetValue("transfer-encoding", out var transferEncoding);
            headers.TryGetValue("content-length", out var contentLength);
            if (transferEncoding != null)
            {
                // RFC 9112 6.1: chunked must be the last coding; anything else cannot be framed by a client that asked for identity.
                if (!transferEncoding.Trim().EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
                    throw new HttpProtocolException($"unsupported Transfer-Encoding '{transferEncoding}'");
                await ReadChunkedAsync(response, maxBytes).ConfigureAwait(false);
            }
            else if (contentLength != null)
            {
                if (!long.TryParse(contentLength.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long declared))
                    throw new HttpProtocolException($"invalid Content-Length '{contentLength}'");
                if (declared > maxBytes)
                {
                    TooLarge(response, maxBytes, declared);
                    return;
                }
                response.Body = await ReadExactlyAsync((int)declared).ConfigureAwait(false);
                response.BodyLength = declared;
            }
            else
            {
                await ReadToEndAsync(response, maxBytes).ConfigureAwait(false);
            }
        }

        private static string Status(HttpsResponse r) => string.IsNullOrEmpty(r.ReasonPhrase) ? r.StatusCode.ToString(CultureInfo.InvariantCulture) : $"{r.StatusCode} {r.ReasonPhrase}";

        private static void TooLarge(HttpsResponse response, long maxBytes, long? declared)
        {
            response.Failure = HttpsFetchFailure.TooLarge;
            response.Body = null;
            response.BodyLength = declared;
            response.Error = declared.HasValue
                ? $"the body is {Size(declared.Value)} ({declared.Value:N0} bytes), more than the limit of {Size(maxBytes)}"
                : $"the body is larger than the limit of {Size(maxBytes)}";
        }

        internal static string Size(long bytes) =>
            bytes >= 1024 ? (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB" : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";

        private static void ParseStatusLine(string line, HttpsResponse response)
        {
            // HTTP-version SP status-code SP [reason-phrase] (RFC 9112 4)
            if (!line.StartsWith("HTTP/1.", StringComparison.Ordinal) || line.Length < 12 || line[8] != ' ')
                throw new HttpProtocolException($"not an HTTP/1.x status line: '{Printable(line)}'");
            var code = line.Substring(9, 3);
            if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out int status) || status < 100 || (line.Length > 12 && line[12] != ' '))
                throw new HttpProtocolException($"not an HTTP/1.x status line: '{Printable(line)}'");
            response.StatusCode = status;
            response.ReasonPhrase = line.Length > 13 ? line.Substring(13).Trim() : "";
        }

        private async Task<Dictionary<string, string>> ReadHeadersAsync()
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            int total = 0, count = 0;
            while (true)
            {
                var line = await ReadLineAsync().ConfigureAwait(false);
                if (line == null) throw new HttpProtocolException("the connection closed in the middle of the headers");
                if (line.Length == 0) return headers;
                total += line.Length + 2;
                if (total > MaxHeaderBytes || ++count > MaxHeaderCount)
                    throw new HttpProtocolException($"the headers exceed {MaxHeaderBytes / 1024} KB or {MaxHeaderCount} fields");
                int colon = line.IndexOf(':');
                if (colon <= 0 || line[0] == ' ' || line[0] == '\t')
                    throw new HttpProtocolException($"malformed header line '{Printable(line)}'");
                var name = line.Substring(0, colon).Trim();
                var value = line.Substring(colon + 1).Trim();
                if (headers.TryGetValue(name, out var existing))
                {
                    // Two different Content-Length values are a framing attack (RFC 9112 6.3); other fields combine.
                    if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase) && existing != value)
                        throw new HttpProtocolException("two different Content-Length headers");
                    headers[name] = existing + ", " + value;
                }
                else headers[name] = value;
            }
        }

        internal static void ParseContentType(string contentType, out string mediaType, out string charset)
        {
            mediaType = null;
            charset = null;
            if (string.IsNullOrWhiteSpace(contentType)) return;
            var parts = contentType.Split(';');
            mediaType = parts[0].Trim().ToLowerInvariant();
            for (int i = 1; i < parts.Length; i++)
            {
                int eq = parts[i].IndexOf('=');
                if (eq <= 0) continue;
                if (!parts[i].Substring(0, eq).Trim().Equals("charset", StringComparison.OrdinalIgnoreCase)) continue;
                charset = parts[i].Substring(eq + 1).Trim().Trim('"').ToLowerInvariant();
            }
        }

        private async Task ReadChunkedAsync(HttpsResponse response, long maxBytes)
        {
            var body = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync().ConfigureAwait(false);
                if (sizeLine == null) throw new HttpProtocolException("the connection closed in the middle of a chunked body");
                int semicolon = sizeLine.IndexOf(';');
                var hex = (semicolon >= 0 ? sizeLine.Substring(0, semicolon) : sizeLine).Trim();
                if (hex.Length == 0 || hex.Length > 15 || !long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long size))
                    throw new HttpProtocolException($"invalid chunk size '{Printable(sizeLine)}'");
                if (size == 0) break;
                if (body.Length + size > maxBytes)
                {
                    TooLarge(response, maxBytes, null);
                    return;
                }
                var chunk = await ReadExactlyAsync((int)size).ConfigureAwait(false);
                body.Write(chunk, 0, chunk.Length);
                var end = await ReadLineAsync().ConfigureAwait(false);
                if (end == null || end.Length != 0) throw new HttpProtocolException("a chunk is not followed by CRLF");
            }
            // Trailer fields, then the empty line; their content does not matter here.
            await ReadHeadersAsync().ConfigureAwait(false);
            response.Body = body.ToArray();
            response.BodyLength = response.Body.Length;
        }

        private async Task ReadToEndAsync(HttpsResponse response, long maxBytes)
        {
            var body = new MemoryStream();
            while (true)
            {
                if (_start == _end && !await FillAsync().ConfigureAwait(false)) break;
                int take = _end - _start;
                if (body.Length + take > maxBytes)
                {
                    TooLarge(response, maxBytes, null);
                    return;
                }
                body.Write(_buffer, _start, take);
                _start = _end;
            }
            response.Body = body.ToArray();
            response.BodyLength = response.Body.Length;
        }

        private async Task<byte[]> ReadExactlyAsync(int count)
        {
            var result = new byte[count];
            int done = 0;
            while (done < count)
            {
                if (_start == _end && !await FillAsync().ConfigureAwait(false))
                    throw new HttpProtocolException($"the connection closed after {done:N0} of {count:N0} body bytes");
                int take = Math.Min(count - done, _end - _start);
                Buffer.BlockCopy(_buffer, _start, result, done, take);
                _start += take;
                done += take;
            }
            return result;
        }

        /// <summary>One line without its CR LF (a bare LF is accepted, RFC 9112 2.2); null at end of stream before any byte.</summary>
        private async Task<string> ReadLineAsync()
        {
            var line = new MemoryStream();
            while (true)
            {
                if (_start == _end && !await FillAsync().ConfigureAwait(false))
                {
                    if (line.Length == 0) return null;
                    throw new HttpProtocolException("the connection closed in the middle of a line");
                }
                int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                int stop = lf >= 0 ? lf : _end;
                line.Write(_buffer, _start, stop - _start);
                _start = lf >= 0 ? lf + 1 : _end;
                if (line.Length > MaxLineLength) throw new HttpProtocolException($"a line of the answer is longer than {MaxLineLength / 1024} KB");
                if (lf >= 0) break;
            }
            var bytes = line.ToArray();
            int length = bytes.Length > 0 && bytes[bytes.Length - 1] == '\r' ? bytes.Length - 1 : bytes.Length;
            // Header fields are ASCII; Latin-1 keeps any other byte visible instead of failing (RFC 9110 5.5: obs-text).
            return Latin1.GetString(bytes, 0, length);
        }

        private async Task<bool> FillAsync()
        {
            if (_eof) return false;
            _start = 0;
            _end = await _stream.ReadAsync(_buffer, 0, _buffer.Length, _token).ConfigureAwait(false);
            if (_end == 0)
            {
                _eof = true;
                return false;
            }
            _progress();
            return true;
        }

        private static string Printable(string text)
        {
            var sb = new StringBuilder();
            foreach (char c in text.Length > 80 ? text.Substring(0, 80) : text)
                sb.Append(c < 0x20 || c > 0x7e ? '?' : c);
            return text.Length > 80 ? sb.Append('…').ToString() : sb.ToString();
        }
    }
}
