#!/bin/bash
# The headless commands against a sandbox: get, rollout status|history|watch|
# undo|pause|resume|restart, deploy; their --json shapes, exit codes and
# audit records; --read-only refusing before any request.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml" \
	--faults "$FIXTURES/faults.yaml" --request-log "$WORK/requests.jsonl"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl

sd rollout status web --timeout 30s >"$WORK/status.txt" || fail "status"
grep -q 'deployment "web" successfully rolled out' "$WORK/status.txt" || fail "status message"

sd get deployments >"$WORK/get.txt"
grep -q '^NAME   *READY   *UP-TO-DATE   *AVAILABLE   *AGE' "$WORK/get.txt" || fail "get header"
grep -q '^web   *3/3 ' "$WORK/get.txt" || fail "get row"
[ "$(sd get pods -A --json | jq '.items | length')" = 3 ] || fail "get pods -A --json"
sd -n default get pods | grep -q 'Running' || fail "get pods"

# deploy a tag: same repository, new tag; watch follows it to the end
sd deploy deploy/web 1.1 | grep -q 'example/web:1.1' || fail "deploy tag"
sd rollout watch web --timeout 60s >"$WORK/watch.txt" || fail "watch exit"
grep -q 'successfully rolled out' "$WORK/watch.txt" || fail "watch end line"
grep -q ' pod web-.* added rev [12] ' "$WORK/watch.txt" || fail "watch pod lines"
[ "$(kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" = example/web:1.1 ] \
	|| fail "image not set"
# the change says who deployed what, for `kubectl rollout history` (issue 22)
cause="shipdeck deploy web web:1.1 by ${USER:-$(id -un)}"
[ "$(kc get deploy web -o jsonpath='{.metadata.annotations.kubernetes\.io/change-cause}')" = "$cause" ] \
	|| fail "change-cause: $(kc get deploy web -o jsonpath='{.metadata.annotations}')"
kc rollout history deploy/web | grep -q "^2 *$cause" || { kc rollout history deploy/web; fail "history shows the cause"; }
# the same image again: nothing changes, and it says so
out=$(sd deploy web 1.1) || fail "a no-op deploy exits 0"
[ "$out" = "deployment.apps/web already on example/web:1.1" ] || fail "no-op deploy says: $out"
[ "$(kc get deploy web -o jsonpath='{.metadata.generation}')" = 2 ] || fail "a no-op deploy changed the deployment"

sd rollout history web >"$WORK/history.txt"
kc rollout history deploy/web >"$WORK/khistory.txt"
diff <(sed 's/ *$//' "$WORK/history.txt") <(sed 's/ *$//' "$WORK/khistory.txt") || fail "history differs from kubectl's"
[ "$(sd --json rollout history web | jq -c '[.revisions[].revision]')" = "[1,2]" ] || fail "history json"

# undo: dry run changes nothing, then the real one
sd rollout undo web --dry-run | grep -q 'from: revision 2 (example/web:1.1)' || fail "dry run"
[ "$(kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" = example/web:1.1 ] \
	|| fail "dry run changed something"
sd --json rollout undo web >"$WORK/undo.json" || fail "undo"
jq -e '.ok == true and .to == "revision 1 (example/web:1.0)"' "$WORK/undo.json" >/dev/null || fail "undo json"
sd rollout status web --timeout 60s >/dev/null || fail "status after undo"
# the rollback says what it did, where kubectl's would restore revision 1's
# words: the controller copies the cause to the replica set it brings back
# as revision 3 (issue 22)
cause="shipdeck rollback web to revision 1 (web:1.0) by ${USER:-$(id -un)}"
[ "$(kc get deploy web -o jsonpath='{.metadata.annotations.kubernetes\.io/change-cause}')" = "$cause" ] \
	|| fail "rollback change-cause: $(kc get deploy web -o jsonpath='{.metadata.annotations}')"
kc rollout history deploy/web >"$WORK/khistory.txt"
grep -q "^3 *$cause *\$" "$WORK/khistory.txt" || { cat "$WORK/khistory.txt"; fail "history shows the rollback's cause"; }
[ "$(grep -c '^[0-9]' "$WORK/khistory.txt")" = 2 ] || { cat "$WORK/khistory.txt"; fail "history: revisions 2 and 3"; }
sd rollout undo web --to-revision 9 2>"$WORK/err.txt" && fail "missing revision should fail"
grep -q 'unable to find specified revision 9 in history' "$WORK/err.txt" || fail "missing revision message"
sd rollout undo web --to-revision 3 | grep -q 'skipped rollback (current template already matches revision 3)' \
	|| fail "skipped rollback"

# pause, resume, restart
sd rollout pause web | grep -q 'deployment.apps/web paused' || fail "pause"
[ "$(kc get deploy web -o jsonpath='{.spec.paused}')" = true ] || fail "not paused"
sd rollout undo web 2>"$WORK/err.txt" && fail "undo of paused should fail"
grep -q 'you cannot rollback a paused deployment' "$WORK/err.txt" || fail "paused message"
sd rollout resume web | grep -q 'resumed' || fail "resume"
sd rollout restart web | grep -q 'restarted' || fail "restart"
kc get deploy web -o jsonpath='{.spec.template.metadata.annotations}' | grep -q restartedAt || fail "restartedAt"
sd rollout status web --timeout 60s >/dev/null || fail "status after restart"

