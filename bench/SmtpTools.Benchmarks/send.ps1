# Runs Send-SmtpMessage for the 'send-pwsh' benchmark inside one real pwsh process and prints one tab-separated line
# per measurement:  RESULT <name> <messages> <seconds> <cpu seconds> <messages with Status Sent>
# The rows (To, Subject, a Body of -Size bytes) are made before the clock starts, as Import-Csv would have made them;
# what is measured is the pipeline into Send-SmtpMessage -PassThru and its result objects. CPU is this process's
# whole CPU time (every thread, GC included) over the run.
param(
    [Parameter(Mandatory)] [string] $Module,
    # host:port of the SMTP sink
    [Parameter(Mandatory)] [string] $Server,
    [int] $Messages = 2000,
    [int[]] $ConnectionCounts = @(1, 8),
    [int] $Size = 2048,
    [int] $WarmUp = 300,
    # After each count's first run (reported as "(first run)"), keep sending until this many seconds have passed in this
    # pwsh, so the measured runs use the JIT's optimised code rather than its first, unoptimised one (see docs/benchmarks.md).
    [int] $WarmUpSeconds = 0,
    # Appended to every name (e.g. " [before]" for a --compare build).
    [string] $Label = ''
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$smtpHost, $port = $Server -split ':', 2
$line = 'x' * 78
$body = (1..[math]::Ceiling($Size / 80) | ForEach-Object { $line }) -join "`r`n"
$pooled = (Get-Command Send-SmtpMessage).Parameters.ContainsKey('ConnectionCount')
$process = [System.Diagnostics.Process]::GetCurrentProcess()

function New-Rows([int] $Count) {
    foreach ($i in 1..$Count) { [pscustomobject]@{ To = "rcpt$i@example.test"; Subject = "Benchmark message $i"; Body = $body } }
}

function Measure-Send([string] $Name, [object[]] $Rows, [int] $Sessions) {
    $pool = @{}
    if ($pooled) { $pool.ConnectionCount = $Sessions }
    elseif ($Sessions -gt 1) { "NOTE`tthis build has no -ConnectionCount; $Name not measured"; return }
    [System.GC]::Collect()
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $results = $Rows | Send-SmtpMessage -From bench@example.test -SmtpServer $smtpHost -Port $port -Security None -MaxRetries 0 -PassThru @pool
    $clock.Stop()
    $process.Refresh()
    $used = ($process.TotalProcessorTime - $cpu).TotalSeconds
    $sent = @($results | Where-Object Status -EQ 'Sent').Count
    "RESULT`t$Name`t$($Rows.Count)`t$($clock.Elapsed.TotalSeconds)`t$used`t$sent"
}

$started = [System.Diagnostics.Stopwatch]::StartNew()
$null = Measure-Send 'warm-up' (New-Rows $WarmUp) 1
$rows = @(New-Rows $Messages)
if ($WarmUpSeconds -gt 0) {
    foreach ($count in $ConnectionCounts) { Measure-Send "Send-SmtpMessage -ConnectionCount $count (first run)$Label" $rows $count }
    $warm = @(New-Rows 500)
    while ($started.Elapsed.TotalSeconds -lt $WarmUpSeconds) { foreach ($count in $ConnectionCounts) { $null = Measure-Send 'warm-up' $warm $count } }
}
foreach ($count in $ConnectionCounts) { Measure-Send "Send-SmtpMessage -ConnectionCount $count$Label" $rows $count }
