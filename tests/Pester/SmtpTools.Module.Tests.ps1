#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh (or, after building, Invoke-Pester tests/Pester/SmtpTools.Module.Tests.ps1).
# The manifest, the exported cmdlets and the help of every cmdlet (cmdlets added later are covered automatically).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $cmdlets = (Get-Command -Module SmtpTools -CommandType Cmdlet).Name
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $manifestPath = $ModuleManifest
    Import-Module $manifestPath -Force
}

Describe 'SmtpTools module' {
    It 'has a valid manifest for both editions and PowerShell 5.1' {
        $manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $manifest.CompatiblePSEditions | Sort-Object | Should -Be @('Core', 'Desktop')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $manifest.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets its manifest lists, without wildcards' {
        $listed = (Import-PowerShellDataFile -Path $manifestPath).CmdletsToExport
        $listed | Should -Not -Contain '*'
        (Get-Command -Module SmtpTools -CommandType Cmdlet).Name | Sort-Object | Should -Be ($listed | Sort-Object)
    }

    It 'has the about_SmtpTools topic' {
        Get-Help about_SmtpTools | Out-String | Should -Match 'SHORT DESCRIPTION'
    }
}

Describe 'Help for <_>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help -Name $_ -Full
        $command = Get-Command -Name $_
    }

    It 'has a synopsis from the help file' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without a help file Get-Help shows the syntax line as the synopsis.
        $help.Synopsis | Should -Not -Match '\[<CommonParameters>\]'
    }

    It 'has a description' {
        ($help.description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has examples' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        Get-Help -Name $_ -Examples | Out-String | Should -Match 'Example 1'
    }

    It 'describes every parameter' {
        $own = $command.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }
        foreach ($name in $own) {
            $entry = $help.parameters.parameter | Where-Object { $_.name -eq $name }
            ($entry.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name needs a description in docs/en-US/$($command.Name).md"
        }
    }
}
