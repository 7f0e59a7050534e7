#!/bin/bash
# Pod logs (follow, previous, container) and Events as a cluster records
# them: the deployment controller's, the ReplicaSet controller's, the
# scheduler's and the kubelet's, listable and selectable by involved object.
# On both clusters: the containers' lines are the simulated app's (the
# sandbox's kubelet writes them; on upstream shipdeck-upstream's podlogs.c,
# served by kwok's kubelet server through the apiserver). Only the sandbox's
# pods get the simulated traffic's request lines, and only its followed
# streams end with the container; kwok sends no Pulled or Created events.
. "$(dirname "$0")/lib.sh" "$@"

sandbox_start --time-scale 20
cat >"$T/apps.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "example/web:1.0", ports: [{containerPort: 8080}]}
      - {name: sidecar, image: "example/proxy:3"}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: crasher}
spec:
  replicas: 1
  selector: {matchLabels: {app: crasher}}
  template:
    metadata:
      labels: {app: crasher}
      annotations: {sandbox.shipdeck.dev/crash-loop: "true"}
    spec:
      containers: [{name: app, image: "example/app:7"}]
YAML
k apply -f "$T/apps.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout web"
pod=$(k get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
expect_eq "$(k get pod "$pod" --no-headers | awk '{print $2}')" 2/2 "two containers ready"

# Logs: startup lines, then request lines from the simulated traffic.
out=$(k logs "$pod" 2>&1) || fail "logs: $out"
echo "$out" | grep -q 'Defaulted container "web" out of: web, sidecar' || fail "logs: $out"
code=$(sbcurl -o "$T/log.json" -w '%{http_code}' "$SANDBOX_URL/api/v1/namespaces/default/pods/$pod/log")
expect_eq "$code" 400 "the API wants a container name for a two-container pod"
grep -q 'a container name must be specified for pod' "$T/log.json" || fail "log 400 body"
k logs "$pod" -c web | head -3 | grep -q "msg=\"starting web\" image=example/web:1.0 pod=$pod\$" \
	|| fail "startup line names the image and pod: $(k logs "$pod" -c web | head -3)"
wait_for 20 sh -c "kubectl logs $pod -c web | grep -q 'msg=\"ready to serve requests\"'"
# the simulated traffic's request lines: the sandbox's own pods only (on
# upstream, --traffic-only counts requests but writes no kwok pod's log)
cluster_is_upstream || wait_for 20 sh -c "kubectl logs $pod -c web | grep -q '\"GET /'"
k logs "$pod" -c web --tail=2 | wc -l | grep -qx 2 || fail "--tail=2"
k logs "$pod" -c web --timestamps --tail=1 | grep -Eq '^20[0-9-]+T[0-9:.]+Z ' || fail "--timestamps"
k logs "$pod" -c sidecar | grep -q 'msg="starting sidecar"' || fail "-c sidecar"
note "ok: logs with -c, --tail, --timestamps"

# Follow: lines keep arriving while the pod runs — the shutdown's, written
# after the stream began; on the sandbox the stream ends when the pod goes
# away. kwok's server cannot end it: its log reader (k8s.io/cri-client's
# ReadLogs) asks a container runtime whether the container still runs, and
# kwok has none ("Unavailable" reads as running), so it follows forever.
k logs -f "$pod" -c web --tail=1 >"$T/follow.txt" 2>&1 &
follow=$!
track $follow
wait_for 20 lines_ge "$T/follow.txt" 1
cluster_is_upstream || wait_for 20 lines_ge "$T/follow.txt" 5 'GET /'
kill -0 $follow || fail "logs -f ended early"
k delete pod "$pod" --wait=false >/dev/null
wait_for 30 grep -q 'msg="received SIGTERM, draining connections"' "$T/follow.txt"
wait_for 30 grep -q 'msg="shutdown complete"' "$T/follow.txt"
if cluster_is_upstream; then
	note "ok: logs -f streams the lines written while it follows"
else
	ended() { ! kill -0 $follow 2>/dev/null; }
	wait_for 30 ended
	tail -1 "$T/follow.txt" | grep -q 'shutdown complete' || fail "the followed log ends with the shutdown"
	note "ok: logs -f streams until the container stops"
fi

# Crash loop: restarts, CrashLoopBackOff, --previous ends with the crash.
crash=$(k get pods -l app=crasher -o jsonpath='{.items[0].metadata.name}')
# (The row is kept as seen: at this time scale the back-off is short.)
backoff() { k get pod "$crash" --no-headers >"$T/row.txt" && grep -Eq ' CrashLoopBackOff +[1-9]' "$T/row.txt"; }
wait_for 60 backoff
grep -Eq '^crasher-[a-z0-9]+-[a-z0-9]+ +0/1 +CrashLoopBackOff +[1-9]+ \([0-9]+[smh] ago\) ' "$T/row.txt" \
	|| fail "crash-looping pod row: $(cat "$T/row.txt")"
k logs "$crash" --previous >"$T/prev.txt" || fail "logs --previous"
grep -q '^panic: runtime error: invalid memory address or nil pointer dereference$' "$T/prev.txt" \
	|| fail "previous log has the panic"
tail -1 "$T/prev.txt" | grep -q 'main.go:17' || fail "previous log ends with the crash"
out=$(k logs "$pod-nope" 2>&1) && fail "logs of a missing pod"
note "ok: crash loop with --previous"

# Events.
k get events >"$T/events.txt" || fail "get events"
grep -Eq '^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$' "$T/events.txt" || fail "events header"
reasons="ScalingReplicaSet SuccessfulCreate Scheduled Started Killing BackOff"
# a kubelet's two others; kwok's stages send one event per transition
cluster_is_upstream || reasons="$reasons Pulled Created"
for reason in $reasons; do
	grep -q " $reason " "$T/events.txt" || fail "no $reason event"
done
grep -Eq 'Normal +ScalingReplicaSet +deployment/web +Scaled up replica set web-[a-z0-9]+ from 0 to 2' \
	"$T/events.txt" || fail "ScalingReplicaSet message"
grep -Eq 'Warning +BackOff +pod/crasher-' "$T/events.txt" || fail "BackOff is a Warning"
k get events --field-selector involvedObject.name="$crash" -o name | grep -q . || fail "field selector"
[ "$(k get events --field-selector involvedObject.name="$crash",reason=Scheduled --no-headers | wc -l)" -eq 1 ] \
	|| fail "field selector on reason"
k get events --field-selector involvedObject.kind=Deployment --no-headers | grep -vq ScalingReplicaSet \
	&& fail "kind selector"
k describe pod "$crash" | grep -Eq 'Warning +BackOff' || fail "describe shows the pod's events"
k describe deploy web | grep -q 'ScalingReplicaSet' || fail "describe shows the deployment's events"
# Repeats fold into one Event with a count.
count=$(k get events --field-selector involvedObject.name="$crash",reason=BackOff -o jsonpath='{.items[0].count}')
[ "${count:-0}" -ge 1 ] || fail "BackOff count"
k get events -w --no-headers >"$T/ev-watch.txt" 2>&1 &
track $!
k scale deploy/web --replicas=3 >/dev/null
wait_for 20 lines_ge "$T/ev-watch.txt" 1 'Scaled up replica set web-[a-z0-9]+ from 2 to 3'
note "ok: events listed, selected, described and watched"
sandbox_stop
