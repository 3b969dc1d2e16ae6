# Loads the cmdlet assembly built for this edition of PowerShell. The assembly's module initializer
# then sets up dependency isolation (see README, "Design"). [IO.Path] rather than Join-Path so the
# module imports in hosts that only load the core engine cmdlets.
$edition = if ($PSEdition -eq 'Core') { 'core' } else { 'desktop' }
$assembly = [System.IO.Path]::Combine($PSScriptRoot, 'bin', $edition, 'SmtpTools.dll')
$binaryModule = Import-Module -Name $assembly -ErrorAction Stop -PassThru

# Type data for the output objects, derived from the types themselves, so a new output type or property needs nothing
# here (the Pester tests in tests/Pester/OutputTypes.Tests.ps1 check every type):
# - Export-Csv writes each property's .NET ToString(), which for an array is its type name ("System.String[]").
#   Every array property gets a script property of the same name that returns the same array wrapped in a PSObject,
#   whose ToString() joins the elements: the CSV cell reads "PLAIN LOGIN", while $r.Findings[0].Id, `-is [string[]]`
#   and the pipeline see the array as before. Only arrays: a script property costs far more to read than a .NET one,
#   and bulk scripts read Status and friends millions of times.
# - DefaultDisplayPropertySet, every property in declared order: extended properties come before .NET ones, so
#   without it Format-List would start with the lists (an SMTP transcript first). CSV columns start with them.
# - SerializationDepth: jobs and remoting serialize one level deep and Export-Clixml two, which would turn nested
#   results (SpfRecord.Includes[].Mechanisms, DmarcPolicy.AggregateReportUris, SmtpConnectionResult.Certificate)
#   into strings.
# - SerializationMethod String for every SmtpTools enum a property holds (nullable ones too, such as
#   MtaStsPolicy.Mode): otherwise a job or Import-Clixml returns the number (an Int32 that only displays the name),
#   and `$r.Mode -eq 'Enforce'` is false. As a string the name survives, compares and exports.
# Update-TypeData is in Microsoft.PowerShell.Utility, which a bare hosted engine does not load, and Constrained
# Language mode forbids building type data; there the objects keep their plain .NET shape.
if ($ExecutionContext.SessionState.LanguageMode -eq 'FullLanguage' -and (Get-Command -Name Update-TypeData -ErrorAction Ignore)) {
    $isOwnClass = { param([type] $Type) $Type.IsClass -and $Type.Namespace -match '^SmtpTools(\.|$)' }
    $elementOf = { param([type] $Type) if ($Type.IsArray) { $Type.GetElementType() } else { $Type } }

    # The cmdlets' output types and every SmtpTools class reachable through their properties.
    $outputTypes = [System.Collections.Generic.List[type]]::new()
    $pending = [System.Collections.Generic.Queue[type]]::new()
    foreach ($cmdlet in $binaryModule.ExportedCmdlets.Values) {
        foreach ($type in $cmdlet.OutputType.Type) { if ($type -and (& $isOwnClass $type)) { $pending.Enqueue($type) } }
    }
    while ($pending.Count -gt 0) {
        $type = $pending.Dequeue()
        if ($outputTypes.Contains($type)) { continue }
        $outputTypes.Add($type)
        foreach ($property in $type.GetProperties()) {
            $element = & $elementOf $property.PropertyType
            if (& $isOwnClass $element) { $pending.Enqueue($element) }
        }
    }

    $enumTypes = [System.Collections.Generic.HashSet[type]]::new()
    foreach ($type in $outputTypes) {
        foreach ($property in $type.GetProperties()) {
            $element = & $elementOf $property.PropertyType
            $underlying = [Nullable]::GetUnderlyingType($element)
            if ($underlying) { $element = $underlying }
            if ($element.IsEnum -and $element.Namespace -eq 'SmtpTools') { [void] $enumTypes.Add($element) }
        }
    }

    $typeData = @(foreach ($enum in $enumTypes) {
        $data = [System.Management.Automation.Runspaces.TypeData]::new($enum.FullName)
        $data.SerializationMethod = 'String'
        $data
    })
    $typeData += foreach ($type in $outputTypes) {
        # MetadataToken order is declaration order.
        $properties = @($type.GetProperties() | Sort-Object -Property MetadataToken)
        $lastArray = -1
        $hasNested = $false
        for ($i = 0; $i -lt $properties.Count; $i++) {
            if ($properties[$i].PropertyType.IsArray) { $lastArray = $i }
            if (& $isOwnClass (& $elementOf $properties[$i].PropertyType)) { $hasNested = $true }
        }
        if ($lastArray -lt 0 -and -not $hasNested) { continue }

        $data = [System.Management.Automation.Runspaces.TypeData]::new($type.FullName)
        # Recursive types (SpfRecord.Includes) get this depth at every level.
        if ($hasNested) { $data.SerializationDepth = 2 }
        if ($lastArray -ge 0) {
            foreach ($property in $properties | Where-Object { $_.PropertyType.IsArray }) {
                # The comma keeps the array whole; a null array stays null. The getter calls the .NET accessor, not
                # $this.psbase.<Name>: psbase builds a member set of every property on each object's first read
                # (about 0.2 ms), which made Export-Csv of a million report rows take minutes.
                $getter = [scriptblock]::Create("`$value = `$this.get_$($property.Name)(); if (`$null -eq `$value) { return `$null }; , `$value")
                $data.Members[$property.Name] = [System.Management.Automation.Runspaces.ScriptPropertyData]::new($property.Name, $getter)
            }
            $data.DefaultDisplayPropertySet = [System.Management.Automation.Runspaces.PropertySetData]::new([string[]] $properties.Name)
        }
        $data
    }
    Update-TypeData -TypeData $typeData -Force
}
