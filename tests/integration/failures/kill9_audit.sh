#!/bin/bash
# kill -9 at any moment of an action: shipdeck rollout pause/resume/restart,
# killed 30 times after a random 0–80 ms (an action takes 20–50 ms here). Afterwards the audit log holds
# whole records only — each line one JSON object with the twelve fields, the
# file ending with a newline — never a partial line that breaks the next read;
# and every result follows the intent of its id (an intent may have no
# result: the kill came while its request was in flight).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
cd "$WORK"

whole() {
	[ ! -s "$AUDIT" ] && return 0
	[ "$(tail -c 1 "$AUDIT" | od -An -c | tr -d ' ')" = '\n' ] || return 1
	[ -z "$(jq -c 'select((keys | length) != 12 or (.action | type) != "string")' "$AUDIT" 2>/dev/null)" ] || return 1
	jq -s . "$AUDIT" >/dev/null 2>&1 || return 1
	paired
}
# every result has its intent before it, once; no id is used twice
paired() {
	jq -se 'reduce .[] as $r ({open: {}, seen: {}, ok: true};
		if $r.phase == "intent" then
			.ok = (.ok and (.seen[$r.id] | not)) | .open[$r.id] = true | .seen[$r.id] = true
		else .ok = (.ok and .open[$r.id] == true) | del(.open[$r.id]) end) | .ok' \
		"$AUDIT" >/dev/null 2>&1
}

verbs=(pause resume restart)
for i in $(seq 30); do
	"$SHIPDECK" --kubeconfig "$KC" rollout "${verbs[i % 3]}" web >/dev/null 2>&1 &
	pid=$!
	sleep "0.$(printf %03d $((RANDOM % 80)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	whole || { cat -A "$AUDIT" | tail -3; fail "after kill $i the audit log holds a partial record"; }
done
n=$(jq -s length "$AUDIT" 2>/dev/null || echo 0)
u=$(jq -s '[.[] | select(.phase == "intent") | .id] - [.[] | select(.phase == "result") | .id] | length' "$AUDIT" 2>/dev/null || echo 0)
note "30 actions killed at random: $n whole records, no partial line; $u intents without a result"

# and the next action (not killed) is read back whole after them
sd rollout resume web >/dev/null 2>&1 || true
sd rollout restart web >/dev/null 2>&1 || fail "the action after the kills failed"
whole || fail "the record after the kills is not whole"
[ "$(jq -s 'last | .action' "$AUDIT")" = '"restart"' ] || fail "the last record is not the last action"
jq -se '.[-2].phase == "intent" and .[-1].phase == "result" and .[-2].id == .[-1].id
	and .[-1].result == "ok"' "$AUDIT" >/dev/null || fail "the last action is not an intent and its result"
echo "ok - kill -9 during actions leaves whole audit records or none"
