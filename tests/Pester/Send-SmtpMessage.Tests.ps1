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
