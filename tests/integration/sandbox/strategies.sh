#!/bin/bash
# The rest of the deployment controller: Recreate (no new pod while an old
# one runs), minReadySeconds (available lags ready), revisionHistoryLimit
# (old ReplicaSets cleaned up), percentages (surge rounds up, unavailable
# down), and deletion with the owner's cascade or orphaning.
. "$(dirname "$0")/lib.sh" "$@"

sandbox_start --time-scale 20
deploy() { # NAME STRATEGY-YAML EXTRA-SPEC-YAML
	cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: 4
  selector: {matchLabels: {app: $1}}
  strategy: $2
  $3
  template:
    metadata: {labels: {app: $1}}
    spec:
      containers: [{name: app, image: "example/$1:1"}]
YAML
}

# Recreate: every old pod is gone before the first new one is created.
deploy rec '{type: Recreate}' 'revisionHistoryLimit: 2' >"$T/rec.yaml"
k apply -f "$T/rec.yaml" >/dev/null || fail "apply rec"
k rollout status deploy/rec --timeout=60s >/dev/null || fail "rollout rec"
k get pods -l app=rec -w --output-watch-events --no-headers >"$T/rec-watch.txt" 2>&1 &
track $!
wait_for 20 lines_ge "$T/rec-watch.txt" 4
k set image deploy/rec app=example/rec:2 >/dev/null || fail "set image rec"
k rollout status deploy/rec --timeout=60s >/dev/null || fail "rollout rec 2"
wait_for 20 lines_ge "$T/rec-watch.txt" 4 '^DELETED'
old=$(k get rs -l app=rec -o jsonpath='{.items[?(@.spec.replicas==0)].metadata.name}')
awk -v old="$old" '
	index($2, old "-") == 1 && $1 == "DELETED" { gone++ }
	index($2, old "-") != 1 && $1 == "ADDED" && NR > 4 && gone < 4 { print "new pod " $2 " while old pods ran"; bad = 1 }
	END { exit bad }' "$T/rec-watch.txt" || fail "Recreate overlapped old and new pods"
note "ok: Recreate"

# revisionHistoryLimit 2: after four more rollouts, the new ReplicaSet and two old ones.
for v in 3 4 5 6; do
	k set image deploy/rec app=example/rec:$v >/dev/null || fail "set image $v"
	k rollout status deploy/rec --timeout=60s >/dev/null || fail "rollout rec $v"
done
wait_for 20 sh -c '[ "$(kubectl get rs -l app=rec --no-headers | wc -l)" -eq 3 ]'
expect_eq "$(k get rs -l app=rec -o jsonpath='{.items[*].metadata.annotations.deployment\.kubernetes\.io/revision}' | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"4 5 6 " "revisions kept"
note "ok: revisionHistoryLimit"

# Percentages: 10 replicas, 25%/25% → surge 3 (up), unavailable 2 (down).
# The ReplicaSets' desired replicas never sum above 13, and 13 once; pods
# too on the sandbox (see pods_replay); ready pods never below 10-2.
deploy pct '{type: RollingUpdate, rollingUpdate: {maxSurge: "25%", maxUnavailable: "25%"}}' '' \
	| sed 's/replicas: 4/replicas: 10/' >"$T/pct.yaml"
k apply -f "$T/pct.yaml" >/dev/null || fail "apply pct"
k rollout status deploy/pct --timeout=60s >/dev/null || fail "rollout pct"
k get pods -l app=pct -w --output-watch-events --no-headers >"$T/pct-watch.txt" 2>&1 &
track $!
rs_watch pct "$T/pct-rs.txt"
wait_for 20 lines_ge "$T/pct-watch.txt" 10
wait_for 20 lines_ge "$T/pct-rs.txt" 1
k set image deploy/pct app=example/pct:2 >/dev/null || fail "set image pct"
k rollout status deploy/pct --timeout=60s >/dev/null || fail "rollout pct 2"
wait_for 20 lines_ge "$T/pct-watch.txt" 10 '^DELETED'
rs_surge_check "$T/pct-rs.txt" 13 || fail "25%/25%: surge bound"
pods_replay "$T/pct-watch.txt" 10 "$(pod_bound 13)" 8 >"$T/pct-replay.txt" \
	|| { cat "$T/pct-replay.txt"; fail "25%/25%: pods"; }
note "ok: surge rounds up, unavailable rounds down"

# minReadySeconds: ready before available.
deploy mrs '{type: RollingUpdate}' 'minReadySeconds: 40' | sed 's/replicas: 4/replicas: 1/' >"$T/mrs.yaml"
k apply -f "$T/mrs.yaml" >/dev/null || fail "apply mrs"
ready_not_available() {
	[ "$(k get deploy mrs -o jsonpath='{.status.readyReplicas}/{.status.availableReplicas}')" = "1/" ]
}
wait_for 20 ready_not_available
k rollout status deploy/mrs --timeout=60s >/dev/null || fail "rollout mrs"
expect_eq "$(k get deploy mrs -o jsonpath='{.status.availableReplicas}')" 1 "available after minReadySeconds"
note "ok: minReadySeconds"

# Cascade: deleting a Deployment deletes its ReplicaSets and pods.
k delete deploy pct >/dev/null || fail "delete pct"
gone() { [ -z "$(k get rs,pods -l app=pct -o name)" ]; }
wait_for 30 gone
note "ok: cascading delete"
k delete deploy mrs --cascade=orphan >/dev/null || fail "orphan delete"
rs=$(k get rs -l app=mrs -o jsonpath='{.items[0].metadata.name}')
[ -n "$rs" ] || fail "orphaned ReplicaSet kept"
expect_eq "$(k get rs "$rs" -o jsonpath='{.metadata.ownerReferences}')" "" "orphan has no owner"
expect_eq "$(k get pods -l app=mrs --no-headers | grep -c Running)" 1 "orphaned pod still runs"
sandbox_stop
