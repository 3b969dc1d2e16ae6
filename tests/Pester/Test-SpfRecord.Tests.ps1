#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh, with the integration DNS server running (SMTPTOOLS_DNS).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $dns = Get-TestSetting SMTPTOOLS_DNS
}

Describe 'Test-SpfRecord' {
    It 'passes an address listed in the record' {
        $r = Test-SpfRecord -IPAddress 192.0.2.7 -Sender a@good.spf.test -Server $dns
        $r.Result | Should -Be 'Pass'
        $r.MatchedMechanism | Should -Be 'ip4:192.0.2.0/24'
    }

    It 'fails an unlisted address with the exp= explanation' {
        $r = Test-SpfRecord 192.0.2.78 someone@macro.spf.test -Server $dns
        $r.Result | Should -Be 'Fail'
        $r.Explanation | Should -Be '192.0.2.78 may not send mail for macro.spf.test (sender someone@macro.spf.test)'
    }

    It 'gives permerror past 10 lookups' {
        (Test-SpfRecord 203.0.113.5 a@toomany.spf.test -Server $dns).Result | Should -Be 'PermError'
    }

    It 'takes CSV rows and returns booleans with -Quiet' {
        $rows = @'
IPAddress,Sender
192.0.2.7,a@good.spf.test
203.0.113.5,a@good.spf.test
'@ | ConvertFrom-Csv
        $rows | Test-SpfRecord -Server $dns -Quiet | Should -Be @($true, $false)
    }
}
