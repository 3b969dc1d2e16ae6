#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh, with the integration DNS server running (SMTPTOOLS_DNS).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $dns = Get-TestSetting SMTPTOOLS_DNS
}

Describe 'Get-SpfRecord' {
    It 'audits a clean record with an include' {
        $r = Get-SpfRecord good.spf.test -Server $dns
        $r.Status | Should -Be 'Valid'
        $r.DnsLookupCount | Should -Be 1
        $r.Includes.Domain | Should -Be '_spf.provider.spf.test'
    }

    It 'keeps the input order and binds by property name' {
        $r = [pscustomobject]@{ Name = 'toomany.spf.test' }, [pscustomobject]@{ DomainName = 'good.spf.test' } | Get-SpfRecord -Server $dns
        $r.Domain | Should -Be @('toomany.spf.test', 'good.spf.test')
    }

    It 'reports the RFC 7208 limits and common mistakes' {
        (Get-SpfRecord toomany.spf.test -Server $dns).FindingIds | Should -Match 'SpfTooManyDnsLookups'
        (Get-SpfRecord void.spf.test -Server $dns).FindingIds | Should -Match 'SpfTooManyVoidLookups'
        (Get-SpfRecord loop1.spf.test -Server $dns).FindingIds | Should -Match 'SpfIncludeLoop'
        (Get-SpfRecord multi.spf.test -Server $dns).FindingIds | Should -Match 'SpfMultipleRecords'
        (Get-SpfRecord norecord.spf.test -Server $dns).Status | Should -Be 'NoRecord'
    }
}
