#Requires -Modules Pester
# Pester 5, real PowerShell (tests/run-pester.sh). The way users get the module: a package in a repository,
# Install-PSResource, Import-Module by name. PSResourceGet ships with PowerShell 7.4 and later.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $dns = Get-TestSetting SMTPTOOLS_DNS
    $moduleDirectory = Split-Path -Parent $ModuleManifest
    $version = (Import-PowerShellDataFile -LiteralPath $ModuleManifest).ModuleVersion
    $work = Join-Path ([IO.Path]::GetTempPath()) "smtptools-install-$([guid]::NewGuid().ToString('N'))"
    $repository = Join-Path $work 'repository'
    $null = New-Item -ItemType Directory -Path $repository

    function Get-PackageEntry([string] $Path) {
        # The files a package installs (NuGet's own bookkeeping entries aside).
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try {
            @($zip.Entries.FullName | Where-Object { $_ -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$)' } | Sort-Object)
        }
        finally { $zip.Dispose() }
    }
}

AfterAll {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Installing SmtpTools with PSResourceGet' {
    It 'publishes out/SmtpTools to a folder repository, installs it from there, imports it by name and runs a cmdlet' {
        # A separate process with its own home folder under $work (module path, PSResourceGet's repository list), so
        # neither this session nor the machine's user profile sees the repository or the installed copy. Without an
        # inherited PSModulePath or XDG_* folders it builds the default module path, as a user's new session does.
        $userHome = Join-Path $work 'home'
        foreach ($folder in '.local/share', '.config', '.cache') {
            # Created first: .NET gives an empty path for a special folder that does not exist, and PSResourceGet
            # would then write its settings under the current directory.
            $null = New-Item -ItemType Directory -Force -Path (Join-Path $userHome $folder)
        }
        $saved = @{}
        foreach ($name in 'HOME', 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $(if ($name -eq 'HOME') { $userHome } else { $null }))
        }
        try {
            $job = Start-Job -ArgumentList $moduleDirectory, $repository, $dns -ScriptBlock {
                param($moduleDirectory, $repository, $dns)
                $ErrorActionPreference = 'Stop'
                Register-PSResourceRepository -Name SmtpToolsPester -Uri $repository -Trusted
                Publish-PSResource -Path $moduleDirectory -Repository SmtpToolsPester
                Install-PSResource -Name SmtpTools -Repository SmtpToolsPester -Scope CurrentUser
                Import-Module SmtpTools
                [pscustomobject]@{
                    ModuleBase = (Get-Module SmtpTools).ModuleBase
                    Version    = (Get-Module SmtpTools).Version.ToString()
                    Status     = (Get-SpfRecord good.spf.test -Server $dns).Status.ToString()
                    View       = Get-SpfRecord good.spf.test -Server $dns | Format-Table | Out-String -Width 120
                    Help       = (Get-Help Get-SpfRecord).Synopsis
                }
            }
            $installed = $job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }

        $installed.ModuleBase | Should -BeLike (Join-Path $userHome '*')
        $installed.ModuleBase | Should -BeLike "*SmtpTools*$version"
        $installed.Version | Should -Be $version
        $installed.Status | Should -Be 'Valid'
        $installed.View | Should -Match 'good\.spf\.test\s+Valid'
        $installed.Help | Should -Not -BeNullOrEmpty
        Get-ChildItem -LiteralPath $repository -Name | Should -Be "SmtpTools.$version.nupkg"
    }

    It 'is the package build.ps1 -Task Package writes' {
        $built = Join-Path $RepoRoot "out/SmtpTools.$version.nupkg"
        & (Join-Path $RepoRoot 'build.ps1') -Task Package
        $built | Should -Exist
        $published = Join-Path $repository "SmtpTools.$version.nupkg"
        $published | Should -Exist
        $entries = Get-PackageEntry $built
        $entries | Should -Contain 'SmtpTools.psd1'
        $entries | Should -Contain 'bin/core/SmtpTools.dll'
        $entries | Should -Contain 'bin/desktop/SmtpTools.dll'
        $entries | Should -Be (Get-PackageEntry $published)
    }
}
