@{
    RootModule           = 'SmtpTools.psm1'
    # Stamped by the build from Directory.Build.props (the one place the version lives).
    ModuleVersion        = '0.0.0'
    GUID                 = '5b7e3c1a-9f0d-4c36-8a2e-2d6f7b1e4a90'
    Author               = 'SmtpTools contributors'
    CompanyName          = 'SmtpTools'
    Copyright            = '(c) SmtpTools contributors. MIT License.'
    Description          = 'Send mail safely (MailKit/MimeKit) and audit email-domain authentication: SPF, DKIM, DMARC and SMTP endpoints.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('Dkim.format.ps1xml', 'Spf.format.ps1xml', 'Dmarc.format.ps1xml', 'Smtp.format.ps1xml', 'Send.format.ps1xml', 'Mx.format.ps1xml', 'DnsBlocklist.format.ps1xml', 'Dnssec.format.ps1xml', 'Dane.format.ps1xml', 'MtaSts.format.ps1xml', 'Bimi.format.ps1xml', 'Reports.format.ps1xml', 'Bounces.format.ps1xml', 'EmailDomain.format.ps1xml')
    TypesToProcess       = @()
    CmdletsToExport      = @('New-DkimKey', 'Test-DkimRecord', 'Get-SpfRecord', 'Test-SpfRecord', 'Test-DmarcPolicy', 'Test-SmtpConnection', 'Send-SmtpMessage', 'Test-MxRecord', 'Test-DnsBlocklist', 'Test-DnssecStatus', 'Test-MtaStsPolicy', 'Test-TlsRptRecord', 'Test-BimiRecord', 'Test-SmtpDane', 'Import-DmarcReport', 'Import-SmtpTlsReport', 'Import-SmtpBounce', 'Test-EmailDomain', 'Export-EmailDomainReport', 'Compare-EmailDomainReport')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('SMTP', 'Email', 'Mail', 'SPF', 'DKIM', 'DMARC', 'MailKit', 'MimeKit', 'DNS', 'TLS', 'Security', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/smtptools/SmtpTools'
            LicenseUri   = 'https://github.com/smtptools/SmtpTools/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
