#!/usr/bin/env bash
# Makes screenshots/argo-rollout.png: an Argo Rollout in the rollout pane, on
# the real control plane with Argo Rollouts' own controller, started as the
# upstream-argo-console test starts them (tests/integration/upstream/
# argo_lib.sh): a canary Rollout paused at its pause step, its stable and
# canary ReplicaSets with their pods, and a background AnalysisRun measuring
# the canary's success rate in Debian's Prometheus (the simulated traffic).
#
#   screenshots/argo.sh [KEYS]      (KEYS as make.sh's; default "4 Enter":
#                                    the rollout pane, zoomed)
#
# Needs what make.sh needs, a build in build/ (or BUILD=DIR) and the upstream
# binaries (upstream/build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD:-$root/build}
keys=${1:-4 Enter}
"$root/upstream/build" --check >/dev/null 2>&1 \
	|| { echo "screenshots/argo.sh: the upstream binaries are not built (upstream/build)" >&2; exit 2; }
export SHIPDECK=$build/shipdeck SANDBOX=$build/shipdeck-upstream
export SHIPDECK_SANDBOX=$SANDBOX SHIPDECK_CLUSTER=upstream SHIPDECK_TRAFFIC=$build/shipdeck-sandbox
export SHIPDECK_UPSTREAM_BIN=$("$root/upstream/build" --bin-dir) UPSTREAM_BUILD=$root/upstream/build
export FIXTURES=$root/tests/fixtures/kube ARGO_NEEDS=rollouts-controller:argo-rollouts
command -v go >/dev/null && export GOMODCACHE=${GOMODCACHE:-$(go env GOMODCACHE)}
. "$root/tests/integration/upstream/argo_lib.sh"

start_sandbox argo
export KUBECONFIG=$KC
start_argo
# the new version serves 2 % errors: the analysis measures ~0.98 and passes
# (its first measurement once the canary has served 15 s)
cat >"$WORK/faults.yaml" <<'YAML'
- image: "*:2.0"
  error-rate: "0.02"
YAML
start_traffic_prometheus "$WORK/faults.yaml"
argo_success_rate web 15s 5s 2
rollout() {
	argo_rollout web 4 "example/web:$1" 8080 <<'YAML'
      analysis:
        templates: [{templateName: success-rate}]
        args: [{name: hash, valueFrom: {podTemplateHashValue: Latest}}]
      steps:
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {duration: 1h}
YAML
}
phase() { kc get rollout web -o jsonpath='{.status.phase}'; }
rollout 1.0 | kc apply -f - >/dev/null
wait_secs 120 sh -c '[ "$(kubectl get rollout web -o jsonpath="{.status.phase}")" = Healthy ]' \
	|| fail "rollout web never became Healthy ($(phase))"
rollout 2.0 | kc apply -f - >/dev/null
wait_secs 120 sh -c '[ "$(kubectl get rollout web -o jsonpath="{.status.phase}")" = Paused ]' \
	|| fail "rollout web did not pause at its first pause ($(phase))"
# a few measurements in the run, so the pane has values to show
measured() {
	[ "$(kc get analysisrun -o jsonpath='{.items[0].status.metricResults[0].count}')" -ge 4 ] 2>/dev/null
}
wait_secs 120 measured || fail "the analysis has no measurements: $(kc get analysisrun -o yaml | tail -20)"
# from an empty folder: no repository, so the pipeline pane names none of ours
mkdir -p "$WORK/empty"
cd "$WORK/empty"
"$here/make.sh" argo-rollout 200x50 "$keys" -- --kubeconfig "$KC"
