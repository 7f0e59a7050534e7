#!/bin/bash
# Argo Rollouts and Flagger — their own controllers, built from their modules
# by upstream/build — on the real control plane (issue 16, the test world).
#
# Argo: the CRDs from the argo-rollouts module in the Go module cache, the
# rollouts-controller started by pid, a canary Rollout (setWeight 25, pause,
# setWeight 50, pause) updated to a new image: `kubectl argo rollouts` (the
# built plugin) sees it paused at step 1/4, promote moves it to 3/4 at 50 %,
# abort leaves it Degraded with the canary scaled down; a new image and
# promote --full take it to Healthy. Flagger (-mesh-provider=kubernetes):
# a blue/green Canary reconciled to Initialized (primary created, the target
# scaled to zero). Each controller is stopped by its pid, and must stop.
. "$(dirname "$0")/argo_lib.sh"

start_sandbox argo
export KUBECONFIG=$KC
note "control plane on port $PORT"

# ---- Argo Rollouts -----------------------------------------------------------
crds=$("$UPSTREAM_BUILD" --crds argo) || fail "the Argo Rollouts CRDs: $crds"
for f in $crds; do
	kc apply --server-side -f "$f" >/dev/null || fail "kubectl apply -f $f"
done
wait_until 30 kc get rollouts.argoproj.io || fail "the Rollout CRD is not served"
kc api-resources --api-group=argoproj.io -o name | sort >"$WORK/argo.resources"
for r in analysisruns analysistemplates clusteranalysistemplates experiments rollouts; do
	grep -qx "$r.argoproj.io" "$WORK/argo.resources" || { cat "$WORK/argo.resources"; fail "$r not served"; }
done

"$BIN/rollouts-controller" --version | grep -q "$(sed -n 's/^argo-rollouts=//p' "$(dirname "$UPSTREAM_BUILD")/versions")" \
	|| fail "rollouts-controller --version: $("$BIN/rollouts-controller" --version 2>&1 | head -1)"
kubectl argo rollouts version | grep -q "^kubectl-argo-rollouts: v" \
	|| fail "kubectl argo rollouts version: $(kubectl argo rollouts version 2>&1 | head -2)"

metrics=$(free_port) healthz=$(free_port)
start_controller rollouts-controller "$WORK/rollouts-controller.log" "http://127.0.0.1:$healthz/healthz" \
	env POD_NAMESPACE=default "$BIN/rollouts-controller" --kubeconfig "$KC" --leader-elect=false \
	--metricsPort "$metrics" --healthzPort "$healthz" --rollout-resync 30
ARGO_PID=$CTL_PID
note "rollouts-controller pid $ARGO_PID (metrics $metrics, healthz $healthz)"

rollout() {
	argo_rollout web 4 "$1" <<'YAML'
      steps:
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {}
YAML
}

get() { kubectl argo rollouts get rollout web --no-color >"$WORK/get.txt" 2>&1; }
# get_has LINE-REGEX...: the plugin's view has every line
get_has() {
	get || return 1
	local re
	for re; do grep -qE "$re" "$WORK/get.txt" || return 1; done
}
expect() {
	local what=$1
	shift
	wait_until 60 get_has "$@" || { cat "$WORK/get.txt"; tail -20 "$WORK/rollouts-controller.log"; fail "$what"; }
}
field() { kc get rollout web -o jsonpath="$1"; }
# rs_replicas IMAGE: spec.replicas of the ReplicaSet running IMAGE
rs_replicas() {
	kc get rs -l app=web -o jsonpath="{range .items[?(@.spec.template.spec.containers[0].image==\"$1\")]}{.spec.replicas}{end}"
}

# the first revision goes straight to all replicas (no steps on the first)
rollout example/web:1.0 | kc apply -f - >/dev/null
expect "revision 1 never became Healthy" '^Status: +. Healthy' '^  Step: +4/4' '^  Available: +4$'

# a new image: the canary pauses at step 1 of 4 with 25 %
rollout example/web:2.0 | kc apply -f - >/dev/null
expect "revision 2 did not pause at step 1/4" '^Status: +. Paused' '^Message: +CanaryPauseStep' \
	'^  Step: +1/4' '^  SetWeight: +25' '^  ActualWeight: +25'
[ "$(rs_replicas example/web:2.0)" = 1 ] || fail "canary ReplicaSet at 25 % of 4: $(rs_replicas example/web:2.0) replicas"
[ "$(field '{.status.pauseConditions[0].reason}')" = CanaryPauseStep ] \
	|| fail "pauseConditions: $(field '{.status.pauseConditions}')"

