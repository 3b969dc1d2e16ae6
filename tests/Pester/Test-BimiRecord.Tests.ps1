#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh, with the integration servers running (Knot, nginx).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $dns = Get-TestSetting SMTPTOOLS_DNS
}

Describe 'Test-BimiRecord' {
    It 'reports a VMC whose logo is the published logo' {
        $r = Test-BimiRecord good.bimi.test -Server $dns
        $r.Status | Should -Be 'Valid'
        $r.Certificate.CertificateType | Should -Be 'Vmc'
        $r.Certificate.MarkType | Should -Be 'Registered Mark'
        $r.LogoMatchesCertificate | Should -BeTrue
    }

    It 'tells a CMC from a VMC by its mark type' {
        (Test-BimiRecord cmc.bimi.test -Server $dns).CertificateType | Should -Be 'Cmc'
    }

    It 'names the SVG problem' {
        (Test-BimiRecord svg-script.bimi.test -Server $dns).FindingIds | Should -Match 'BimiSvgScript'
        (Test-BimiRecord svg-animation.bimi.test -Server $dns).Status | Should -Be 'InvalidLogo'
    }

    It 'requires DMARC at enforcement' {
        $r = Test-BimiRecord dmarc-pct.bimi.test -Server $dns
        $r.Status | Should -Be 'DmarcNotEnforced'
        $r.DmarcPolicy | Should -Be 'quarantine (pct=50)'
    }

    It 'takes Domain and Selector from CSV rows' {
        $rows = 'Domain,Selector', 'good.bimi.test,brand', 'good.bimi.test,' | ConvertFrom-Csv
        ($rows | Test-BimiRecord -Server $dns).Selector | Should -Be @('brand', 'default')
    }
}
