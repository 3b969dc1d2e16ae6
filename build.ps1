<#
.SYNOPSIS
    Builds, tests, documents and packages SmtpTools with the same dotnet steps the README gives.

.DESCRIPTION
    -Task Build    dotnet build src/SmtpTools/SmtpTools.csproj: assembles out/SmtpTools (manifest, bin/core, bin/desktop,
                   format files, en-US help generated from docs/en-US by tools/HelpGen).
    -Task Test     Linux: bash tests/run-tests.sh (starts the loopback test servers, builds, runs every test project).
                   Elsewhere: builds, then dotnet test for tests/SmtpTools.Core.Tests and tests/SmtpTools.Module.Tests
                   (their integration tests need the servers described in the README).
    -Task Docs     With PlatyPS installed: refreshes docs/en-US/<Cmdlet>.md from the built cmdlets (Update-MarkdownHelp)
                   and creates pages for cmdlets that have none. Then regenerates the MAML help and about topics with
                   tools/HelpGen into out/SmtpTools.
    -Task Package  Builds, then packs out/SmtpTools into out/SmtpTools.<version>.nupkg with PSResourceGet's
                   Compress-PSResource: the same package Publish-PSResource -Path out/SmtpTools uploads, which
                   Install-PSResource installs from a gallery or a folder repository. PSResourceGet ships with
                   PowerShell 7.4 and later; Windows PowerShell 5.1 needs Install-Module Microsoft.PowerShell.PSResourceGet.

.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$moduleDirectory = [IO.Path]::Combine($root, 'out', 'SmtpTools')
$docsDirectory = [IO.Path]::Combine($root, 'docs', 'en-US')

# Only engine cmdlets and .NET calls below (Package also needs PSResourceGet), so the script also runs in a bare
# hosted engine (as the tests host it).
function Write-Step([string] $Message) { $Host.UI.WriteLine($Message) }

function Invoke-Dotnet {
    Write-Step "dotnet $($args -join ' ')"
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-ModuleBuild {
    Invoke-Dotnet build ([IO.Path]::Combine($root, 'src', 'SmtpTools', 'SmtpTools.csproj')) -c $Configuration
}

function Get-ModuleVersion {
    # The version lives in Directory.Build.props only.
    [xml] $props = [IO.File]::ReadAllText([IO.Path]::Combine($root, 'Directory.Build.props'))
    @($props.Project.PropertyGroup.SmtpToolsVersion | Where-Object { $_ })[0]
}

function Test-OnLinux {
    # $IsLinux does not exist on Windows PowerShell 5.1 (which only runs on Windows).
    $PSVersionTable.PSEdition -eq 'Core' -and (Get-Variable -Name IsLinux -ValueOnly)
}

switch ($Task) {
    'Build' {
        Invoke-ModuleBuild
    }
    'Test' {
        if (Test-OnLinux) {
            & bash ([IO.Path]::Combine($root, 'tests', 'run-tests.sh'))
            if ($LASTEXITCODE -ne 0) { throw "tests/run-tests.sh failed with exit code $LASTEXITCODE." }
        }
        else {
            Invoke-ModuleBuild
            Invoke-Dotnet test ([IO.Path]::Combine($root, 'tests', 'SmtpTools.Core.Tests')) -c $Configuration
            Invoke-Dotnet test ([IO.Path]::Combine($root, 'tests', 'SmtpTools.Module.Tests')) -c $Configuration
        }
    }
    'Docs' {
        Invoke-ModuleBuild
        if (Get-Module -ListAvailable -Name platyPS) {
            # PlatyPS refreshes the pages from the cmdlets themselves: new parameters get a section to fill in.
            Import-Module platyPS
            Import-Module ([IO.Path]::Combine($moduleDirectory, 'SmtpTools.psd1')) -Force
            $pages = [IO.Directory]::GetFiles($docsDirectory, '*.md') | Where-Object { [IO.Path]::GetFileName($_) -notlike 'about_*' }
            $null = Update-MarkdownHelp -Path $pages
            foreach ($command in Get-Command -Module SmtpTools -CommandType Cmdlet) {
                if (-not [IO.File]::Exists([IO.Path]::Combine($docsDirectory, "$($command.Name).md"))) {
                    $null = New-MarkdownHelp -Command $command.Name -OutputFolder $docsDirectory
                    Write-Step "New page docs/en-US/$($command.Name).md: fill in its descriptions and examples."
                }
            }
        }
        else {
            Write-Step 'PlatyPS is not installed: the pages in docs/en-US are used as they are (Install-Module platyPS, then Update-MarkdownHelp docs/en-US, refreshes them from the cmdlets).'
        }
        # The same converter the build runs; its output goes where Get-Help looks.
        $help = [IO.Path]::Combine($root, 'obj', 'help', 'en-US')
        # '--' quoted: unquoted, PowerShell would take it as its own end-of-parameters marker and drop it.
        Invoke-Dotnet run --project ([IO.Path]::Combine($root, 'tools', 'HelpGen')) -c $Configuration '--' $docsDirectory $help
        foreach ($target in @('en-US', 'bin/core/en-US', 'bin/desktop/en-US')) {
            $destination = [IO.Directory]::CreateDirectory([IO.Path]::Combine($moduleDirectory, $target)).FullName
            foreach ($file in [IO.Directory]::GetFiles($help)) {
                [IO.File]::Copy($file, [IO.Path]::Combine($destination, [IO.Path]::GetFileName($file)), $true)
            }
        }
    }
    'Package' {
        Invoke-ModuleBuild
        if (-not (Get-Command -Name Compress-PSResource -ErrorAction SilentlyContinue)) {
            throw 'Compress-PSResource was not found: -Task Package needs PSResourceGet (part of PowerShell 7.4 and later; on Windows PowerShell 5.1: Install-Module Microsoft.PowerShell.PSResourceGet).'
        }
        $outDirectory = [IO.Path]::Combine($root, 'out')
        $package = [IO.Path]::Combine($outDirectory, "SmtpTools.$(Get-ModuleVersion).nupkg")
        if ([IO.File]::Exists($package)) { [IO.File]::Delete($package) }
        Compress-PSResource -Path $moduleDirectory -DestinationPath $outDirectory
        if (-not [IO.File]::Exists($package)) { throw "Compress-PSResource did not write $package." }
        Write-Step "Packaged $package, the package Publish-PSResource -Path $moduleDirectory publishes (README, 'Install')."
    }
}
