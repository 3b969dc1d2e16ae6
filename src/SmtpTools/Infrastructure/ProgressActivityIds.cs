namespace SmtpTools.Infrastructure
{
    /// <summary>
    /// The Write-Progress activity ids of every cmdlet, in one place. PowerShell keeps one progress bar per id, so cmdlets
    /// that run in one pipeline (Get-SpfRecord | Test-DmarcPolicy, Import-Csv | Send-SmtpMessage with a large attachment)
    /// need different ids or they overwrite each other's bar. The numbers are the RFCs of the cmdlets' subjects, which
    /// makes them easy to tell apart in a trace; a new cmdlet adds its constant here with an id no other uses.
    /// </summary>
    internal static class ProgressActivityIds
    {
        /// <summary>Progress Core reports through a sink made without an id (none today; PowerShell's default id).</summary>
        public const int Default = 1;

        public const int GetSpfRecord = 7208;
        /// <summary>RFC 7208 is Get-SpfRecord's; check_host() takes the next number.</summary>
        public const int TestSpfRecord = 7209;
        public const int TestDmarcPolicy = 7489;
        public const int TestDkimRecord = 6376;
        public const int TestSmtpConnection = 5321;
        /// <summary>The message count of a Send-SmtpMessage pipeline (RFC 6409, message submission).</summary>
        public const int SendSmtpMessage = 6409;
        /// <summary>The upload of one large message, shown under the message count.</summary>
        public const int SendSmtpMessageUpload = 6410;
        public const int TestMxRecord = 7505;
        public const int TestDnssecStatus = 4035;
        public const int TestDnsBlocklist = 5782;
        public const int TestMtaStsPolicy = 8461;
        public const int TestTlsRptRecord = 8460;
        public const int TestBimiRecord = 3709;
        public const int TestSmtpDane = 7672;
        public const int ImportDmarcReport = 9990;
        public const int ImportSmtpTlsReport = 84600;
        public const int ImportSmtpBounce = 3464;
        public const int TestEmailDomain = 15;
    }
}
