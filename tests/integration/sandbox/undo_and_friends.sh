#!/bin/bash
# Acceptance 3: `rollout undo` brings the revision-1 template back as
# revision 3 (reusing its ReplicaSet), `--to-revision=2` works; rollout
# pause/resume/restart; scale; delete pod → replaced; patch svc (merge and
# JSON patch) and a strategic merge patch of containers; ReplicaSets left by
# `delete --cascade=orphan` adopted by the Deployment made again.
. "$(dirname "$0")/lib.sh" "$@"

sandbox_start --time-scale 20
web_manifest >"$T/web.yaml"
k apply -f "$T/web.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout 1"
rs1=$(k get rs -l app=web -o jsonpath='{.items[0].metadata.name}')
k set image deploy/web web=example/web:2.0 >/dev/null || fail "set image"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout 2"

image() { k get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}'; }
revision() { k get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'; }
rs_count() { k get rs -l app=web --no-headers | wc -l; }

out=$(k rollout undo deploy/web) || fail "undo: $out"
expect_eq "$out" "deployment.apps/web rolled back" "undo output"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after undo"
expect_eq "$(image)" example/web:1.0 "undo restores the revision-1 image"
expect_eq "$(revision)" 3 "undo makes revision 3"
expect_eq "$(rs_count)" 2 "undo reuses the old ReplicaSet"
expect_eq "$(k get rs "$rs1" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}/{.metadata.annotations.deployment\.kubernetes\.io/revision-history}/{.spec.replicas}')" \
	"3/1/3" "old ReplicaSet revision 3, history 1, scaled up"
k rollout history deploy/web | grep -Eq '^3 ' || fail "history shows 3"
k rollout history deploy/web | grep -Eq '^1 ' && fail "history still shows 1"

k rollout undo deploy/web --to-revision=2 >/dev/null || fail "undo --to-revision=2"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after undo 2"
expect_eq "$(image)" example/web:2.0 "undo --to-revision=2"
expect_eq "$(revision)" 4 "revision 4"
expect_eq "$(rs_count)" 2 "still two ReplicaSets"
out=$(k rollout undo deploy/web --to-revision=9 2>&1) && fail "undo to a missing revision succeeded"
echo "$out" | grep -q 'unable to find specified revision 9 in history' || fail "undo 9: $out"

# Paused: template changes make no ReplicaSet until resumed.
k rollout pause deploy/web >/dev/null || fail "pause"
expect_eq "$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}')" \
	DeploymentPaused "paused condition"
k set image deploy/web web=example/web:3.0 >/dev/null || fail "set image while paused"
sleep 0.5
expect_eq "$(rs_count)" 2 "no new ReplicaSet while paused"
out=$(k rollout undo deploy/web 2>&1) && fail "undo of a paused deployment succeeded"
echo "$out" | grep -q 'you cannot rollback a paused deployment' || fail "paused undo: $out"
k rollout resume deploy/web >/dev/null || fail "resume"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after resume"
expect_eq "$(rs_count)" 3 "resume rolls out"
expect_eq "$(revision)" 5 "revision 5"

k rollout restart deploy/web >/dev/null || fail "restart"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after restart"
expect_eq "$(rs_count)" 4 "restart makes a new ReplicaSet"
[ -n "$(k get deploy web -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')" ] \
	|| fail "restartedAt annotation"

# Scale, and scale with a stale --current-replicas.
k scale deploy/web --replicas=5 >/dev/null || fail "scale 5"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after scale"
expect_eq "$(k get deploy web -o jsonpath='{.status.readyReplicas}/{.status.availableReplicas}')" \
	5/5 "scaled to 5"
k scale deploy/web --current-replicas=5 --replicas=2 >/dev/null || fail "scale --current-replicas"
out=$(k scale deploy/web --current-replicas=7 --replicas=1 2>&1) && fail "stale scale succeeded"
echo "$out" | grep -qi 'expected replicas to be 7, was 2' || fail "stale scale: $out"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after scale down"
test_pods() { [ "$(k get pods -l app=web --no-headers | grep -c ' Running ')" -eq "$1" ]; }
wait_for 20 test_pods 2

# Chaos: a deleted pod is replaced.
victim=$(k get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
k delete pod "$victim" >/dev/null || fail "delete pod"
k get pod "$victim" >/dev/null 2>&1 && fail "deleted pod still there"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after delete"
wait_for 20 test_pods 2
k get pods -l app=web -o name | grep -q "$victim" && fail "victim came back"
note "ok: a deleted pod is replaced"

# Patches of the Service: merge, JSON patch, strategic (kubectl's default).
k patch svc web --type=merge -p '{"metadata":{"labels":{"tier":"front"}}}' >/dev/null \
	|| fail "merge patch"
k patch svc web --type=json -p '[{"op":"replace","path":"/spec/ports/0/port","value":8081},{"op":"add","path":"/metadata/labels/owner","value":"team-a"}]' \
	>/dev/null || fail "json patch"
expect_eq "$(k get svc web -o jsonpath='{.metadata.labels.tier}/{.metadata.labels.owner}/{.spec.ports[0].port}')" \
	"front/team-a/8081" "service patched"
# (two ports must both be named: the real apiserver refuses it otherwise)
k patch svc web -p '{"spec":{"ports":[{"port":8081,"name":"http"},{"port":9090,"targetPort":9090,"name":"metrics"}]}}' \
	>/dev/null || fail "strategic patch"
expect_eq "$(k get svc web -o jsonpath='{.spec.ports[*].port}')" "8081 9090" "service ports merged by port"
out=$(k patch svc web --type=json -p '[{"op":"test","path":"/spec/type","value":"NodePort"}]' 2>&1) \
	&& fail "failed json patch test succeeded"
k get svc web | grep -q '8081/TCP,9090/TCP' || fail "svc ports column"
k patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"MODE","value":"fast"}]}]}}}}' \
	>/dev/null || fail "strategic patch of containers"
expect_eq "$(k get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}/{.spec.template.spec.containers[0].env[0].value}')" \
	"example/web:3.0/fast" "containers merged by name"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after env patch"

# Orphans are adopted: the Deployment deleted with --cascade=orphan and made
# again from its last state takes its ReplicaSets back, history and all, and
# makes no new one.
revs=$(k rollout history deploy/web | awk '$1 ~ /^[0-9]+$/ { printf "%s ", $1 }')
rss=$(k get rs -l app=web -o name | sort | tr '\n' ' ')
k get deploy web -o yaml | sed -e '/^  uid:/d' -e '/^  resourceVersion:/d' \
	-e '/^  creationTimestamp:/d' -e '/^status:/,$d' >"$T/web-last.yaml"
k delete deploy web --cascade=orphan >/dev/null || fail "delete --cascade=orphan"
gone() { ! k get deploy web; }
wait_for 20 gone
expect_eq "$(k get rs -l app=web -o jsonpath='{.items[*].metadata.ownerReferences}')" "" \
	"orphaned ReplicaSets have no owner"
k create -f "$T/web-last.yaml" >/dev/null || fail "create web again"
owned() { [ "$(k get rs -l app=web -o jsonpath='{.items[*].metadata.ownerReferences[0].name}' | wc -w)" \
	= "$(echo $rss | wc -w)" ]; }
wait_for 20 owned
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after adoption"
expect_eq "$(k get rs -l app=web -o name | sort | tr '\n' ' ')" "$rss" "no new ReplicaSet after adoption"
expect_eq "$(k rollout history deploy/web | awk '$1 ~ /^[0-9]+$/ { printf "%s ", $1 }')" "$revs" \
	"rollout history kept through adoption"
sandbox_stop
