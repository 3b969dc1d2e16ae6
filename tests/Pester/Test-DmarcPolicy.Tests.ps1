#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh. The -Record tests need nothing else; the rest need the integration
# DNS server (SMTPTOOLS_DNS).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'Test-DmarcPolicy -Record' {
    It 'validates a record offline' {
        $r = Test-DmarcPolicy -Record 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com'
        $r.IsValid | Should -BeTrue
        $r.Policy | Should -Be 'Reject'
        $r.SubdomainPolicy | Should -Be 'Reject'
    }

    It 'reports a syntax error with its position' {
        $r = Test-DmarcPolicy -Record 'v=DMARC1; p=reject; adkim=x'
        $r.Status | Should -Be 'Invalid'
        $r.SyntaxErrors[0] | Should -Match '^position 21:'
    }

    It 'applies the specification chosen' {
        (Test-DmarcPolicy -Record 'v=DMARC1; rua=mailto:d@example.com').Policy | Should -Be 'None'
        (Test-DmarcPolicy -Record 'v=DMARC1; p=reject; pct=25' -Specification Rfc7489).Percentage | Should -Be 25
        (Test-DmarcPolicy -Record 'v=DMARC1; p=reject; pct=25').FindingIds | Should -Match 'DmarcRemovedTag'
    }
}

Describe 'Test-DmarcPolicy against DNS' {
    BeforeAll {
        $dns = Get-TestSetting SMTPTOOLS_DNS
    }

    It 'finds a policy at the domain and by tree walk' {
        $r = 'reject.dmarc.test', 'a.b.c.walk.dmarc.test' | Test-DmarcPolicy -Server $dns
        $r[0].FoundVia | Should -Be 'Domain'
        $r[1].FoundVia | Should -Be 'TreeWalk'
        $r[1].PolicyDomain | Should -Be 'walk.dmarc.test'
    }

    It 'uses the organizational domain under RFC 7489' {
        $r = Test-DmarcPolicy a.b.c.walk.dmarc.test -Server $dns -Specification Rfc7489
        $r.FoundVia | Should -Be 'OrganizationalDomain'
        $r.PolicyDomain | Should -Be 'dmarc.test'
    }

    It 'treats two records as no policy' {
        (Test-DmarcPolicy multi.dmarc.test -Server $dns).Status | Should -Be 'MultipleRecords'
    }

    It 'flags unauthorized external report destinations' {
        (Test-DmarcPolicy ext.dmarc.test -Server $dns).UnauthorizedReportDestination | Should -Be 'noauth.dmarcreports.test'
    }

    It 'evaluates SPF and DKIM results' {
        $r = Test-DmarcPolicy -Domain reject.dmarc.test -SpfResult Fail -SpfDomain reject.dmarc.test -Server $dns
        $r.DmarcResult | Should -Be 'Fail'
        $r.Disposition | Should -Be 'Reject'
        (Test-DmarcPolicy -Domain reject.dmarc.test -SpfResult None -DkimPassDomain reject.dmarc.test -Server $dns -Quiet) | Should -BeTrue
    }

    It 'returns TempError when DNS fails' {
        (Test-DmarcPolicy mail.nowhere.example -Server $dns).Status | Should -Be 'TempError'
    }
}
