#!/bin/bash
# A healthy canary under automatic analysis with a real Prometheus: PASS at
# 25%, PASS at 50% → 100%: the stable takes the canary's template (a rolling
# update) and the canary goes to 0 (kubectl). The canary is started by one
# process and analysed by another: the release is read back from the
# Deployments' annotations.
. "$(dirname "$0")/lib.sh"
start_world
start_prometheus
make_repo "$PROM" 3s 2

sdc canary start shop 2.0 >/dev/null || fail "start"
sdc --json canary status shop | jq -e '.phase == "running" and .step == 1 and .weight == 25
	and .replicas == 4 and .canary.replicas == 1 and .stable.replicas == 3' >/dev/null \
	|| fail "status after the start"
sdc canary analyze shop --auto --timeout 90s >"$WORK/auto.txt" || { cat "$WORK/auto.txt"; fail "the canary was not promoted"; }
cat "$WORK/auto.txt"
grep -q '→ promote' "$WORK/auto.txt" || fail "no promotion decision"
[ "$(image_of shop)" = example/shop:2.0 ] || fail "the stable does not run the new image"
[ "$(kc get deploy shop -o jsonpath='{.spec.template.metadata.labels.track}')" = stable ] \
	|| fail "the stable lost its track label"
[ "$(replicas_of shop)" = 4 ] || fail "the stable is not at 4"
[ "$(replicas_of shop-canary)" = 0 ] || fail "the canary is not at 0"
kc rollout status deploy/shop --timeout 30s >/dev/null || fail "the stable has not rolled out"
[ "$(kc get deploy shop-canary -o jsonpath='{.metadata.annotations.shipdeck\.dev/canary-phase}')" = promoted ] \
	|| fail "the canary is not marked promoted"
# the changes say what shipdeck did, for `kubectl rollout history` (issue 22)
by=${USER:-$(id -un)}
kc rollout history deploy/shop >"$WORK/history.txt"
tail -2 "$WORK/history.txt" | grep -q "^[0-9]* *shipdeck promote shop shop:2.0 (canary 100%) by $by *\$" \
	|| { cat "$WORK/history.txt"; fail "the stable's history does not name the promotion"; }
[ "$(kc get deploy shop-canary -o jsonpath='{.metadata.annotations.kubernetes\.io/change-cause}')" \
	= "shipdeck canary start shop shop:2.0 by $by" ] || fail "the canary's change-cause"

audit >"$WORK/audit.jsonl"
for w in 50 100; do
	jq -se "[.[] | select(.action == \"promote\" and .result == \"ok\"
		and (.message | test(\"promoted to $w%.*automatic: PASS\")))] | length == 1" \
		"$WORK/audit.jsonl" >/dev/null || { cat "$WORK/audit.jsonl"; fail "no automatic PASS promotion to $w%"; }
done
sdc --json canary status shop | jq -e '.phase == "promoted" and .stable.image == "example/shop:2.0"' \
	>/dev/null || fail "status after the promotion"
echo "ok - a healthy canary passes each step and is promoted to 100%"
