#!/bin/bash
# Acceptance 7: with --faults naming example/web:bad* never-ready, `kubectl
# set image` to example/web:bad1 stalls the rollout exactly as the
# annotation does. Also: crash-loop and error rate by image. On upstream the
# faults are kwok stages (src/upstream/stages.c) and the crash's previous
# log shipdeck-upstream's (podlogs.c); the error rate shows in the simulated
# traffic, which only the sandbox runs inside (upstream-sandbox-traffic_only
# checks --traffic-only's metrics by image there).
. "$(dirname "$0")/lib.sh" "$@"

cat >"$T/faults.yaml" <<'YAML'
- image: "example/web:bad*"
  never-ready: "true"
- image: "example/web:crash*"
  crash-loop: "true"
- image: "example/web:*-slow"
  latency-ms: "300"
  error-rate: "0.5"
YAML
sandbox_start --time-scale 20 --faults "$T/faults.yaml"
web_manifest >"$T/web.yaml"
k apply -f "$T/web.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "first rollout"
# 60 s is 3 at the sandbox's time scale; the real controller counts real ones
deadline=60
cluster_is_upstream && deadline=8
k patch deploy web -p '{"spec":{"progressDeadlineSeconds":'$deadline'}}' >/dev/null || fail "deadline"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after deadline patch"

k set image deploy/web web=example/web:bad1 >/dev/null || fail "set image"
out=$(k rollout status deploy/web --timeout=1s 2>&1) && fail "rollout status succeeded: $out"
echo "$out" | grep -q '1 out of 3 new replicas have been updated' || fail "stalled: $out"
out=$(k rollout status deploy/web 2>&1) && fail "rollout status succeeded: $out"
echo "$out" | tail -1 | grep -q '^error: deployment "web" exceeded its progress deadline$' \
	|| fail "rollout status said: $out"
expect_eq "$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}')" \
	ProgressDeadlineExceeded "stalled by the image's fault"
k get pods -l app=web --no-headers | grep -Eq ' 0/1 +Running ' || fail "bad pod 0/1 Running"
note "ok: the faults file stalls a rollout like the annotation"

# A crash-looping image: restarts, CrashLoopBackOff, a previous log that ends
# with the crash.
k rollout undo deploy/web >/dev/null || fail "undo"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after undo"
k apply -f - >/dev/null <<'YAML' || fail "crasher"
apiVersion: apps/v1
kind: Deployment
metadata: {name: crasher}
spec:
  replicas: 1
  selector: {matchLabels: {app: crasher}}
  template:
    metadata: {labels: {app: crasher}}
    spec:
      containers: [{name: app, image: "example/web:crash2"}]
YAML
restarted() { k get pods -l app=crasher --no-headers | grep -Eq ' (CrashLoopBackOff|Running|Error) +[1-9]'; }
wait_for 60 restarted
pod=$(k get pods -l app=crasher -o jsonpath='{.items[0].metadata.name}')
wait_for 30 sh -c "kubectl get pod $pod --no-headers | grep -q CrashLoopBackOff"
k logs "$pod" --previous >"$T/prev.log" || fail "logs --previous"
grep -q '^panic: runtime error' "$T/prev.log" || fail "previous log has the panic"
tail -1 "$T/prev.log" | grep -q 'main.go' || fail "previous log ends with the crash: $(tail -3 "$T/prev.log")"
expect_eq "$(k get pod "$pod" -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}')" \
	2 "last state terminated with exit code 2"
# (a kubelet names the container and pod after this; kwok's stage message
# is fixed text)
wait_for 30 sh -c "kubectl get events --field-selector involvedObject.name=$pod,reason=BackOff | grep -q 'Back-off restarting failed container'"
note "ok: crash loop by image"

# Error rate and latency by image show in the pod's log and in /metrics.
cluster_is_upstream && { note "the error rate: the sandbox's traffic only"; sandbox_stop; exit 0; }
k set image deploy/web web=example/web:2-slow >/dev/null || fail "set image slow"
k rollout status deploy/web --timeout=60s >/dev/null || fail "slow rollout"
slow=$(k get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
wait_for 20 sh -c "kubectl logs $slow | grep -q '\" 500 '"
wait_for 20 sh -c "curl -sS '$SANDBOX_URL/metrics' -k | grep -q 'sandbox_http_requests_total{namespace=\"default\",service=\"web\",deployment=\"web\",pod=\"$slow\",code=\"500\"} [1-9]'"
note "ok: error rate by image"
sandbox_stop
