namespace SmtpTools
{
    /// <summary>The s= tag of a key record: e-mail only, or any service (no s= tag).</summary>
    public enum DkimServiceType
    {
        Email,
        Any,
    }
}
