#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh, which exports the integration servers' settings
# (tests/Integration/run/servers.env) and SSL_CERT_FILE=$SMTPTOOLS_CA_BUNDLE so .NET trusts the test CA.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $smtp = Get-TestSetting SMTPTOOLS_SMTP_HOST
    $dns = Get-TestSetting SMTPTOOLS_DNS
    $domain = Get-TestSetting SMTPTOOLS_SMTP_DOMAIN
    $alice = [pscredential]::new((Get-TestSetting SMTPTOOLS_USER_ALICE), (ConvertTo-SecureString (Get-TestSetting SMTPTOOLS_PASSWORD_ALICE) -AsPlainText -Force))
    $port = @{}
    foreach ($name in 'SUBMISSION', 'IMPLICIT_TLS', 'PLAIN', 'CLOSED', 'SILENT', 'UNTRUSTED', 'OPEN_RELAY') {
        $port[$name] = [int] (Get-TestSetting "SMTPTOOLS_SMTP_$($name)_PORT")
    }
}

Describe 'Test-SmtpConnection' {
    It 'offers AUTH only after STARTTLS on the submission port' {
        $r = Test-SmtpConnection $smtp -Port $port.SUBMISSION
        $r.FailedPhase | Should -Be 'None'
        $r.IsEncrypted | Should -BeTrue
        $r.AuthMechanismsBeforeTls | Should -BeNullOrEmpty
        $r.AuthMechanismsAfterTls | Should -Contain 'PLAIN'
        $r.Certificate.ChainIsValid | Should -BeTrue
    }

    It 'speaks implicit TLS on the SMTPS port' {
        (Test-SmtpConnection $smtp -Port $port.IMPLICIT_TLS -Security SslOnConnect).ImplicitTls | Should -BeTrue
    }

    It 'reports a missing STARTTLS on the plain port' {
        (Test-SmtpConnection $smtp -Port $port.PLAIN).FindingIds | Should -Match 'SmtpStartTlsNotOffered'
    }

    It 'tells right from wrong credentials' {
        (Test-SmtpConnection $smtp -Port $port.SUBMISSION -Credential $alice).Authenticated | Should -BeTrue
        $wrong = [pscredential]::new($alice.UserName, (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $r = Test-SmtpConnection $smtp -Port $port.SUBMISSION -Credential $wrong
        $r.FailedPhase | Should -Be 'Authenticate'
        $r.ReplyCode | Should -Be 535
    }

    It 'names the failed phase for a closed port and a silent listener' {
        (Test-SmtpConnection $smtp -Port $port.CLOSED).FailedPhase | Should -Be 'Connect'
        (Test-SmtpConnection $smtp -Port $port.SILENT -TimeoutSec 1).FailedPhase | Should -Be 'Banner'
    }

    It 'reports an untrusted certificate as a certificate failure' {
        $r = Test-SmtpConnection $smtp -Port $port.UNTRUSTED
        $r.FailedPhase | Should -Be 'StartTls'
        $r.CertificateChainIsValid | Should -BeFalse
        (Test-SmtpConnection $smtp -Port $port.UNTRUSTED -SkipCertificateCheck).FailedPhase | Should -Be 'None'
    }

    It 'tests recipients and open relays without sending' {
        (Test-SmtpConnection $smtp -Port $port.PLAIN -Recipient "alice@$domain").RecipientAccepted | Should -BeTrue
        (Test-SmtpConnection $smtp -Port $port.PLAIN -Recipient "nobody@$domain").FailedPhase | Should -Be 'Recipient'
        (Test-SmtpConnection $smtp -Port $port.OPEN_RELAY -TestOpenRelay).IsOpenRelay | Should -BeTrue
        (Test-SmtpConnection $smtp -Port $port.PLAIN -TestOpenRelay).IsOpenRelay | Should -BeFalse
    }

    It 'tests every MX host of a domain in preference order' {
        $r = Test-SmtpConnection -Domain smtpconn.test -Port $port.PLAIN -DnsServer $dns
        $r.SmtpServer | Should -Be @('mx1.smtpconn.test', 'mx2.smtpconn.test')
    }

    It 'returns booleans with -Quiet' {
        Test-SmtpConnection $smtp -Port $port.PLAIN -Quiet | Should -BeTrue
        Test-SmtpConnection $smtp -Port $port.CLOSED -Quiet | Should -BeFalse
    }
}
