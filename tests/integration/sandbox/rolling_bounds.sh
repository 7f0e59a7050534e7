#!/bin/bash
# Acceptance 2: `kubectl set image` makes revision 2; at every moment of the
# rollout seen by `kubectl get pods -w` the pod counts respect maxSurge 1 and
# maxUnavailable 0; `kubectl rollout history` lists 1 and 2.
. "$(dirname "$0")/lib.sh" "$@"

sandbox_start --time-scale 20
web_manifest web example/web:1.0 3 >"$T/web.yaml"
k apply -f "$T/web.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "first rollout"

k get pods -l app=web -w --output-watch-events --no-headers >"$T/watch.txt" 2>"$T/watch.err" &
track $!
wait_for 20 lines_ge "$T/watch.txt" 3
k set image deploy/web web=example/web:2.0 >/dev/null || fail "set image"
k rollout status deploy/web --timeout=60s >/dev/null || fail "second rollout"
# The last deletions reach the watch shortly after the rollout completes.
wait_for 20 lines_ge "$T/watch.txt" 3 "^DELETED"
cat "$T/watch.txt"

# Replay the stream: EVENT NAME READY STATUS RESTARTS AGE.
awk '
	{ ev = $1; name = $2 }
	ev == "DELETED" { delete ready[name]; delete status[name] }
	ev != "DELETED" { ready[name] = $3; status[name] = $4 }
	{
		active = 0; up = 0
		for (n in status) {
			if (status[n] != "Terminating") active++
			if (status[n] == "Running" && ready[n] == "1/1") up++
		}
		if (NR >= 3 && active > 4) { print "line " NR ": " active " pods, more than 3+maxSurge 1"; bad = 1 }
		if (NR >= 3 && up < 3) { print "line " NR ": " up " ready pods, fewer than 3-maxUnavailable 0"; bad = 1 }
		if (active > max) max = active
		if ((name in status) && status[name] == "Terminating") term++
	}
	END {
		if (max != 4) { print "never saw the surge pod (max " max ")"; bad = 1 }
		if (term < 3) { print "saw " term " terminating pods, want 3"; bad = 1 }
		exit bad
	}' "$T/watch.txt" || fail "rolling update bounds violated"
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
