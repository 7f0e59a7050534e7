#!/usr/bin/env bash
# What a key acts on (issue 22): in the demo's world (`shipdeck demo --up`:
# web, shop, shop-canary, pay-blue, pay-green all run the repository's
# image), the console in script mode. A mutating key of another pane does
# nothing but say where to go; the focused pane's title bar names its keys
# and their targets; d in the images pane asks which deployment, web (the
# one the pipeline's deploy step rolls) filled in, whatever pane 4 has
# selected. kubectl and the audit log say what changed: nothing but what
# was confirmed.
. "$(dirname "$0")/../../lib.sh"
sd_setup
command -v docker-registry >/dev/null || sd_skip "docker-registry is not installed"
command -v kubectl >/dev/null || sd_skip "kubectl is not installed"
DEMO=$SD_TMP/demo
trap '"$SHIPDECK" demo --dir "$DEMO" --down >/dev/null 2>&1; sd_cleanup' EXIT
export SHIPDECK_DEMO_TIME_SCALE=20
"$SHIPDECK" demo $(cluster_demo_flag) --dir "$DEMO" --up >"$SD_TMP/up.txt" 2>&1 || { cat "$SD_TMP/up.txt"; sd_fail "demo --up"; sd_done; }
K=$DEMO/kubeconfig
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
kc() { kubectl --kubeconfig "$K" --cache-dir "$SD_TMP/kubecache" "$@"; }
images() {
	for d in web shop pay-blue pay-green; do
		printf '%s=%s\n' "$d" "$(kc get deploy "$d" -o jsonpath='{.spec.template.spec.containers[0].image}')"
	done
}
before=$(images)
cd "$DEMO/repo"

cat >"$SD_TMP/steps" <<'STEPS'
wait-for pay-green
wait-for bad-stall
key 1
key r
dump r
key y
key p
dump p
key y
key a
dump a
key K
dump K
key d
dump d
key 4
type /pay-blue
key Enter
dump rollout
key 3
dump images
key G
key d
dump prompt
key Enter
dump dialog
resize 50x20
dump dialog-narrow
resize 200x50
key y
dump second
key n
dump cancelled
key d
key C-u
type pay-green
key Enter
dump other
key n
key d
key C-u
type nginx
key Enter
dump unknown
key 5
dump canary
STEPS
sd_script 200x50 "$SD_TMP/steps" --kubeconfig "$K"
O=$SD_OUT
no_dialog() { ! grep -qF "[y]" "$O/$1"; }
sd_check "1 r: says where to go" grep -qF "r: rollback — select a deployment in 4 Rollout" "$O/r"
sd_check "1 r: no dialog" no_dialog r
sd_check "1 p: says where to go" grep -qF "p: promote — select an app in 5 Canary" "$O/p"
sd_check "1 p: no dialog" no_dialog p
sd_check "1 a: says where to go" grep -qF "a: abort — select an app in 5 Canary" "$O/a"
sd_check "1 K: says where to go" grep -qF "K: kill-pod — select a pod in 4 Rollout" "$O/K"
sd_check "1 d: says where to go" grep -qF "d: deploy — select a tag in 3 Image tags" "$O/d"
sd_check "pipeline's title names its keys" grep -qF "b build HEAD · t test HEAD" "$O/r"
sd_check "rollout's title names the rollback target" grep -qF "r rollback → deploy/pay-blue" "$O/rollout"
sd_check "images' title names d's target, not pane 4's" grep -qF "d deploy → deploy/web (+3)" "$O/images"
sd_check "d asks which deployment, web filled in" \
	grep -qE "^deploy bad-stall to which deployment\? \(or pay-blue, pay-green, shop; Esc cancels\) web" "$O/prompt"
sd_check "Enter: the dialog aims at deploy/web" grep -qF "Deploy 127.0.0.1:" "$O/dialog"
sd_check "Enter: … greet:bad-stall to deploy/web?" grep -qE "greet:bad-stall to deploy/web\?" "$O/dialog"
sd_check "a narrow dialog wraps: the target whole" grep -qE "│ *(to )?deploy/web\? *│" "$O/dialog-narrow"
inside_box() { sed -n 's/^[^│]*│\(.*\)│[^│]*$/\1/p' "$O/dialog-narrow"; }
no_cut() { ! inside_box | grep -q …; }
sd_check "a narrow dialog cuts nothing" no_cut
sd_check "the dialog has borders" sh -c "grep -q '┌─ deploy deploy/web' '$O/dialog-narrow' && grep -q '└──*┘' '$O/dialog-narrow'"
sd_check "a tag that names no build asks again" grep -qF "bad-stall does not name a commit and build" "$O/second"
sd_check "n: cancelled, named" grep -qF "deploy deploy/web: cancelled" "$O/cancelled"
sd_check "another name typed: the dialog aims at it" grep -qE "greet:bad-stall to deploy/pay-green\?" "$O/other"
sd_check "a name that cannot take the image is refused" \
	grep -qF "deploy: 'nginx' is not a deployment that runs" "$O/unknown"
