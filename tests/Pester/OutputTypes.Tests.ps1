#Requires -Modules Pester
# Pester 5, real PowerShell (tests/run-pester.sh). What users do with the results beyond the pipeline, which the hosted
# engine of the xUnit module tests cannot show (it has no Microsoft.PowerShell.Utility): tables at 120 columns,
# Export-Csv, Export-Clixml/Import-Clixml (what jobs and remoting deliver), ConvertTo-Json. Every output type of every
# cmdlet is covered, found through the cmdlets' [OutputType] and the types' properties, so a new one cannot be missed.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $outputTypes = @(Get-SmtpToolsOutputType | ForEach-Object { @{ TypeName = $_.FullName; Type = $_ } })
    $viewTypes = @($outputTypes | Where-Object { Get-SmtpToolsTableView -TypeName $_.TypeName })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $work = Join-Path ([IO.Path]::GetTempPath()) "smtptools-pester-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $work
    $dns = Get-TestSetting SMTPTOOLS_DNS
    $smtp = Get-TestSetting SMTPTOOLS_SMTP_HOST
    $domain = Get-TestSetting SMTPTOOLS_SMTP_DOMAIN

    # Names long enough to have pushed the status off a 120-column table before the views capped them.
    $longSpf = 'a-subdomain-name-long-enough-to-fill-a-column.of-a-company-with-long-names.spf.test'
    $longDmarc = 'mail.a-subdomain-name-long-enough-to-fill-a-column.of-a-company.dmarc.test'

    # Real results from the test servers: every status a view must show whole, a long name, nested objects.
    $key = New-DkimKey -Domain $domain -Selector pester -Path $work -KeyAlgorithm Ed25519
    $rsaKey = New-DkimKey -Domain "a-long-subdomain-for-the-key-table.$domain" -Selector pester-rsa-2026 -Path $work
    $spfRecords = @(Get-SpfRecord good.spf.test, toomany.spf.test, multi.spf.test, $longSpf -Server $dns)
    $dkimChecks = @(Test-DkimRecord -Domain dkim.test -Selector good, testing, weak, revoked, badk -Server $dns)
    $dmarcAudits = @(Test-DmarcPolicy reject.dmarc.test, multi.dmarc.test, ext.dmarc.test, a.b.c.walk.dmarc.test, $longDmarc -Server $dns)
    $dmarcEvaluation = Test-DmarcPolicy -Domain ghost.dmarc.test -SpfResult Fail -Server $dns
    $sent = Send-SmtpMessage -To "bob@$domain", "nobody@$domain" -From "alice@$domain" -Subject 'Pester output types' -Body 'x' `
        -SmtpServer $smtp -Port (Get-TestSetting SMTPTOOLS_SMTP_PLAIN_PORT) -Security None -PassThru -WarningAction SilentlyContinue
    # A DKIM-signed message file (the key is not published, so its signature fails, which is what this needs).
    $pickup = Send-SmtpMessage -To "bob@$domain" -From "alice@$domain" -Subject 'signed' -Body 'x' -PickupDirectory $work `
        -DkimKeyPath $key.PrivateKeyPath -DkimSelector pester -PassThru -WarningAction SilentlyContinue
    $messageEvaluation = Test-DmarcPolicy -MessagePath $pickup.PickupPath -ClientIPAddress 192.0.2.25 -HeloDomain "mail.$domain" -Server $dns
    $longSts = 'a-subdomain-name-long-enough-to-fill-a-column.enforce.sts.test'
    $mtaSts = @(Test-MtaStsPolicy enforce.sts.test, mx-mismatch.sts.test, oversized.sts.test, malformed.sts.test, two-records.sts.test, no-sts.sts.test, $longSts -Server $dns)
    $mtaStsProbed = Test-MtaStsPolicy nocert-mx.sts.test, enforce.sts.test -Server $dns -ProbeMx -Port (Get-TestSetting SMTPTOOLS_SMTP_SUBMISSION_PORT)
    $bimi = @(Test-BimiRecord good.bimi.test, cmc.bimi.test, vmc-mismatch.bimi.test, dmarc-pct.bimi.test, svg-external.bimi.test, declined.bimi.test, bad-syntax.bimi.test -Server $dns)
    $probes = @(Test-SmtpConnection $smtp -Port (Get-TestSetting SMTPTOOLS_SMTP_SUBMISSION_PORT), (Get-TestSetting SMTPTOOLS_SMTP_PLAIN_PORT),
        (Get-TestSetting SMTPTOOLS_SMTP_UNTRUSTED_PORT), (Get-TestSetting SMTPTOOLS_SMTP_CLOSED_PORT) -TimeoutSec 10)

    # The MX, DNSSEC and blocklist cmdlets through the validating resolver; blocklists only the loopback test lists.
    $resolver = Get-TestSetting SMTPTOOLS_RESOLVER
    # DANE per domain, MX host and address (split.dane.test: three addresses, one presenting another certificate).
    $daneDomains = @(Test-SmtpDane split.dane.test, twoaddr.dane.test, partial.dane.test, nullmx.mx.test -Server $resolver -Port (Get-TestSetting SMTPTOOLS_SMTP_SUBMISSION_PORT))
    $mxResults = @(Test-MxRecord multi.mx.test, implicit.mx.test, nullmx-spf.mx.test, fcrdns.mx.test, cname.mx.test, ipliteral.mx.test, `
        dnssec.test, dnssec-expired.test, "mx-check.$longSpf" -Server $resolver)
    $dnssecResults = @(Test-DnssecStatus dnssec.test, www.dnssec.test, multi.mx.test, dnssec-expired.test, $longSpf -Server $resolver) + @(Test-DnssecStatus dnssec.test -Server $dns)
    $ipList = @{ Name = 'ip.bl.test'; ReturnCodes = @{ '127.0.0.2' = 'spam source'; '127.0.0.4' = 'exploited host'; '127.0.0.10' = 'dynamic or end-user range' } }
    $blocklistResults = @(Test-DnsBlocklist -IPAddress 192.0.2.66, 192.0.2.68, 192.0.2.1, 198.18.0.3 -Zone $ipList, dbl.bl.test, rewrite.bl.test, refused.bl.test -Server $resolver -WarningAction SilentlyContinue) +
        @(Test-DnsBlocklist listedmx.mx.test, spam-domain.test -IncludeMx -Zone $ipList, dbl.bl.test -Server $resolver) +
        @(Test-DnsBlocklist -IPAddress 2001:db8::66 -Zone dbl.bl.test -Server $resolver)
    # The importers' results from the vendored samples (tests/testdata): aggregate rows of every packaging, failure
    # reports, TLS reports with and without failures, real bounces of several MTAs, one matched to a send log.
    $reports = Join-Path $RepoRoot 'tests/testdata/reports'
    $aggregate = Join-Path $reports 'aggregate'
    # The samples' only override reason is empty; a receiver's typical one: a mailing list forwarded the message.
    $forwarded = Join-Path $work 'forwarded.xml'
    $xml = [IO.File]::ReadAllText((Join-Path $aggregate 'addisonfoods.com!example.com!1536105600!1536191999.xml'))
    [IO.File]::WriteAllText($forwarded, $xml.Replace('</policy_evaluated>', '<reason><type>mailing_list</type><comment>forwarded by lists.example.org</comment></reason></policy_evaluated>'))
    $dmarcRows = @(Import-DmarcReport $aggregate, $forwarded -ErrorAction SilentlyContinue)
    $dmarcReports = @(Import-DmarcReport $aggregate -AsReport -ErrorAction SilentlyContinue)
    $tlsPolicies = @(Import-SmtpTlsReport (Join-Path $reports 'smtp_tls'))
    $bounceFiles = @('lhost-postfix-09.eml', 'lhost-exim-41.eml', 'lhost-sendmail-08.eml', 'lhost-exchange2007-03.eml', 'lhost-gmail-04.eml', 'lhost-qmail-05.eml', 'lhost-office365-01.eml') |
        ForEach-Object { Join-Path $RepoRoot "tests/testdata/bounces/files/$_" }
    $firstBounce = Import-SmtpBounce -LiteralPath $bounceFiles[0] | Select-Object -First 1
    $bounces = @(Import-SmtpBounce -LiteralPath $bounceFiles -SendLog ([pscustomobject]@{ MessageId = $firstBounce.OriginalMessageId; Status = 'Sent' }))

    # Test-SmtpConnection -Dane against the STARTTLS port (the test zones publish TLSA records for each Postfix port).
    $daneProbes = @(Test-SmtpConnection mx1.mail.test, nomatch-ee.dane.test, mx.dane-insecure.test, pkix-only.dane.test, `
        mx.dnssec-badanchor.test -Port (Get-TestSetting SMTPTOOLS_SMTP_SUBMISSION_PORT) -DnsServer $resolver -Dane -TimeoutSec 10)
    $emailDomains = @(Test-EmailDomain grade-good.test, grade-no-dmarc.test, grade-spf-plusall.test, grade-no-dkim.test -Server $dns -BlocklistZone ip.bl.test)
    $emailDomainChanges = @(Compare-EmailDomainReport -ReferenceObject $emailDomains -DifferenceObject (Test-EmailDomain grade-good.test, grade-no-dmarc.test -Server $dns -BlocklistZone ip.bl.test -DkimSelector missing))

    $Samples = @{
        'SmtpTools.MxRecordResult'        = $mxResults
        'SmtpTools.MxHost'                = @($mxResults.Hosts)
        'SmtpTools.MxHostAddress'         = @($mxResults.Hosts.Addresses)
        'SmtpTools.DnssecStatusResult'    = $dnssecResults
        'SmtpTools.DnsBlocklistResult'    = $blocklistResults
        'SmtpTools.DnsBlocklistListing'   = @($blocklistResults.Listings)
        'SmtpTools.DkimKey'               = @($key, $rsaKey)
        'SmtpTools.DkimRecordCheck'       = $dkimChecks
        'SmtpTools.SpfRecord'             = $spfRecords
        'SmtpTools.SpfMechanism'          = @($spfRecords[0].Mechanisms)
        'SmtpTools.SpfModifier'           = @((Get-SpfRecord redirect.spf.test -Server $dns).Modifiers)
        'SmtpTools.SpfCheckResult'        = @(Test-SpfRecord 192.0.2.78 someone@macro.spf.test -Server $dns; Test-SpfRecord 2001:db8::7 a@good.spf.test -Server $dns)
        'SmtpTools.DmarcPolicy'           = $dmarcAudits + $dmarcEvaluation + $messageEvaluation
        'SmtpTools.DmarcReportUri'        = @($dmarcAudits[2].AggregateReportUris)
        'SmtpTools.DmarcDkimSignature'    = @($messageEvaluation.DkimSignatures)
        'SmtpTools.DmarcSpfCheck'         = @($messageEvaluation.Spf)
        'SmtpTools.Finding'               = @($spfRecords.Findings)
        'SmtpTools.SmtpConnectionResult'  = $probes + $daneProbes
        'SmtpTools.DaneResult'            = @($daneProbes.Dane) + @($daneDomains.Results)
        'SmtpTools.DaneDomainResult'      = $daneDomains
        'SmtpTools.DaneMxResult'          = @($daneDomains.MxHosts)
        'SmtpTools.DaneTlsaRecord'        = @($daneProbes.Dane.TlsaRecords)
        'SmtpTools.SmtpCertificateInfo'   = @($probes.Certificate | Where-Object { $_ })
        'SmtpTools.SmtpConnectionTimings' = @($probes.Timings)
        'SmtpTools.SmtpSendResult'        = @($sent, $pickup)
        'SmtpTools.SmtpRejectedRecipient' = @($sent.RejectedRecipients)
        'SmtpTools.MtaStsPolicy'          = $mtaSts + $mtaStsProbed
        'SmtpTools.MtaStsMxHost'          = @($mtaStsProbed.MxHosts) + @($mtaSts[1].MxHosts)
        'SmtpTools.TlsRptRecord'          = @(Test-TlsRptRecord testing.sts.test, no-sts.sts.test, tlsrpt-two.sts.test -Server $dns)
        'SmtpTools.BimiRecord'            = $bimi
        'SmtpTools.BimiMarkCertificate'   = @($bimi.Certificate | Where-Object { $_ })
        'SmtpTools.DmarcReportRow'            = $dmarcRows
        'SmtpTools.DmarcAggregateReport'      = @($dmarcReports | Where-Object { $_ -is [SmtpTools.DmarcAggregateReport] })
        'SmtpTools.DmarcFailureReport'        = @(Import-DmarcReport (Join-Path $reports 'failure'))
        'SmtpTools.DmarcReportDkimAuth'       = @($dmarcRows.DkimAuth)
        'SmtpTools.DmarcReportSpfAuth'        = @($dmarcRows.SpfAuth)
        'SmtpTools.DmarcReportOverrideReason' = @($dmarcRows.OverrideReasons | Where-Object Type)
        'SmtpTools.SmtpTlsPolicyResult'       = $tlsPolicies
        'SmtpTools.SmtpTlsReport'             = @(Import-SmtpTlsReport (Join-Path $reports 'smtp_tls') -AsReport)
        'SmtpTools.SmtpTlsFailureDetail'      = @($tlsPolicies.FailureDetails)
        'SmtpTools.SmtpBounce'                = $bounces
        'SmtpTools.EmailDomainReport'      = $emailDomains
        'SmtpTools.EmailDomainCheckResult' = @($emailDomains.Checks)
        'SmtpTools.EmailDomainFinding'     = @($emailDomains.Findings)
        'SmtpTools.EmailDomainChange'      = $emailDomainChanges
    }
}

