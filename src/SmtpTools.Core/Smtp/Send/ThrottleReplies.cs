using System;
using System.Text.RegularExpressions;

namespace SmtpTools.Core.Smtp
{
    /// <summary>What a throttling reply asks a sender to do.</summary>
    public enum ThrottleSignal
    {
        /// <summary>Not a throttling reply.</summary>
        None,
        /// <summary>Too many sessions at once (Exchange Online's 4.3.2 sender thread limit, Postfix's "too many connections"): use fewer sessions.</summary>
        Connections,
        /// <summary>Too many messages or recipients per unit of time (4.7.x rate replies, Amazon SES, Gmail's 421 4.7.0): send more slowly.</summary>
        Rate,
        /// <summary>This session has carried as many messages as the server allows: open a new one, and use each for fewer messages.</summary>
        SessionLimit,
        /// <summary>A daily or account quota is used up: waiting minutes will not help, so nothing is retried.</summary>
        Quota,
    }

    /// <summary>
    /// Recognises the replies relays use to slow a sender down, from their codes (RFC 3463 enhanced codes: 4.7.x
    /// policy, 4.3.2 system not accepting, 4.5.3 too many recipients) and from the texts providers document
    /// (Exchange Online, Gmail, Amazon SES, Postfix anvil). Only temporary (4xx) replies are throttling; a quota reply
    /// may be 4xx or 5xx and means "not today".
    /// </summary>
    public static class ThrottleReplies
    {
        // Matched case-insensitively anywhere in the reply text.
        private static readonly Regex QuotaText = new Regex(
            @"daily (message |user sending |sending )?quota|quota exceeded|SubmissionQuotaExceeded|sending limit exceeded|exceeded .*daily",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex SessionText = new Regex(
            @"too many (messages|mails?) (for|in|per) (this )?(session|connection)|messages per connection|session (message )?limit",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex ConnectionText = new Regex(
            @"thread limit|too many (concurrent |simultaneous )?(connections|sessions)|concurrent connection|connection (count )?limit|connection rate",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex RateText = new Regex(
            @"throttl|rate limit|(sending |message |mail )rate|too (much|many) (mail|messages|recipients) from|unusual rate|try again later|slow down|server busy|too many messages",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        // 4.7.x replies that are about something else than volume: waiting does not fix TLS or authentication.
        private static readonly Regex NotVolumeText = new Regex(
            @"\bTLS\b|STARTTLS|authenticat|credentials|greylist|graylist|SPF|DKIM|DMARC|reverse DNS|PTR",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>What the reply asks for; <see cref="ThrottleSignal.None"/> for anything else.</summary>
        /// <param name="code">The reply code (421, 450, 451, 452, 454 …).</param>
        /// <param name="enhancedCode">The RFC 3463 code (e.g. 4.7.0), or null to take it from the start of <paramref name="text"/>.</param>
        /// <param name="text">The reply text.</param>
        public static ThrottleSignal Classify(int code, string enhancedCode, string text)
        {
            text = text ?? "";
            enhancedCode = enhancedCode ?? SmtpReplies.EnhancedCodeOf(text) ?? "";
            if ((code >= 400 && code < 600) && QuotaText.IsMatch(text)) return ThrottleSignal.Quota;
            if (code < 400 || code >= 500) return ThrottleSignal.None;
            if (SessionText.IsMatch(text)) return ThrottleSignal.SessionLimit;
            if (enhancedCode == "4.3.2" || ConnectionText.IsMatch(text)) return ThrottleSignal.Connections;
            if (enhancedCode == "4.5.3" || RateText.IsMatch(text)) return ThrottleSignal.Rate;
            // Gmail's "421 4.7.0 Try again later" and relays' bare 4.7.x policy deferrals: slow down, unless the reply
            // names a cause that time does not fix.
            if (enhancedCode.StartsWith("4.7.", StringComparison.Ordinal) && (code == 421 || code == 450 || code == 451 || code == 452)
                && !NotVolumeText.IsMatch(text))
                return ThrottleSignal.Rate;
            return ThrottleSignal.None;
        }

        /// <summary>Whether <paramref name="signal"/> is one the pool adapts to (slower, fewer sessions) and then retries.</summary>
        public static bool IsAdaptive(ThrottleSignal signal) =>
            signal == ThrottleSignal.Connections || signal == ThrottleSignal.Rate || signal == ThrottleSignal.SessionLimit;
    }
}
