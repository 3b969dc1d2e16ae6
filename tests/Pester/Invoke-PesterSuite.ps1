<#
.SYNOPSIS
    Runs the Pester files against the built module and writes NUnit XML results; called by tests/run-pester.sh.
.DESCRIPTION
    A file that fails before any of its tests run (a parse error, a throw during discovery) is missing from Pester's
    NUnit report; it is added as a failed test case named after the file, so the report's counts are the whole truth.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ResultPath,
    # The files or folders to run.
    [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Path
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterModule -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultPath
$result = Invoke-Pester -Configuration $configuration

$unreported = @($result.Containers | Where-Object { $_.Result -eq 'Failed' -and $_.TotalCount -eq 0 })
if ($unreported.Count -gt 0) {
    [xml] $report = [IO.File]::ReadAllText($ResultPath)
    $root = $report.DocumentElement
    $suite = $report.SelectSingleNode('/test-results/test-suite/results')
    if (-not $suite) {
        # Nothing ran at all: give the report a top-level suite to hold the failures.
        $top = $root.AppendChild($report.CreateElement('test-suite'))
        foreach ($pair in @{ type = 'TestFixture'; name = 'Pester'; executed = 'True'; result = 'Failure'; success = 'False' }.GetEnumerator()) {
            $top.SetAttribute($pair.Key, $pair.Value)
        }
        $suite = $top.AppendChild($report.CreateElement('results'))
    }
    foreach ($container in $unreported) {
        $case = $suite.AppendChild($report.CreateElement('test-case'))
        $case.SetAttribute('name', "$($container.Item) (could not be loaded)")
        $case.SetAttribute('executed', 'True')
        $case.SetAttribute('result', 'Failure')
        $case.SetAttribute('success', 'False')
        $failure = $case.AppendChild($report.CreateElement('failure'))
        $message = $failure.AppendChild($report.CreateElement('message'))
        $message.InnerText = ($container.ErrorRecord | ForEach-Object { $_.ToString() }) -join [Environment]::NewLine
        Write-Host "[-] $($container.Item) could not be loaded: $($message.InnerText)"
    }
    $root.SetAttribute('total', [string] ([int] $root.GetAttribute('total') + $unreported.Count))
    $root.SetAttribute('failures', [string] ([int] $root.GetAttribute('failures') + $unreported.Count))
    $report.Save($ResultPath)
}
