# Loads the cmdlet assembly built for this edition of PowerShell. The assembly's module initializer
# then sets up dependency isolation (see README, "Design"). [IO.Path] rather than Join-Path so the
# module imports in hosts that only load the core engine cmdlets.
$edition = if ($PSEdition -eq 'Core') { 'core' } else { 'desktop' }
$assembly = [System.IO.Path]::Combine($PSScriptRoot, 'bin', $edition, 'SmtpTools.dll')
Import-Module -Name $assembly -ErrorAction Stop
