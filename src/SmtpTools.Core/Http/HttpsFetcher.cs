using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Smtp;
using SmtpTools.Core.Threading;

namespace SmtpTools.Core.Http
{
    /// <summary>Settings for <see cref="HttpsFetcher"/>.</summary>
    public sealed class HttpsFetcherOptions
    {
        /// <summary>A fetch fails when nothing arrives for this long (connect, handshake, each read).</summary>
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>A fetch fails when it takes longer than this in all (RFC 8461 3.3 suggests one minute).</summary>
        public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(1);
        /// <summary>Answers kept per URL for the lifetime of the fetcher (a logo many domains share is fetched once); 0 turns it off.</summary>
        public int CacheSize { get; set; } = 256;
    }

    /// <summary>
    /// HTTPS GET for MTA-STS policies and BIMI files, with the host resolved through the module's own DNS layer (the
    /// -Server the user gave, never the operating system's resolver), the certificate validated for the host name against
    /// the platform's trust store, no redirects followed, and a body size limit enforced while reading.
    /// </summary>
    /// <remarks>
    /// Why not HttpClient: only .NET 5+ lets a handler choose the address it connects to (SocketsHttpHandler.ConnectCallback);
    /// on .NET Framework 4.7.2 (Windows PowerShell 5.1) HttpClient always resolves the host itself, and connecting to an
    /// address literal instead loses SNI and the host-name check. Core targets netstandard2.0, so one small HTTP/1.1 GET
    /// over its own socket and SslStream behaves the same on both runtimes and keeps the limits exact.
    /// Never throws for what the network or the server does; only <see cref="OperationCanceledException"/> when the
    /// caller cancels. Thread-safe: one instance serves a whole pipeline and joins fetches of the same URL.
    /// </remarks>
    public sealed class HttpsFetcher
    {
        private readonly IDnsResolver _resolver;
        private readonly HttpsFetcherOptions _options;
        private readonly IOperationSink _sink;
        private readonly Func<IPAddress, int, CancellationToken, Task<Stream>> _connect;
        private readonly Func<DateTime> _utcNow;
        private readonly SharedTaskCache<HttpsResponse> _cache;

        /// <exception cref="ArgumentNullException">resolver is null.</exception>
        public HttpsFetcher(IDnsResolver resolver, HttpsFetcherOptions options = null, IOperationSink sink = null)
            : this(resolver, options, sink, ConnectTcpAsync, () => DateTime.UtcNow) { }

        /// <summary>For tests: <paramref name="connect"/> supplies the byte stream below TLS.</summary>
        internal HttpsFetcher(IDnsResolver resolver, HttpsFetcherOptions options, IOperationSink sink,
            Func<IPAddress, int, CancellationToken, Task<Stream>> connect, Func<DateTime> utcNow)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _options = options ?? new HttpsFetcherOptions();
            _sink = sink ?? NullOperationSink.Instance;
            _connect = connect;
            _utcNow = utcNow;
            _cache = new SharedTaskCache<HttpsResponse>(_options.CacheSize, StringComparer.Ordinal);
        }

        /// <summary>
        /// GETs <paramref name="url"/> (https only). The result says why there is no body when there is none; a 3xx is a
        /// <see cref="HttpsFetchFailure.Redirect"/> and is not followed.
        /// </summary>
        /// <param name="maxBytes">The body limit; a larger body is <see cref="HttpsFetchFailure.TooLarge"/> and is not read further.</param>
        /// <param name="accept">The Accept header, e.g. text/plain.</param>
        /// <exception cref="ArgumentNullException">url is null.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public Task<HttpsResponse> GetAsync(Uri url, long maxBytes, string accept, CancellationToken cancellationToken)
        {
            if (url == null) throw new ArgumentNullException(nameof(url));
            string key = url.AbsoluteUri + "\n" + maxBytes.ToString(CultureInfo.InvariantCulture) + "\n" + accept;
            var task = _cache.GetOrStart(key, () => FetchAsync(url, maxBytes, accept, cancellationToken));
            return WaitAsync(task, cancellationToken);
        }

