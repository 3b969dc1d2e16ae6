# Runs the DNS-only transport cmdlets of the 'mail-transport' benchmark inside one real pwsh process and prints one
# tab-separated line per cmdlet:  RESULT <name> <results> <seconds> <cpu seconds>
# Each cmdlet is a new pipeline (its own cold DNS cache) with default parameters except -Server and the benchmark's
# blocklist zones; CPU is this process's whole CPU time. A terminating error fails the run.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Server,
    [Parameter(Mandatory)] [string] $DomainList,
    [Parameter(Mandatory)] [string[]] $BlocklistZone,
    [int] $WarmUp = 300
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$domains = @(Get-Content $DomainList)
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$runs = [ordered]@{
    'Test-MxRecord'                  = { $input | Test-MxRecord -Server $Server }
    'Test-DnsBlocklist -IncludeMx'   = { $input | Test-DnsBlocklist -IncludeMx -Zone $BlocklistZone -Server $Server }
    'Test-MtaStsPolicy -NoFetch'     = { $input | Test-MtaStsPolicy -NoFetch -Server $Server }
    'Test-TlsRptRecord'              = { $input | Test-TlsRptRecord -Server $Server }
    'Test-BimiRecord -NoFetch'       = { $input | Test-BimiRecord -NoFetch -Server $Server }
}
if ($WarmUp -gt 0) { foreach ($run in $runs.Values) { $null = $domains | Select-Object -First $WarmUp | & $run } }
foreach ($name in $runs.Keys) {
    [System.GC]::Collect()
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = @($domains | & $runs[$name])
    $clock.Stop()
    $process.Refresh()
    "RESULT`t$name`t$($output.Count)`t$($clock.Elapsed.TotalSeconds)`t$(($process.TotalProcessorTime - $cpu).TotalSeconds)"
}
