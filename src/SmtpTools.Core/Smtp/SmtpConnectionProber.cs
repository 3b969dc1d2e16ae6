using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SmtpTools.Core.Diagnostics;
using SmtpTools.Core.Dns;
using SmtpTools.Core.Errors;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// Probes SMTP endpoints phase by phase with MailKit's SmtpClient: Resolve → Connect → Banner → Ehlo → StartTls →
    /// (open-relay test) → Authenticate → Sender → Recipient, then RSET and QUIT. DATA is never sent. A failure of a
    /// phase is data in the result (FailedPhase, Error), not an exception.
    /// </summary>
    public sealed class SmtpConnectionProber
    {
        private readonly IDnsResolver _resolver;
        private readonly IOperationSink _sink;
        private readonly Func<IPAddress, int, CancellationToken, Task<Stream>> _connect;
        private readonly Func<DateTime> _utcNow;

        /// <param name="resolver">The DNS layer for MX lookups (and host names when <see cref="SmtpProbeOptions.ResolveWithDnsLayer"/>).</param>
        /// <param name="sink">Verbose (phases) and Debug (the redacted transcript) messages; may be null.</param>
        public SmtpConnectionProber(IDnsResolver resolver, IOperationSink sink = null)
            : this(resolver, sink, ConnectSocketAsync, () => DateTime.UtcNow) { }

        /// <summary>For tests: <paramref name="connect"/> supplies the byte stream (e.g. a scripted SMTP server).</summary>
        internal SmtpConnectionProber(IDnsResolver resolver, IOperationSink sink, Func<IPAddress, int, CancellationToken, Task<Stream>> connect, Func<DateTime> utcNow)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _sink = sink ?? NullOperationSink.Instance;
            _connect = connect;
            _utcNow = utcNow;
        }

        /// <summary>
        /// The mail exchangers of <paramref name="domain"/> in preference order (RFC 5321 5.1: the domain itself when it
        /// has no MX). 
        /// </summary>
        /// <exception cref="SmtpToolsException">SmtpMxLookupFailed (DNS failure, NXDOMAIN) or SmtpNullMx (RFC 7505: the domain accepts no mail).</exception>
        /// <exception cref="OperationCanceledException">Cancelled.</exception>
        public async Task<IReadOnlyList<DnsMxRecord>> GetMailExchangersAsync(string domain, CancellationToken cancellationToken)
        {
            var name = domain.Trim().TrimEnd('.');
            var answer = await _resolver.GetMxAsync(name, cancellationToken).ConfigureAwait(false);
            if (answer.Status == DnsResponseStatus.NonExistentDomain)
                throw new SmtpToolsException(ErrorIds.SmtpMxLookupFailed, FailureKind.ObjectNotFound, $"The domain {name} does not exist (NXDOMAIN).");
            if (!answer.IsSuccess)
                throw new SmtpToolsException(ErrorIds.SmtpMxLookupFailed, FailureKind.ResourceUnavailable, $"The MX lookup for {name} failed: {answer.Status} {answer.Error}".TrimEnd());
            if (answer.Records.Any(r => r.Exchange.Length == 0 || r.Exchange == "."))
                throw new SmtpToolsException(ErrorIds.SmtpNullMx, FailureKind.ObjectNotFound, $"{name} publishes a null MX (RFC 7505): it accepts no mail.");
            if (answer.Records.Count == 0)
            {
                _sink.Verbose($"{name} has no MX record: testing the domain itself (implicit MX, RFC 5321 5.1).");
                return new[] { new DnsMxRecord(0, name.ToLowerInvariant()) };
            }
            return answer.Records;
        }

        /// <summary>Probes one endpoint. Never throws for what the server or network does; only for cancellation and bad options.</summary>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        /// <exception cref="ArgumentNullException">target or options is null.</exception>
        /// <exception cref="ArgumentException">HeloName, Sender or Recipient cannot go into an SMTP command (see <see cref="SmtpInputRules"/>).</exception>
        public async Task<SmtpConnectionProbeResult> ProbeAsync(SmtpProbeTarget target, SmtpProbeOptions options, CancellationToken cancellationToken)
        {
            if (target == null) throw new ArgumentNullException(nameof(target));
            if (options == null) throw new ArgumentNullException(nameof(options));
            // Whatever reaches EHLO, MAIL FROM or RCPT TO is checked once more here: a CR/LF would start a second command.
            NormalizeHeloName(options.HeloName, nameof(options.HeloName));
            NormalizeAddress(options.Sender, nameof(options.Sender));
            NormalizeAddress(options.Recipient, nameof(options.Recipient));
            var clock = Stopwatch.StartNew();
            var result = new SmtpConnectionProbeResult { Target = target };
            var recorder = new SmtpTranscriptRecorder(clock, line => _sink.Debug($"{target}: {line}"));
            var run = new ProbeRun(this, target, options, result, recorder, cancellationToken);
            try
            {
                await run.ExecuteAsync().ConfigureAwait(false);
            }
            finally
            {
                recorder.Stop();
                clock.Stop();
                FillTimings(result.Timings, recorder, clock);
                result.Transcript = recorder.Transcript;
            }
            result.Findings = SmtpProbeRules.Evaluate(result, options);
            result.Status = SmtpProbeRules.StatusOf(result);
            _sink.Verbose($"{target}: {result.Status}" + (result.FailedPhase == SmtpProbePhase.None ? "" : $" (failed at {result.FailedPhase}: {result.Error})") + $" in {result.Timings.Total:0} ms.");
            return result;
        }

        private static void FillTimings(SmtpProbeTimings timings, SmtpTranscriptRecorder recorder, Stopwatch clock)
        {
            double Ms(SmtpProbePhase phase) => Math.Round(recorder.DurationOf(phase), 2);
            timings.Resolve = Ms(SmtpProbePhase.Resolve);
            timings.Connect = Ms(SmtpProbePhase.Connect);
            timings.Banner = Ms(SmtpProbePhase.Banner);
            timings.Ehlo = Ms(SmtpProbePhase.Ehlo);
            timings.StartTls = Ms(SmtpProbePhase.StartTls);
            timings.Authenticate = Ms(SmtpProbePhase.Authenticate);
            timings.Sender = Ms(SmtpProbePhase.Sender);
            timings.Recipient = Ms(SmtpProbePhase.Recipient);
            timings.Total = Math.Round(clock.Elapsed.TotalMilliseconds, 2);
        }

        private static async Task<Stream> ConnectSocketAsync(IPAddress address, int port, CancellationToken cancellationToken)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using (cancellationToken.Register(() => socket.Dispose()))
                    await socket.ConnectAsync(new IPEndPoint(address, port)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Exposes MailKit's command channel for MAIL/RCPT/RSET (SmtpClient has no public envelope-only API).</summary>
        private sealed class ProbeSmtpClient : SmtpClient
        {
            public ProbeSmtpClient(MailKit.IProtocolLogger logger) : base(logger) { }

            public async Task<SmtpReplyInfo> CommandAsync(string command, CancellationToken cancellationToken)
            {
                try
                {
                    var response = await SendCommandAsync(command, cancellationToken).ConfigureAwait(false);
                    return new SmtpReplyInfo((int)response.StatusCode, response.Response);
                }
                catch (SmtpCommandException ex)
                {
                    return new SmtpReplyInfo((int)ex.StatusCode, ex.Message);
                }
            }
        }

        private readonly struct SmtpReplyInfo
        {
            public SmtpReplyInfo(int code, string text) { Code = code; Text = text; }
            public int Code { get; }
            public string Text { get; }
            public bool IsPositive => Code >= 200 && Code < 400;
        }

        /// <summary>Thrown inside a run to stop at a failed phase; never leaves <see cref="ProbeAsync"/>.</summary>
        private sealed class PhaseFailed : Exception
        {
            public PhaseFailed() : base("phase failed") { }
        }

        /// <summary>The state of one probe.</summary>
        private sealed class ProbeRun
        {
            private readonly SmtpConnectionProber _owner;
            private readonly SmtpProbeTarget _target;
            private readonly SmtpProbeOptions _options;
            private readonly SmtpConnectionProbeResult _result;
            private readonly SmtpTranscriptRecorder _recorder;
            private readonly CancellationToken _cancel;
            private CancellationTokenSource _idle;

            public ProbeRun(SmtpConnectionProber owner, SmtpProbeTarget target, SmtpProbeOptions options, SmtpConnectionProbeResult result, SmtpTranscriptRecorder recorder, CancellationToken cancel)
            {
                _owner = owner;
                _target = target;
                _options = options;
                _result = result;
                _recorder = recorder;
                _cancel = cancel;
            }

            private IOperationSink Sink => _owner._sink;

            public async Task ExecuteAsync()
            {
                using (_idle = CancellationTokenSource.CreateLinkedTokenSource(_cancel))
                {
                    _recorder.Activity += Touch;
                    try
                    {
                        var addresses = await ResolveAsync().ConfigureAwait(false);
                        using (var stream = await ConnectAsync(addresses).ConfigureAwait(false))
                        using (_idle.Token.Register(() => stream.Dispose()))
                        using (var client = new ProbeSmtpClient(_recorder))
                        {
                            await SmtpSessionAsync(client, stream).ConfigureAwait(false);
                        }
                    }
                    catch (PhaseFailed) { }
                    finally
                    {
                        _recorder.Activity -= Touch;
                    }
                }
            }

            private void Touch()
            {
                try { _idle.CancelAfter(_options.Timeout); } catch (ObjectDisposedException) { }
            }

            private void Fail(SmtpProbePhase phase, string error, SmtpReply reply = null)
            {
                _result.FailedPhase = phase;
                _result.Error = error;
                if (reply != null && !reply.IsPositive)
                {
                    _result.ReplyCode = reply.Code;
                    _result.EnhancedStatusCode = reply.EnhancedStatusCode;
                }
                throw new PhaseFailed();
            }

            /// <summary>Turns an exception of a phase into the result's failure; cancellation by the caller propagates.</summary>
            private void FailWith(SmtpProbePhase phase, Exception ex)
            {
                _cancel.ThrowIfCancellationRequested();
                if (_idle.IsCancellationRequested)
                    Fail(phase, $"No answer from the server within {_options.Timeout.TotalSeconds:0.#} s (timed out in phase {phase}).");
                var last = _recorder.LastReply;
                if (ex is SmtpCommandException command)
                    Fail(phase, last != null && !last.IsPositive ? last.Text : $"{(int)command.StatusCode} {command.Message}", last);
                if (ex is AuthenticationException && last != null && !last.IsPositive)
                    Fail(phase, last.Text, last);
                Fail(phase, Describe(ex));
            }

            private static string Describe(Exception ex)
            {
                var text = SmtpReplies.DescribeFailure(ex);
                return string.IsNullOrEmpty(text) ? text : char.ToUpperInvariant(text[0]) + text.Substring(1) + (text.EndsWith(".") ? "" : ".");
            }

            private async Task<IReadOnlyList<IPAddress>> ResolveAsync()
            {
                _recorder.Enter(SmtpProbePhase.Resolve);
                var host = _target.Host.Trim('[', ']');
                if (IPAddress.TryParse(host, out var literal)) return new[] { literal };
                try
                {
                    Touch();
                    var addresses = new List<IPAddress>();
                    if (_options.ResolveWithDnsLayer || _target.Domain != null)
                    {
                        var v4 = await _owner._resolver.GetAddressesAsync(host, AddressFamily.InterNetwork, _idle.Token).ConfigureAwait(false);
                        var v6 = await _owner._resolver.GetAddressesAsync(host, AddressFamily.InterNetworkV6, _idle.Token).ConfigureAwait(false);
                        addresses.AddRange(v4.Records);
                        addresses.AddRange(v6.Records);
                        if (addresses.Count == 0)
                        {
                            var failed = v4.IsTemporaryFailure ? v4 : v6.IsTemporaryFailure ? v6 : v4;
                            Fail(SmtpProbePhase.Resolve, failed.IsTemporaryFailure
                                ? $"Resolving {host} failed: {failed.Status} {failed.Error}".TrimEnd()
                                : $"{host} has no A or AAAA record ({failed.Status}).");
                        }
                    }
                    else
                    {
                        // Without -DnsServer a host name means what it means to every other program here (hosts file included).
                        addresses.AddRange(await System.Net.Dns.GetHostAddressesAsync(host).ConfigureAwait(false));
                        if (addresses.Count == 0) Fail(SmtpProbePhase.Resolve, $"{host} has no address.");
                    }
                    // IPv4 first: loopback test setups and most MTAs listen there; v6 is tried when v4 fails.
                    return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToArray();
                }
                catch (PhaseFailed) { throw; }
                catch (Exception ex)
                {
                    FailWith(SmtpProbePhase.Resolve, ex);
                    return null;
                }
            }

            private async Task<Stream> ConnectAsync(IReadOnlyList<IPAddress> addresses)
            {
                _recorder.Enter(SmtpProbePhase.Connect);
                Exception last = null;
                foreach (var address in addresses)
                {
                    _result.Address = address;
                    Touch();
                    try
                    {
                        Sink.Verbose($"{_target}: connecting to {address}.");
                        return await _owner._connect(address, _target.Port, _idle.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!_cancel.IsCancellationRequested)
                    {
                        last = ex;
                        if (_idle.IsCancellationRequested) break;
                    }
                }
                FailWith(SmtpProbePhase.Connect, last ?? new IOException("No address to connect to."));
                return null;
            }

            private async Task SmtpSessionAsync(ProbeSmtpClient client, Stream stream)
            {
                var mode = _options.Security;
                var implicitTls = mode == SmtpSecurityMode.SslOnConnect || (mode == SmtpSecurityMode.Auto && _target.Port == 465);
                _result.ImplicitTls = implicitTls;
                client.Timeout = (int)Math.Min(int.MaxValue, _options.Timeout.TotalMilliseconds);
                if (!string.IsNullOrWhiteSpace(_options.HeloName)) client.LocalDomain = _options.HeloName.Trim();
                if (_options.SkipCertificateCheck) client.CheckCertificateRevocation = false;
                client.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    _recorder.HandshakeSeen();
                    if (certificate == null) return _options.SkipCertificateCheck;
                    _result.Certificate = SmtpCertificateFacts.From(certificate, chain, errors, _owner._utcNow());
                    return _result.Certificate.IsAcceptable || _options.SkipCertificateCheck;
                };

                var socketOptions = implicitTls ? SecureSocketOptions.SslOnConnect : mode.ToSecureSocketOptions();
                _recorder.Enter(implicitTls ? SmtpProbePhase.StartTls : SmtpProbePhase.Banner);
                _recorder.FollowCommands = true;
                Touch();
                try
                {
                    await client.ConnectAsync(stream, MailKitHost(_target.Host), _target.Port, socketOptions, _idle.Token).ConfigureAwait(false);
                }
                catch (NotSupportedException) when (!_idle.IsCancellationRequested)
                {
                    // MailKit: -Security StartTls but the server did not offer STARTTLS.
                    CollectEhloFacts(client, connected: false);
                    Fail(SmtpProbePhase.StartTls, "The server does not offer STARTTLS (-Security StartTls requires it).");
                }
                catch (Exception ex)
                {
                    CollectEhloFacts(client, connected: false);
                    var phase = _recorder.CurrentPhase;
                    if (ex is SslHandshakeException || ex is System.Security.Authentication.AuthenticationException) phase = SmtpProbePhase.StartTls;
                    if (phase == SmtpProbePhase.None || phase == SmtpProbePhase.Connect) phase = SmtpProbePhase.Banner;
                    if (phase == SmtpProbePhase.Banner && _result.Banner == null && !implicitTls && _idle.IsCancellationRequested && !_cancel.IsCancellationRequested)
                    {
                        // Silence instead of a greeting: a port that expects TLS first (like 465) behaves exactly so.
                        var waited = $"No greeting within {_options.Timeout.TotalSeconds:0.#} s";
                        _result.SpeaksTlsFirst = await SpeaksTlsFirstAsync().ConfigureAwait(false);
                        Fail(phase, _result.SpeaksTlsFirst
                            ? waited + ": the port expects TLS first (implicit TLS); test it with -Security SslOnConnect."
                            : waited + " (timed out in phase Banner). A port that expects TLS first stays silent too: if it is one, use -Security SslOnConnect.");
                    }
                    var certificate = _result.Certificate;
                    if (phase == SmtpProbePhase.StartTls && certificate != null && !_options.SkipCertificateCheck && (!certificate.ChainIsValid || !certificate.HostnameMatches))
                        Fail(phase, "The server certificate was rejected: " + CertificateProblem(_result.Certificate));
                    FailWith(phase, ex);
                }
                finally
                {
                    _recorder.FollowCommands = false;
                }
                CollectEhloFacts(client, connected: true);
                Sink.Verbose($"{_target}: {_result.Banner}; {(_result.IsEncrypted ? _result.TlsProtocol + " " + _result.CipherSuite : "not encrypted")}; {_result.Capabilities.Count} EHLO keyword(s).");

                try
                {
                    if (_options.TestOpenRelay) await RelayTestAsync(client).ConfigureAwait(false);
                    if (_options.Credential != null || _options.AccessToken != null) await AuthenticateAsync(client).ConfigureAwait(false);
                    if (_options.Sender != null || _options.Recipient != null) await EnvelopeAsync(client).ConfigureAwait(false);
                }
                finally
                {
                    // Also after a failed phase: leave with QUIT rather than a dropped connection in the server's log.
                    _recorder.Stop();
                    await TryQuitAsync(client).ConfigureAwait(false);
                }
            }

            /// <summary>Does the port complete a TLS handshake on a new connection (any certificate: this only asks what it speaks)?</summary>
            private async Task<bool> SpeaksTlsFirstAsync()
            {
                if (_result.Address == null) return false;
                using (var limit = CancellationTokenSource.CreateLinkedTokenSource(_cancel))
                {
                    limit.CancelAfter(_options.Timeout);
                    try
                    {
                        using (var stream = await _owner._connect(_result.Address, _target.Port, limit.Token).ConfigureAwait(false))
                        using (var ssl = new System.Net.Security.SslStream(stream, false, (sender, certificate, chain, errors) => true))
                        using (limit.Token.Register(() => ssl.Dispose()))
                        {
                            await ssl.AuthenticateAsClientAsync(MailKitHost(_target.Host)).ConfigureAwait(false);
                            return ssl.IsAuthenticated;
                        }
                    }
                    catch (Exception) when (!_cancel.IsCancellationRequested)
                    {
                        return false;
                    }
                }
            }

            private async Task TryQuitAsync(ProbeSmtpClient client)
            {
                if (_cancel.IsCancellationRequested || _idle.IsCancellationRequested || !client.IsConnected) return;
                try
                {
                    Touch();
                    await client.DisconnectAsync(true, _idle.Token).ConfigureAwait(false);
                }
                catch (Exception) when (!_cancel.IsCancellationRequested)
                {
                    // QUIT is a courtesy; the result is already complete.
                }
            }

            /// <summary>MailKit adds the brackets of an IPv6 literal itself when it builds its URI: give it the bare address.</summary>
            private static string MailKitHost(string host) => host.Trim('[', ']');

            private static string CertificateProblem(SmtpCertificateFacts c)
            {
                var problems = new List<string>();
                if (!c.HostnameMatches) problems.Add("the certificate does not name this host");
                if (c.IsSelfSigned) problems.Add("self-signed");
                problems.AddRange(c.ChainErrors);
                return string.Join("; ", problems);
            }

            /// <summary>EHLO facts from the recorded replies (present even when MailKit's Connect failed half-way), TLS facts from MailKit.</summary>
            private void CollectEhloFacts(ProbeSmtpClient client, bool connected)
            {
                var replies = _recorder.Replies;
                var greeting = replies.FirstOrDefault(r => r.Command == null);
                if (greeting != null) _result.Banner = greeting.Text;
                int startTlsIndex = -1;
                for (int i = 0; i < replies.Count; i++)
                    if (replies[i].Command == "STARTTLS" && replies[i].IsPositive) { startTlsIndex = i; break; }
                var ehlos = replies.Select((r, i) => (reply: r, index: i)).Where(x => (x.reply.Command == "EHLO" || x.reply.Command == "HELO") && x.reply.Code == 250).ToList();
                var plain = _result.ImplicitTls ? default : ehlos.FirstOrDefault(x => startTlsIndex < 0 || x.index < startTlsIndex);
                var secured = _result.ImplicitTls ? ehlos.LastOrDefault() : startTlsIndex < 0 ? default : ehlos.LastOrDefault(x => x.index > startTlsIndex);
                var latest = secured.reply ?? plain.reply;

                if (plain.reply != null)
                {
                    var keywords = SmtpTranscriptRecorder.KeywordsOf(plain.reply);
                    _result.CapabilitiesBeforeTls = keywords;
                    _result.AuthMechanismsBeforeTls = SmtpTranscriptRecorder.AuthMechanismsOf(keywords);
                    _result.SupportsStartTls = keywords.Any(k => k.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
                }
                if (latest != null)
                {
                    var keywords = SmtpTranscriptRecorder.KeywordsOf(latest);
                    _result.Capabilities = keywords;
                    var size = keywords.FirstOrDefault(k => k.StartsWith("SIZE", StringComparison.OrdinalIgnoreCase) && (k.Length == 4 || k[4] == ' '));
                    if (size != null) _result.MaxMessageSize = long.TryParse(size.Substring(4).Trim(), out var max) ? max : 0;
                }
                if (secured.reply != null)
                    _result.AuthMechanismsAfterTls = SmtpTranscriptRecorder.AuthMechanismsOf(SmtpTranscriptRecorder.KeywordsOf(secured.reply));

                if (connected && client.IsSecure)
                {
                    _result.IsEncrypted = true;
                    _result.TlsProtocol = client.SslProtocol.ToString();
                    _result.CipherSuite = CipherSuiteOf(client);
                    if (_result.AuthMechanismsAfterTls == null) _result.AuthMechanismsAfterTls = client.AuthenticationMechanisms.Select(m => m.ToUpperInvariant()).ToArray();
                }
            }

            /// <summary>SmtpClient.SslCipherSuite exists only in MailKit's .NET 5+ builds; Core compiles against netstandard2.0.</summary>
            private static string CipherSuiteOf(SmtpClient client)
            {
                var property = client.GetType().GetProperty("SslCipherSuite");
                var suite = property?.GetValue(client)?.ToString();
                if (!string.IsNullOrEmpty(suite)) return suite;
                return $"{client.SslCipherAlgorithm} {client.SslCipherStrength}-bit, {client.SslHashAlgorithm}, {client.SslKeyExchangeAlgorithm}";
            }

            private async Task RelayTestAsync(ProbeSmtpClient client)
            {
                // Unauthenticated, with the null reverse path so no sender check gets in the way of the question.
                _recorder.Enter(SmtpProbePhase.Recipient);
                try
                {
                    Touch();
                    var mail = await client.CommandAsync("MAIL FROM:<>", _idle.Token).ConfigureAwait(false);
                    if (!mail.IsPositive)
                    {
                        Sink.Verbose($"{_target}: relay test inconclusive, MAIL FROM:<> refused: {mail.Code} {mail.Text}");
                        _result.IsOpenRelay = false;
                        return;
                    }
                    var rcpt = await client.CommandAsync("RCPT TO:<" + SmtpProbeOptions.RelayTestRecipient + ">", _idle.Token).ConfigureAwait(false);
                    _result.IsOpenRelay = rcpt.IsPositive;
                    Sink.Verbose($"{_target}: relay test RCPT TO:<{SmtpProbeOptions.RelayTestRecipient}> answered {rcpt.Code} {rcpt.Text}");
                    await client.CommandAsync("RSET", _idle.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    FailWith(SmtpProbePhase.Recipient, ex);
                }
            }

            private async Task AuthenticateAsync(ProbeSmtpClient client)
            {
                _recorder.Enter(SmtpProbePhase.Authenticate);
                _result.Authenticated = false;
                if (client.AuthenticationMechanisms.Count == 0)
                {
                    var hint = !_result.IsEncrypted && _result.SupportsStartTls == true ? " (use STARTTLS: many servers offer AUTH only after it)" : "";
                    Fail(SmtpProbePhase.Authenticate, "The server offers no AUTH mechanism on this connection" + hint + ".");
                }
                if (!_result.IsEncrypted && _options.Security != SmtpSecurityMode.None)
                    Fail(SmtpProbePhase.Authenticate, "Refusing to send credentials over an unencrypted connection (the server offers no STARTTLS here); -Security None allows it.");
                _recorder.MaskClient = true;
                try
                {
                    Touch();
                    if (_options.AccessToken != null)
                    {
                        var offered = client.AuthenticationMechanisms;
                        SaslMechanism mechanism = offered.Contains("OAUTHBEARER") && !offered.Contains("XOAUTH2")
                            ? (SaslMechanism)new SaslMechanismOAuthBearer(_options.AccessToken)
                            : new SaslMechanismOAuth2(_options.AccessToken);
                        _result.AuthMechanism = mechanism.MechanismName;
                        await client.AuthenticateAsync(mechanism, _idle.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await client.AuthenticateAsync(_options.Credential, _idle.Token).ConfigureAwait(false);
                    }
                    _result.Authenticated = true;
                }
                catch (Exception ex)
                {
                    if (_result.AuthMechanism == null) _result.AuthMechanism = LastAuthMechanism();
                    FailWith(SmtpProbePhase.Authenticate, ex);
                }
                finally
                {
                    _recorder.MaskClient = false;
                }
                if (_result.AuthMechanism == null) _result.AuthMechanism = LastAuthMechanism();
                Sink.Verbose($"{_target}: authenticated with {_result.AuthMechanism}.");
            }

            private string LastAuthMechanism()
            {
                var line = _recorder.Transcript.LastOrDefault(l => l.StartsWith("C: AUTH ", StringComparison.OrdinalIgnoreCase));
                return line?.Split(' ').ElementAtOrDefault(2)?.ToUpperInvariant();
            }

            private async Task EnvelopeAsync(ProbeSmtpClient client)
            {
                _recorder.Enter(SmtpProbePhase.Sender);
                try
                {
                    Touch();
                    var mail = await client.CommandAsync("MAIL FROM:<" + (_options.Sender ?? "") + ">", _idle.Token).ConfigureAwait(false);
                    _result.SenderAccepted = mail.IsPositive;
                    if (!mail.IsPositive) Fail(SmtpProbePhase.Sender, _recorder.LastReply?.Text ?? $"{mail.Code} {mail.Text}", _recorder.LastReply);
                    if (_options.Recipient != null)
                    {
                        _recorder.Enter(SmtpProbePhase.Recipient);
                        var rcpt = await client.CommandAsync("RCPT TO:<" + _options.Recipient + ">", _idle.Token).ConfigureAwait(false);
                        _result.RecipientAccepted = rcpt.IsPositive;
                        if (!rcpt.IsPositive)
                        {
                            await TryResetAsync(client).ConfigureAwait(false);
                            Fail(SmtpProbePhase.Recipient, ReplyTo("RCPT")?.Text ?? $"{rcpt.Code} {rcpt.Text}", ReplyTo("RCPT"));
                        }
                    }
                    await TryResetAsync(client).ConfigureAwait(false);
                }
                catch (PhaseFailed) { throw; }
                catch (Exception ex)
                {
                    FailWith(_recorder.CurrentPhase, ex);
                }
            }

            private SmtpReply ReplyTo(string verb) => _recorder.Replies.LastOrDefault(r => r.Command == verb);

            private async Task TryResetAsync(ProbeSmtpClient client)
            {
                try { await client.CommandAsync("RSET", _idle.Token).ConfigureAwait(false); }
                catch (Exception) when (!_cancel.IsCancellationRequested) { }
            }
        }

        /// <summary>Checks an address given for MAIL FROM / RCPT TO: one mailbox, no CR/LF or other control characters, no angle brackets, RFC 5321's lengths.</summary>
        /// <exception cref="ArgumentException">The text is not a single e-mail address that can go into an SMTP command.</exception>
        public static string NormalizeAddress(string address, string parameterName)
        {
            if (address == null) return null;
            if (SmtpInputRules.HasControlCharacter(address))
                throw new ArgumentException($"'{SmtpInputRules.Printable(address)}' contains a line break or another control character; it cannot go into an SMTP command.", parameterName);
            var text = address.Trim();
            if (text.Length == 0) return "";
            if (text.IndexOfAny(new[] { '<', '>', ' ', '\t' }) >= 0 || !MailboxAddress.TryParse(text, out var mailbox) || mailbox.Address != text || !text.Contains("@"))
                throw new ArgumentException($"'{address}' is not a single e-mail address.", parameterName);
            var problem = SmtpInputRules.AddressProblem(text);
            if (problem != null) throw new ArgumentException($"'{text}' cannot be used: {problem}.", parameterName);
            return text;
        }

        /// <summary>Checks a name given for EHLO: a domain or an address literal, no CR/LF (which would start a second command).</summary>
        /// <exception cref="ArgumentException">The text cannot be the EHLO argument.</exception>
        public static string NormalizeHeloName(string name, string parameterName)
        {
            // Trimming first would hide a trailing CR/LF; a control character anywhere is refused as it is.
            var text = SmtpInputRules.HasControlCharacter(name) ? name : name?.Trim();
            if (string.IsNullOrEmpty(text)) return null; // not given: MailKit's default (the local host name)
            var problem = SmtpInputRules.HeloNameProblem(text);
            if (problem != null) throw new ArgumentException($"'{SmtpInputRules.Printable(name)}' cannot be the EHLO name: {problem}.", parameterName);
            return text;
        }
    }
}
