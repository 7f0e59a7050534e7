#!/bin/bash
# C in the images pane starts a canary of the selected tag for the app
# selected in the canary pane: the dialog names from and to, y starts it, and
# kubectl sees deploy/shop-canary on that tag beside a smaller stable. Tags
# from Debian's docker-registry; the cluster is the sandbox.
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/images/registry.sh"
command -v kubectl >/dev/null || sd_skip "kubectl is not installed"
[ -x "$SHIPDECK_SANDBOX" ] || sd_skip "shipdeck-sandbox is not built"
cd "$SD_TMP"
export ASAN_OPTIONS=log_path=$SD_TMP/asan UBSAN_OPTIONS=log_path=$SD_TMP/asan

reg_start open || exit 1
push_fixture || exit 1
IMAGE=127.0.0.1:$REG_PORT/app
project_yml "$REPO" "$IMAGE" "$(printf 'apps:\n  shop:\n    steps: [25, 50, 100]\n')"
sed "s#example/shop:1.0#$IMAGE:${TAG[2]}#" "$SD_TESTS/integration/canary/world.yaml" >world.yaml
KC=$SD_TMP/kubeconfig
"$SHIPDECK_SANDBOX" --port 0 --kubeconfig-out "$KC" --time-scale 50 --manifests world.yaml \
	>sandbox.out 2>sandbox.err &
SD_PIDS+=($!)
cluster_wait_listening sandbox.out "${SD_PIDS[-1]}" >/dev/null || { cat sandbox.err; sd_fail "no cluster"; sd_done; }
kc() { kubectl --kubeconfig "$KC" "$@"; }
kc rollout status deploy/shop --timeout=30s >/dev/null || { sd_fail "shop did not roll out"; sd_done; }

# where build 4's row is in the pane
cat >list.steps <<'STEPS'
key 3
key Enter
wait-for RUNS ON
dump list
STEPS
sd_script 200x50 list.steps --kubeconfig "$KC" --repo "$REPO"
row=$(grep -E '^ *[▶ ][!✗ ][= ] [0-9a-z-]+ ' "$SD_OUT/list" | grep -n -- " ${TAG[4]} " | cut -d: -f1)
[ -n "$row" ] || { cat "$SD_OUT/list"; sd_fail "build 4 is not listed"; sd_done; }

{
	echo "key 3"
	echo "key g"
	for ((i = 1; i < row; i++)); do echo "key j"; done
	echo "key C"
	echo "wait-for Start a canary"
	echo "dump dialog"
	echo "key y"
	echo "wait-for canary deploy/shop-canary started"
	echo "dump started"
} >start.steps
sd_script 200x50 start.steps --kubeconfig "$KC" --repo "$REPO"
sd_check "the dialog names the canary and its share" \
	grep -q "Start a canary of app:${TAG[4]} for shop at 25% (1 of 4 pods)?" "$SD_OUT/dialog"
sd_check "the dialog's to-line" grep -q "to:   deploy/shop: 3 × app:${TAG[2]} + deploy/shop-canary: 1 × app:${TAG[4]} (25%)" "$SD_OUT/dialog"
sd_check "kubectl: the canary runs build 4" \
	test "$(kc get deploy shop-canary -o jsonpath='{.spec.template.spec.containers[0].image}')" = "$IMAGE:${TAG[4]}"
sd_check "kubectl: the canary's pods are the canary track" \
	test "$(kc get deploy shop-canary -o jsonpath='{.spec.template.metadata.labels.track}')" = canary
sd_check "kubectl: the stable at 3, its image unchanged" \
	test "$(kc get deploy shop -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image}')" = "3 $IMAGE:${TAG[2]}"
sd_check "the start is audited" grep -q '"action":"canary-start".*"result":"ok"' "$XDG_STATE_HOME/shipdeck/audit.jsonl"
if ls "$SD_TMP"/asan.* >/dev/null 2>&1; then
	cat "$SD_TMP"/asan.*
	sd_fail "the sanitizers reported errors"
fi
sd_done
