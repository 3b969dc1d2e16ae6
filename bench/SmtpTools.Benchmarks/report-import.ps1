# Runs one import cmdlet for the 'report-import' benchmark inside a fresh pwsh process (so the peak working set is this
# run's) and prints one tab-separated line:
#   RESULT <name> <files> <objects> <seconds> <cpu seconds> <GC heap peak bytes> <working set peak bytes> <errors>
# The objects go through the pipeline into ForEach-Object, which counts them and samples the managed heap every 20,000
# objects: what a script that consumes the rows pays, and proof that memory stays flat while a large report streams.
# CPU is this process's whole CPU time (every thread, GC included) over the run.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Name,
    [Parameter(Mandatory)] [ValidateSet('Import-DmarcReport', 'Import-SmtpTlsReport', 'Import-SmtpBounce')] [string] $Command,
    [Parameter(Mandatory)] [string] $Path,
    # Read once before the measured run, so the JIT has compiled the code paths.
    [string] $WarmUp,
    [switch] $ExportCsv
)
$ErrorActionPreference = 'Stop'
# No console here: progress would only be rendered into the redirected output.
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
if ($WarmUp) { $null = & $Command -LiteralPath $WarmUp }

$process = [System.Diagnostics.Process]::GetCurrentProcess()
$files = @(Get-ChildItem -LiteralPath $Path -File).Count
[System.GC]::Collect()
$process.Refresh()
$cpu = $process.TotalProcessorTime
$script:count = 0
$script:heapPeak = [System.GC]::GetTotalMemory($false)
$csv = if ($ExportCsv) { Join-Path ([IO.Path]::GetTempPath()) "smtptools-bench-$PID.csv" }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$tally = {
    if ((++$script:count % 20000) -eq 0) {
        $heap = [System.GC]::GetTotalMemory($false)
        if ($heap -gt $script:heapPeak) { $script:heapPeak = $heap }
    }
}
if ($ExportCsv) {
    & $Command -LiteralPath $Path -ErrorAction SilentlyContinue -ErrorVariable failed | ForEach-Object { . $tally; $_ } |
        Export-Csv -LiteralPath $csv -NoTypeInformation
}
else {
    & $Command -LiteralPath $Path -ErrorAction SilentlyContinue -ErrorVariable failed | ForEach-Object $tally
}
$clock.Stop()
$process.Refresh()
$used = ($process.TotalProcessorTime - $cpu).TotalSeconds
if ($csv) { Remove-Item -LiteralPath $csv -ErrorAction SilentlyContinue }
"RESULT`t$Name`t$files`t$($script:count)`t$($clock.Elapsed.TotalSeconds)`t$used`t$($script:heapPeak)`t$($process.PeakWorkingSet64)`t$(@($failed).Count)"
