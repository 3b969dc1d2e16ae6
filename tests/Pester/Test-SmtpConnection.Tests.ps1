#Requires -Modules Pester
# Pester 5. Needs the integration servers (tests/Integration/start-servers.sh), their settings in the environment
# (SMTPTOOLS_DNS, SMTPTOOLS_SMTP_HOST, SMTPTOOLS_SMTP_*_PORT, SMTPTOOLS_USER_ALICE, SMTPTOOLS_PASSWORD_ALICE from
# tests/Integration/run/servers.env) and SSL_CERT_FILE=$SMTPTOOLS_CA_BUNDLE so .NET trusts the test CA.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/SmtpTools/SmtpTools.psd1') -Force
    $smtp = $env:SMTPTOOLS_SMTP_HOST
    $dns = $env:SMTPTOOLS_DNS
    $alice = [pscredential]::new($env:SMTPTOOLS_USER_ALICE, (ConvertTo-SecureString $env:SMTPTOOLS_PASSWORD_ALICE -AsPlainText -Force))
}

Describe 'Test-SmtpConnection' -Skip:(-not $env:SMTPTOOLS_SMTP_HOST) {
    It 'offers AUTH only after STARTTLS on the submission port' {
        $r = Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_SUBMISSION_PORT
        $r.FailedPhase | Should -Be 'None'
        $r.IsEncrypted | Should -BeTrue
        $r.AuthMechanismsBeforeTls | Should -BeNullOrEmpty
        $r.AuthMechanismsAfterTls | Should -Contain 'PLAIN'
        $r.Certificate.ChainIsValid | Should -BeTrue
    }

    It 'speaks implicit TLS on the SMTPS port' {
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_IMPLICIT_TLS_PORT -Security SslOnConnect).ImplicitTls | Should -BeTrue
    }

    It 'reports a missing STARTTLS on the plain port' {
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_PLAIN_PORT).FindingIds | Should -Match 'SmtpStartTlsNotOffered'
    }

    It 'tells right from wrong credentials' {
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_SUBMISSION_PORT -Credential $alice).Authenticated | Should -BeTrue
        $wrong = [pscredential]::new($alice.UserName, (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $r = Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_SUBMISSION_PORT -Credential $wrong
        $r.FailedPhase | Should -Be 'Authenticate'
        $r.ReplyCode | Should -Be 535
    }

    It 'names the failed phase for a closed port and a silent listener' {
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_CLOSED_PORT).FailedPhase | Should -Be 'Connect'
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_SILENT_PORT -TimeoutSec 1).FailedPhase | Should -Be 'Banner'
    }

    It 'reports an untrusted certificate as a certificate failure' {
        $r = Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_UNTRUSTED_PORT
        $r.FailedPhase | Should -Be 'StartTls'
        $r.CertificateChainIsValid | Should -BeFalse
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_UNTRUSTED_PORT -SkipCertificateCheck).FailedPhase | Should -Be 'None'
    }

    It 'tests recipients and open relays without sending' {
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_PLAIN_PORT -Recipient alice@smtptools.test).RecipientAccepted | Should -BeTrue
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_PLAIN_PORT -Recipient nobody@smtptools.test).FailedPhase | Should -Be 'Recipient'
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_OPEN_RELAY_PORT -TestOpenRelay).IsOpenRelay | Should -BeTrue
        (Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_PLAIN_PORT -TestOpenRelay).IsOpenRelay | Should -BeFalse
    }

    It 'tests every MX host of a domain in preference order' -Skip:(-not $env:SMTPTOOLS_DNS) {
        $r = Test-SmtpConnection -Domain smtpconn.test -Port $env:SMTPTOOLS_SMTP_PLAIN_PORT -DnsServer $dns
        $r.SmtpServer | Should -Be @('mx1.smtpconn.test', 'mx2.smtpconn.test')
    }

    It 'returns booleans with -Quiet' {
        Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_PLAIN_PORT -Quiet | Should -BeTrue
        Test-SmtpConnection $smtp -Port $env:SMTPTOOLS_SMTP_CLOSED_PORT -Quiet | Should -BeFalse
    }
}
