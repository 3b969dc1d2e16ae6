#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs and starts the loopback test servers, builds the module and every
# project, runs every tests/*/*.Tests.csproj, then the Pester files in real PowerShell (tests/run-pester.sh installs
# PowerShell and Pester into .tools/), and ends with one line "N passed, M failed" summed from the TRX results and
# TestResults/Pester.xml. Exit status 0 only when everything ran and nothing failed. Needs root (or sudo) for apt and
# the servers. Under CI=true a Pester test that did not run (skipped) counts as failed.
#   KEEP_SERVERS=1  leave the servers running afterwards (handy while developing)
#   REUSE_SERVERS=1 use servers a previous KEEP_SERVERS=1 run left running (no restart, no stop)
#   CONFIGURATION   Release (default) or Debug
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "run-tests.sh needs root (apt, postfix, dovecot, knot)" >&2; exit 1; }
  exec sudo -E bash "$0" "$@"
fi
CONFIGURATION="${CONFIGURATION:-Release}"
RESULTS="$ROOT/TestResults"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "${REUSE_SERVERS:-}" = 1 ] && [ -f tests/Integration/run/servers.env ]; then
  KEEP_SERVERS=1
else
  bash tests/Integration/start-servers.sh || { echo "the test servers did not start"; echo "0 passed, 1 failed"; exit 1; }
fi
cleanup() { [ "${KEEP_SERVERS:-}" = 1 ] || bash tests/Integration/stop-servers.sh >/dev/null 2>&1; }
trap cleanup EXIT
# .NET on Linux trusts the throw-away test CA through SSL_CERT_FILE (system CAs + test CA).
SSL_CERT_FILE="$(grep '^SMTPTOOLS_CA_BUNDLE=' tests/Integration/run/servers.env | cut -d= -f2-)"
export SSL_CERT_FILE

rm -rf "$RESULTS"
echo "[run-tests] building the module and all projects ($CONFIGURATION)"
if ! dotnet build src/SmtpTools/SmtpTools.csproj -c "$CONFIGURATION" -nologo -v:q || ! dotnet build SmtpTools.sln -c "$CONFIGURATION" -nologo -v:q; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

missing=0
for project in tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "[run-tests] $name"
  dotnet test "$project" -c "$CONFIGURATION" --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" -- RunConfiguration.TreatNoTestsAsError=true
  [ -f "$RESULTS/$name.trx" ] || { echo "[run-tests] $name produced no results"; missing=$((missing + 1)); }
done

echo "[run-tests] Pester (tests/run-pester.sh)"
bash tests/run-pester.sh
[ -f "$RESULTS/Pester.xml" ] || { echo "[run-tests] Pester produced no results"; missing=$((missing + 1)); }

python3 - "$RESULTS" "$missing" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    c = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", ns)
    p = int(c.get("passed", 0)); f = int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    print(f"[run-tests] {trx.rsplit('/', 1)[-1]}: {p} passed, {f} failed")
    # name every failed test with the first lines of its message, so the tail of a CI log says what broke
    for r in ET.parse(trx).getroot().iter("{%s}UnitTestResult" % ns["t"]):
        if r.get("outcome") not in ("Passed", "NotExecuted"):
            msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            text = " ".join((msg.text or "").split())[:400] if msg is not None else ""
            print(f"[run-tests]   FAILED {r.get('testName')} ({r.get('duration')}): {text}")
    passed += p; failed += f
pester = sys.argv[1] + "/Pester.xml"
if os.path.exists(pester):
    cases = list(ET.parse(pester).getroot().iter("test-case"))
    p = sum(c.get("result") == "Success" for c in cases)
    f = sum(c.get("result") in ("Failure", "Error") for c in cases)
    skipped = len(cases) - p - f
    if not cases:
        f += 1  # a Pester run that found no test proves nothing
    if os.environ.get("CI") == "true":
        f += skipped  # under CI nothing may quietly not run
    print(f"[run-tests] Pester.xml: {p} passed, {f} failed" + (f" ({skipped} not run)" if skipped else ""))
    for c in cases:
        if c.get("result") not in ("Success",):
            msg = c.find("failure/message")
            text = " ".join((msg.text or "").split())[:400] if msg is not None else ""
            print(f"[run-tests]   {c.get('result', '').upper()} {c.get('name')}: {text}")
    passed += p; failed += f
failed += int(sys.argv[2])
open(sys.argv[1] + "/summary.txt", "w").write(f"{passed} passed, {failed} failed\n")
PY
summary="$(cat "$RESULTS/summary.txt")"
cleanup; trap - EXIT
echo "$summary"
case "$summary" in *" 0 failed") exit 0 ;; *) exit 1 ;; esac
