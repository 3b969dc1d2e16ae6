#Requires -Modules Pester
# Pester 5, real PowerShell (tests/run-pester.sh), against the integration Knot's grade-*.test zones. What only real
# pwsh can show: reports that come back from background jobs (out of process, really serialized) and thread jobs,
# Export-Clixml, the JSON export read back with ConvertFrom-Json, and the README's split-across-jobs example.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    # The validating resolver: the grade-*.test zones are signed, and an A needs DNSSEC validated.
    $dns = Get-TestSetting SMTPTOOLS_RESOLVER
    # The test blocklist, also inside the jobs: the built-in public lists are never asked from tests.
    $PSDefaultParameterValues['Test-EmailDomain:BlocklistZone'] = 'ip.bl.test' 
    $work = Join-Path ([IO.Path]::GetTempPath()) "smtptools-emaildomain-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $work
    $zones = Join-Path $RepoRoot 'tests' 'Integration' 'zones'
    $gradeDomains = @(Get-ChildItem -LiteralPath $zones -Filter 'grade-*.test.zone' | Sort-Object Name | ForEach-Object { $_.Name -replace '\.zone$', '' })
    $live = @($gradeDomains | Test-EmailDomain -Server $dns)
}

AfterAll {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Test-EmailDomain' {
    It 'grades the reference domain A and each misconfigured one by the rubric' {
        $grades = @{}
        foreach ($r in $live) { $grades[$r.Domain] = "$($r.Grade)" }
        $grades['grade-good.test'] | Should -Be 'A'
        $grades['grade-no-spf.test'] | Should -Be 'C'
        $grades['grade-spf-plusall.test'] | Should -Be 'C'
        $grades['grade-no-dmarc.test'] | Should -Be 'C'
        $grades['grade-dmarc-none.test'] | Should -Be 'C'
        $grades['grade-no-dkim.test'] | Should -Be 'B'
        $grades['grade-mtasts-broken.test'] | Should -Be 'C'
        $grades['grade-listed.test'] | Should -Be 'C'
        $grades['grade-unsigned.test'] | Should -Be 'B'
        $grades['grade-dnssec-bogus.test'] | Should -Be 'Unknown'
        ($live | Where-Object Domain -eq 'grade-spf-plusall.test').Findings.Id | Should -Contain 'SpfPassAll'
    }

    It 'writes flat CSV columns' {
        $file = Join-Path $work 'flat.csv'
        $live | Export-Csv -LiteralPath $file -NoTypeInformation
        $rows = Import-Csv -LiteralPath $file
        $rows[0].PSObject.Properties.Name | Should -Contain 'DkimSelectorsFound'
        ($rows | Where-Object Domain -eq 'grade-dmarc-none.test').DmarcPolicy | Should -Be 'none'
        ($rows | Where-Object Domain -eq 'grade-no-dkim.test').FindingIds | Should -Match 'DkimNoSelectorFound'
    }
}

