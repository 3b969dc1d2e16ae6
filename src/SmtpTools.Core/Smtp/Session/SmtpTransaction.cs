using System.Collections.Generic;

namespace SmtpTools.Core.Smtp
{
    /// <summary>How far one mail transaction of a <see cref="SmtpSession"/> got (also when it ended in an exception).</summary>
    public sealed class SmtpTransaction
    {
        public SmtpTransaction(IReadOnlyList<string> accepted, IReadOnlyList<SmtpRejectedRecipient> refused, SmtpPhase phase, bool dataEnded, bool noneAccepted)
        {
            Accepted = accepted;
            Refused = refused;
            Phase = phase;
            DataEnded = dataEnded;
            NoneAccepted = noneAccepted;
        }

        /// <summary>Recipients the server accepted at RCPT TO.</summary>
        public IReadOnlyList<string> Accepted { get; }
        /// <summary>Recipients the server refused at RCPT TO, with its reply.</summary>
        public IReadOnlyList<SmtpRejectedRecipient> Refused { get; }
        /// <summary>Sender, Recipient or Data: the step the transaction was in last.</summary>
        public SmtpPhase Phase { get; }
        /// <summary>The end of the data reached the socket: from then on the server may have the message, whatever became of its reply.</summary>
        public bool DataEnded { get; }
        /// <summary>Every RCPT TO was refused (MailKit then resets the transaction and keeps the session).</summary>
        public bool NoneAccepted { get; }
    }
}
