#!/bin/bash
# Acceptance 1: the demo's experiment ("losing one web pod keeps web
# available") run from the console in tmux with the real Chaos Toolkit
# against the sandbox. The confirm dialog names the blast radius; the run
# completes with the hypothesis met before and after; kubectl shows the pod
# killed and replaced; the audit log has the record; the journal's lines are
# what the pane showed. A read-only console refuses the same command and
# sends nothing.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 4 --manifests "$FIXTURES/web.yaml" --request-log "$REQLOG"
make_repo
wait_until 30 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.status.availableReplicas}')\" = 3 ]" \
	|| fail "web never became available"
before=$(pod_names)

tmux_start "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
wait_screen 20 ' Available '
keys : && keys -l chaos && keys Enter
wait_screen 5 'web-pod.json  *ok  *losing one web pod keeps web available'
wait_screen 5 "engine: $CHAOS_VENV/bin/chaos"
keys : && keys -l 'chaos web-pod.json' && keys Enter
wait_screen 5 "It kills 1 of 3 pods of deploy/web in default. Run it?"
screen_has 'steady state: web is available (1 probe, checked before and after)' || { screen; fail "dialog names the hypothesis"; }
[ "$(deletes)" = 0 ] || fail "something was deleted before the answer"
keys y
wait_screen 10 'Action: terminate-one-web-pod'
wait_screen 90 'status: completed (deviated: no)'
screen_has 'hypothesis before: met' || { screen; fail "hypothesis before"; }
screen_has 'hypothesis after: met' || { screen; fail "hypothesis after"; }
screen_has 'chaos-run experiment .*: completed' || { screen; fail "status bar result"; }

# the journal is what the pane showed, line by line
journal=$RUNS/1/journal.json
[ -f "$journal" ] || fail "no journal at $journal"
[ "$(jq -r .status "$journal")" = completed ] || fail "journal status"
[ "$(jq -r '.steady_states.before.steady_state_met' "$journal")" = true ] || fail "journal before"
[ "$(jq -r '.steady_states.after.steady_state_met' "$journal")" = true ] || fail "journal after"
sd chaos show 1 | sed -n '/^hypothesis before/,$p' >"$WORK/show.txt"
[ "$(wc -l <"$WORK/show.txt")" -ge 8 ] || { cat "$WORK/show.txt"; fail "chaos show 1"; }
screen >"$WORK/screen.txt"
while IFS= read -r line; do
	grep -qF -- "$line" "$WORK/screen.txt" || { cat "$WORK/screen.txt"; fail "pane lacks journal line '$line'"; }
done <"$WORK/show.txt"
note "ok: the pane showed the journal's $(wc -l <"$WORK/show.txt") lines"

# kubectl: the pod named in the journal is gone, a new one took its place
killed=$(jq -r '.run[0].output[0]' "$journal")
echo "$before" | grep -qx "$killed" || fail "killed pod $killed was not one of web's"
wait_until 30 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.status.availableReplicas}')\" = 3 ]" \
	|| fail "web not available again"
after=$(pod_names)
echo "$after" | grep -qx "$killed" && fail "pod $killed still there"
[ "$(echo "$after" | wc -l)" = 3 ] || fail "not 3 pods: $after"
[ "$(comm -13 <(echo "$before") <(echo "$after") | wc -l)" = 1 ] || fail "not exactly one replacement"
[ "$(deletes)" = 1 ] || fail "expected one DELETE, got $(deletes)"
note "ok: $killed killed, replaced by $(comm -13 <(echo "$before") <(echo "$after"))"

# the audit record, through the gate
jq -s -e 'map(select(.action == "chaos-run")) | length == 2 and .[0].phase == "intent"
	and .[1].phase == "result" and .[0].id == .[1].id
	and .[0].from == "kills 1 of 3 pods of deploy/web in default"' "$AUDIT" >/dev/null \
	|| { cat "$AUDIT"; fail "one chaos-run intent and its result"; }
jq -s -e 'map(select(.action == "chaos-run" and .phase == "result"))[0] | .result == "ok" and .to == "completed"
	and .from == "kills 1 of 3 pods of deploy/web in default" and .context == "shipdeck-sandbox"
	and (.target | endswith("chaos/web-pod.json")) and (.message | test("deviated: no"))' \
	"$AUDIT" >/dev/null || { cat "$AUDIT"; fail "audit record"; }
tmux_quit

# read-only: the same command is refused before anything is built
n=$(wc -l <"$REQLOG")
tmux_start "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO" --read-only
wait_screen 20 ' Available '
keys : && keys -l 'chaos web-pod.json' && keys Enter
wait_screen 5 'read-only: chaos-run disabled'
screen_has 'It kills' && fail "read-only opened the dialog"
# the run is kept: the list names it, :chaos show 1 reads it back
keys : && keys -l chaos && keys Enter
wait_screen 5 'run 1: completed  losing one web pod keeps web available'
keys : && keys -l 'chaos show 1' && keys Enter
wait_screen 5 'chaos 1 (from the state folder)'
wait_screen 5 'status: completed (deviated: no)'
tmux_quit
tail -n +"$((n + 1))" "$REQLOG" | jq -r .method | sort -u | grep -qv '^GET$' && fail "read-only sent a change"
[ "$(ls "$RUNS")" = 1 ] || fail "read-only started a run"
echo "ok - the demo's experiment from the console"
