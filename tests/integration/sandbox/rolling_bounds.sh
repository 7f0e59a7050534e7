#!/bin/bash
# Acceptance 2: `kubectl set image` makes revision 2; at every moment of the
# rollout the ReplicaSets want at most replicas+maxSurge 1 (and the pods
# stay under it on the sandbox), ready pods never drop under
# replicas-maxUnavailable 0; `kubectl rollout history` lists 1 and 2.
. "$(dirname "$0")/lib.sh" "$@"

sandbox_start --time-scale 20
web_manifest web example/web:1.0 3 >"$T/web.yaml"
k apply -f "$T/web.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "first rollout"

k get pods -l app=web -w --output-watch-events --no-headers >"$T/watch.txt" 2>"$T/watch.err" &
track $!
rs_watch web "$T/rs.txt"
wait_for 20 lines_ge "$T/watch.txt" 3
wait_for 20 lines_ge "$T/rs.txt" 1
k set image deploy/web web=example/web:2.0 >/dev/null || fail "set image"
k rollout status deploy/web --timeout=60s >/dev/null || fail "second rollout"
# The last deletions reach the watch shortly after the rollout completes.
wait_for 20 lines_ge "$T/watch.txt" 3 "^DELETED"
cat "$T/watch.txt"

rs_surge_check "$T/rs.txt" 4 || fail "maxSurge 1: the ReplicaSets' desired replicas"
pods_replay "$T/watch.txt" 3 "$(pod_bound 4)" 3 >"$T/replay.txt"
replayed=$?
cat "$T/replay.txt"
[ $replayed -eq 0 ] || fail "rolling update bounds violated"
expect_eq "$(tail -n 1 "$T/replay.txt")" "terminating 3" "each old pod seen Terminating"
note "ok: pods <= replicas+maxSurge and ready >= replicas-maxUnavailable at every event"

expect_eq "$(k get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" \
	2 "revision 2 after set image"
k rollout history deploy/web >"$T/hist.txt" || fail "rollout history"
cat "$T/hist.txt"
grep -Eq '^1 +<none>$' "$T/hist.txt" || fail "history lists revision 1"
grep -Eq '^2 +<none>$' "$T/hist.txt" || fail "history lists revision 2"
k rollout history deploy/web --revision=2 | grep -q 'Image:.*example/web:2.0' \
	|| fail "history --revision=2 shows the image"
expect_eq "$(k get rs -l app=web --no-headers | wc -l)" 2 "two ReplicaSets"
old=$(k get rs -l app=web -o jsonpath='{range .items[?(@.spec.replicas==0)]}{.metadata.annotations.deployment\.kubernetes\.io/revision}{end}')
expect_eq "$old" 1 "the old ReplicaSet keeps revision 1 at 0 replicas"
sandbox_stop
