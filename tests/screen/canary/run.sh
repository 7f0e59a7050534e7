#!/bin/bash
# Screen goldens of the canary pane (script mode, no terminal): a canary
# whose pods serve 20% errors at 25%, judged on fixed numbers from a fake
# Prometheus (the same every run), zoomed at 200x50 and 80x24 — the metric
# that failed, by how much, and the verdict — and stacked at 80x24, where the
# pane has three lines. The countdown, clock times and the rollout pane's
# ages are normalised. UPDATE_GOLDEN=1 rewrites them. Then a healthy canary
# with two samples against eleven (min_samples 5): no data, not a PASS, and
# automatic mode does not promote.
. "$(dirname "$0")/../../integration/canary/lib.sh"
start_world
start_fake_prometheus fixed
make_repo "$PROM" 2s 2
sdc canary start shop bad-errors >/dev/null || fail "start"
kc rollout status deploy/shop-canary --timeout 30s >/dev/null || fail "the canary did not start"

cat >"$WORK/steps" <<'STEPS'
key 5
key Enter
wait-for (3 + 1 ready)
wait-for FAIL score
dump fail-200x50
resize 80x24
dump fail-80x24
key Esc
dump stacked-80x24
dump-roles stacked-80x24.roles
STEPS
console "$WORK/steps"

for f in fail-200x50 fail-80x24 stacked-80x24; do
	sd_golden "$WORK/out/$f" "canary/$f"
done
[ "$SD_FAILED" = 0 ] || fail "screens differ from the goldens"

# a FAIL in the failure colour on the verdict's line (the list's row is
# selected: the selection's colour)
role=$("$(dirname "$0")/../role_at.py" "$WORK/out/stacked-80x24" "$WORK/out/stacked-80x24.roles" \
	"FAIL: success-rate") || fail "no verdict line in stacked-80x24"
echo "$role" | grep -qw fail || fail "the FAIL verdict is shown as '$role', not fail"

# two samples of a healthy canary are too few to judge (issue 22: n=11/2
# passed and would have promoted): no data, and automatic mode holds
start_fake_prometheus few
make_repo "$PROM" 2s 2
sed -i 's/^    threshold: 2$/&\n    min_samples: 5/' "$REPO/.shipdeck.yml"
grep -q 'min_samples: 5' "$REPO/.shipdeck.yml" || fail "min_samples not set"
cat >"$WORK/steps" <<'STEPS'
key 5
key Enter
wait-for samples 11/2
wait-for NODATA score
dump few
key A
key y
sleep 5000
dump few-auto
STEPS
console "$WORK/steps"
grep -qF "no data for any metric: success-rate: too few samples to judge (canary 2, stable 11; at least 5 each)" \
	"$WORK/out/few" || { cat "$WORK/out/few"; fail "the verdict does not say too few samples"; }
grep -qE "success-rate +- .* no data" "$WORK/out/few" || { cat "$WORK/out/few"; fail "success-rate judged on two samples"; }
grep -qE "latency-p99 +- .* no data" "$WORK/out/few" || { cat "$WORK/out/few"; fail "latency judged on two samples"; }
! grep -qE "(PASS|MARGINAL) score" "$WORK/out/few" "$WORK/out/few-auto" || { cat "$WORK/out/few-auto"; fail "two samples passed"; }
grep -q "NODATA score" "$WORK/out/few-auto" || { cat "$WORK/out/few-auto"; fail "automatic mode: not no-data"; }
grep -q "no data → hold" "$WORK/out/few-auto" || { cat "$WORK/out/few-auto"; fail "automatic mode did not hold on no data"; }
[ "$(replicas_of shop-canary)" = 1 ] || fail "automatic mode acted on too few samples"
set +e
sdc --json canary analyze shop >"$WORK/few.json"
rc=$?
set -e
[ $rc = 3 ] || fail "canary analyze on two samples exits $rc, not 3 (no data)"
jq -e '.verdict == "NODATA" and all(.metrics[]; .reason | test("too few samples to judge \\(canary 2, stable 11; at least 5 each\\)"))' \
	"$WORK/few.json" >/dev/null || { cat "$WORK/few.json"; fail "analyze: the reason is not 'too few samples'"; }
echo "ok - too few samples: no data, no promotion"
echo "ok - canary pane screens"
