#!/bin/bash
# A canary whose pods serve 20% errors (and 250 ms more latency), under
# automatic analysis with a real Prometheus: FAIL, FAIL → abort. The canary
# ends at 0, the stable back at 4 with its template untouched (kubectl), and
# each decision is in the audit log with its numbers.
. "$(dirname "$0")/lib.sh"
start_world
start_prometheus
make_repo "$PROM" 3s 2
before=$(kc get deploy shop -o jsonpath='{.spec.template}')

rc=0
sdc --json canary start shop bad-errors --auto --timeout 60s >"$WORK/auto.jsonl" || rc=$?
[ "$rc" = 1 ] || { cat "$WORK/auto.jsonl"; fail "an aborted canary exits 1, not $rc"; }
[ "$(jq -s '[.[] | select(.event == "analysis" and .verdict == "FAIL")] | length' "$WORK/auto.jsonl")" -ge 2 ] \
	|| fail "two FAIL analyses before the abort"
jq -se '.[-1] | .event == "end" and .phase == "aborted"' "$WORK/auto.jsonl" >/dev/null \
	|| fail "the stream ends with the aborted release"

[ "$(replicas_of shop-canary)" = 0 ] || fail "the canary is not at 0"
[ "$(replicas_of shop)" = 4 ] || fail "the stable is not back at 4"
[ "$(kc get deploy shop -o jsonpath='{.spec.template}')" = "$before" ] || fail "the stable's template changed"
[ "$(image_of shop)" = example/shop:1.0 ] || fail "the stable's image changed"
kc rollout status deploy/shop --timeout 30s >/dev/null || fail "the stable is not whole again"

audit >"$WORK/audit.jsonl"
# Analyses before the canary has samples enough ("no data", MARGINAL) hold too,
# and a lucky early PASS may promote a step; what must hold is the end: the
# abort comes right after a FAIL that held.
jq -se '[.[] | select((.action == "auto-analysis" and .result == "hold") or (.action == "abort" and .result == "ok"))]
	| .[-2:] | length == 2 and (.[0].message | startswith("automatic: FAIL:")) and .[1].action == "abort"' \
	"$WORK/audit.jsonl" >/dev/null || { cat "$WORK/audit.jsonl"; fail "the first FAIL is a hold in the audit log"; }
jq -se '[.[] | select(.action == "abort" and .result == "ok"
	and (.message | test("automatic: FAIL: .*(canary mean [0-9.]+ is|high: canary [0-9.]+ vs stable)")))]
	| length == 1' "$WORK/audit.jsonl" >/dev/null || { cat "$WORK/audit.jsonl"; fail "the abort's audit record has no numbers"; }
note "$(jq -r 'select(.action == "abort" and .result == "ok") | .message' "$WORK/audit.jsonl")"
echo "ok - a 20%-error canary fails twice and is aborted; the stable is untouched"
