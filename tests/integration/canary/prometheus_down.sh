#!/bin/bash
# Without Prometheus (a closed port) the pane says so, naming the URL, and
# automatic mode never promotes: the canary stays at its step (kubectl);
# analyze exits 3. Then Prometheus answering an error (bad PromQL): the pane
# shows its message.
. "$(dirname "$0")/lib.sh"
start_world
port=$(free_port)
make_repo "http://127.0.0.1:$port" 2s 2

sdc canary start shop 2.0 >/dev/null || fail "start"
sleep 2
rc=0
sdc canary analyze shop 2>"$WORK/err.txt" >/dev/null || rc=$?
[ "$rc" = 3 ] || fail "analyze without Prometheus exits 3, not $rc"
grep -q "prometheus http://127.0.0.1:$port/api/v1/query_range" "$WORK/err.txt" \
	|| { cat "$WORK/err.txt"; fail "the error names the URL"; }
rc=0
sdc canary analyze shop --auto --timeout 7s >"$WORK/auto.txt" 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat "$WORK/auto.txt"; fail "--auto without data gives up with 3, not $rc"; }
grep -q 'no data → hold' "$WORK/auto.txt" || { cat "$WORK/auto.txt"; fail "holds are reported"; }

cat >"$WORK/steps" <<STEPS
key 5
key Enter
wait-for 127.0.0.1:$port
key A
key y
sleep 7000
dump down
STEPS
console "$WORK/steps"
grep -q "prometheus http://127.0.0.1:$port/api/v1/query_range" "$WORK/out/down" \
	|| { cat "$WORK/out/down"; fail "the pane does not name Prometheus' URL"; }
grep -q 'automatic mode does not promote' "$WORK/out/down" || fail "the pane does not say what it means"
grep -q 'no data → hold' "$WORK/out/down" || fail "the holds are not shown"
[ "$(replicas_of shop-canary)" = 1 ] && [ "$(replicas_of shop)" = 3 ] \
	|| fail "the canary moved without data"
[ "$(kc get deploy shop-canary -o jsonpath='{.metadata.annotations.shipdeck\.dev/canary-weight}')" = 25 ] \
	|| fail "the step changed without data"
audit | jq -se '[.[] | select(.action == "auto-analysis" and .result == "hold"
	and (.from | test("no data")))] | length >= 2' >/dev/null || fail "holds are audited"
audit | jq -se '[.[] | select(.action == "promote")] | length == 0' >/dev/null || fail "something was promoted"

start_fake_prometheus error
make_repo "$PROM" 2s 2
cat >"$WORK/steps" <<'STEPS'
key 5
key Enter
wait-for bad_data
dump error
STEPS
console "$WORK/steps"
grep -q "HTTP 400: bad_data: invalid parameter" "$WORK/out/error" || { cat "$WORK/out/error"; fail "the pane does not show Prometheus' error"; }
grep -q "$PROM/api/v1/query_range" "$WORK/out/error" || fail "the error names the URL"
echo "ok - without Prometheus the pane says so and nothing is promoted"
