#!/bin/bash
# The audit log is written ahead: kill -9 while a change is in flight — the
# server has made it, its answer is held back by fault_proxy.py — and the
# log still holds the change's intent, which was on disk before the request
# reached the server (the proxy copied the log the moment it arrived). The
# console's :audit shows it as "outcome unknown", its JSON one key away.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
command -v jq >/dev/null || skip "jq not found"
start_sandbox main --port 0 $CLUSTER_PLAIN --time-scale 50 --manifests "$FIXTURES/web.yaml"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
start_proxy --snapshot "$AUDIT:$WORK/audit.at-request"
cd "$WORK"
wait_until 20 sh -c "kubectl --kubeconfig '$KC' rollout status deploy/web --timeout=1s >/dev/null 2>&1" \
	|| fail "web did not roll out"

fault hold-write
"$SHIPDECK" --kubeconfig "$PKC" rollout pause web >"$WORK/pause.out" 2>&1 &
pid=$!
wait_until 10 sh -c "grep -q '\"hold-write\"' '$WORK/proxy.jsonl' 2>/dev/null" \
	|| { cat "$WORK/pause.out"; fail "the PATCH never reached the proxy"; }
wait_until 10 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.spec.paused}')\" = true ]" \
	|| fail "the server did not make the change"
kill -0 "$pid" 2>/dev/null || { cat "$WORK/pause.out"; fail "shipdeck did not wait for the held answer"; }
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
note "the PATCH is made on the server, its answer held; shipdeck killed with -9"

# the intent was on disk before the request arrived, and is all there is
jq -se 'length == 1 and (.[0] | .phase == "intent" and .action == "pause-resume"
	and .target == "deploy/web" and .from == "rolling" and .to == "paused"
	and .result == null and (.id | test("^[0-9a-f]{16}$")))' "$WORK/audit.at-request" >/dev/null \
	|| { cat "$WORK/audit.at-request"; fail "the intent was not on disk when the request arrived"; }
cmp -s "$WORK/audit.at-request" "$AUDIT" \
	|| { cat "$AUDIT"; fail "the audit log changed after the request arrived"; }
[ "$(jq 'keys | length' "$AUDIT")" = 12 ] || fail "the intent lacks fields"
ID=$(jq -r .id "$AUDIT")
note "audit log: $(cat "$AUDIT")"

# the reader: one line, outcome unknown; Enter shows the JSON record
printf 'type :audit\nkey Enter\ndump readable.screen\nkey Enter\ndump json.screen\n' >"$WORK/steps"
SHIPDECK_SCRIPT="$WORK/steps" SHIPDECK_SCRIPT_OUT="$WORK" LINES=40 COLUMNS=320 TERM=xterm-256color \
	"$SHIPDECK" --kubeconfig "$KC" 2>"$WORK/console.err" || { cat "$WORK/console.err"; fail "the console failed"; }
grep -q 'pause-resume deploy/web  rolling → paused  outcome unknown' "$WORK/readable.screen" \
	|| { cat "$WORK/readable.screen"; fail ":audit does not show the intent as outcome unknown"; }
note ":audit: $(grep -o 'pause-resume deploy/web.*outcome unknown[^│]*' "$WORK/readable.screen" | sed 's/ *$//')"
grep -q "\"id\":\"$ID\",\"phase\":\"intent\"" "$WORK/json.screen" \
	|| { cat "$WORK/json.screen"; fail "Enter does not show the JSON record"; }

# the next action pairs as usual, and the reader tells the two apart
sd rollout resume web >/dev/null || fail "resume after the kill"
jq -se 'length == 3 and .[1].phase == "intent" and .[2].phase == "result"
	and .[1].id == .[2].id and .[2].result == "ok" and .[1].id != .[0].id' "$AUDIT" >/dev/null \
	|| { cat "$AUDIT"; fail "the next action is not an intent and its result"; }
SHIPDECK_SCRIPT="$WORK/steps" SHIPDECK_SCRIPT_OUT="$WORK" LINES=40 COLUMNS=320 TERM=xterm-256color \
	"$SHIPDECK" --kubeconfig "$KC" 2>"$WORK/console.err" || fail "the console failed"
grep -q 'pause-resume deploy/web  paused → rolling  ok: deployment.apps/web resumed' "$WORK/readable.screen" \
	|| { cat "$WORK/readable.screen"; fail ":audit does not pair the resume's intent and result"; }
[ "$(grep -c 'outcome unknown' "$WORK/readable.screen")" = 1 ] || fail "outcome unknown is not only the killed one"
# a write whose connection is closed unanswered: no HTTP status, so the
# server counts as unreachable (exit 2), and the result says it failed
fault drop-writes/5
set +e
"$SHIPDECK" --kubeconfig "$PKC" rollout restart web >"$WORK/restart.out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$WORK/restart.out"; fail "a write the server never answered exits $rc, not 2"; }
jq -se '.[-2].phase == "intent" and .[-1].phase == "result" and .[-2].id == .[-1].id
	and .[-1].action == "restart" and .[-1].result == "failed"' "$AUDIT" >/dev/null \
	|| { cat "$AUDIT"; fail "the unanswered write is not an intent and a failed result"; }
note "unanswered: $(cat "$WORK/restart.out")"
echo "ok - kill -9 in flight leaves the intent, written before the request; :audit says outcome unknown"
