namespace SmtpTools
{
    /// <summary>The h= tag of a key record (RFC 8301 leaves sha256 as the only hash).</summary>
    public enum DkimHashAlgorithm
    {
        Sha256,
    }
}
