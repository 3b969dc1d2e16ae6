using SmtpTools.Core.Smtp;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp.Send
{
    public sealed class ThrottleRepliesTests
    {
        [Theory]
        // Exchange Online, SMTP AUTH submission: three concurrent connections per mailbox.
        [InlineData(432, "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded", ThrottleSignal.Connections)]
        [InlineData(432, "4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information.", ThrottleSignal.Connections)]
        // Postfix anvil: smtpd_client_connection_count_limit / _rate_limit, _message_rate_limit, _recipient_rate_limit, smtpd_recipient_limit.
        [InlineData(421, "4.7.0 mail.smtptools.test Error: too many connections from 127.0.0.1", ThrottleSignal.Connections)]
        [InlineData(450, "4.7.1 Error: too much mail from 127.0.0.1", ThrottleSignal.Rate)]
        [InlineData(450, "4.7.1 Error: too many recipients from 127.0.0.1", ThrottleSignal.Rate)]
        [InlineData(452, "4.5.3 Error: too many recipients", ThrottleSignal.Rate)]
        // Gmail's burst reply and its rate-of-unsolicited-mail deferral.
        [InlineData(421, "4.7.0 Try again later, closing connection. (EHLO) d2e1a72fcca58-7", ThrottleSignal.Rate)]
        [InlineData(421, "4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.", ThrottleSignal.Rate)]
        // Amazon SES.
        [InlineData(454, "Throttling failure: Maximum sending rate exceeded.", ThrottleSignal.Rate)]
        [InlineData(454, "Throttling failure: Daily message quota exceeded.", ThrottleSignal.Quota)]
        [InlineData(550, "5.4.5 Daily user sending quota exceeded.", ThrottleSignal.Quota)]
        [InlineData(554, "5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception", ThrottleSignal.Quota)]
        [InlineData(451, "4.7.500 Server busy. Please try again later from [192.0.2.1].", ThrottleSignal.Rate)]
        // Azure Automation users: a relay that limits messages per session.
        [InlineData(421, "4.4.2 Too many messages for this session", ThrottleSignal.SessionLimit)]
        [InlineData(451, "4.3.2 System not accepting network messages", ThrottleSignal.Connections)]
        public void Recognises_provider_throttling_replies(int code, string text, ThrottleSignal expected) =>
            Assert.Equal(expected, ThrottleReplies.Classify(code, null, text));

        [Theory]
        [InlineData(250, "2.0.0 Ok: queued as 4F1")]
        [InlineData(550, "5.1.1 <nobody@smtptools.test>: Recipient address rejected: User unknown")]
        [InlineData(550, "5.7.1 Relay access denied")] // permanent: no amount of waiting helps
        [InlineData(421, "Service not available, closing transmission channel")] // a plain shutdown: reconnect, not slow down
        [InlineData(454, "4.7.0 TLS not available due to local problem")]
        [InlineData(454, "4.7.0 Temporary authentication failure")]
        [InlineData(450, "4.7.1 <a@example.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/")]
        [InlineData(451, "4.3.0 Error: queue file write error")]
        [InlineData(452, "4.3.1 Insufficient system storage")]
        public void Leaves_other_replies_alone(int code, string text) =>
            Assert.Equal(ThrottleSignal.None, ThrottleReplies.Classify(code, null, text));

        [Fact]
        public void Uses_the_given_enhanced_code_when_the_text_has_none() =>
            Assert.Equal(ThrottleSignal.Connections, ThrottleReplies.Classify(432, "4.3.2", "STOREDRV.ClientSubmit; busy"));

        [Fact]
        public void A_quota_is_not_adaptive_and_the_others_are()
        {
            Assert.False(ThrottleReplies.IsAdaptive(ThrottleSignal.Quota));
            Assert.False(ThrottleReplies.IsAdaptive(ThrottleSignal.None));
            Assert.True(ThrottleReplies.IsAdaptive(ThrottleSignal.Rate));
            Assert.True(ThrottleReplies.IsAdaptive(ThrottleSignal.Connections));
            Assert.True(ThrottleReplies.IsAdaptive(ThrottleSignal.SessionLimit));
        }
    }
}
