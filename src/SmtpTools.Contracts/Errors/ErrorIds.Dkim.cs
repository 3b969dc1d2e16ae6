namespace SmtpTools
{
    // DKIM keys: New-DkimKey, Test-DkimRecord -KeyPath, Send-SmtpMessage -DkimKeyPath.
    public static partial class ErrorIds
    {
        /// <summary>A private key file cannot be read as an RSA or Ed25519 key.</summary>
        public const string DkimKeyInvalid = nameof(DkimKeyInvalid);
        /// <summary>The key file New-DkimKey would write exists already (-Force replaces it).</summary>
        public const string DkimKeyFileExists = nameof(DkimKeyFileExists);
        /// <summary>-KeyLength was given for an Ed25519 key, whose length is fixed.</summary>
        public const string DkimKeyLengthNotApplicable = nameof(DkimKeyLengthNotApplicable);
        /// <summary>The key file name would leave the -Path folder.</summary>
        public const string DkimKeyPathOutsideFolder = nameof(DkimKeyPathOutsideFolder);
    }
}