AfterAll {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Sample results' {
    It 'cover every output type with live objects of that type' {
        foreach ($type in Get-SmtpToolsOutputType) {
            $Samples.ContainsKey($type.FullName) | Should -BeTrue -Because "$($type.FullName) needs samples in $($MyInvocation.ScriptName)"
            @($Samples[$type.FullName]).Count | Should -BeGreaterThan 0 -Because $type.FullName
            foreach ($sample in $Samples[$type.FullName]) { $sample | Should -BeOfType $type }
        }
    }
}

Describe 'The table view of <TypeName>' -ForEach $viewTypes {
    BeforeAll {
        $view = @(Get-SmtpToolsTableView -TypeName $TypeName)
        $objects = $Samples[$TypeName]
    }

    It 'starts with a sized column, so the view widths hold and a later, longer value is not cut to the first ones' {
        # Without a width on the first column PowerShell sizes every column from the results of the first 300 ms.
        $view[0].Width | Should -BeGreaterThan 0
    }

    It 'makes each sized column at least as wide as its label and as its longest enum value' {
        foreach ($column in $view | Where-Object Width) {
            $column.Width | Should -BeGreaterOrEqual $column.Label.Length -Because "the $($column.Label) header"
            if ($column.Property) {
                $propertyType = $Type.GetProperty($column.Property).PropertyType
                $enum = if ([Nullable]::GetUnderlyingType($propertyType)) { [Nullable]::GetUnderlyingType($propertyType) } else { $propertyType }
                if ($enum.IsEnum) {
                    $longest = ([enum]::GetNames($enum) | Measure-Object -Property Length -Maximum).Maximum
                    $column.Width | Should -BeGreaterOrEqual $longest -Because "$($column.Label) shows $($enum.Name) values"
                }
            }
        }
    }

    It 'shows every sized column whole at 120 columns, long names ending in an ellipsis' {
        $lines = @(($objects | Format-Table -HideTableHeaders | Out-String -Width 120).Split([Environment]::NewLine) | Where-Object { $_.Trim() })
        $lines.Count | Should -Be $objects.Count
        for ($i = 0; $i -lt $objects.Count; $i++) {
            foreach ($column in $view | Where-Object Width) {
                $text = Get-TableCellText -Column $column -InputObject $objects[$i]
                if ($text.Length -le $column.Width) {
                    $lines[$i] | Should -Match ([regex]::Escape($text)) -Because "$($column.Label) of row $i"
                }
                else {
                    $lines[$i] | Should -Match ([regex]::Escape($text.Substring(0, $column.Width - 1) + [char]0x2026)) -Because "$($column.Label) of row $i is capped"
                }
            }
        }
        # The header row holds every sized column's label.
        $header = ($objects | Format-Table | Out-String -Width 120).Split([Environment]::NewLine) | Where-Object { $_.Trim() } | Select-Object -First 1
        foreach ($column in $view | Where-Object Width) { $header | Should -Match "(^| )$([regex]::Escape($column.Label))( |$)" }
    }

    It 'keeps a value that arrives after the first 300 ms whole' {
        # The first object alone, then all of them later: how a bulk audit's results reach the screen.
        $text = & { $objects[0]; Start-Sleep -Milliseconds 400; $objects } | Format-Table | Out-String -Width 120
        foreach ($object in $objects) {
            foreach ($column in $view | Where-Object Width) {
                $value = Get-TableCellText -Column $column -InputObject $object
                if ($value.Length -le $column.Width) { $text | Should -Match ([regex]::Escape($value)) -Because $column.Label }
            }
        }
    }

    It 'renders the same after Export-Clixml and Import-Clixml (Deserialized.<TypeName>)' {
        $file = Join-Path $work "$TypeName.view.clixml"
        $objects | Export-Clixml -LiteralPath $file
        $back = @(Import-Clixml -LiteralPath $file)
        $back[0].PSObject.TypeNames[0] | Should -Be "Deserialized.$TypeName"
        ($back | Format-Table | Out-String -Width 120) | Should -BeExactly ($objects | Format-Table | Out-String -Width 120)
    }
}