# watch on a finished rollout ends at once; --follow stays for the next one
timeout 10 "$SHIPDECK" --kubeconfig "$KC" --json rollout watch web >"$WORK/once.jsonl" || fail "watch of a done rollout"
"$SHIPDECK" --kubeconfig "$KC" --json rollout watch web --follow --timeout 8s >"$WORK/follow.jsonl" &
watcher=$!
sleep 1
kill -0 "$watcher" 2>/dev/null || fail "watch --follow ended with the rollout it found done"
sd rollout restart web >/dev/null || fail "restart for --follow"
wait "$watcher" || fail "watch --follow exits 0 at its timeout after a complete rollout"
rev=$(kc get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
jq -e -s "any(.[]; .kind == \"pod\" and .change == \"added\" and .revision == $rev)" "$WORK/follow.jsonl" \
	>/dev/null || { cat "$WORK/follow.jsonl"; fail "--follow saw the next rollout's pods (rev $rev)"; }
jq -e -s 'all(.[]; type == "object")' "$WORK/follow.jsonl" >/dev/null || fail "--follow: one JSON document a line"
sd rollout status web --timeout 60s >/dev/null || fail "status after the followed restart"
# piped, it ends as with --json; in a terminal it follows by default (issue 22)
timeout 10 "$SHIPDECK" --kubeconfig "$KC" rollout watch web | cat >"$WORK/piped.txt" \
	|| fail "a piped watch of a done rollout did not end at once"
grep -q 'successfully rolled out' "$WORK/piped.txt" || fail "the piped watch's end line"
if command -v tmux >/dev/null; then
	tmux_start "$SHIPDECK" --kubeconfig "$KC" rollout watch web --no-follow
	wait_until 10 sh -c "! kill -0 $TUI_PID 2>/dev/null" || fail "--no-follow in a terminal did not end"
	tmux_start "$SHIPDECK" --kubeconfig "$KC" rollout watch web
	sleep 1
	kill -0 "$TUI_PID" 2>/dev/null || fail "watch in a terminal ended with the rollout it found done"
	wait_screen 10 'successfully rolled out'
	sd rollout restart web >/dev/null || fail "restart for the terminal's watch"
	rev=$(kc get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
	wait_screen 30 " added rev $rev "
	sd rollout status web --timeout 60s >/dev/null || fail "status after the terminal's restart"
	wait_screen 10 "deploy/web rev $rev ready 3/3 up-to-date 3 available 3  deployment \"web\" successfully rolled out"
	kill -0 "$TUI_PID" 2>/dev/null || { screen; fail "watch in a terminal ended after the next rollout"; }
	keys C-c
	wait_until 10 sh -c "! kill -0 $TUI_PID 2>/dev/null" || fail "C-c did not end the terminal's watch"
else
	note "tmux is not installed: the terminal's default --follow is not checked"
fi

# a stuck rollout: status fails with kubectl's words when the deadline passes
sd deploy web bad1 >/dev/null || fail "deploy bad1"
sd rollout status web --timeout 60s 2>"$WORK/err.txt" && fail "stuck rollout should fail"
grep -q 'deployment "web" exceeded its progress deadline' "$WORK/err.txt" || fail "deadline message"
set +e
sd rollout status web --timeout 1s >/dev/null 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "status of a failed rollout exits $rc"

# every change above is in the audit log: its intent before the request,
# then its result, paired by id
n=14
command -v tmux >/dev/null && n=16   # the terminal's watch followed one more restart
[ "$(wc -l <"$AUDIT")" = $n ] || { cat "$AUDIT"; fail "audit records"; }
jq -s -e --argjson n $n '[.[] | select(.phase == "intent") | .id] as $i
	| [.[] | select(.phase == "result") | .id] as $r
	| ($i | length) == $n / 2 and $i == $r and ($i | unique | length) == $n / 2' "$AUDIT" >/dev/null \
	|| { cat "$AUDIT"; fail "audit: an intent for each action, each followed by its result"; }
jq -s -e 'map(select(.action == "rollback" and .phase == "result"))[0]
	| .from == "revision 2 (example/web:1.1)"
	and .to == "revision 1 (example/web:1.0)" and .result == "ok"' "$AUDIT" >/dev/null \
	|| fail "audit rollback record"

# read-only: mutating commands exit 4 and send nothing
before=$(cluster_request_count "$WORK/requests.jsonl")
for cmd in "rollout undo web" "rollout pause web" "rollout resume web" "rollout restart web" \
	"deploy web 1.2"; do
	set +e
	sd --read-only $cmd 2>/dev/null
	rc=$?
	set -e
	[ $rc = 4 ] || fail "--read-only $cmd exited $rc"
done
[ "$(cluster_request_count "$WORK/requests.jsonl")" = "$before" ] || fail "read-only sent requests"

# usage errors, a missing deployment
set +e
sd rollout frobnicate web 2>/dev/null; [ $? = 2 ] || fail "unknown verb exit"
sd rollout status svc/web 2>/dev/null; [ $? = 2 ] || fail "not a deployment exit"
sd rollout status nope 2>"$WORK/err.txt"; [ $? = 1 ] || fail "missing deployment exit"
set -e
grep -q 'deployment "nope" not found' "$WORK/err.txt" || fail "missing deployment message"
echo "ok - headless rollout, get, deploy"
