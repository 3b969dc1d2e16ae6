namespace SmtpTools
{
    /// <summary>How much a finding matters.</summary>
    public enum FindingSeverity
    {
        Information = 0,
        Warning = 1,
        Error = 2,
    }
}
