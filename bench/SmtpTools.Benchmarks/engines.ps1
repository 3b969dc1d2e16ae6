# Runs the SmtpTools cmdlets for the 'engines' benchmark inside one real pwsh process and prints one tab-separated
# line per measurement:  RESULT <name> <items> <seconds> <cpu seconds> <items with the expected answer>
# (and for -Stream:  STREAM <name> <results> <seconds since start> <GC heap bytes> <working set bytes>).
# CPU is this process's whole CPU time (every thread, GC included) over the run, read before and after.
param(
    [Parameter(Mandatory)] [string] $Module,
    # where=server pairs, e.g. loopback=127.0.0.1:53 delayed=127.0.0.2:53; the first one serves the warm-up and -StreamCsv
    [Parameter(Mandatory)] [string[]] $Servers,
    [string] $SpfCsv,
    [string] $DmarcList,
    # where:cmdlet, e.g. loopback:Test-SpfRecord, delayed:Get-SpfRecord, loopback:Test-SpfRecord -ThrottleLimit 1
    [string[]] $Runs = @('loopback:Test-SpfRecord', 'loopback:Get-SpfRecord', 'loopback:Test-DmarcPolicy'),
    [int] $WarmUp = 300,
    # Before the measured runs, the three cmdlets run in turn over all inputs for at least this long: the runtime compiles
    # a method at tier 0 first and optimises it only once it is hot and its background compiler has caught up, which in
    # a new pwsh on a busy machine took 20-30 s (measured: no SmtpTools method optimised after 300 inputs or 10 s).
    [int] $WarmUpSeconds = 40,
    [string] $StreamCsv
)
$ErrorActionPreference = 'Stop'
# No console here: progress would only be rendered into the redirected output.
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$serverOf = [ordered]@{}
foreach ($pair in $Servers) { $where, $address = $pair -split '=', 2; $serverOf[$where] = $address }
$Server = @($serverOf.Values)[0]

$process = [System.Diagnostics.Process]::GetCurrentProcess()
function Measure-Run([string] $Name, [int] $Items, [scriptblock] $Run, [scriptblock] $Count) {
    [System.GC]::Collect()
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & $Run
    $clock.Stop()
    $process.Refresh()
    $used = ($process.TotalProcessorTime - $cpu).TotalSeconds
    $good = & $Count $output
    "RESULT`t$Name`t$Items`t$($clock.Elapsed.TotalSeconds)`t$used`t$good"
}

if ($StreamCsv) {
    foreach ($cmdlet in $Runs) {
        $cmdlet = ($cmdlet -split ':', 2)[-1]
        [System.GC]::Collect()
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $n = 0
        $every = 1000
        $script = if ($cmdlet -eq 'Get-SpfRecord') {
            { Import-Csv $StreamCsv | ForEach-Object { $_.Sender.Substring($_.Sender.IndexOf('@') + 1) } | Get-SpfRecord -Server $Server }
        } else {
            { Import-Csv $StreamCsv | Test-SpfRecord -Server $Server }
        }
        & $script | ForEach-Object {
            $n++
            if ($n -eq 1 -or $n % $every -eq 0) {
                $process.Refresh()
                "STREAM`t$cmdlet`t$n`t$($clock.Elapsed.TotalSeconds)`t$([System.GC]::GetTotalMemory($false))`t$($process.WorkingSet64)"
            }
        }
        $process.Refresh()
        "STREAM`t$cmdlet`t$n`t$($clock.Elapsed.TotalSeconds)`t$([System.GC]::GetTotalMemory($false))`t$($process.WorkingSet64)"
    }
    return
}

$spf = @(Import-Csv $SpfCsv)
$spfDomains = @($spf | ForEach-Object { $_.Sender.Substring($_.Sender.IndexOf('@') + 1) })
$dmarc = if ($DmarcList) { @(Get-Content $DmarcList) } else { @() }

# What each cmdlet is given and which of its results count as the expected answer (every one must).
$goodPass = { param($o) @($o | Where-Object Result -EQ 'Pass').Count }
$goodAudit = { param($o) @($o | Where-Object Status -EQ 'Valid').Count }
$goodDmarc = { param($o) @($o | Where-Object { $_.Status -in 'Valid', 'Warning' -and $_.FindingIds -notmatch 'Unauthorized|AuthorizationUnknown' }).Count }
function Invoke-Cmdlet([string] $Name, [string] $Cmdlet, [int] $Limit = 0) {
    $throttle = if ($Limit -gt 0) { @{ ThrottleLimit = $Limit } } else { @{} }
    switch ($Cmdlet) {
        'Test-SpfRecord' { Measure-Run $Name $spf.Count { $spf | Test-SpfRecord -Server $Server @throttle } $goodPass }
        'Get-SpfRecord' { Measure-Run $Name $spfDomains.Count { $spfDomains | Get-SpfRecord -Server $Server } $goodAudit }
        'Test-DmarcPolicy' { Measure-Run $Name $dmarc.Count { $dmarc | Test-DmarcPolicy -Server $Server } $goodDmarc }
        default { throw "unknown cmdlet '$Cmdlet'" }
    }
}

# Warm-up: JIT and the first module calls, on a slice of the inputs (each run below has its own pipeline and cache).
$warmClock = [System.Diagnostics.Stopwatch]::StartNew()
if ($WarmUp -gt 0) {
    $null = $spf | Select-Object -First $WarmUp | Test-SpfRecord -Server $Server
    $null = $spfDomains | Select-Object -First $WarmUp | Get-SpfRecord -Server $Server
    if ($dmarc) { $null = $dmarc | Select-Object -First $WarmUp | Test-DmarcPolicy -Server $Server }
}
# Then the first run of each over all inputs, measured: mostly tier-0 code, what a one-off pipeline of this size costs.
# The runs after it until -WarmUpSeconds let the runtime optimise the hot code; the measured runs below see that.
if ($WarmUpSeconds -gt 0) {
    $cmdlets = @('Test-SpfRecord', 'Get-SpfRecord') + @(if ($dmarc) { 'Test-DmarcPolicy' })
    $firstWhere = @($serverOf.Keys)[0]
    foreach ($cmdlet in $cmdlets) { Invoke-Cmdlet "$firstWhere $cmdlet (first run)" $cmdlet }
    while ($warmClock.Elapsed.TotalSeconds -lt $WarmUpSeconds) {
        foreach ($cmdlet in $cmdlets) { $null = Invoke-Cmdlet 'warm-up' $cmdlet }
    }
}

foreach ($entry in $Runs) {
    $where, $run = $entry -split ':', 2
    $Server = $serverOf[$where]
    if ($run -match '^(?<cmdlet>\S+)(?: -ThrottleLimit (?<limit>\d+))?$') { Invoke-Cmdlet "$where $run" $Matches.cmdlet ([int]$Matches.limit) }
    else { throw "unknown run '$run'" }
}
