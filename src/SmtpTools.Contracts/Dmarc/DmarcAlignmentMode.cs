namespace SmtpTools
{
    /// <summary>How closely an authenticated domain must match the From domain: the adkim and aspf tags.</summary>
    public enum DmarcAlignmentMode
    {
        Relaxed,
        Strict,
    }
}
