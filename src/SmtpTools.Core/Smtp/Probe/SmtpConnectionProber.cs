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
        private readonly SmtpConnector _connector;
        private readonly Func<DateTime> _utcNow;

        /// <param name="resolver">The DNS layer for MX lookups (and host names when <see cref="SmtpProbeOptions.ResolveWithDnsLayer"/>).</param>
        /// <param name="sink">Verbose (phases) and Debug (the redacted transcript) messages; may be null.</param>
        /// <param name="connector">Where the byte streams come from; null: TCP (tests pass a scripted server).</param>
        public SmtpConnectionProber(IDnsResolver resolver, IOperationSink sink = null, SmtpConnector connector = null)
            : this(resolver, sink, connector, () => DateTime.UtcNow) { }

        /// <summary>For tests: <paramref name="utcNow"/> pins the time certificates are judged against.</summary>
        internal SmtpConnectionProber(IDnsResolver resolver, IOperationSink sink, SmtpConnector connector, Func<DateTime> utcNow)
        {
            _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
            _sink = sink ?? NullOperationSink.Instance;
            _connector = connector ?? SmtpConnector.Tcp;
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
        public async Task<SmtpConnectionResult> ProbeAsync(SmtpProbeTarget target, SmtpProbeOptions options, CancellationToken cancellationToken)
        {
            if (target == null) throw new ArgumentNullException(nameof(target));
            if (options == null) throw new ArgumentNullException(nameof(options));
            // Whatever reaches EHLO, MAIL FROM or RCPT TO is checked once more here: a CR/LF would start a second command.
            NormalizeHeloName(options.HeloName, nameof(options.HeloName));
            NormalizeAddress(options.Sender, nameof(options.Sender));
            NormalizeAddress(options.Recipient, nameof(options.Recipient));
            var clock = Stopwatch.StartNew();
            var result = new SmtpConnectionResult { SmtpServer = target.Host, Port = target.Port, Domain = target.Domain, MxPreference = target.MxPreference };
            using (var session = new SmtpSession(options, line => _sink.Debug($"{target}: {line}"), clock, _utcNow))
            {
                var run = new ProbeRun(this, target, options, result, session, cancellationToken);
                var transcript = session.Transcript;
                try
                {
                    await run.ExecuteAsync().ConfigureAwait(false);
                }
                finally
                {
                    transcript.Stop();
                    clock.Stop();
                    result.Timings = TimingsOf(transcript, clock);
                    result.Transcript = transcript.Lines.ToArray();
                }
                // A check of what the handshake presented (DANE, issue 14) goes here, before the findings are judged:
                // result.Certificate.PresentedChain holds the server's certificates as sent, _resolver answers TLSA queries.
                result.Findings = SmtpProbeRules.Evaluate(result, run.SpeaksTlsFirst).ToArray();
            }
            result.Status = SmtpProbeRules.StatusOf(result);
            _sink.Verbose($"{target}: {result.Status}" + (result.FailedPhase == SmtpPhase.None ? "" : $" (failed at {result.FailedPhase}: {result.Error})") + $" in {result.Timings.Total:0} ms.");
            return result;
        }

        private static SmtpConnectionTimings TimingsOf(SmtpTranscript transcript, Stopwatch clock)
        {
            double Ms(SmtpPhase phase) => Math.Round(transcript.DurationOf(phase), 2);
            return new SmtpConnectionTimings
            {
                Resolve = Ms(SmtpPhase.Resolve),
                Connect = Ms(SmtpPhase.Connect),
                Banner = Ms(SmtpPhase.Banner),
                Ehlo = Ms(SmtpPhase.Ehlo),
                StartTls = Ms(SmtpPhase.StartTls),
                Authenticate = Ms(SmtpPhase.Authenticate),
                Sender = Ms(SmtpPhase.Sender),
                Recipient = Ms(SmtpPhase.Recipient),
                Total = Math.Round(clock.Elapsed.TotalMilliseconds, 2),
            };
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
            private readonly SmtpConnectionResult _result;
            private readonly SmtpSession _session;
            private readonly SmtpTranscript _transcript;
            private readonly CancellationToken _cancel;
            private CancellationTokenSource _idle;
            private IPAddress _address;

            public ProbeRun(SmtpConnectionProber owner, SmtpProbeTarget target, SmtpProbeOptions options, SmtpConnectionResult result, SmtpSession session, CancellationToken cancel)
            {
                _owner = owner;
                _target = target;
                _options = options;
                _result = result;
                _session = session;
                _transcript = session.Transcript;
                _cancel = cancel;
            }

            /// <summary>The port sent no plain-text greeting but completed a TLS handshake on a second connection: it expects implicit TLS.</summary>
            public bool SpeaksTlsFirst { get; private set; }

            private IOperationSink Sink => _owner._sink;

            public async Task ExecuteAsync()
            {
                using (_idle = CancellationTokenSource.CreateLinkedTokenSource(_cancel))
                {
                    _transcript.Activity += Touch;
                    try
                    {
                        var addresses = await ResolveAsync().ConfigureAwait(false);
                        var stream = await ConnectAsync(addresses).ConfigureAwait(false);
                        using (_idle.Token.Register(_session.Abort))
                            await SmtpSessionAsync(stream).ConfigureAwait(false);
                    }
                    catch (PhaseFailed) { }
                    finally
                    {
                        _transcript.Activity -= Touch;
                    }
                }
            }

            /// <summary>Every byte either way restarts the idle timer: a step may take as long as the server keeps talking.</summary>
            private void Touch()
            {
                try { _idle.CancelAfter(_options.Timeout); } catch (ObjectDisposedException) { }
            }

            private void Fail(SmtpPhase phase, string error, SmtpReply reply = null)
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
            private void FailWith(SmtpPhase phase, Exception ex)
            {
                _cancel.ThrowIfCancellationRequested();
                if (_idle.IsCancellationRequested)
                    Fail(phase, $"No answer from the server within {_options.Timeout.TotalSeconds:0.#} s (timed out in phase {phase}).");
                var last = _transcript.LastReply;
                if (ex is SmtpCommandException command)
                    Fail(phase, last != null && !last.IsPositive ? last.Text : $"{(int)command.StatusCode} {command.Message}", last);
                if (ex is MailKit.Security.AuthenticationException && last != null && !last.IsPositive)
                    Fail(phase, last.Text, last);
                if (ex is SmtpToolsException own)
                    Fail(phase, own.Message);
                Fail(phase, Describe(ex));
            }

            private static string Describe(Exception ex)
            {
                var text = SmtpReplies.DescribeFailure(ex);
                return string.IsNullOrEmpty(text) ? text : char.ToUpperInvariant(text[0]) + text.Substring(1) + (text.EndsWith(".") ? "" : ".");
            }

            private async Task<IReadOnlyList<IPAddress>> ResolveAsync()
            {
                _transcript.Enter(SmtpPhase.Resolve);
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
                            Fail(SmtpPhase.Resolve, failed.IsTemporaryFailure
                                ? $"Resolving {host} failed: {failed.Status} {failed.Error}".TrimEnd()
                                : $"{host} has no A or AAAA record ({failed.Status}).");
                        }
                    }
                    else
                    {
                        // Without -DnsServer a host name means what it means to every other program here (hosts file included).
                        addresses.AddRange(await System.Net.Dns.GetHostAddressesAsync(host).ConfigureAwait(false));
                        if (addresses.Count == 0) Fail(SmtpPhase.Resolve, $"{host} has no address.");
                    }
                    // IPv4 first: loopback test setups and most MTAs listen there; v6 is tried when v4 fails.
                    return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToArray();
                }
                catch (PhaseFailed) { throw; }
                catch (Exception ex)
                {
                    FailWith(SmtpPhase.Resolve, ex);
                    return null;
                }
            }

            private async Task<Stream> ConnectAsync(IReadOnlyList<IPAddress> addresses)
            {
                _transcript.Enter(SmtpPhase.Connect);
                Exception last = null;
                foreach (var address in addresses)
                {
                    _address = address;
                    _result.IPAddress = address.ToString();
                    Touch();
                    try
                    {
                        Sink.Verbose($"{_target}: connecting to {address}.");
                        // The idle timer bounds the connection (its cancellation says "timed out in phase Connect").
                        return await _owner._connector.ConnectAsync(new IPEndPoint(address, _target.Port), System.Threading.Timeout.InfiniteTimeSpan, _idle.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!_cancel.IsCancellationRequested)
                    {
                        last = ex;
                        if (_idle.IsCancellationRequested) break;
                    }
                }
                FailWith(SmtpPhase.Connect, last ?? new IOException("No address to connect to."));
                return null;
            }

            private async Task SmtpSessionAsync(Stream stream)
            {
                var mode = SmtpSecurityPolicy.EffectiveMode(_options.Security, _target.Port, willAuthenticate: false);
                var implicitTls = mode == SmtpSecurity.SslOnConnect;
                _result.ImplicitTls = implicitTls;
                _transcript.Enter(implicitTls ? SmtpPhase.StartTls : SmtpPhase.Banner);
                _transcript.FollowCommands = true;
                Touch();
                try
                {
                    await _session.StartAsync(stream, _target.Host, _target.Port, mode, _idle.Token).ConfigureAwait(false);
                }
                catch (NotSupportedException) when (!_idle.IsCancellationRequested)
                {
                    // MailKit: -Security StartTls but the server did not offer STARTTLS.
                    CollectEhloFacts(connected: false);
                    Fail(SmtpPhase.StartTls, "The server does not offer STARTTLS (-Security StartTls requires it).");
                }
                catch (Exception ex)
                {
                    CollectEhloFacts(connected: false);
                    var phase = _transcript.CurrentPhase;
                    if (ex is MailKit.Security.SslHandshakeException || ex is System.Security.Authentication.AuthenticationException) phase = SmtpPhase.StartTls;
                    if (phase == SmtpPhase.None || phase == SmtpPhase.Connect) phase = SmtpPhase.Banner;
                    if (phase == SmtpPhase.Banner && _result.Banner == null && !implicitTls && _idle.IsCancellationRequested && !_cancel.IsCancellationRequested)
                    {
                        // Silence instead of a greeting: a port that expects TLS first (like 465) behaves exactly so.
                        var waited = $"No greeting within {_options.Timeout.TotalSeconds:0.#} s";
                        SpeaksTlsFirst = await SpeaksTlsFirstAsync().ConfigureAwait(false);
                        Fail(phase, SpeaksTlsFirst
                            ? waited + ": the port expects TLS first (implicit TLS); test it with -Security SslOnConnect."
                            : waited + " (timed out in phase Banner). A port that expects TLS first stays silent too: if it is one, use -Security SslOnConnect.");
                    }
                    var certificate = _result.Certificate = _session.Certificate;
                    if (phase == SmtpPhase.StartTls && certificate != null && !_options.SkipCertificateCheck && (!certificate.ChainIsValid || !certificate.HostnameMatches))
                        Fail(phase, "The server certificate was rejected: " + CertificateProblem(certificate));
                    FailWith(phase, ex);
                }
                finally
                {
                    _transcript.FollowCommands = false;
                    _result.Certificate = _session.Certificate;
                }
                CollectEhloFacts(connected: true);
                Sink.Verbose($"{_target}: {_result.Banner}; {(_result.IsEncrypted ? _result.TlsProtocol + " " + _result.CipherSuite : "not encrypted")}; {_result.Capabilities.Length} EHLO keyword(s).");

                try
                {
                    if (_options.TestOpenRelay) await RelayTestAsync().ConfigureAwait(false);
                    if (_options.HasSecrets) await AuthenticateAsync().ConfigureAwait(false);
                    if (_options.Sender != null || _options.Recipient != null) await EnvelopeAsync().ConfigureAwait(false);
                }
                finally
                {
                    // Also after a failed phase: leave with QUIT rather than a dropped connection in the server's log.
                    _transcript.Stop();
                    await TryQuitAsync().ConfigureAwait(false);
                }
            }

            /// <summary>Does the port complete a TLS handshake on a new connection (any certificate: this only asks what it speaks)?</summary>
            private async Task<bool> SpeaksTlsFirstAsync()
            {
                if (_address == null) return false;
                try
                {
                    using (var stream = await _owner._connector.ConnectAsync(new IPEndPoint(_address, _target.Port), _options.Timeout, _cancel).ConfigureAwait(false))
                    using (var ssl = new System.Net.Security.SslStream(stream, false, (sender, certificate, chain, errors) => true))
                    using (var limit = CancellationTokenSource.CreateLinkedTokenSource(_cancel))
                    {
                        limit.CancelAfter(_options.Timeout);
                        using (limit.Token.Register(() => ssl.Dispose()))
                        {
                            await ssl.AuthenticateAsClientAsync(_target.Host.Trim('[', ']')).ConfigureAwait(false);
                            return ssl.IsAuthenticated;
                        }
                    }
                }
                catch (Exception) when (!_cancel.IsCancellationRequested)
                {
                    return false;
                }
            }

            private async Task TryQuitAsync()
            {
                if (_cancel.IsCancellationRequested || _idle.IsCancellationRequested || !_session.IsConnected) return;
                Touch();
                // QUIT is a courtesy; the result is already complete.
                await _session.QuitAsync(_idle.Token).ConfigureAwait(false);
            }

            private static string CertificateProblem(SmtpCertificateInfo c)
            {
                var problems = new List<string>();
                if (!c.HostnameMatches) problems.Add("the certificate does not name this host");
                if (c.IsSelfSigned) problems.Add("self-signed");
                problems.AddRange(c.ChainErrors);
                return string.Join("; ", problems);
            }

            /// <summary>EHLO facts from the recorded replies (present even when MailKit's Connect failed half-way), TLS facts from the session.</summary>
            private void CollectEhloFacts(bool connected)
            {
                var replies = _transcript.Replies;
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
                    var keywords = SmtpTranscript.KeywordsOf(plain.reply);
                    _result.CapabilitiesBeforeTls = keywords.ToArray();
                    _result.AuthMechanismsBeforeTls = SmtpTranscript.AuthMechanismsOf(keywords).ToArray();
                    _result.SupportsStartTls = keywords.Any(k => k.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
                }
                if (latest != null)
                {
                    var keywords = SmtpTranscript.KeywordsOf(latest);
                    _result.Capabilities = keywords.ToArray();
                    var size = keywords.FirstOrDefault(k => k.StartsWith("SIZE", StringComparison.OrdinalIgnoreCase) && (k.Length == 4 || k[4] == ' '));
                    if (size != null) _result.MaxMessageSize = long.TryParse(size.Substring(4).Trim(), out var max) ? max : 0;
                }
                if (secured.reply != null)
                    _result.AuthMechanismsAfterTls = SmtpTranscript.AuthMechanismsOf(SmtpTranscript.KeywordsOf(secured.reply)).ToArray();

                if (connected && _session.IsSecure)
                {
                    _result.IsEncrypted = true;
                    _result.TlsProtocol = _session.TlsProtocol;
                    _result.CipherSuite = _session.CipherSuite;
                    if (_result.AuthMechanismsAfterTls == null) _result.AuthMechanismsAfterTls = _session.AuthenticationMechanisms.Select(m => m.ToUpperInvariant()).ToArray();
                }
            }

            private async Task RelayTestAsync()
            {
                // Unauthenticated, with the null reverse path so no sender check gets in the way of the question.
                _transcript.Enter(SmtpPhase.Recipient);
                try
                {
                    Touch();
                    var mail = await _session.CommandAsync("MAIL FROM:<>", _idle.Token).ConfigureAwait(false);
                    if (!mail.IsPositive)
                    {
                        Sink.Verbose($"{_target}: relay test inconclusive, MAIL FROM:<> refused: {mail.Text}");
                        _result.IsOpenRelay = false;
                        return;
                    }
                    var rcpt = await _session.CommandAsync("RCPT TO:<" + SmtpProbeOptions.RelayTestRecipient + ">", _idle.Token).ConfigureAwait(false);
                    _result.IsOpenRelay = rcpt.IsPositive;
                    Sink.Verbose($"{_target}: relay test RCPT TO:<{SmtpProbeOptions.RelayTestRecipient}> answered {rcpt.Text}");
                    await _session.CommandAsync("RSET", _idle.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    FailWith(SmtpPhase.Recipient, ex);
                }
            }

            private async Task AuthenticateAsync()
            {
                _transcript.Enter(SmtpPhase.Authenticate);
                _result.Authenticated = false;
                try
                {
                    Touch();
                    await _session.AuthenticateAsync(_idle.Token).ConfigureAwait(false);
                    _result.Authenticated = true;
                }
                catch (Exception ex)
                {
                    _result.AuthMechanism = _session.AuthMechanism;
                    FailWith(SmtpPhase.Authenticate, ex);
                }
                _result.AuthMechanism = _session.AuthMechanism;
                Sink.Verbose($"{_target}: authenticated with {_result.AuthMechanism}.");
            }

            private async Task EnvelopeAsync()
            {
                _transcript.Enter(SmtpPhase.Sender);
                try
                {
                    Touch();
                    var mail = await _session.CommandAsync("MAIL FROM:<" + (_options.Sender ?? "") + ">", _idle.Token).ConfigureAwait(false);
                    _result.SenderAccepted = mail.IsPositive;
                    if (!mail.IsPositive) Fail(SmtpPhase.Sender, _transcript.LastReply?.Text ?? mail.Text, _transcript.LastReply);
                    if (_options.Recipient != null)
                    {
                        _transcript.Enter(SmtpPhase.Recipient);
                        var rcpt = await _session.CommandAsync("RCPT TO:<" + _options.Recipient + ">", _idle.Token).ConfigureAwait(false);
                        _result.RecipientAccepted = rcpt.IsPositive;
                        if (!rcpt.IsPositive)
                        {
                            await TryResetAsync().ConfigureAwait(false);
                            Fail(SmtpPhase.Recipient, ReplyTo("RCPT")?.Text ?? rcpt.Text, ReplyTo("RCPT"));
                        }
                    }
                    await TryResetAsync().ConfigureAwait(false);
                }
                catch (PhaseFailed) { throw; }
                catch (Exception ex)
                {
                    FailWith(_transcript.CurrentPhase, ex);
                }
            }

            private SmtpReply ReplyTo(string verb) => _transcript.Replies.LastOrDefault(r => r.Command == verb);

            private async Task TryResetAsync()
            {
                try { await _session.CommandAsync("RSET", _idle.Token).ConfigureAwait(false); }
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
