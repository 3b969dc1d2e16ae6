using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// One message to send, in plain .NET types (what the cmdlet knows). Paths are already resolved to
    /// file-system paths. Either the fields describe a new message, or <see cref="MessagePath"/> names an
    /// existing .eml that is sent as is.
    /// </summary>
    public sealed class OutgoingMessage
    {
        public string From { get; set; }
        public IList<string> To { get; set; } = new List<string>();
        public IList<string> Cc { get; set; } = new List<string>();
        public IList<string> Bcc { get; set; } = new List<string>();
        public IList<string> ReplyTo { get; set; } = new List<string>();
        public string Subject { get; set; }
        /// <summary>Send-MailMessage's -Body: plain text, or HTML with <see cref="BodyAsHtml"/>.</summary>
        public string Body { get; set; }
        public bool BodyAsHtml { get; set; }
        /// <summary>The text/plain alternative; with <see cref="HtmlBody"/> the message is multipart/alternative.</summary>
        public string TextBody { get; set; }
        public string HtmlBody { get; set; }
        /// <summary>Files attached as Content-Disposition: attachment.</summary>
        public IList<string> Attachments { get; set; } = new List<string>();
        /// <summary>Content-ID → file, referenced from the HTML body as <c>cid:&lt;id&gt;</c> (multipart/related).</summary>
        public IDictionary<string, string> InlineAttachments { get; set; } = new Dictionary<string, string>();
        /// <summary>Extra headers; a name that already exists (e.g. X-Mailer) is replaced.</summary>
        public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();
        public OutgoingPriority Priority { get; set; }
        public DeliveryNotificationOptions DeliveryNotification { get; set; }
        /// <summary>Charset of the text parts and of encoded headers; UTF-8 when null.</summary>
        public Encoding Encoding { get; set; }
        /// <summary>An existing RFC 5322 message file, sent unchanged (except a DKIM signature when signing).</summary>
        public string MessagePath { get; set; }
        /// <summary>The Message-ID (with or without angle brackets); a new random one when null. Not used with <see cref="MessagePath"/> (the file has its own).</summary>
        public string MessageId { get; set; }

        /// <summary>Every envelope recipient (To, Cc, Bcc), as written.</summary>
        public IEnumerable<string> AllRecipients => (To ?? Array.Empty<string>()).Concat(Cc ?? Array.Empty<string>()).Concat(Bcc ?? Array.Empty<string>());
    }
}
