#Requires -Modules Pester
# Pester 5, real PowerShell (tests/run-pester.sh): Import-DmarcReport, Import-SmtpTlsReport and Import-SmtpBounce as
# people use them, with the cmdlets the hosted engine of the xUnit module tests lacks (Get-ChildItem -Recurse,
# Export-Csv/Import-Csv, Group-Object, Measure-Object, Select-Object -Unique). The table views at 120 columns, CSV,
# Clixml and JSON of every result type are in OutputTypes.Tests.ps1.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $reports = Join-Path $RepoRoot 'tests/testdata/reports'
    $work = Join-Path ([IO.Path]::GetTempPath()) "smtptools-pester-import-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $work

    function New-Dsn {
        # A minimal RFC 3464 delivery status notification for one recipient of the message with $MessageId.
        param([string] $Recipient, [string] $Status, [string] $Diagnostic, [string] $MessageId, [string] $Action = 'failed')
        @"
From: MAILER-DAEMON@mx.example.net
To: news@sender.example
Subject: Undelivered Mail Returned to Sender
Date: Mon, 07 Dec 2026 10:00:00 +0000
Message-ID: <dsn-$([guid]::NewGuid().ToString('N'))@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; $Recipient
Action: $Action
Status: $Status
Diagnostic-Code: smtp; $Diagnostic

--b1
Content-Type: text/rfc822-headers

From: news@sender.example
To: $Recipient
Subject: Hello
Message-ID: $MessageId

--b1--
"@
    }
}

AfterAll {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Import-DmarcReport' {
    It 'reads every packaging from a recursive Get-ChildItem and sums messages per disposition with Measure-Object' {
        $rows = @(Get-ChildItem (Join-Path $reports 'aggregate') -Recurse -File | Import-DmarcReport -ErrorVariable bad -ErrorAction SilentlyContinue)
        # .xml, .xml.gz, .zip and .eml all give rows; the two broken samples are one error each.
        $rows.SourceFile | ForEach-Object { [IO.Path]::GetExtension($_) } | Sort-Object -Unique | Should -Be @('.eml', '.gz', '.xml', '.zip')
        @($bad).Count | Should -Be 2
        $bad.TargetObject | ForEach-Object { [IO.Path]::GetFileName($_) } | Sort-Object | Should -Be @('invalid_utf_8.xml', 'invalid_xml.xml')
        $bad.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'InputNotWellFormed,SmtpTools.Commands.ImportDmarcReportCommand'
        $total = ($rows | Measure-Object Count -Sum).Sum
        $byDisposition = $rows | Group-Object Disposition | ForEach-Object { ($_.Group | Measure-Object Count -Sum).Sum }
        ($byDisposition | Measure-Object -Sum).Sum | Should -Be $total
        $total | Should -BeGreaterThan 100   # the RFC 9990 sample alone reports 123 messages
    }

    It 'round-trips through Export-Csv and Import-Csv with flat columns that Group-Object can use' {
        $file = Join-Path $work 'rows.csv'
        Import-DmarcReport (Join-Path $reports 'aggregate/*.xml') -ErrorAction SilentlyContinue | Export-Csv $file -NoTypeInformation
        $csv = @(Import-Csv $file)
        $csv.Count | Should -Be @(Import-DmarcReport (Join-Path $reports 'aggregate/*.xml') -ErrorAction SilentlyContinue).Count
        $csv[0].PSObject.Properties.Name | Should -Contain 'DkimDomains'
        $csv[0].PSObject.Properties.Name | Should -Contain 'SpfAuthResults'
        $fastmail = $csv | Where-Object OrgName -eq 'FastMail Pty Ltd'
        # The gzip sample is not *.xml; the wildcard picks only .xml files.
        $fastmail | Should -BeNullOrEmpty
        $addison = @($csv | Where-Object OrgName -eq 'addisonfoods.com')
        $addison[0].SourceIP | Should -Be '109.203.100.17'
        $addison[0].DkimDomains | Should -Be 'toptierhighticket.club'
        $addison[0].DmarcPass | Should -Be 'False'
        ($csv | Group-Object PolicyDomain | Where-Object Name -eq 'example.de').Count | Should -Be 1
    }

    It 'flags a report delivered twice and leaves it out with -Unique' {
        $twice = Join-Path $work 'twice'
        $null = New-Item -ItemType Directory $twice
        $sample = Join-Path $reports 'aggregate/rfc9990-sample.xml'
        Copy-Item $sample (Join-Path $twice 'a.xml'); Copy-Item $sample (Join-Path $twice 'b.xml')
        $all = @(Import-DmarcReport $twice)
        ($all | Where-Object IsDuplicate | Measure-Object Count -Sum).Sum | Should -Be (($all | Where-Object { -not $_.IsDuplicate } | Measure-Object Count -Sum).Sum)
        $unique = @(Import-DmarcReport $twice -Unique -Verbose 4>&1)
        @($unique | Where-Object { $_ -is [SmtpTools.DmarcReportRow] }).Count | Should -Be (@($all).Count / 2)
        @($unique | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'duplicate' }).Count | Should -Be 1
    }

    It 'shows the rows in a table at 120 columns with the DMARC verdict' {
        $text = Import-DmarcReport (Join-Path $reports 'aggregate/rfc9990-sample.xml') | Out-String -Width 120
        $text | Should -Match 'SourceIP'
        $text | Should -Match 'DMARC'
        ($text.Split([Environment]::NewLine) | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
    }
}