Describe 'Export-Csv and Format-List of <TypeName>' -ForEach $outputTypes {
    BeforeAll {
        $objects = $Samples[$TypeName]
        $declared = @($Type.GetProperties() | Sort-Object MetadataToken | ForEach-Object Name)
        $file = Join-Path $work "$TypeName.csv"
        $objects | Export-Csv -LiteralPath $file -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $file)
    }

    It 'has one column per property' {
        $header = (Get-Content -LiteralPath $file -TotalCount 1).Split(',') | ForEach-Object { $_.Trim('"') }
        $header | Sort-Object | Should -Be ($declared | Sort-Object)
        $rows.Count | Should -Be $objects.Count
    }

    It 'keeps the declared property order in Format-List' {
        $lines = ($objects[0] | Format-List | Out-String -Width 200).Split([Environment]::NewLine)
        $names = @($lines | Where-Object { $_ -match '^(\w+)\s*:' } | ForEach-Object { $_.Split(':')[0].Trim() })
        $names | Should -Be $declared
    }

    It 'writes readable cells: a list as its items, never a type name' {
        foreach ($row in $rows) {
            foreach ($cell in $row.PSObject.Properties) {
                $cell.Value | Should -Not -MatchExactly '^(System|SmtpTools)\.[\w.`]+(\[\])?$' -Because "the $($cell.Name) cell"
            }
        }
        # Each array property's cell holds its items.
        for ($i = 0; $i -lt $objects.Count; $i++) {
            foreach ($property in $Type.GetProperties() | Where-Object { $_.PropertyType.IsArray }) {
                foreach ($item in @($objects[$i].($property.Name))) {
                    $rows[$i].($property.Name) | Should -Match ([regex]::Escape("$item")) -Because "$($property.Name) of row $i"
                }
            }
        }
    }

    It 'leaves the objects themselves as they were: typed arrays, nulls, enums' {
        foreach ($object in $objects) {
            foreach ($property in $Type.GetProperties()) {
                $raw = $object.psbase.($property.Name)
                $seen = $object.($property.Name)
                if ($null -eq $raw) { $seen | Should -BeNullOrEmpty; $null -eq $seen | Should -BeTrue; continue }
                if ($property.PropertyType.IsArray) {
                    , $seen | Should -BeOfType $property.PropertyType -Because $property.Name
                    $seen.Count | Should -Be $raw.Count
                }
                else {
                    $seen | Should -BeOfType $raw.GetType() -Because $property.Name
                }
            }
        }
    }
}

