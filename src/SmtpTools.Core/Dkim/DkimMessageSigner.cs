using System;
using System.Collections.Generic;
using System.Linq;
using MimeKit;
using MimeKit.Cryptography;
using SmtpTools.Core.Dns;

namespace SmtpTools.Core.Dkim
{
    /// <summary>How a message part is canonicalized before hashing (RFC 6376 3.4).</summary>
    public enum DkimCanonicalization
    {
        Relaxed,
        Simple,
    }

    /// <summary>
    /// Signs messages with one DKIM key through MimeKit's DkimSigner (which handles rsa-sha256 and ed25519-sha256).
    /// Defaults: relaxed/relaxed, the usual identity headers, and From signed twice so that a From header added
    /// later breaks the signature (oversigning, RFC 6376 8.15). Safe to use from several threads: each
    /// <see cref="Sign"/> builds its own MimeKit signer.
    /// </summary>
    public sealed class DkimMessageSigner
    {
        /// <summary>The default h= list; From appears twice on purpose (oversigning).</summary>
        public static readonly IReadOnlyList<string> DefaultHeaders = new[]
        {
            "From", "From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID",
            "In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        };

        private readonly DkimPrivateKey _key;

        /// <exception cref="ArgumentNullException">key is null.</exception>
        /// <exception cref="Errors.SmtpToolsException">InvalidDomainName / InvalidDkimSelector: domain or selector is empty or
        /// not a DNS name (they go into the DKIM-Signature header field as d= and s=).</exception>
        public DkimMessageSigner(DkimPrivateKey key, string domain, string selector)
        {
            _key = key ?? throw new ArgumentNullException(nameof(key));
            Domain = DomainNames.Normalize(domain);
            Selector = DomainNames.NormalizeSelector(selector);
        }

        /// <summary>Reads a key file made by New-DkimKey (or PKCS#1 PEM, or a raw base64 Ed25519 seed).</summary>
        /// <exception cref="System.IO.FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
        /// <exception cref="System.IO.IOException">Reading failed.</exception>
        /// <exception cref="Errors.SmtpToolsException">DkimKeyInvalid: no usable private key in the file.</exception>
        public static DkimMessageSigner FromKeyFile(string path, string domain, string selector) =>
            new DkimMessageSigner(DkimPrivateKey.Load(path), domain, selector);

        public string Domain { get; }
        public string Selector { get; }
        public DkimKeyAlgorithm KeyAlgorithm => _key.Algorithm;
        public DkimCanonicalization HeaderCanonicalization { get; set; } = DkimCanonicalization.Relaxed;
        public DkimCanonicalization BodyCanonicalization { get; set; } = DkimCanonicalization.Relaxed;
        /// <summary>Header names for h=, in order; a name listed more times than it occurs is oversigned.</summary>
        public IList<string> Headers { get; set; } = DefaultHeaders.ToList();
        /// <summary>i= (agent or user identifier, e.g. "@example.com"), or null to leave it out.</summary>
        public string AgentOrUserIdentifier { get; set; }

        /// <summary>
        /// Prepares the message for a 7-bit transport (so a relay never re-encodes it and breaks the body hash)
        /// and prepends one DKIM-Signature header.
        /// </summary>
        /// <exception cref="ArgumentNullException">message is null.</exception>
        /// <exception cref="InvalidOperationException">The message has no From header.</exception>
        public void Sign(MimeMessage message)
        {
            if (message == null) throw new ArgumentNullException(nameof(message));
            if (!message.Headers.Contains(HeaderId.From))
                throw new InvalidOperationException("A message must have a From header to be DKIM-signed (RFC 6376 5.4).");
            var signer = new DkimSigner(_key.PrivateKey, Domain, Selector,
                _key.Algorithm == DkimKeyAlgorithm.Ed25519 ? DkimSignatureAlgorithm.Ed25519Sha256 : DkimSignatureAlgorithm.RsaSha256)
            {
                HeaderCanonicalizationAlgorithm = Map(HeaderCanonicalization),
                BodyCanonicalizationAlgorithm = Map(BodyCanonicalization),
                AgentOrUserIdentifier = AgentOrUserIdentifier,
            };
            message.Prepare(EncodingConstraint.SevenBit);
            var headers = Headers.Where(h => !string.IsNullOrWhiteSpace(h)).ToList();
            if (!headers.Any(h => h.Equals("From", StringComparison.OrdinalIgnoreCase))) headers.Insert(0, "From");
            signer.Sign(FormatOptions.Default, message, headers);
        }

        private static DkimCanonicalizationAlgorithm Map(DkimCanonicalization c) =>
            c == DkimCanonicalization.Simple ? DkimCanonicalizationAlgorithm.Simple : DkimCanonicalizationAlgorithm.Relaxed;
    }
}
