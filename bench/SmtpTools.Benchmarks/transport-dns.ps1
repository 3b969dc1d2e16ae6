# Runs the cmdlets of the 'transport-dns' benchmark inside one real pwsh process and prints one tab-separated line per
# cmdlet:  RESULT <name> <items> <seconds> <cpu seconds> <items with the expected answer>
# Each cmdlet is a new pipeline (a cold DNS cache), default parameters. CPU is this process's whole CPU time.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Server,
    [Parameter(Mandatory)] [string] $DomainList,
    [int] $WarmUp = 300
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$domains = @(Get-Content $DomainList)
$process = [System.Diagnostics.Process]::GetCurrentProcess()

function Measure-Run([string] $Name, [scriptblock] $Run, [scriptblock] $IsExpected) {
    [System.GC]::Collect()
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = @(& $Run)
    $clock.Stop()
    $process.Refresh()
    $used = ($process.TotalProcessorTime - $cpu).TotalSeconds
    $good = @($output | Where-Object $IsExpected).Count
    "RESULT`t$Name`t$($output.Count)`t$($clock.Elapsed.TotalSeconds)`t$used`t$good"
}

if ($WarmUp -gt 0) {
    $first = $domains | Select-Object -First $WarmUp
    $null = $first | Test-MtaStsPolicy -NoFetch -Server $Server
    $null = $first | Test-TlsRptRecord -Server $Server
    $null = $first | Test-BimiRecord -NoFetch -Server $Server
}

Measure-Run 'Test-MtaStsPolicy -NoFetch' { $domains | Test-MtaStsPolicy -NoFetch -Server $Server } { $_.Status -eq 'RecordOnly' -and $_.TlsRptStatus -eq 'Valid' }
Measure-Run 'Test-TlsRptRecord' { $domains | Test-TlsRptRecord -Server $Server } { $_.Status -eq 'Valid' }
Measure-Run 'Test-BimiRecord -NoFetch' { $domains | Test-BimiRecord -NoFetch -Server $Server } { $_.Status -eq 'RecordOnly' -and $_.DmarcEnforced }
