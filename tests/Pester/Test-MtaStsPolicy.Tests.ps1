#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh, with the integration servers running (Knot, nginx, Postfix).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $dns = Get-TestSetting SMTPTOOLS_DNS
    $submission = Get-TestSetting SMTPTOOLS_SMTP_SUBMISSION_PORT
}

Describe 'Test-MtaStsPolicy' {
    It 'reports an enforced policy whose MX hosts all match' {
        $r = Test-MtaStsPolicy enforce.sts.test -Server $dns
        $r.Status | Should -Be 'Valid'
        $r.Mode | Should -Be 'Enforce'
        $r.MxHosts.MatchesPolicy | Should -Be @($true, $true)
        $r.TlsRpt.Status | Should -Be 'Valid'
    }

    It 'says why a policy cannot be fetched' {
        (Test-MtaStsPolicy redirect.sts.test -Server $dns).PolicyFetchError | Should -Match 'redirecting to https://mta-sts.enforce.sts.test/'
        (Test-MtaStsPolicy expired-cert.sts.test -Server $dns).FindingIds | Should -Match 'MtaStsPolicyCertificateInvalid'
        (Test-MtaStsPolicy content-type.sts.test -Server $dns).Status | Should -Be 'PolicyUnavailable'
    }

    It 'probes the MX hosts an enforcing sender would use' {
        $hosts = (Test-MtaStsPolicy nocert-mx.sts.test -Server $dns -ProbeMx -Port $submission).MxHosts
        $hosts.TlsResult | Should -Be 'CertificateRejected'
        $hosts.StartTls | Should -BeTrue
    }

    It 'checks DNS only with -NoFetch and answers yes/no with -Quiet' {
        (Test-MtaStsPolicy enforce.sts.test -Server $dns -NoFetch).Status | Should -Be 'RecordOnly'
        Test-MtaStsPolicy enforce.sts.test -Server $dns -Quiet | Should -BeTrue
        Test-MtaStsPolicy mx-mismatch.sts.test -Server $dns -Quiet | Should -BeFalse
    }

    It 'exports flat CSV columns' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "mta-sts-$([guid]::NewGuid().ToString('N')).csv"
        Test-MtaStsPolicy enforce.sts.test, mx-mismatch.sts.test -Server $dns | Export-Csv -LiteralPath $file -NoTypeInformation
        $rows = Import-Csv -LiteralPath $file
        Remove-Item -LiteralPath $file
        $rows[0].MxPatternList | Should -Be 'mx1.mail.test;mx2.mail.test'
        $rows[1].UnmatchedMxHosts | Should -Be 'mx1.multi.mx.test'
        $rows[1].FindingIds | Should -Be 'MtaStsMxNotMatched'
    }
}

Describe 'Test-TlsRptRecord' {
    It 'lists the destinations and the problems' {
        (Test-TlsRptRecord testing.sts.test -Server $dns).HttpsUris | Should -Be 'https://tlsrpt.sts.test/v1/report'
        (Test-TlsRptRecord no-sts.sts.test -Server $dns).FindingIds | Should -Be 'TlsRptRuaUnsupported;TlsRptNoUsableRua'
    }
}