Describe 'Serialization of <TypeName>' -ForEach $outputTypes {
    BeforeAll {
        $objects = $Samples[$TypeName]
    }

    It 'survives Export-Clixml and Import-Clixml with its nested objects' {
        $file = Join-Path $work "$TypeName.clixml"
        $objects | Export-Clixml -LiteralPath $file
        $back = @(Import-Clixml -LiteralPath $file)
        $back.Count | Should -Be $objects.Count
        for ($i = 0; $i -lt $objects.Count; $i++) {
            $back[$i].PSObject.TypeNames[0] | Should -Be "Deserialized.$TypeName"
            foreach ($property in $Type.GetProperties()) {
                $original = $objects[$i].($property.Name)
                $copy = $back[$i].($property.Name)
                $element = if ($property.PropertyType.IsArray) { $property.PropertyType.GetElementType() } else { $property.PropertyType }
                if ($null -eq $original) { $copy | Should -BeNullOrEmpty; continue }
                if ($element.IsClass -and $element.Namespace -match '^SmtpTools(\.|$)') {
                    # A nested result arrives as an object with its own properties, not as its ToString().
                    foreach ($item in @($copy)) { $item | Should -Not -BeOfType [string] -Because "$TypeName.$($property.Name)" }
                    @($copy).Count | Should -Be @($original).Count
                }
                elseif ($property.PropertyType.IsArray) {
                    @($copy) | Should -Be @($original) -Because $property.Name
                }
                elseif ($original -is [datetime]) {
                    $copy | Should -Be $original
                }
                else {
                    $copy.ToString() | Should -BeExactly $original.ToString() -Because $property.Name
                }
            }
        }
    }

    It 'converts each result to JSON at -Depth 6 without truncation' {
        # Per result, as `Get-SpfRecord example.com | ConvertTo-Json -Depth 6` does; an SPF record's include tree two
        # levels deep (toomany.spf.test) is the deepest sample. Piping several results adds one level (the array).
        foreach ($object in $objects) {
            $json = ConvertTo-Json -InputObject $object -Depth 6 -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings | Should -BeNullOrEmpty
            $back = $json | ConvertFrom-Json
            foreach ($property in $Type.GetProperties() | Where-Object { $_.PropertyType.IsArray }) {
                if ($null -eq $object.($property.Name)) { continue }
                # A JSON array of the items (strings or objects), not the array's type name.
                , $back.($property.Name) | Should -BeOfType [array] -Because $property.Name
                @($back.($property.Name)).Count | Should -Be @($object.($property.Name)).Count
            }
        }
    }
}

Describe 'Results of a background job' {
    It 'keep their nested objects (the types set a serialization depth)' {
        $job = Start-Job -ArgumentList $ModuleManifest, $dns -ScriptBlock {
            param($manifest, $dns)
            Import-Module $manifest
            Get-SpfRecord good.spf.test -Server $dns
            Test-DmarcPolicy -Record 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com!10m'
        }
        $spf, $dmarc = $job | Receive-Job -Wait -AutoRemoveJob
        $spf.PSObject.TypeNames[0] | Should -Be 'Deserialized.SmtpTools.SpfRecord'
        $spf.Includes[0].Domain | Should -Be '_spf.provider.spf.test'
        $spf.Includes[0].Mechanisms[0].Name | Should -Be 'ip4'
        $dmarc.AggregateReportUris[0].Uri | Should -Be 'mailto:dmarc@example.com'
        $dmarc.AggregateReportUris[0].MaxSize | Should -Be '10m'
        ($dmarc | Format-Table | Out-String -Width 120) | Should -Match 'Valid\s+Reject\s+Reject\s+100'
    }
}
