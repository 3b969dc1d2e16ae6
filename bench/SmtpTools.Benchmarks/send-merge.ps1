# Runs one large resumable mail merge through Send-SmtpMessage for the 'send-merge' benchmark inside one real pwsh
# process and prints a tab-separated line at each checkpoint:
#   POINT <rows done> <seconds> <cpu seconds> <working set MB> <managed heap MB after a full GC> <bytes read by the process>
# The rows stream in as Import-Csv would give them (never all in memory); every message carries the same attachment;
# the results go through Export-Csv into the log that -SkipSentLog reads, as a resumable merge is written.
param(
    [Parameter(Mandatory)] [string] $Module,
    # host:port of the SMTP sink
    [Parameter(Mandatory)] [string] $Server,
    [Parameter(Mandatory)] [string] $Work,
    [int] $Rows = 100000,
    [int[]] $Checkpoints = @(10000, 50000, 100000),
    [int] $ConnectionCount = 4,
    [int] $AttachmentKB = 64
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
$smtpHost, $port = $Server -split ':', 2
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$attachment = Join-Path $Work 'price-list.pdf'
$bytes = [byte[]]::new($AttachmentKB * 1024)
[System.Random]::new(17).NextBytes($bytes)
[System.IO.File]::WriteAllBytes($attachment, $bytes)
$log = Join-Path $Work 'sent.csv'
Remove-Item $log, "$log.stopped.csv" -ErrorAction Ignore

# Bytes this process has read through read() (files and sockets): what shows whether the attachment is read per message.
function Get-ReadBytes { [long]((@(Get-Content /proc/self/io) -match '^rchar:')[0] -replace '\D', '') }

function Get-Rows {
    foreach ($i in 1..$Rows) { [pscustomobject]@{ To = "rcpt$i@example.test"; Subject = "Price list $i"; Body = "Dear customer $i, the new price list is attached."; Attachment = $attachment } }
}

$wanted = [System.Collections.Generic.HashSet[int]]::new($Checkpoints)
$process.Refresh()
$cpu0 = $process.TotalProcessorTime
$read0 = Get-ReadBytes
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$done = 0
Get-Rows | Send-SmtpMessage -From sales@example.test -SmtpServer $smtpHost -Port $port -Security None -MaxRetries 0 -ConnectionCount $ConnectionCount -SkipSentLog $log -PassThru |
    ForEach-Object {
        $script:done++
        if ($_.Status -ne 'Sent') { throw "row $($script:done): $($_.Status) $($_.ServerResponse)" }
        if ($wanted.Contains($script:done)) {
            $seconds = $clock.Elapsed.TotalSeconds
            [System.GC]::Collect()
            $heap = [System.GC]::GetTotalMemory($true)
            $process.Refresh()
            "POINT`t$($script:done)`t$seconds`t$(($process.TotalProcessorTime - $cpu0).TotalSeconds)`t$($process.WorkingSet64 / 1MB)`t$($heap / 1MB)`t$((Get-ReadBytes) - $read0)" | Out-Host
        }
        $_
    } | Export-Csv -Path $log -Append -NoTypeInformation
"DONE`t$done`t$((Import-Csv $log | Measure-Object).Count)"
