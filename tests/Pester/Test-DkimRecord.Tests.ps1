#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh, with the integration DNS server running (SMTPTOOLS_DNS).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $dns = Get-TestSetting SMTPTOOLS_DNS
}

Describe 'Test-DkimRecord' {
    It 'reports a good 2048-bit key as valid' {
        $r = Test-DkimRecord -Domain dkim.test -Selector good -Server $dns
        $r.Status | Should -Be 'Valid'
        $r.KeyLength | Should -Be 2048
        $r.IsUsable | Should -BeTrue
    }

    It 'reports a revoked key' {
        (Test-DkimRecord -Domain dkim.test -Selector revoked -Server $dns).Revoked | Should -BeTrue
    }

    It 'warns about t=y and short RSA keys' {
        (Test-DkimRecord dkim.test -Selector testing -Server $dns).FindingIds | Should -Match 'DkimTestingMode'
        (Test-DkimRecord dkim.test -Selector weak -Server $dns).FindingIds | Should -Match 'DkimRsaKeyTooShort'
    }

    It 'probes common selectors' {
        (Test-DkimRecord probe.dkim.test -Server $dns).Selector | Sort-Object | Should -Be @('google', 'selector1')
        (Test-DkimRecord nokeys.dkim.test -Server $dns).FindingIds | Should -Be 'DkimNoSelectorFound'
    }

    It 'says whether the published key matches a private key' {
        $key = New-DkimKey -Domain dkim.test -Selector mismatch -Path ([IO.Path]::GetTempPath()) -Force
        (Test-DkimRecord dkim.test -Selector good -KeyPath $key.PrivateKeyPath -Server $dns).MatchesPrivateKey | Should -BeFalse
        Remove-Item $key.PrivateKeyPath
    }

    It 'returns booleans with -Quiet' {
        Test-DkimRecord dkim.test -Selector good -Server $dns -Quiet | Should -BeTrue
        Test-DkimRecord dkim.test -Selector revoked -Server $dns -Quiet | Should -BeFalse
    }
}
