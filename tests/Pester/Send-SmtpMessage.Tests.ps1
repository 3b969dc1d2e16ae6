#Requires -Modules Pester
# Pester 5, real PowerShell: tests/run-pester.sh, which exports the integration mail servers' settings
# (tests/Integration/run/servers.env) and SSL_CERT_FILE=$SMTPTOOLS_CA_BUNDLE so .NET trusts the test CA.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
}

Describe 'Send-SmtpMessage' {
    It 'writes .eml files to a pickup directory' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
        $r = Send-SmtpMessage -To bob@example.test -From alice@example.test -Subject 'pickup' -Body 'x' -PickupDirectory $dir -PassThru
        $r.Status | Should -Be 'Sent'
        $r.PickupPath | Should -Exist
        Get-Content $r.PickupPath -Raw | Should -Match 'Subject: pickup'
        Remove-Item $dir -Recurse
    }

    It 'sends nothing with -WhatIf' {
        $r = Send-SmtpMessage -To bob@example.test -From alice@example.test -Subject 'x' -Body 'x' -SmtpServer 127.0.0.1 -Port 1 -WhatIf -PassThru
        $r.Status | Should -Be 'Skipped'
    }

    It 'fails one message with a missing attachment and goes on' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
        $rows = @(
            [pscustomobject]@{ To = 'a@example.test'; Subject = 'bad'; Attachment = '/nonexistent/file.pdf' }
            [pscustomobject]@{ To = 'b@example.test'; Subject = 'good' }
        )
        $r = $rows | Send-SmtpMessage -From alice@example.test -Body 'x' -PickupDirectory $dir -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Status | Should -Be @('Failed', 'Sent')
        $errs[0].TargetObject.FailedPhase | Should -Be 'Message'
        Remove-Item $dir -Recurse
    }
}

