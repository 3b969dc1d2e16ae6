namespace SmtpTools
{
    /// <summary>One TLSA record (RFC 6698 2.1) as published, and what DANE for SMTP (RFC 7672) made of it.</summary>
    public sealed class DaneTlsaRecord
    {
        /// <summary>Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.</summary>
        public int Usage { get; set; }
        /// <summary>0: the whole certificate, 1: its SubjectPublicKeyInfo.</summary>
        public int Selector { get; set; }
        /// <summary>0: the selected data itself, 1: its SHA-256, 2: its SHA-512.</summary>
        public int MatchingType { get; set; }
        /// <summary>The certificate association data in lower-case hex.</summary>
        public string Data { get; set; }
        /// <summary>The usage by its RFC 7218 name: PKIX-TA, PKIX-EE, DANE-TA, DANE-EE (or the number).</summary>
        public string UsageName { get; set; }
        /// <summary>Usable for SMTP (RFC 7672 3.1): DANE-TA or DANE-EE with a known selector and matching type.</summary>
        public bool IsUsable { get; set; }
        /// <summary>This record matched the presented chain.</summary>
        public bool IsMatch { get; set; }
        /// <summary>Why the record did or did not match, or why it is unusable.</summary>
        public string Detail { get; set; }
        /// <summary>"usage selector matchingtype data", as a zone file writes it.</summary>
        public override string ToString() => $"{Usage} {Selector} {MatchingType} {Data}";
    }
}
