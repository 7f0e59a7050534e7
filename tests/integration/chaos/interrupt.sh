#!/bin/bash
# Acceptance 4: `x` in the console while an experiment runs sends SIGINT to
# Chaos Toolkit, which ends "interrupted" and runs the rollbacks (one that
# annotates deploy/web, seen with kubectl); no process of the run is left
# (its pid and its process group, checked by pid).
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 4 --manifests "$FIXTURES/web.yaml" --request-log "$REQLOG"
make_repo
jq '.title = "a slow pod kill" | .method[0].pauses.after = 60
	| .rollbacks = [{"type": "action", "name": "mark-rolled-back", "provider": {"type": "process",
	  "path": "kubectl", "arguments": ["annotate", "--overwrite", "deployment/web",
	  "chaos.shipdeck.dev/rolled-back=yes"]}}]' \
	"$REPO/chaos/web-pod.json" >"$REPO/chaos/slow.json"
wait_until 30 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.status.availableReplicas}')\" = 3 ]" \
	|| fail "web never became available"

tmux_start "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
wait_screen 20 ' Available '
keys : && keys -l 'chaos slow.json' && keys Enter
wait_screen 5 'Run it?'
keys y
wait_screen 30 'Pausing after activity for 60s'
pid=$(sed -n 's/.*--journal-path .* (pid \([0-9]*\))$/\1/p' "$RUNS/1/output.log")
[ -n "$pid" ] && kill -0 "$pid" || fail "no running chaos pid in output.log"
started=$SECONDS
keys x
wait_screen 10 'interrupting (SIGINT'
wait_screen 40 'status: interrupted (deviated: no)'
[ $((SECONDS - started)) -lt 40 ] || fail "the interrupt waited for the pause"
screen_has '✓ action mark-rolled-back: succeeded' || { screen; fail "the rollback on screen"; }

journal=$RUNS/1/journal.json
[ "$(jq -r .status "$journal")" = interrupted ] || fail "journal status $(jq -r .status "$journal")"
[ "$(jq -r '.rollbacks[0].status' "$journal")" = succeeded ] || fail "journal: rollback"
[ "$(kc get deploy web -o jsonpath='{.metadata.annotations.chaos\.shipdeck\.dev/rolled-back}')" = yes ] \
	|| fail "the rollback did not reach the cluster"
! kill -0 "$pid" 2>/dev/null || fail "chaos (pid $pid) is still running"
[ -z "$(pgrep -g "$pid")" ] || fail "processes of group $pid left: $(pgrep -g "$pid")"
jq -s -e 'map(select(.action == "chaos-run" and .phase == "result"))[0] | .result == "failed" and .to == "interrupted"' \
	"$AUDIT" >/dev/null || { cat "$AUDIT"; fail "audit record"; }
# the interrupt is a change of its own, through the gate: intent, then result
jq -s -e 'map(select(.action == "cancel" and .target == "experiment chaos/slow.json") | .phase) == ["intent", "result"]' \
	"$AUDIT" >/dev/null || { cat "$AUDIT"; fail "the interrupt's audit records"; }
[ "$(jq -r .status "$RUNS/1/run.json")" = interrupted ] || fail "run.json status"
tmux_quit
echo "ok - x interrupts, rollbacks run, nothing left (pid $pid)"
