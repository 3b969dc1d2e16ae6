#!/usr/bin/env bash
# The Pester part of the test suite, in real PowerShell: installs PowerShell 7.6.10 (a .NET tool) and Pester 5.7.1
# (from NuGet) into .tools/ (git-ignored; later runs reuse them), exports the loopback test servers' settings
# (tests/Integration/run/servers.env) and SSL_CERT_FILE, and runs tests/Pester/*.Tests.ps1 against the built module in
# out/SmtpTools. Writes TestResults/Pester.xml (NUnit XML); tests/run-tests.sh counts it in its final line.
# Needs the module built and the servers running; tests/run-tests.sh does both and then calls this script. Alone:
#   sudo KEEP_SERVERS=1 bash tests/run-tests.sh     # once: servers, build, everything
#   sudo bash tests/run-pester.sh                   # then again and again
#   sudo bash tests/run-pester.sh tests/Pester/OutputTypes.Tests.ps1   # only some files
# Exit status 0 only when Pester ran and nothing failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PWSH_VERSION=7.6.10   # without --version, dotnet tool install resolves 7.7.0, which does not run here
PESTER_VERSION=5.7.1
TOOLS="$ROOT/.tools"
PWSH="$TOOLS/pwsh/pwsh"
PESTER="$TOOLS/nuget/pester/$PESTER_VERSION/tools/Pester.psd1"
RESULTS="$ROOT/TestResults"
SERVERS_ENV="$ROOT/tests/Integration/run/servers.env"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 POWERSHELL_TELEMETRY_OPTOUT=1
export POWERSHELL_UPDATECHECK=Off

log() { printf '[run-pester] %s\n' "$*"; }

if [ ! -x "$PWSH" ] || [ "$("$PWSH" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null)" != "$PWSH_VERSION" ]; then
  log "installing PowerShell $PWSH_VERSION into .tools/pwsh"
  rm -rf "$TOOLS/pwsh"
  dotnet tool install --tool-path "$TOOLS/pwsh" PowerShell --version "$PWSH_VERSION" >/dev/null \
    || { log "PowerShell $PWSH_VERSION could not be installed"; exit 1; }
fi
if [ ! -f "$PESTER" ]; then
  log "installing Pester $PESTER_VERSION into .tools/nuget"
  # A throw-away project whose only job is to download the package; the module is under tools/ in it.
  mkdir -p "$TOOLS/pester"
  cat > "$TOOLS/pester/Pester.proj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
EOF
  dotnet restore "$TOOLS/pester/Pester.proj" --packages "$TOOLS/nuget" -nologo -v:q >/dev/null && [ -f "$PESTER" ] \
    || { log "Pester $PESTER_VERSION could not be restored"; exit 1; }
fi

[ -f "$ROOT/out/SmtpTools/SmtpTools.psd1" ] \
  || { log "the module is not built: dotnet build src/SmtpTools/SmtpTools.csproj -c Release"; exit 1; }
[ -f "$SERVERS_ENV" ] \
  || { log "the test servers are not running: sudo SMTPTOOLS_PORT_OFFSET=<n> bash tests/Integration/start-servers.sh"; exit 1; }
set -a
# shellcheck disable=SC1090
. "$SERVERS_ENV"
set +a
export SSL_CERT_FILE="$SMTPTOOLS_CA_BUNDLE"

paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("$ROOT/tests/Pester")
mkdir -p "$RESULTS"
rm -f "$RESULTS/Pester.xml"
log "PowerShell $PWSH_VERSION, Pester $PESTER_VERSION: ${paths[*]}"
"$PWSH" -NoProfile -NonInteractive -File "$ROOT/tests/Pester/Invoke-PesterSuite.ps1" \
  -PesterModule "$PESTER" -ResultPath "$RESULTS/Pester.xml" "${paths[@]}" </dev/null
[ -f "$RESULTS/Pester.xml" ] || { log "Pester wrote no results"; exit 1; }
python3 - "$RESULTS/Pester.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = list(ET.parse(sys.argv[1]).getroot().iter("test-case"))
failed = sum(c.get("result") in ("Failure", "Error") for c in cases)
print(f"[run-pester] {len(cases)} tests: {sum(c.get('result') == 'Success' for c in cases)} passed, {failed} failed, "
      f"{len(cases) - failed - sum(c.get('result') == 'Success' for c in cases)} not run")
sys.exit(1 if failed or not cases else 0)
PY
