namespace SmtpTools
{
    /// <summary>The DKIM key types (RFC 6376 3.6.1 rsa, RFC 8463 ed25519): what New-DkimKey makes and a record's k= names.</summary>
    public enum DkimKeyAlgorithm
    {
        Rsa,
        Ed25519,
    }
}
