#!/bin/bash
# Blue/green: promote is refused while the idle colour is not ready (its
# pods never become ready); once it is, promote switches the Service's
# selector, and `a` in the console switches it back (kubectl shows each).
# Read-only refuses both. No metrics are needed: Prometheus is a closed port.
. "$(dirname "$0")/lib.sh"
start_world
make_repo "http://127.0.0.1:$(free_port)"
selector() { kc get svc pay -o jsonpath='{.spec.selector.color}'; }

sdc canary start pay bad-stall >/dev/null || fail "start on the idle colour"
[ "$(image_of pay-green)" = example/pay:bad-stall ] || fail "green does not run the new image"
[ "$(image_of pay-blue)" = example/pay:1.0 ] || fail "blue was touched"
rc=0
sdc canary promote pay 2>"$WORK/err.txt" || rc=$?
[ "$rc" = 1 ] || fail "promote to a colour that is not ready exits 1, not $rc"
grep -q 'green is not ready' "$WORK/err.txt" || { cat "$WORK/err.txt"; fail "the refusal says why"; }
[ "$(selector)" = blue ] || fail "the selector moved"

sdc canary start pay 2.0 >/dev/null || fail "start again"
kc rollout status deploy/pay-green --timeout 30s >/dev/null || fail "green did not roll out"
# the idle colour's history says what shipdeck deployed to it (issue 22)
kc rollout history deploy/pay-green | tail -2 \
	| grep -q "^[0-9]* *shipdeck canary start pay pay:2.0 (idle green) by ${USER:-$(id -un)} *\$" \
	|| { kc rollout history deploy/pay-green; fail "green's history does not name the start"; }
rc=0
sdc --read-only canary promote pay 2>/dev/null || rc=$?
[ "$rc" = 4 ] || fail "read-only promote exits 4, not $rc"
sdc --json canary promote pay >"$WORK/promote.json" || fail "promote"
jq -e '.ok and .target == "svc/pay" and .from == "blue: 2 × pay:1.0" and .to == "green: 2 × pay:2.0"' \
	"$WORK/promote.json" >/dev/null || { cat "$WORK/promote.json"; fail "promote json"; }
[ "$(selector)" = green ] || fail "kubectl does not show the switch to green"
sdc --json canary status pay | jq -e '.live.color == "green" and .previous == "blue"
	and .switchedBy == "promote" and .idle.readyToSwitch' >/dev/null || fail "status after the switch"

# the console: select pay, a, confirm; then read-only's a says so
cat >"$WORK/steps" <<'STEPS'
key 5
key j
wait-for live green
key a
wait-for Switch service/pay back to blue?
dump confirm
key y
wait-for live blue
dump switched
STEPS
console "$WORK/steps"
grep -q 'from: green: 2 × pay:2.0' "$WORK/out/confirm" || { cat "$WORK/out/confirm"; fail "the dialog names from"; }
[ "$(selector)" = blue ] || fail "a did not switch back to blue"
cat >"$WORK/steps" <<'STEPS'
key 5
key j
key a
dump refused
STEPS
console "$WORK/steps" --read-only
grep -q 'read-only: abort disabled' "$WORK/out/refused" || fail "read-only a is not refused"
[ "$(selector)" = blue ] || fail "read-only changed the selector"
audit | jq -se '[.[] | select(.target == "svc/pay" and .result == "ok") | .action] == ["promote", "abort"]' \
	>/dev/null || { audit; fail "the switches are audited"; }
echo "ok - blue/green: promote waits for the idle colour, switches, and a switches back"
