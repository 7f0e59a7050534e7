#!/bin/bash
# The canary pane says one thing at a time (issue 22): after an abort from
# the console while the countdown ran, no countdown runs and nothing says
# "no canary running" beside "last canary aborted"; blue/green after a
# switch compares the colours under their own names, not STABLE/CANARY.
# Script mode, a fake Prometheus of fixed numbers.
. "$(dirname "$0")/../../integration/canary/lib.sh"
start_world
start_fake_prometheus fixed
make_repo "$PROM" 2s 2
sdc canary start shop bad-errors >/dev/null || fail "start"
kc rollout status deploy/shop-canary --timeout 30s >/dev/null || fail "the canary did not start"
sdc canary start pay 2.0 >/dev/null || fail "start pay"
kc rollout status deploy/pay-green --timeout 30s >/dev/null || fail "green did not roll out"
sdc canary promote pay >/dev/null || fail "switch pay to green"

cat >"$WORK/steps" <<'STEPS'
key 5
key Enter
wait-for FAIL score
key a
wait-for [y]
key y
wait-for last canary aborted
sleep 3
dump aborted
key j
wait-for score
dump switched
STEPS
console "$WORK/steps"
status=0
check() {
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; status=1; fi
}
what="aborted: the pane says so"; check grep -q "last canary aborted" "$WORK/out/aborted"
what="aborted: no countdown"; check sh -c "! grep -q 'next analysis in' '$WORK/out/aborted'"
what="aborted: not also 'no canary running'"; check sh -c "! grep -q 'no canary running' '$WORK/out/aborted'"
what="switched: the colours head the columns"; check grep -qE "METRIC +BLUE +GREEN +DIFF" "$WORK/out/switched"
what="switched: no STABLE/CANARY headers"; check sh -c "! grep -qE 'STABLE +CANARY' '$WORK/out/switched'"
[ $status = 0 ] || { cat "$WORK/out/aborted" "$WORK/out/switched"; fail "the canary pane contradicts itself"; }
echo "ok - canary pane states"
