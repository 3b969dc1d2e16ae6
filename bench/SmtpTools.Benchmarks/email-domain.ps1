# Runs Test-EmailDomain for the 'email-domain' benchmark inside one real pwsh process and prints one tab-separated line
# per run:  RESULT <name> <reports> <seconds> <cpu seconds> <reports with the expected SPF, DMARC and DKIM answers>
# (domain dN has no DKIM key when N % 100 < WithoutDkim, as the benchmark generates the zone)
# Each run is a new pipeline (a cold DNS cache) with default parameters except -Server and -BlocklistZone (the
# benchmark's own zones); CPU is this process's whole CPU time.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string[]] $Server,
    [Parameter(Mandatory)] [string] $DomainList,
    [Parameter(Mandatory)] [string[]] $BlocklistZone,
    [int] $WarmUp = 200,
    [int] $WithoutDkim = 0
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$domains = @(Get-Content $DomainList)
$process = [System.Diagnostics.Process]::GetCurrentProcess()

if ($WarmUp -gt 0) { $null = $domains | Select-Object -First $WarmUp | Test-EmailDomain -Server $Server[0] -BlocklistZone $BlocklistZone }

foreach ($s in $Server) {
    [System.GC]::Collect()
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = @($domains | Test-EmailDomain -Server $s -BlocklistZone $BlocklistZone)
    $clock.Stop()
    $process.Refresh()
    $used = ($process.TotalProcessorTime - $cpu).TotalSeconds
    $good = @($output | Where-Object {
            $selectors = if ([int]($_.Domain -replace '^d(\d+)\..*$', '$1') % 100 -lt $WithoutDkim) { '' } else { 'selector1' }
            $_.SpfStatus -eq 'Valid' -and $_.DmarcPolicy -eq 'reject' -and $_.DkimSelectorsFound -eq $selectors
        }).Count
    "RESULT`t$s`t$($output.Count)`t$($clock.Elapsed.TotalSeconds)`t$used`t$good"
}
