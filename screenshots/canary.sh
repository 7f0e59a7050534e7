#!/usr/bin/env bash
# The canary pane's screenshot for the README, from a real run: the canary
# tests' world (the sandbox with apps shop and pay, Debian's Prometheus
# scraping it every second), a canary of shop:bad-errors at 25%, the pane
# zoomed after its first analysis, automatic mode switched on.
#
#   screenshots/canary.sh        → screenshots/canary.png
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SHIPDECK=${SHIPDECK:-$here/../build/shipdeck}
export SANDBOX=${SANDBOX:-$here/../build/shipdeck-sandbox}
. "$here/../tests/integration/canary/lib.sh"
set +e
start_world
start_prometheus
make_repo "$PROM" 5s 3
sdc canary start shop bad-errors >/dev/null || fail "start"
SHOT_SETTLE=9 "$here/make.sh" canary 200x50 "5 Enter A y" -- --kubeconfig "$KC" --repo "$REPO"
