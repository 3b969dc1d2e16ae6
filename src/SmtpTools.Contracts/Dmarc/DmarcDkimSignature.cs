using System;

namespace SmtpTools
{
    /// <summary>One DKIM-Signature of a message (Test-DmarcPolicy -MessagePath) and what verifying it gave.</summary>
    public sealed class DmarcDkimSignature
    {
        /// <summary>d=</summary>
        public string Domain { get; set; }
        /// <summary>s=</summary>
        public string Selector { get; set; }
        /// <summary>a= (e.g. rsa-sha256, ed25519-sha256)</summary>
        public string Algorithm { get; set; }
        /// <summary>Pass, Fail, PermError or TempError.</summary>
        public DkimAuthResult Result { get; set; }
        /// <summary>Why it did not pass; null on pass.</summary>
        public string Reason { get; set; }
        /// <summary>It passed and d= is the domain DMARC aligned with the From domain (under the policy's adkim mode).</summary>
        public bool Aligned { get; set; }
        /// <summary>i=, or "@" + d= when absent (its default, RFC 6376 3.5).</summary>
        public string Identity { get; set; }
        /// <summary>The h= header names, in order.</summary>
        public string[] SignedHeaders { get; set; } = Array.Empty<string>();
        /// <summary>Key length in bits of the key used, 0 when no key was found.</summary>
        public int KeyLength { get; set; }
        /// <summary>The key record said t=y (testing).</summary>
        public bool KeyTesting { get; set; }

        public override string ToString() => $"{Domain}/{Selector}: {Result}";
    }
}
