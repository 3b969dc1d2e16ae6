# Dot-sourced by the Pester files (in BeforeDiscovery and BeforeAll): where the built module is, the test servers'
# settings, and what "every output type" and "its table view" mean, read from the module itself.

$RepoRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
$ModuleManifest = [System.IO.Path]::Combine($RepoRoot, 'out', 'SmtpTools', 'SmtpTools.psd1')

function Get-TestSetting {
    # A setting of the loopback test servers (tests/Integration/run/servers.env), which tests/run-pester.sh exports.
    # Missing is a failure with a hint, never a skip: a test that quietly does not run proves nothing.
    param([Parameter(Mandatory)] [string] $Name)
    $value = [Environment]::GetEnvironmentVariable($Name)
    if ([string]::IsNullOrEmpty($value)) {
        throw "$Name is not set: start the test servers (tests/Integration/start-servers.sh) and run the Pester tests with tests/run-pester.sh, which exports tests/Integration/run/servers.env."
    }
    $value
}

function Get-SmtpToolsOutputType {
    # The cmdlets' declared output types and every SmtpTools class reachable through their properties (nested results
    # such as SpfMechanism, Finding, SmtpCertificateInfo).
    $found = [System.Collections.Generic.List[type]]::new()
    $pending = [System.Collections.Generic.Queue[type]]::new()
    foreach ($type in (Get-Command -Module SmtpTools -CommandType Cmdlet).OutputType.Type) {
        if ($type -and $type.IsClass -and $type.Namespace -match '^SmtpTools(\.|$)') { $pending.Enqueue($type) }
    }
    while ($pending.Count -gt 0) {
        $type = $pending.Dequeue()
        if ($found.Contains($type)) { continue }
        $found.Add($type)
        foreach ($property in $type.GetProperties()) {
            $element = if ($property.PropertyType.IsArray) { $property.PropertyType.GetElementType() } else { $property.PropertyType }
            if ($element.IsClass -and $element.Namespace -match '^SmtpTools(\.|$)') { $pending.Enqueue($element) }
        }
    }
    $found
}

function Get-SmtpToolsTableView {
    # The module's table view for a type name, as column descriptions (Label, Width, Property or Script), or $null.
    param([Parameter(Mandatory)] [string] $TypeName)
    foreach ($file in (Get-Module SmtpTools).ExportedFormatFiles) {
        [xml] $xml = Get-Content -Raw -LiteralPath $file
        foreach ($view in $xml.Configuration.ViewDefinitions.View) {
            if ($view.ViewSelectedBy.TypeName -ne $TypeName -or -not $view.TableControl) { continue }
            $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
            $items = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
            for ($i = 0; $i -lt $headers.Count; $i++) {
                [pscustomobject]@{
                    Label    = $headers[$i].Label
                    Width    = if ($headers[$i].Width) { [int] $headers[$i].Width } else { 0 }
                    Property = $items[$i].PropertyName
                    Script   = if ($items[$i].ScriptBlock) { [scriptblock]::Create($items[$i].ScriptBlock) } else { $null }
                }
            }
            return
        }
    }
}

function Get-TableCellText {
    # What a view column shows for one object, computed the way the formatter does ($_ is the object).
    param([Parameter(Mandatory)] $Column, [Parameter(Mandatory)] $InputObject)
    $value = if ($Column.Script) { @($InputObject | ForEach-Object $Column.Script) } else { , $InputObject.($Column.Property) }
    if ($null -eq $value -or @($value).Count -eq 0) { return '' }
    if (@($value).Count -eq 1) { "$(@($value)[0])" } else { "$value" }
}
