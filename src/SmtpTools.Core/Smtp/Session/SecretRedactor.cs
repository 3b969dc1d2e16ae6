using System;
using System.Linq;
using System.Text;
using MailKit;

namespace SmtpTools.Core.Smtp
{
    /// <summary>
    /// What a client buffer may show in a transcript: the text with every secret MailKit's authentication-secret
    /// detector finds replaced by a fixed mask (so not even a secret's length is shown). Used by both protocol loggers.
    /// </summary>
    internal static class SecretRedactor
    {
        public const string Mask = "********";

        /// <summary>The first <paramref name="maxBytes"/> bytes of the buffer as UTF-8 text, secrets masked.</summary>
        public static string Redact(IAuthenticationSecretDetector detector, byte[] buffer, int offset, int count, int maxBytes = int.MaxValue)
        {
            int shown = Math.Min(count, maxBytes);
            var secrets = detector?.DetectSecrets(buffer, offset, count);
            if (secrets == null || secrets.Count == 0) return Encoding.UTF8.GetString(buffer, offset, shown);
            var text = new StringBuilder();
            int position = 0;
            foreach (var secret in secrets.OrderBy(s => s.StartIndex))
            {
                int start = secret.StartIndex - offset;
                if (start < position || start >= shown) continue;
                text.Append(Encoding.UTF8.GetString(buffer, offset + position, start - position)).Append(Mask);
                position = Math.Min(shown, start + secret.Length);
            }
            text.Append(Encoding.UTF8.GetString(buffer, offset + position, shown - position));
            return text.ToString();
        }
    }
}