# promote: one step on, to the second pause at 50 %
kubectl argo rollouts promote web >"$WORK/promote.out" 2>&1 || { cat "$WORK/promote.out"; fail "promote"; }
grep -q "rollout 'web' promoted" "$WORK/promote.out" || { cat "$WORK/promote.out"; fail "promote said"; }
expect "promote did not move on to step 3/4" '^Status: +. Paused' '^  Step: +3/4' '^  SetWeight: +50' \
	'^  ActualWeight: +50'
[ "$(rs_replicas example/web:2.0)" = 2 ] || fail "canary ReplicaSet at 50 % of 4: $(rs_replicas example/web:2.0) replicas"

# abort: the controller scales the canary down and marks the rollout degraded
kubectl argo rollouts abort web >"$WORK/abort.out" 2>&1 || { cat "$WORK/abort.out"; fail "abort"; }
grep -q "rollout 'web' aborted" "$WORK/abort.out" || { cat "$WORK/abort.out"; fail "abort said"; }
expect "abort did not leave the rollout Degraded" '^Status: +. Degraded' '^Message: +RolloutAborted: '
[ "$(field '{.status.abort}')" = true ] || fail "status.abort: $(field '{.status.abort}')"
wait_until 30 sh -c "[ \"\$(kubectl get rs -l app=web -o jsonpath='{range .items[?(@.spec.template.spec.containers[0].image==\"example/web:2.0\")]}{.spec.replicas}{end}')\" = 0 ]" \
	|| fail "the aborted canary was not scaled down: $(rs_replicas example/web:2.0) replicas"
[ "$(rs_replicas example/web:1.0)" = 4 ] || fail "stable ReplicaSet after abort: $(rs_replicas example/web:1.0) replicas"

# a third image, promoted in full: Healthy on revision 3
rollout example/web:3.0 | kc apply -f - >/dev/null
expect "revision 3 did not pause at step 1/4" '^Status: +. Paused' '^  Step: +1/4'
kubectl argo rollouts promote web --full >"$WORK/full.out" 2>&1 || { cat "$WORK/full.out"; fail "promote --full"; }
expect "promote --full did not finish" '^Status: +. Healthy' '^  Step: +4/4' '^  Available: +4$' 'example/web:3.0 \(stable\)'

stop_controller rollouts-controller "$ARGO_PID"

# ---- Flagger -----------------------------------------------------------------
crd=$("$UPSTREAM_BUILD" --crds flagger) || fail "the Flagger CRDs: $crd"
kc apply --server-side -f "$crd" >/dev/null || fail "kubectl apply -f $crd"
wait_until 30 kc get canaries.flagger.app || fail "the Canary CRD is not served"
"$BIN/flagger" -version | grep -q "$(sed -n 's/^flagger=v//p' "$(dirname "$UPSTREAM_BUILD")/versions")" \
	|| fail "flagger -version: $("$BIN/flagger" -version 2>&1 | head -1)"

fport=$(free_port) nothing=$(free_port)
# Prometheus: none yet (ours comes with the canary pane); Flagger says it is
# unreachable and goes on, which this test checks too
start_controller flagger "$WORK/flagger.log" "http://127.0.0.1:$fport/healthz" \
	"$BIN/flagger" -kubeconfig "$KC" -mesh-provider=kubernetes -port "$fport" \
	-metrics-server "http://127.0.0.1:$nothing" -control-loop-interval 2s -log-level info
FLAGGER_PID=$CTL_PID
note "flagger pid $FLAGGER_PID (port $fport)"
grep -q "Metrics server http://127.0.0.1:$nothing unreachable" "$WORK/flagger.log" \
	|| { cat "$WORK/flagger.log"; fail "flagger did not report the missing metrics server"; }

flagger_shop 5s
phase() { kc get canary shop -o jsonpath='{.status.phase}'; }
wait_until 120 sh -c "[ \"\$(kubectl get canary shop -o jsonpath='{.status.phase}')\" = Initialized ]" \
	|| { tail -20 "$WORK/flagger.log"; fail "the Canary never became Initialized (phase '$(phase)')"; }
# blue/green on the kubernetes provider: a primary Deployment, the target at zero,
# the primary and canary Services
[ "$(kc get deploy shop-primary -o jsonpath='{.spec.replicas}')" = 2 ] || fail "shop-primary: $(kc get deploy shop-primary 2>&1)"
[ "$(kc get deploy shop -o jsonpath='{.spec.replicas}')" = 0 ] || fail "the target was not scaled to zero"
kc get svc shop shop-primary shop-canary >/dev/null || fail "Flagger's Services: $(kc get svc 2>&1)"

stop_controller flagger "$FLAGGER_PID"
echo "PASS"