Describe 'Import-SmtpTlsReport' {
    It 'gives one object per policy, with failures that Group-Object can count' {
        $policies = @(Import-SmtpTlsReport (Join-Path $reports 'smtp_tls'))
        $policies.Count | Should -BeGreaterOrEqual 3
        $failures = $policies | ForEach-Object FailureDetails
        ($failures | Measure-Object FailedSessionCount -Sum).Sum | Should -Be (($policies | Measure-Object FailedSessionCount -Sum).Sum)
        ($failures | Group-Object ResultType).Name | Should -Contain 'certificate-expired'
    }
}

Describe 'Import-SmtpBounce' {
    BeforeAll {
        $bounces = Join-Path $work 'bounces'
        $null = New-Item -ItemType Directory $bounces
        New-Dsn 'gone@example.org' '5.1.1' '550 5.1.1 User unknown' '<m1@sender.example>' | Set-Content (Join-Path $bounces '1.eml')
        New-Dsn 'full@example.org' '5.2.2' '552 5.2.2 Mailbox full' '<m2@sender.example>' | Set-Content (Join-Path $bounces '2.eml')
        New-Dsn 'gone@example.org' '5.1.1' '550 5.1.1 No such user here' '<m3@sender.example>' | Set-Content (Join-Path $bounces '3.eml')
        New-Dsn 'later@example.org' '4.0.0' '450 4.0.0 Please try again later' '<m4@sender.example>' -Action delayed | Set-Content (Join-Path $bounces '4.eml')
        New-Dsn 'blocked@example.org' '5.7.1' '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org' '<m5@sender.example>' | Set-Content (Join-Path $bounces '5.eml')
    }

    It 'runs the README list-hygiene one-liner as written' {
        $remove = @(Import-SmtpBounce $bounces | Where-Object IsHardBounce | Select-Object -ExpandProperty Recipient -Unique)
        $remove | Should -Be @('gone@example.org')
    }

    It 'tells the reasons apart for Group-Object' {
        $byReason = Import-SmtpBounce $bounces | Group-Object Reason -AsHashTable -AsString
        $byReason['UserUnknown'].Count | Should -Be 2
        $byReason['MailboxFull'].Recipient | Should -Be 'full@example.org'
        $byReason['Delayed'].Recipient | Should -Be 'later@example.org'
        $byReason['Blocked'].Recipient | Should -Be 'blocked@example.org'
    }

    It 'matches bounces to the CSV file Export-Csv wrote from Send-SmtpMessage -PassThru' {
        $pickup = Join-Path $work 'pickup'
        $null = New-Item -ItemType Directory $pickup
        $sent = @('a@example.org', 'b@example.org' | ForEach-Object {
            Send-SmtpMessage -To $_ -From 'news@sender.example' -Subject "Issue for $_" -Body 'x' -PickupDirectory $pickup -PassThru -WarningAction SilentlyContinue
        })
        $log = Join-Path $work 'send-log.csv'
        $sent | Export-Csv $log -NoTypeInformation
        $matched = Join-Path $work 'matched'
        $null = New-Item -ItemType Directory $matched
        New-Dsn 'b@example.org' '5.1.1' '550 5.1.1 User unknown' $sent[1].MessageId | Set-Content (Join-Path $matched 'b.eml')
        New-Dsn 'x@example.org' '5.1.1' '550 5.1.1 User unknown' '<elsewhere@example.net>' | Set-Content (Join-Path $matched 'x.eml')

        $fromCsv = @(Import-SmtpBounce $matched -SendLog $log)
        $fromCsv[0].SendLogEntry.Subject | Should -Be 'Issue for b@example.org'
        $fromCsv[0].SendLogEntry.Status | Should -Be 'Sent'
        $fromCsv[1].SendLogEntry | Should -BeNullOrEmpty
        $fromObjects = @(Import-SmtpBounce $matched -SendLog $sent)
        $fromObjects[0].SendLogEntry | Should -BeOfType ([SmtpTools.SmtpSendResult])
        $fromObjects[0].SendLogEntry.MessageId | Should -Be $sent[1].MessageId
    }

    It 'reads the real corpus and writes one error per file that is not a message' {
        $results = @(Import-SmtpBounce (Join-Path $RepoRoot 'tests/testdata/bounces/*') -ErrorVariable bad -ErrorAction SilentlyContinue)
        # expected.json, sources.json, the licences and the README beside the corpus folder are not mail.
        @($bad).Count | Should -Be 6
        $bad | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] } | Sort-Object -Unique | Should -Be 'MessageNotReadable'
        # The folder 'files' matches the wildcard too and gives its mails.
        $results.Count | Should -BeGreaterThan 100
        ($results | Group-Object Source).Count | Should -BeGreaterThan 5
        ($results | Where-Object IsHardBounce | Select-Object -ExpandProperty Recipient -Unique).Count | Should -BeGreaterThan 10
    }
}

Describe 'Help of the import cmdlets' {
    It 'has a synopsis, examples and the list-hygiene one-liner' -ForEach @(
        @{ Name = 'Import-DmarcReport' }, @{ Name = 'Import-SmtpTlsReport' }, @{ Name = 'Import-SmtpBounce' }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 4
        if ($Name -eq 'Import-SmtpBounce') {
            ($help.examples.example.code -join "`n") | Should -Match ([regex]::Escape('Where-Object IsHardBounce | Select-Object -ExpandProperty Recipient -Unique'))
        }
    }
}
