#Requires -Modules Pester
# Pester 5, real PowerShell (tests/run-pester.sh). Tab completion of every parameter with a closed set of values (an
# enum, a [ValidateSet]) of every cmdlet, through TabExpansion2 as the console's Tab key calls it.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $parameters = foreach ($command in Get-Command -Module SmtpTools -CommandType Cmdlet) {
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -NotIn $common) {
            $type = $parameter.ParameterType
            if ($type.IsArray) { $type = $type.GetElementType() }
            if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
            $set = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
            $values = if ($set) { @($set.ValidValues) } elseif ($type.IsEnum) { @([enum]::GetNames($type)) } else { continue }
            @{ Command = $command.Name; Parameter = $parameter.Name; Values = $values }
        }
    }
    $found = @{ Names = @($parameters | ForEach-Object { "$($_.Command) -$($_.Parameter)" }) }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    Import-Module $ModuleManifest -Force

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }
}

Describe 'Tab completion' -ForEach $found {
    It 'finds the closed-set parameters to test' {
        # Guards the discovery above: these are known to exist.
        $Names | Should -Contain 'Test-SmtpConnection -Security'
        $Names | Should -Contain 'Test-DmarcPolicy -Specification'
        $Names | Should -Contain 'New-DkimKey -KeyAlgorithm'
    }
}

Describe '<Command> -<Parameter>' -ForEach $parameters {
    It 'completes every value' {
        Get-Completion "$Command -$Parameter " | Sort-Object | Should -Be ($Values | ForEach-Object { "$_" } | Sort-Object)
    }

    It 'narrows the values to a typed prefix' {
        $value = "$(@($Values)[-1])"
        $prefix = $value.Substring(0, [Math]::Min(2, $value.Length))
        $completions = Get-Completion "$Command -$Parameter $prefix"
        $completions | Should -Contain $value
        $completions | ForEach-Object { $_ | Should -BeLike "$prefix*" }
    }
}
