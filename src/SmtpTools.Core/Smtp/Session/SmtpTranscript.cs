using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using MailKit;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// The protocol logger of every SMTP session (MailKit hands it each buffer it writes and reads). It keeps what the
    /// session layer needs to know about the conversation:
    /// <list type="bullet">
    /// <item>Secrets never leave it: client bytes pass <see cref="SecretRedactor"/> (MailKit's detector), and while AUTH
    /// runs (<see cref="MaskClient"/>) everything the client writes is reduced to its command verb.</item>
    /// <item>Debug lines ("C: …"/"S: …") for -Debug, client writes cut at 400 bytes (message data is not a log).</item>
    /// <item>Whether the current transaction wrote the end of its data (<see cref="DataEnded"/>): dot-stuffing (RFC 5321
    /// 4.5.2) guarantees CRLF "." CRLF occurs only at the end of DATA, so the last five bytes written tell; a BDAT command
    /// counts at once — the safe side: an unconfirmed result rather than a possible duplicate.</item>
    /// <item>Whether the server has said anything at all (<see cref="ServerBytes"/>).</item>
    /// <item>For the probe (<see cref="KeepConversation"/>): the transcript, the replies with the command each answered
    /// (EHLO facts exist even when a later phase fails), and the time spent per phase; while MailKit's Connect runs
    /// (<see cref="FollowCommands"/>), the EHLO and STARTTLS it writes move the phase on.</item>
    /// </list>
    /// Thread-safe: MailKit calls it from the thread doing the I/O, the owner reads it from others.
    /// </summary>
    internal sealed class SmtpTranscript : IProtocolLogger
    {
        private const int MaxDebugBytes = 400;
        private static readonly byte[] DataEnd = { (byte)'\r', (byte)'\n', (byte)'.', (byte)'\r', (byte)'\n' };

        private readonly object _gate = new object();
        private readonly Action<string> _debug;
        private readonly Stopwatch _clock;
        private readonly List<string> _lines = new List<string>();
        private readonly List<SmtpReply> _replies = new List<SmtpReply>();
        private readonly Dictionary<SmtpPhase, double> _durations = new Dictionary<SmtpPhase, double>();
        private readonly StringBuilder _serverPartial = new StringBuilder();
        private readonly List<string> _replyLines = new List<string>();
        private readonly byte[] _tail = new byte[5];
        private int _tailLength;
        private string _lastCommand;
        private double _phaseStart;

        /// <param name="debug">Receives each line of the conversation (secrets masked); null: none.</param>
        /// <param name="clock">Keeps the transcript, the replies and the phase times against this clock (the probe); null: none.</param>
        public SmtpTranscript(Action<string> debug, Stopwatch clock = null)
        {
            _debug = debug;
            _clock = clock;
        }

        /// <summary>The transcript, the replies and the phase times are kept (a clock was given).</summary>
        public bool KeepConversation => _clock != null;

        public IAuthenticationSecretDetector AuthenticationSecretDetector { get; set; }

        /// <summary>Called on every byte in either direction (the probe's idle timeout listens).</summary>
        public event Action Activity;

        /// <summary>While set, client bytes are logged as the command verb only (AUTH and its continuation lines).</summary>
        public bool MaskClient { get; set; }

        /// <summary>While set, EHLO/HELO and STARTTLS written by MailKit switch the current phase.</summary>
        public bool FollowCommands { get; set; }

        public SmtpPhase CurrentPhase { get; private set; } = SmtpPhase.None;

        /// <summary>The mechanism of the last AUTH command the client wrote (e.g. PLAIN); null before any.</summary>
        public string LastAuthMechanism { get; private set; }

        /// <summary>True once this transaction wrote the end of its data (see the class summary).</summary>
        public bool DataEnded { get { lock (_gate) return _dataEnded; } }
        private bool _dataEnded;

        /// <summary>How many bytes the server has sent on this connection (0: not even a greeting).</summary>
        public long ServerBytes { get { lock (_gate) return _serverBytes; } }
        private long _serverBytes;

        public IReadOnlyList<SmtpReply> Replies { get { lock (_gate) return _replies.ToArray(); } }
        public IReadOnlyList<string> Lines { get { lock (_gate) return _lines.ToArray(); } }
        public SmtpReply LastReply { get { lock (_gate) return _replies.Count == 0 ? null : _replies[_replies.Count - 1]; } }

        /// <summary>A new mail transaction: the end of the data has not been written yet.</summary>
        public void BeginTransaction()
        {
            lock (_gate)
            {
                _dataEnded = false;
                _tailLength = 0;
            }
        }

        /// <summary>Ends the current phase's clock and starts <paramref name="phase"/>.</summary>
        public void Enter(SmtpPhase phase)
        {
            if (_clock == null) return;
            lock (_gate)
            {
                var now = _clock.Elapsed.TotalMilliseconds;
                if (CurrentPhase != SmtpPhase.None)
                    _durations[CurrentPhase] = DurationOfLocked(CurrentPhase) + (now - _phaseStart);
                CurrentPhase = phase;
                _phaseStart = now;
            }
        }

        /// <summary>Stops the clock of the current phase.</summary>
        public void Stop() => Enter(SmtpPhase.None);

        public double DurationOf(SmtpPhase phase)
        {
            lock (_gate) return DurationOfLocked(phase);
        }

        private double DurationOfLocked(SmtpPhase phase) => _durations.TryGetValue(phase, out var ms) ? ms : 0;

        /// <summary>The TLS handshake reached certificate validation: on implicit TLS the server speaks next.</summary>
        public void HandshakeSeen()
        {
            lock (_gate)
            {
                if (FollowCommands && CurrentPhase == SmtpPhase.StartTls && _replies.Count == 0)
                    Enter(SmtpPhase.Banner);
            }
            Activity?.Invoke();
        }

        public void LogConnect(Uri uri)
        {
            _debug?.Invoke("connect " + uri);
            Activity?.Invoke();
        }

        public void LogClient(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                WatchDataEnd(buffer, offset, count);
                if (_debug != null || KeepConversation || MaskClient || FollowCommands)
                {
                    int shown = KeepConversation ? count : Math.Min(count, MaxDebugBytes);
                    var text = SecretRedactor.Redact(AuthenticationSecretDetector, buffer, offset, count, shown);
                    foreach (var line in text.Split(new[] { "\r\n", "\n" }, StringSplitOptions.RemoveEmptyEntries))
                    {
                        var verb = VerbOf(line);
                        if (verb == "AUTH") LastAuthMechanism = line.Split(' ').ElementAtOrDefault(1)?.ToUpperInvariant();
                        Add("C: " + (MaskClient ? MaskedLine(line, verb) : line));
                        // AUTH continuation lines are not commands; keep the verb of the command being answered.
                        if (!MaskClient || verb == "AUTH") _lastCommand = verb;
                        if (FollowCommands)
                        {
                            if (verb == "EHLO" || verb == "HELO") Enter(SmtpPhase.Ehlo);
                            else if (verb == "STARTTLS") Enter(SmtpPhase.StartTls);
                        }
                    }
                    if (count > shown) _debug?.Invoke($"C: … (+{count - shown} bytes)");
                }
            }
            Activity?.Invoke();
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                _serverBytes += count;
                if (_debug != null || KeepConversation)
                {
                    _serverPartial.Append(Encoding.UTF8.GetString(buffer, offset, count));
                    int newline;
                    while ((newline = IndexOfNewline(_serverPartial)) >= 0)
                    {
                        var line = _serverPartial.ToString(0, newline).TrimEnd('\r');
                        _serverPartial.Remove(0, newline + 1);
                        Add("S: " + line);
                        if (KeepConversation) AcceptServerLine(line);
                    }
                }
            }
            Activity?.Invoke();
        }

        public void Dispose() { }

        private void WatchDataEnd(byte[] buffer, int offset, int count)
        {
            if (count >= 5 && buffer[offset] == 'B' && buffer[offset + 1] == 'D' && buffer[offset + 2] == 'A' && buffer[offset + 3] == 'T' && buffer[offset + 4] == ' ')
                _dataEnded = true;
            for (int i = Math.Max(offset, offset + count - _tail.Length); i < offset + count; i++)
            {
                if (_tailLength == _tail.Length) Buffer.BlockCopy(_tail, 1, _tail, 0, _tail.Length - 1);
                else _tailLength++;
                _tail[_tailLength - 1] = buffer[i];
            }
            if (_tailLength == _tail.Length && _tail.SequenceEqual(DataEnd)) _dataEnded = true;
        }

        private void AcceptServerLine(string line)
        {
            int code = 0;
            if (line.Length >= 3 && char.IsDigit(line[0]) && char.IsDigit(line[1]) && char.IsDigit(line[2]))
                code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
            bool more = line.Length > 3 && line[3] == '-';
            _replyLines.Add(line.Length > 4 ? line.Substring(4) : "");
            if (more) return;
            _replies.Add(new SmtpReply(_lastCommand, code, _replyLines.ToArray()));
            _replyLines.Clear();
        }

        private static int IndexOfNewline(StringBuilder text)
        {
            for (int i = 0; i < text.Length; i++)
                if (text[i] == '\n') return i;
            return -1;
        }

        private static string VerbOf(string line)
        {
            var space = line.IndexOf(' ');
            var verb = (space < 0 ? line : line.Substring(0, space)).ToUpperInvariant();
            return verb.Length > 0 && verb.All(c => c >= 'A' && c <= 'Z') ? verb : null;
        }

        private static string MaskedLine(string line, string verb)
        {
            if (verb != "AUTH") return SecretRedactor.Mask;
            // "AUTH MECHANISM" stays readable; an initial response never does.
            var parts = line.Split(new[] { ' ' }, 3);
            return parts.Length <= 2 ? line : parts[0] + " " + parts[1] + " " + SecretRedactor.Mask;
        }

        private void Add(string line)
        {
            if (KeepConversation) _lines.Add(line);
            _debug?.Invoke(line);
        }

        /// <summary>EHLO keywords with their parameters from an EHLO reply (the first line is the server's name).</summary>
        public static IReadOnlyList<string> KeywordsOf(SmtpReply ehlo) =>
            ehlo.Lines.Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

        /// <summary>AUTH mechanisms (upper case) announced by "AUTH m1 m2" and the old "AUTH=m1 m2" form.</summary>
        public static IReadOnlyList<string> AuthMechanismsOf(IEnumerable<string> keywords)
        {
            var result = new List<string>();
            foreach (var keyword in keywords)
            {
                if (!keyword.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) || keyword.Length < 5 || (keyword[4] != ' ' && keyword[4] != '=')) continue;
                foreach (var mechanism in keyword.Substring(5).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                    if (!result.Contains(mechanism.ToUpperInvariant())) result.Add(mechanism.ToUpperInvariant());
            }
            return result;
        }
    }
}