        private static async Task<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
        {
            if (task.IsCompleted || !cancellationToken.CanBeCanceled) return await task.ConfigureAwait(false);
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                    throw new OperationCanceledException(cancellationToken);
            }
            return await task.ConfigureAwait(false);
        }

        private async Task<HttpsResponse> FetchAsync(Uri url, long maxBytes, string accept, CancellationToken cancellationToken)
        {
            var response = new HttpsResponse { Url = url };
            if (!url.IsAbsoluteUri || !string.Equals(url.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                response.Failure = HttpsFetchFailure.Protocol;
                response.Error = "only https URLs are fetched";
                return response;
            }
            string host = url.IdnHost;
            using (var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(total.Token))
            {
                total.CancelAfter(_options.TotalTimeout);
                void Touch()
                {
                    try { idle.CancelAfter(_options.IdleTimeout); } catch (ObjectDisposedException) { }
                }
                try
                {
                    Touch();
                    var addresses = await ResolveAsync(host, response, idle.Token).ConfigureAwait(false);
                    if (addresses == null) return Done(response);
                    using (var stream = await ConnectAsync(addresses, url.Port, response, idle, Touch).ConfigureAwait(false))
                    {
                        if (stream == null) return Done(response);
                        // Older runtimes ignore the token once a socket read is under way: closing the stream ends it.
                        using (idle.Token.Register(() => stream.Dispose()))
                            await ExchangeAsync(stream, url, host, maxBytes, accept, response, idle.Token, Touch).ConfigureAwait(false);
                    }
                }
                catch (HttpProtocolException ex)
                {
                    Fail(response, HttpsFetchFailure.Protocol, "the answer is not valid HTTP: " + ex.Message);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (Exception) when (total.IsCancellationRequested || idle.IsCancellationRequested)
                {
                    // The caller did not cancel (above), so the total limit or the idle limit ran out.
                    Fail(response, HttpsFetchFailure.Timeout, total.IsCancellationRequested
                        ? $"the fetch took longer than {Seconds(_options.TotalTimeout)}"
                        : $"no answer within {Seconds(_options.IdleTimeout)}");
                }
                catch (Exception ex) when (!(ex is OutOfMemoryException))
                {
                    Fail(response, HttpsFetchFailure.ConnectFailed, "the connection failed: " + Describe(ex));
                }
            }
            return Done(response);
        }

        private HttpsResponse Done(HttpsResponse response)
        {
            _sink.Verbose(response.IsSuccess
                ? $"GET {response.Url}: {response.StatusCode}, {response.Body.Length:N0} bytes, {response.ContentType ?? "no Content-Type"}."
                : $"GET {response.Url}: {response.Failure}: {response.Error}.");
            return response;
        }

        private static void Fail(HttpsResponse response, HttpsFetchFailure failure, string error)
        {
            // The first reason wins: a redirect stays a redirect even if closing the connection then fails.
            if (response.Failure != HttpsFetchFailure.None) return;
            response.Failure = failure;
            response.Error = error;
            response.Body = null;
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

        private async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, HttpsResponse response, CancellationToken token)
        {
            if (IPAddress.TryParse(host, out var literal)) return new[] { literal };
            var v4Task = _resolver.GetAddressesAsync(host, AddressFamily.InterNetwork, token);
            var v6Task = _resolver.GetAddressesAsync(host, AddressFamily.InterNetworkV6, token);
            var v4 = await v4Task.ConfigureAwait(false);
            var v6 = await v6Task.ConfigureAwait(false);
            // IPv4 first, as the SMTP prober does; v6 is tried when v4 fails.
            var addresses = v4.Records.Concat(v6.Records).ToList();
            if (addresses.Count > 0) return addresses;
            if (v4.IsTemporaryFailure || v6.IsTemporaryFailure)
            {
                var failed = v4.IsTemporaryFailure ? v4 : v6;
                Fail(response, HttpsFetchFailure.DnsTempError, $"the address lookup for {host} failed ({failed.Status}{(failed.Error == null ? "" : ": " + failed.Error)})");
            }
            else
            {
                Fail(response, HttpsFetchFailure.HostNotFound, v4.Status == DnsResponseStatus.NonExistentDomain
                    ? $"{host} does not exist (NXDOMAIN)"
                    : $"{host} has no A or AAAA record");
            }
            return null;
        }

        private async Task<Stream> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, HttpsResponse response, CancellationTokenSource idle, Action touch)
        {
            var errors = new List<string>();
            foreach (var address in addresses)
            {
                response.Address = address;
                touch();
                try
                {
                    return await _connect(address, port, idle.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!idle.IsCancellationRequested && !(ex is OutOfMemoryException))
                {
                    errors.Add($"{address}: {Describe(ex)}");
                }
            }
            if (idle.IsCancellationRequested) idle.Token.ThrowIfCancellationRequested();
            Fail(response, HttpsFetchFailure.ConnectFailed, "no connection to port " + port.ToString(CultureInfo.InvariantCulture) + " (" + string.Join("; ", errors) + ")");
            return null;
        }

        private async Task ExchangeAsync(Stream stream, Uri url, string host, long maxBytes, string accept, HttpsResponse response, CancellationToken token, Action touch)
        {
            SmtpCertificateInfo facts = null;
            using (var ssl = new SslStream(stream, leaveInnerStreamOpen: true, (sender, certificate, chain, errors) =>
            {
                if (certificate != null) facts = SmtpCertificateReader.Read(certificate, chain, errors, _utcNow());
                return errors == SslPolicyErrors.None;
            }))
            {
                try
                {
                    touch();
                    // Revocation is not checked: a CRL/OCSP fetch would leave the loopback-only and offline setups this
                    // runs in, and no MTA-STS sender is required to check it.
                    await ssl.AuthenticateAsClientAsync(host, null, SslProtocols.None, false).ConfigureAwait(false);
                }
                catch (AuthenticationException ex)
                {
                    response.Certificate = facts;
                    if (facts != null && !facts.IsAcceptable())
                        Fail(response, HttpsFetchFailure.Certificate, "the certificate was refused: " + CertificateProblem(facts, host, _utcNow()));
                    else
                        Fail(response, HttpsFetchFailure.TlsFailed, "the TLS handshake failed: " + Describe(ex));
                    return;
                }
                catch (IOException ex) when (!token.IsCancellationRequested)
                {
                    response.Certificate = facts;
                    Fail(response, HttpsFetchFailure.TlsFailed, "the TLS handshake failed: " + Describe(ex));
                    return;
                }
                response.Certificate = facts;
                response.TlsProtocol = ssl.SslProtocol.ToString();
                var exchange = new Http11Exchange(ssl, touch, token);
                touch();
                await exchange.SendAsync(Http11Exchange.BuildRequest(url, accept)).ConfigureAwait(false);
                await exchange.ReadResponseAsync(response, maxBytes).ConfigureAwait(false);
            }
        }

        /// <summary>Why a certificate was refused, in the words an admin fixes it with.</summary>
        internal static string CertificateProblem(SmtpCertificateInfo facts, string host, DateTime utcNow)
        {
            var problems = new List<string>();
            if (!facts.HostnameMatches)
            {
                var names = facts.SubjectAlternativeNames.Where(n => n.StartsWith("DNS:", StringComparison.Ordinal)).Select(n => n.Substring(4)).ToList();
                problems.Add($"it is not valid for {host} (it names {(names.Count > 0 ? string.Join(", ", names) : facts.Subject)})");
            }
            bool expired = facts.NotAfter < utcNow, early = facts.NotBefore > utcNow;
            if (expired) problems.Add($"it expired on {facts.NotAfter:yyyy-MM-dd HH:mm} UTC");
            if (early) problems.Add($"it is not valid before {facts.NotBefore:yyyy-MM-dd HH:mm} UTC");
            // NotTimeValid repeats the dates above; the other chain errors say why the chain is not trusted.
            var chain = facts.ChainErrors.Where(e => !((expired || early) && e.StartsWith("NotTimeValid", StringComparison.Ordinal))).ToList();
            if (!facts.ChainIsValid && chain.Count > 0)
                problems.Add($"it does not chain to a trusted root ({string.Join("; ", chain)})");
            if (problems.Count == 0) problems.Add(facts.PolicyErrors);
            return string.Join("; ", problems) + $" [subject {facts.Subject}, issuer {facts.Issuer}]";
        }

        private static string Describe(Exception ex)
        {
            var inner = ex;
            while (inner.InnerException != null && (inner is IOException || inner is AggregateException || inner is AuthenticationException)) inner = inner.InnerException;
            var text = inner is SocketException socket ? $"{socket.SocketErrorCode}: {socket.Message}" : inner.Message;
            return text.TrimEnd('.');
        }

        private static async Task<Stream> ConnectTcpAsync(IPAddress address, int port, CancellationToken cancellationToken)
        {
            var client = new TcpClient(address.AddressFamily) { NoDelay = true };
            try
            {
                using (cancellationToken.Register(() => client.Dispose()))
                    await client.ConnectAsync(address, port).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return new NetworkStream(client.Client, ownsSocket: true);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }
}