Describe 'Send-SmtpMessage against the test Postfix' {
    BeforeAll {
        $server = Get-TestSetting SMTPTOOLS_SMTP_HOST
        $submissionPort = Get-TestSetting SMTPTOOLS_SMTP_SUBMISSION_PORT
        $plainPort = Get-TestSetting SMTPTOOLS_SMTP_PLAIN_PORT
        $domain = Get-TestSetting SMTPTOOLS_SMTP_DOMAIN
        $alice = Get-TestSetting SMTPTOOLS_USER_ALICE
        $bob = Get-TestSetting SMTPTOOLS_USER_BOB
        $cred = [pscredential]::new($alice, (ConvertTo-SecureString (Get-TestSetting SMTPTOOLS_PASSWORD_ALICE) -AsPlainText -Force))
    }

    It 'sends a mail merge over one session with STARTTLS and AUTH' {
        $rows = 1..5 | ForEach-Object { [pscustomobject]@{ To = $bob; Subject = "Pester merge $_"; Body = "row $_" } }
        $r = $rows | Send-SmtpMessage -SmtpServer $server -Port $submissionPort -Credential $cred -From $alice -PassThru -Verbose 4>&1
        $results = $r | Where-Object { $_ -is [SmtpTools.SmtpSendResult] }
        $results.Count | Should -Be 5
        $results.Status | Sort-Object -Unique | Should -Be 'Sent'
        ($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "5 message(s) over 1 SMTP session(s) to $($server):$submissionPort."
    }

    It 'lists a refused recipient and still delivers to the other' {
        $r = Send-SmtpMessage -To $bob, "nobody@$domain" -From $alice -Subject partial -Body x -SmtpServer $server -Port $plainPort -Security None -PassThru -WarningAction SilentlyContinue
        $r.Status | Should -Be 'PartiallySent'
        $r.RejectedRecipients[0].EnhancedStatusCode | Should -Be '5.1.1'
    }

    It 'stops with an authentication error for a wrong password' {
        $bad = [pscredential]::new($alice, (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        { Send-SmtpMessage -To $bob -From $alice -Subject x -Body x -SmtpServer $server -Port $submissionPort -Credential $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'SmtpAuthenticationFailed,SmtpTools.Commands.SendSmtpMessageCommand'
    }

    It 'explains relay denial' {
        $r = Send-SmtpMessage -To someone@example.net -From $alice -Subject x -Body x -SmtpServer $server -Port $plainPort -Security None -PassThru -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $r.Status | Should -Be 'Failed'
        $r.Hint | Should -Match 'Credential'
    }
}

Describe 'Send-SmtpMessage resumable merge (issue 17)' {
    BeforeAll {
        $server = Get-TestSetting SMTPTOOLS_SMTP_HOST
        $plainPort = Get-TestSetting SMTPTOOLS_SMTP_PLAIN_PORT
        $alice = Get-TestSetting SMTPTOOLS_USER_ALICE
        $maildir = Join-Path (Get-TestSetting SMTPTOOLS_MAILDIR_ROOT) 'alice/Maildir/new'
        # $PSHOME's own executable: the process may be dotnet running pwsh.dll (PowerShell as a .NET tool).
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    }

    It 'after Ctrl+C (SIGINT to a real pwsh) the re-run with -SkipSentLog delivers every row exactly once' {
        $run = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $dir = Join-Path ([IO.Path]::GetTempPath()) "resume-$run"
        $null = New-Item -ItemType Directory $dir
        $log = Join-Path $dir 'sent.csv'
        $script = Join-Path $dir 'merge.ps1'
        # The merge as a user would write it: rows from a CSV, the log appended by Export-Csv, the same log read back.
        # -RateLimit 50 keeps it running for about 10 s, so Ctrl+C comes mid-run however fast the machine is.
        1..500 | ForEach-Object { [pscustomobject]@{ To = $alice; Subject = "$run pester $_"; Body = "Row $_" } } | Export-Csv (Join-Path $dir 'rows.csv') -NoTypeInformation
        @"
Import-Module '$ModuleManifest'
Import-Csv '$dir/rows.csv' | Send-SmtpMessage -SmtpServer $server -Port $plainPort -Security None -From merge@example.test -ConnectionCount 2 -RateLimit 50 -SkipSentLog '$log' -PassThru |
  Export-Csv -Path '$log' -Append -NoTypeInformation
"@ | Set-Content $script

        # env --default-signal: a test run started in the background (bash `&`) passes SIGINT on as ignored, and the
        # runtime keeps it ignored; a person's Ctrl+C in a terminal always reaches pwsh. env then becomes pwsh (same id).
        $child = Start-Process -FilePath env -ArgumentList '--default-signal=INT', $pwsh, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', $script -PassThru
        $deadline = (Get-Date).AddSeconds(60)
        while (-not $child.HasExited -and (Get-Date) -lt $deadline -and -not ((Test-Path $log) -and @(Get-Content $log).Count -gt 100)) { Start-Sleep -Milliseconds 50 }
        $child.HasExited | Should -BeFalse -Because 'the merge must still be running when Ctrl+C comes'
        & kill -s INT $child.Id
        $child.WaitForExit(20000) | Should -BeTrue -Because 'Ctrl+C stops the merge promptly'
        $first = @(Import-Csv $log)
        $first.Count | Should -BeLessThan 500

        # What the stopped run could no longer write (in flight, or waiting for an earlier row) is in the stopped file.
        $stopped = "$log.stopped.csv"
        $before = @($first) + @(if (Test-Path $stopped) { Import-Csv $stopped })

        & $pwsh -NoLogo -NoProfile -NonInteractive -File $script
        $all = @(Import-Csv $log) + @(if (Test-Path $stopped) { Import-Csv $stopped })
        # Attempts 0: a row the re-run did not send (one left Unconfirmed is reported Unconfirmed again, not AlreadySent).
        # A row whose write Ctrl+C interrupted after Export-Csv had appended it is in the stopped file too (the cmdlet
        # cannot know how far the write got): the same acceptance by the server (same queue id) counts once; a second
        # send would be a second acceptance with its own queue id, and the Maildir check below counts copies.
        $sent = @($all | Where-Object { $_.Status -in 'Sent', 'PartiallySent', 'Unconfirmed' -and $_.Attempts -ne '0' } |
            Sort-Object -Property Subject, Status, ServerResponse -Unique)
        $sent.Count | Should -Be 500 -Because 'every row was sent by exactly one of the two runs'
        @($sent.Subject | Sort-Object -Unique).Count | Should -Be 500
        # The re-run skipped exactly what the stopped run had sent.
        @($all | Where-Object { $_.Status -eq 'AlreadySent' -or $_.Attempts -eq '0' } | ForEach-Object Subject | Sort-Object) |
            Should -Be @($before | Where-Object Status -In 'Sent', 'PartiallySent', 'Unconfirmed' | ForEach-Object Subject | Sort-Object -Unique)

        # The Maildir: each Message-ID exactly once.
        $ids = [Collections.Generic.HashSet[string]]::new([string[]]$sent.MessageId)
        $found = @{}
        $deadline = (Get-Date).AddSeconds(120)
        do {
            $found.Clear()
            foreach ($file in [IO.Directory]::GetFiles($maildir)) {
                foreach ($line in [IO.File]::ReadLines($file)) {
                    if ($line -eq '') { break }
                    if ($line -match '^Message-Id:\s*<([^>]+)>') { if ($ids.Contains($Matches[1])) { $found[$Matches[1]] = 1 + [int]$found[$Matches[1]] }; break }
                }
            }
        } while ($found.Count -lt 500 -and (Get-Date) -lt $deadline -and -not (Start-Sleep -Milliseconds 500))
        $found.Count | Should -Be 500
        @($found.Values | Where-Object { $_ -ne 1 }).Count | Should -Be 0
        Remove-Item $dir -Recurse
    }
}
