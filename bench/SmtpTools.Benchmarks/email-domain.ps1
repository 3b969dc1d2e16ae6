# Runs Test-EmailDomain for the 'email-domain' benchmark inside one real pwsh process and prints one tab-separated line
# per run:  RESULT <name> <reports> <seconds> <cpu seconds> <reports with the expected SPF, DMARC and DKIM answers>
# (domain dN has no DKIM key when N % 100 < WithoutDkim, as the benchmark generates the zone)
# Each run is a new pipeline (a cold DNS cache) with default parameters except -Server and -BlocklistZone (the
# benchmark's own zones); CPU is this process's whole CPU time. With -WarmUpSeconds the first run over all domains
# (mostly tier-0 code: what a one-off pipeline in a new pwsh costs) is reported as "<server> (first run)", and the
# measured runs come once the process has run Test-EmailDomain for that long (as the engines benchmark does).
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string[]] $Server,
    [Parameter(Mandatory)] [string] $DomainList,
    [Parameter(Mandatory)] [string[]] $BlocklistZone,
    [int] $WarmUp = 200,
    [int] $WarmUpSeconds = 0,
    [int] $WithoutDkim = 0
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$domains = @(Get-Content $DomainList)
$process = [System.Diagnostics.Process]::GetCurrentProcess()

function Measure-Run([string] $Name, [string] $Server) {
    [System.GC]::Collect()
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = @($domains | Test-EmailDomain -Server $Server -BlocklistZone $BlocklistZone)
    $clock.Stop()
    $process.Refresh()
    $used = ($process.TotalProcessorTime - $cpu).TotalSeconds
    $good = @($output | Where-Object {
            $selectors = if ([int]($_.Domain -replace '^d(\d+)\..*$', '$1') % 100 -lt $WithoutDkim) { '' } else { 'selector1' }
            $_.SpfStatus -eq 'Valid' -and $_.DmarcPolicy -eq 'reject' -and $_.DkimSelectorsFound -eq $selectors
        }).Count
    "RESULT`t$Name`t$($output.Count)`t$($clock.Elapsed.TotalSeconds)`t$used`t$good"
}

$warmClock = [System.Diagnostics.Stopwatch]::StartNew()
if ($WarmUp -gt 0) { $null = $domains | Select-Object -First $WarmUp | Test-EmailDomain -Server $Server[0] -BlocklistZone $BlocklistZone }
if ($WarmUpSeconds -gt 0) {
    Measure-Run "$($Server[0]) (first run)" $Server[0]
    while ($warmClock.Elapsed.TotalSeconds -lt $WarmUpSeconds) { $null = Measure-Run 'warm-up' $Server[0] }
}
foreach ($s in $Server) { Measure-Run $s $s }
