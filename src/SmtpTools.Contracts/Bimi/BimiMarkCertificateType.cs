namespace SmtpTools
{
    /// <summary>
    /// The kind of BIMI mark certificate. VMCs and CMCs share the certificate policy 1.3.6.1.4.1.53087.1.1 (the Mark
    /// Certificate general policy); the subject's markType attribute (1.3.6.1.4.1.53087.1.13) tells them apart (MC
    /// Requirements, subject:markType): "Registered Mark" and "Government Mark" are VMCs, "Prior Use Mark" and "Modified
    /// Registered Mark" are CMCs.
    /// </summary>
    public enum BimiMarkCertificateType
    {
        /// <summary>No markType, or one this version does not know.</summary>
        Unknown,
        /// <summary>Verified Mark Certificate: a registered trademark or a government mark.</summary>
        Vmc,
        /// <summary>Common Mark Certificate: a mark in prior use, or a modified registered mark.</summary>
        Cmc,
    }
}