sd_check "canary's title names its target" grep -qF "p promote → shop · a abort → shop" "$O/canary"
sd_check "kubectl: no deployment changed" test "$(images)" = "$before"
sd_check "audit: the cancelled deploy names deploy/web" \
	grep -q '"action":"deploy".*"target":"deploy/web".*"result":"cancelled"' "$AUDIT"
# the rollout pane's filter (issue 22): the list narrows with each key typed,
# Esc clears it (at the prompt and after), and :ns clears it
cat >"$SD_TMP/steps3" <<'STEPS'
wait-for pay-green
key 4
key /
type pay
dump filter-pay
type -g
dump filter-pay-g
key Backspace
key Backspace
key Backspace
key Backspace
key Backspace
dump filter-backspace
type shop
key Esc
dump filter-esc-prompt
key /
type shop-c
dump filter-none
key Backspace
key Backspace
key Enter
dump filter-set
key Esc
dump filter-esc
key /
type pay
key Enter
type :ns nothing-here
key Enter
type :ns default
key Enter
wait-for pay-green
dump filter-ns
key 3
key g
key d
key Enter
dump noop
STEPS
sd_script 200x50 "$SD_TMP/steps3" --kubeconfig "$K"
# the deployment rows of the rollout pane: its table, NAME to the blank line
rows() { grep -oE '[│›] ?(web|shop-canary|shop|pay-blue|pay-green) +[0-9]+/[0-9]+ +[0-9]+ +[0-9]+ ' "$SD_OUT/$1" \
	| grep -oE '(web|shop-canary|shop|pay-blue|pay-green)' | sort -u | tr '\n' ' '; }
sd_check "filter: 'pay' typed lists pay-blue and pay-green only" test "$(rows filter-pay)" = "pay-blue pay-green "
sd_check "filter: '-g' more narrows to pay-green" test "$(rows filter-pay-g)" = "pay-green "
sd_check "filter: the title says the filter as typed" grep -qF "filter: pay-g" "$SD_OUT/filter-pay-g"
sd_check "filter: backspace to empty lists all again" test "$(rows filter-backspace)" = "pay-blue pay-green shop web "
sd_check "filter: Esc at the prompt clears it" test "$(rows filter-esc-prompt)" = "pay-blue pay-green shop web "
sd_check "filter: no match says so" grep -qF "no deployment matches 'shop-c' (/ to change, Esc to clear)" "$SD_OUT/filter-none"
sd_check "filter: Enter keeps it" test "$(rows filter-set)" = "shop "
sd_check "filter: the title offers Esc to clear it" grep -qF "filter: shop (Esc clears)" "$SD_OUT/filter-set"
sd_check "filter: Esc in the pane clears it" test "$(rows filter-esc)" = "pay-blue pay-green shop web "
sd_check "filter: :ns clears it" test "$(rows filter-ns)" = "pay-blue pay-green shop web "
sd_check "filter: no filter in the title after :ns" sh -c "! grep -qF 'filter: ' '$SD_OUT/filter-ns'"
# a deploy of the tag web runs already changes nothing and says so (issue 22)
sd_check "no-op deploy: 'already on' the tag" grep -qE "deploy: deploy/web already on [0-9a-f]{7}-1" "$SD_OUT/noop"
sd_check "no-op deploy: no dialog" sh -c "! grep -qF '[y]' '$SD_OUT/noop'"
sd_check "kubectl: still no deployment changed" test "$(images)" = "$before"
# a second `shipdeck demo` on the same folder joins the running world and says so
printf 'wait-for pay-green\ndump joined\n' >"$SD_TMP/steps2"
sd_script 200x50 "$SD_TMP/steps2" demo --dir "$DEMO"
sd_check "a second demo says another shipdeck runs the world" \
	grep -q "demo: another shipdeck (a console or demo --up) runs the world in $DEMO" "$SD_OUT/joined"
sd_check "and that quitting leaves it running" sh -c "'$SHIPDECK' demo --dir '$DEMO' --down | grep -q 'stopped the world'"
sd_check "audit: no rollback, promote or abort" sh -c "! grep -qE '\"action\":\"(rollback|promote|abort)\"' '$AUDIT'"
sd_done