Describe 'Reports from jobs' {
    It 'come back from Start-Job (another process) and still render, export and compare' {
        $job = Start-Job -ArgumentList $ModuleManifest, $dns, (, $gradeDomains) -ScriptBlock {
            param($manifest, $dns, $domains)
            Import-Module $manifest
            $domains | Test-EmailDomain -Server $dns -BlocklistZone ip.bl.test
        }
        $back = @($job | Receive-Job -Wait -AutoRemoveJob)
        $back.Count | Should -Be $gradeDomains.Count
        $back[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.SmtpTools.EmailDomainReport'
        $back.Domain | Should -Be $gradeDomains
        # Nested results arrive whole (the module's serialization depth), not as strings.
        $good = $back | Where-Object Domain -eq 'grade-good.test'
        $good.Spf.Record | Should -Be 'v=spf1 ip4:192.0.2.0/24 -all'
        @($good.Checks).Count | Should -Be 11
        $good.MtaStsMode | Should -Be 'enforce'
        @($good.MtaSts.MxPatterns) | Should -Be @('mx1.mail.test', 'mx2.mail.test')
        @($good.Mx.Hosts).Count | Should -Be 2
        @($good.Checks)[0].Status | Should -Be 'Pass'
        # Enums come back as their names, nullable ones too (MtaStsPolicy.Mode), at every depth.
        $good.MtaSts.Mode | Should -BeExactly 'Enforce'
        $good.MtaSts.Mode | Should -BeOfType [string]
        $good.MtaSts.Status | Should -BeExactly 'Valid'
        $good.Grade | Should -BeExactly 'A'
        $good.Spf.Status -eq 'Valid' | Should -BeTrue
        @($good.DaneResults)[0].Status | Should -BeExactly 'NotChecked'
        $good.SmtpTls | Should -Be 'NotRun'

        ($back | Format-Table | Out-String -Width 120) | Should -BeExactly ($live | Format-Table | Out-String -Width 120)

        foreach ($format in 'json', 'csv', 'md') {
            $live | Export-EmailDomainReport -Path (Join-Path $work "live.$format")
            $back | Export-EmailDomainReport -Path (Join-Path $work "job.$format")
            $jobText = Get-Content -Raw (Join-Path $work "job.$format")
            # When the checks ran and how long they took differ between the two runs; everything else must be equal.
            $volatile = '"CheckedAt":"[^"]*"|"DurationMs":\d+'
            $jobText -replace $volatile, '' | Should -BeExactly ((Get-Content -Raw (Join-Path $work "live.$format")) -replace $volatile, '')
        }
        $back | Export-EmailDomainReport -Path (Join-Path $work 'job.html')
        $html = Get-Content -Raw (Join-Path $work 'job.html')
        foreach ($d in $gradeDomains) { $html | Should -Match ([regex]::Escape("data-domain=""$d""")) }

        @(Compare-EmailDomainReport -ReferenceObject $back -DifferenceObject $live) | Should -HaveCount 0
    }

    It 'come back from Start-ThreadJob and compare with Import-Clixml copies' {
        $job = Start-ThreadJob -ArgumentList $ModuleManifest, $dns -ScriptBlock {
            param($manifest, $dns)
            Import-Module $manifest
            'grade-good.test', 'grade-dmarc-none.test' | Test-EmailDomain -Server $dns -BlocklistZone ip.bl.test
        }
        $threaded = @($job | Receive-Job -Wait -AutoRemoveJob)
        $threaded.Domain | Should -Be @('grade-good.test', 'grade-dmarc-none.test')

        $file = Join-Path $work 'reports.clixml'
        $threaded | Export-Clixml -LiteralPath $file
        $imported = @(Import-Clixml -LiteralPath $file)
        # Yesterday, grade-good.test looked like grade-dmarc-none.test does today.
        $imported[1].Domain = 'grade-good.test'
        $changes = @(Compare-EmailDomainReport -ReferenceObject $imported[1] -DifferenceObject $threaded[0])
        ($changes | Where-Object Property -eq 'Grade').ChangeType | Should -Be 'GradeUp'
        ($changes | Where-Object FindingId -eq 'DmarcPolicyNone').ChangeType | Should -Be 'Removed'
        ($changes | Where-Object Property -eq 'DmarcPolicy').After | Should -Be 'reject'
    }

    It 'run as in the README: a domain list split across jobs, merged in input order' {
        $domains = $gradeDomains
        $parts = 3
        $size = [math]::Ceiling($domains.Count / $parts)
        $jobs = for ($i = 0; $i -lt $domains.Count; $i += $size) {
            $slice = $domains[$i..([math]::Min($i + $size, $domains.Count) - 1)]
            Start-Job -ArgumentList $ModuleManifest, $dns, (, $slice) -ScriptBlock {
                param($manifest, $dns, $slice)
                Import-Module $manifest
                $slice | Test-EmailDomain -Server $dns -BlocklistZone ip.bl.test
            }
        }
        @($jobs).Count | Should -Be 3
        # Job by job: Receive-Job of several jobs at once returns results as they finish.
        $reports = @(foreach ($job in $jobs) { $job | Receive-Job -Wait -AutoRemoveJob })
        $reports.Domain | Should -Be $gradeDomains
        $reports | Export-EmailDomainReport -Path (Join-Path $work 'all-domains.html') -PassThru | Should -Not -BeNullOrEmpty
    }
}

Describe 'The JSON export' {
    It 'is read back with ConvertFrom-Json and compared with a new run' {
        $file = Join-Path $work 'audit.json'
        $live | Export-EmailDomainReport -Path $file
        $before = Get-Content -Raw -LiteralPath $file | ConvertFrom-Json
        @($before).Count | Should -Be $live.Count
        @(Compare-EmailDomainReport -ReferenceObject $before -DifferenceObject $live) | Should -HaveCount 0

        # A domain that lost its DKIM selector since the export.
        $now = Test-EmailDomain grade-good.test -Server $dns -DkimSelector missing
        $changes = @(Compare-EmailDomainReport -ReferenceObject ($before | Where-Object Domain -eq 'grade-good.test') -DifferenceObject $now)
        $grade = @($changes | Where-Object Property -eq 'Grade')
        $grade | Should -HaveCount 1
        $grade[0].ChangeType | Should -Be 'GradeDown'
        $grade[0].Before | Should -Be 'A'
        $grade[0].After | Should -Be 'B'
        ($changes | Where-Object FindingId -eq 'DkimRecordNotFound').ChangeType | Should -Be 'Added'
        ($changes | Where-Object Property -eq 'DkimSelectorsFound').Severity | Should -Be 'Warning'
    }
}
