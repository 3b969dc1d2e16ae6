using System;
using System.Net;
using SmtpTools.Core.Smtp;

namespace SmtpTools.Core.Http
{
    /// <summary>Why an HTTPS fetch gave no usable body. Each is a finding of its own in the checks that fetch.</summary>
    public enum HttpsFetchFailure
    {
        /// <summary>200 with a body within the size limit.</summary>
        None,
        /// <summary>The host's A/AAAA lookup failed (SERVFAIL, timeout): unknown, try later.</summary>
        DnsTempError,
        /// <summary>The host does not exist or has no address.</summary>
        HostNotFound,
        /// <summary>No address accepted a TCP connection.</summary>
        ConnectFailed,
        /// <summary>The server stopped answering (idle timeout) or the whole fetch took too long.</summary>
        Timeout,
        /// <summary>The server certificate was refused: untrusted, expired, or not valid for the host.</summary>
        Certificate,
        /// <summary>The TLS handshake failed for another reason (protocol versions, ciphers, a reset).</summary>
        TlsFailed,
        /// <summary>The answer is not well-formed HTTP/1.x.</summary>
        Protocol,
        /// <summary>A 3xx answer; redirects are never followed (RFC 8461 3.3).</summary>
        Redirect,
        /// <summary>Any other status than 200.</summary>
        HttpStatus,
        /// <summary>The body is larger than the limit of the fetch.</summary>
        TooLarge,
    }

    /// <summary>What one HTTPS GET gave: the body, or why there is none, and the facts a finding needs.</summary>
    public sealed class HttpsResponse
    {
        public Uri Url { get; internal set; }
        /// <summary>The address the connection was made to; null when none was made.</summary>
        public IPAddress Address { get; internal set; }
        public HttpsFetchFailure Failure { get; internal set; }
        /// <summary>Why the fetch failed, as a sentence fragment for a finding; null on success.</summary>
        public string Error { get; internal set; }
        /// <summary>The HTTP status; 0 when no response arrived.</summary>
        public int StatusCode { get; internal set; }
        public string ReasonPhrase { get; internal set; }
        /// <summary>The media type of Content-Type, lower case, without parameters; null when the header is absent.</summary>
        public string MediaType { get; internal set; }
        /// <summary>The charset parameter of Content-Type, lower case; null when absent.</summary>
        public string Charset { get; internal set; }
        /// <summary>The Content-Type header as sent.</summary>
        public string ContentType { get; internal set; }
        /// <summary>Content-Encoding as sent (identity is asked for; a server may still compress).</summary>
        public string ContentEncoding { get; internal set; }
        /// <summary>The Location header of a redirect.</summary>
        public string Location { get; internal set; }
        /// <summary>The body (success only); at most the fetch's limit.</summary>
        public byte[] Body { get; internal set; }
        /// <summary>The body size: read, or declared by Content-Length when the body was refused as too large.</summary>
        public long? BodyLength { get; internal set; }
        /// <summary>The TLS version negotiated (e.g. Tls13).</summary>
        public string TlsProtocol { get; internal set; }
        /// <summary>The server certificate and how it validated; null when the handshake did not get that far.</summary>
        public SmtpCertificateInfo Certificate { get; internal set; }

        public bool IsSuccess => Failure == HttpsFetchFailure.None;

        public override string ToString() => IsSuccess ? $"{Url}: {StatusCode}, {Body?.Length ?? 0} bytes" : $"{Url}: {Failure} ({Error})";
    }
}
