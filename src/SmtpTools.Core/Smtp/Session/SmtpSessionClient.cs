using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// MailKit's SmtpClient as a session needs it: a refused recipient is recorded instead of aborting the message (so the
    /// others still get it), the per-recipient DSN request comes from the message being sent, how far a transaction got
    /// is tracked, and single commands (MAIL, RCPT, RSET for the probe, which never sends DATA) can be sent.
    /// </summary>
    internal sealed class SmtpSessionClient : SmtpClient
    {
        private int _expected;

        public SmtpSessionClient(IProtocolLogger logger) : base(logger) { }

        public List<string> Accepted { get; } = new List<string>();
        public List<SmtpRejectedRecipient> Refused { get; } = new List<SmtpRejectedRecipient>();
        /// <summary>Sender, Recipient or Data: how far the current transaction got.</summary>
        public SmtpPhase Phase { get; private set; } = SmtpPhase.Sender;
        /// <summary>True after a transaction in which every RCPT TO was refused.</summary>
        public bool NoneAccepted { get; private set; }
        public DeliveryNotificationOptions Notify { get; set; }

        public void BeginTransaction(int recipients, DeliveryNotificationOptions notify)
        {
            Notify = notify;
            NoneAccepted = false;
            Accepted.Clear();
            Refused.Clear();
            _expected = recipients;
            Phase = SmtpPhase.Sender;
        }

        /// <summary>Sends one command line; a refusal is a reply, not an exception.</summary>
        public async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken)
        {
            string verb = command.Split(' ')[0].ToUpperInvariant();
            try
            {
                var response = await SendCommandAsync(command, cancellationToken).ConfigureAwait(false);
                return new SmtpReply(verb, (int)response.StatusCode, new[] { response.Response });
            }
            catch (SmtpCommandException ex)
            {
                return new SmtpReply(verb, (int)ex.StatusCode, new[] { ex.Message });
            }
        }

        protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) => Phase = SmtpPhase.Recipient;

        protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            Accepted.Add(mailbox.Address);
            Advance();
        }

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            Refused.Add(new SmtpRejectedRecipient
            {
                Address = mailbox.Address,
                StatusCode = (int)response.StatusCode,
                EnhancedStatusCode = SmtpReplies.EnhancedCodeOf(response.Response),
                Text = response.Response,
            });
            Advance();
        }

        // MailKit's own exception type, so MailKit resets the transaction (RSET) and keeps the session.
        protected override void OnNoRecipientsAccepted(MimeMessage message)
        {
            NoneAccepted = true;
            var last = Refused.LastOrDefault();
            throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, last == null ? SmtpStatusCode.MailboxUnavailable : (SmtpStatusCode)last.StatusCode,
                "The server accepted none of the recipients.");
        }

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) => ToMailKit(Notify);

        internal static DeliveryStatusNotification? ToMailKit(DeliveryNotificationOptions options)
        {
            if (options == DeliveryNotificationOptions.None) return null;
            if ((options & DeliveryNotificationOptions.Never) != 0) return DeliveryStatusNotification.Never;
            DeliveryStatusNotification value = 0;
            if ((options & DeliveryNotificationOptions.OnSuccess) != 0) value |= DeliveryStatusNotification.Success;
            if ((options & DeliveryNotificationOptions.OnFailure) != 0) value |= DeliveryStatusNotification.Failure;
            if ((options & DeliveryNotificationOptions.Delay) != 0) value |= DeliveryStatusNotification.Delay;
            return value;
        }

        private void Advance()
        {
            if (Accepted.Count + Refused.Count >= _expected) Phase = SmtpPhase.Data;
        }
    }
}
