using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using MailKit;

namespace SmtpTools.Core.Smtp
{
    /// <summary>One complete server reply and the command it answered (null for the greeting).</summary>
    public sealed class SmtpReply
    {
        public SmtpReply(string command, int code, IReadOnlyList<string> lines)
        {
            Command = command;
            Code = code;
            Lines = lines;
        }

        /// <summary>The command verb (EHLO, STARTTLS, AUTH, MAIL, RCPT …); null for the greeting.</summary>
        public string Command { get; }
        public int Code { get; }
        /// <summary>The text of each line, without code and separator.</summary>
        public IReadOnlyList<string> Lines { get; }
        public bool IsPositive => Code >= 200 && Code < 400;
        /// <summary>"code text text …" on one line.</summary>
        public string Text => Code + (Lines.Count == 0 ? "" : " " + string.Join(" ", Lines.Where(l => l.Length > 0)));

        /// <summary>The RFC 3463 enhanced status code at the start of the first line, e.g. 5.7.8; null when absent.</summary>
        public string EnhancedStatusCode => SmtpReplies.EnhancedCodeOf(Lines.Count == 0 ? null : Lines[0]);

        public override string ToString() => Text;
    }

    /// <summary>
    /// MailKit protocol logger that turns the byte stream into replies (for EHLO facts that exist even when a later
    /// phase fails), a redacted transcript, and per-phase timings: while MailKit's Connect runs, the commands it
    /// writes (EHLO, STARTTLS) move the current phase on. Secrets are removed with MailKit's
    /// IAuthenticationSecretDetector and, as a second line of defence, everything the client writes while
    /// <see cref="MaskClient"/> is set (AUTH) is reduced to its command verb.
    /// </summary>
    internal sealed class SmtpTranscriptRecorder : IProtocolLogger
    {
        private const string Mask = SecretRedactor.Mask;
        private readonly object _gate = new object();
        private readonly Stopwatch _clock;
        private readonly List<string> _transcript = new List<string>();
        private readonly List<SmtpReply> _replies = new List<SmtpReply>();
        private readonly Dictionary<SmtpProbePhase, double> _durations = new Dictionary<SmtpProbePhase, double>();
        private readonly StringBuilder _serverPartial = new StringBuilder();
        private readonly List<string> _replyLines = new List<string>();
        private readonly Action<string> _debug;
        private string _lastCommand;
        private double _phaseStart;

        public SmtpTranscriptRecorder(Stopwatch clock, Action<string> debug = null)
        {
            _clock = clock;
            _debug = debug;
        }

        public IAuthenticationSecretDetector AuthenticationSecretDetector { get; set; }

        /// <summary>Called on every byte in either direction (the idle timeout listens).</summary>
        public event Action Activity;

        /// <summary>While set, client bytes are logged as the command verb only.</summary>
        public bool MaskClient { get; set; }

        /// <summary>While set, EHLO/HELO and STARTTLS written by MailKit switch the current phase.</summary>
        public bool FollowCommands { get; set; }

        public SmtpProbePhase CurrentPhase { get; private set; } = SmtpProbePhase.None;

        public IReadOnlyList<SmtpReply> Replies { get { lock (_gate) return _replies.ToArray(); } }
        public IReadOnlyList<string> Transcript { get { lock (_gate) return _transcript.ToArray(); } }
        public SmtpReply LastReply { get { lock (_gate) return _replies.Count == 0 ? null : _replies[_replies.Count - 1]; } }
        public bool ServerSpoke { get { lock (_gate) return _replies.Count > 0 || _serverPartial.Length > 0; } }

        /// <summary>Ends the current phase's clock and starts <paramref name="phase"/>.</summary>
        public void Enter(SmtpProbePhase phase)
        {
            lock (_gate)
            {
                var now = _clock.Elapsed.TotalMilliseconds;
                if (CurrentPhase != SmtpProbePhase.None)
                    _durations[CurrentPhase] = DurationOf(CurrentPhase) + (now - _phaseStart);
                CurrentPhase = phase;
                _phaseStart = now;
            }
        }

        /// <summary>Stops the clock of the current phase.</summary>
        public void Stop() => Enter(SmtpProbePhase.None);

        public double DurationOf(SmtpProbePhase phase)
        {
            lock (_gate) return _durations.TryGetValue(phase, out var ms) ? ms : 0;
        }

        /// <summary>The TLS handshake reached certificate validation: on implicit TLS the server speaks next.</summary>
        public void HandshakeSeen()
        {
            lock (_gate)
            {
                if (FollowCommands && CurrentPhase == SmtpProbePhase.StartTls && _replies.Count == 0)
                    Enter(SmtpProbePhase.Banner);
            }
            Activity?.Invoke();
        }

        public void LogConnect(Uri uri) => Activity?.Invoke();

        public void LogClient(byte[] buffer, int offset, int count)
        {
            var text = SecretRedactor.Redact(AuthenticationSecretDetector, buffer, offset, count);
            lock (_gate)
            {
                foreach (var line in text.Split(new[] { "\r\n", "\n" }, StringSplitOptions.RemoveEmptyEntries))
                {
                    var verb = VerbOf(line);
                    var shown = MaskClient ? MaskedLine(line, verb) : line;
                    Add("C: " + shown);
                    // AUTH continuation lines are not commands; keep the verb of the command being answered.
                    if (!MaskClient || verb == "AUTH") _lastCommand = verb;
                    if (FollowCommands)
                    {
                        if (verb == "EHLO" || verb == "HELO") Enter(SmtpProbePhase.Ehlo);
                        else if (verb == "STARTTLS") Enter(SmtpProbePhase.StartTls);
                    }
                }
            }
            Activity?.Invoke();
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                _serverPartial.Append(Encoding.UTF8.GetString(buffer, offset, count));
                int newline;
                while ((newline = IndexOfNewline(_serverPartial)) >= 0)
                {
                    var line = _serverPartial.ToString(0, newline).TrimEnd('\r');
                    _serverPartial.Remove(0, newline + 1);
                    Add("S: " + line);
                    AcceptServerLine(line);
                }
            }
            Activity?.Invoke();
        }

        public void Dispose() { }

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
            if (verb != "AUTH") return Mask;
            // "AUTH MECHANISM" stays readable; an initial response never does.
            var parts = line.Split(new[] { ' ' }, 3);
            return parts.Length <= 2 ? line : parts[0] + " " + parts[1] + " " + Mask;
        }

        private void Add(string line)
        {
            _transcript.Add(line);
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
