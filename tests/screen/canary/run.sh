#!/bin/bash
# Screen goldens of the canary pane (script mode, no terminal): a canary
# whose pods serve 20% errors at 25%, judged on fixed numbers from a fake
# Prometheus (the same every run), zoomed at 200x50 and 80x24 — the metric
# that failed, by how much, and the verdict — and stacked at 80x24, where the
# pane has three lines. The countdown, clock times and the rollout pane's
# ages are normalised. UPDATE_GOLDEN=1 rewrites them.
. "$(dirname "$0")/../../integration/canary/lib.sh"
: "${GOLDENS:=$(cd "$(dirname "$0")" && pwd)}"
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
STEPS
console "$WORK/steps"

normalise() {
	sed -E -e 's/next analysis in [0-9]+s/next analysis in Ns/' \
		-e 's/analysing…/next analysis in Ns/' \
		-e 's/[0-9]{2}:[0-9]{2}:[0-9]{2}/HH:MM:SS/g' -e 's#/tmp/shipdeck-it\.[A-Za-z0-9]+#WORK#' \
		-e 's/\b[0-9]+(s|m[0-9]+s|m)\b/AGE/g' -e 's/ +$//' "$1"
}

status=0
for f in fail-200x50 fail-80x24 stacked-80x24; do
	[ -f "$WORK/out/$f" ] || fail "no dump $f"
	normalise "$WORK/out/$f" >"$WORK/out/$f.norm"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$WORK/out/$f.norm" "$GOLDENS/$f.golden"
	elif ! diff -u "$GOLDENS/$f.golden" "$WORK/out/$f.norm"; then
		status=1
	fi
done
[ $status = 0 ] || fail "screens differ from the goldens"
echo "ok - canary pane screens"
