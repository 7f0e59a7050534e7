#!/usr/bin/env bash
# The demo as an operator walks through it (issue 8), in tmux, following the
# README's walkthrough key by key (issue 22), each result checked with
# kubectl, the registry API or the build history — on the deployment the
# step aims at, and that the others did not change:
#   console up with all panes populated; t fails on the broken HEAD with the
#   log; b on the last good build publishes <sha7>-<n>; d deploys a bad image,
#   /web selects web, the rollout stalls, r rolls back; K kills a pod and it
#   is replaced; C starts a canary that the judge fails on success rate and
#   latency and A aborts; then a good canary promoted, a blue/green switch;
#   q leaves no process behind; `demo --up` resumes and prints its addresses.
. "$(dirname "$0")/../../lib.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
command -v docker-registry >/dev/null || sd_skip "docker-registry is not installed"
kv=$(kubectl version --client -o json 2>/dev/null | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["clientVersion"]["minor"].rstrip("+"))' 2>/dev/null)
[ -n "$kv" ] && [ "$kv" -ge 27 ] || sd_skip "no kubectl >= 1.27"
export SHIPDECK_DEMO_TIME_SCALE=20
DEMO=$SD_TMP/demo
K=$DEMO/kubeconfig
kc() { kubectl --kubeconfig "$K" --cache-dir "$SD_TMP/kubecache" "$@"; }
image_of() { kc get deploy "$1" -o jsonpath='{.spec.template.spec.containers[0].image}'; }
port_of() {
	python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]['port'])" \
		"$DEMO/world.json" "$1"
}
pids_of_world() {
	python3 -c "import json,sys; print(' '.join(str(v['pid']) for v in json.load(open(sys.argv[1])).values() if v.get('pid')))" \
		"$DEMO/world.json"
}
# wait_for SECONDS COMMAND...: until the command succeeds
wait_for() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 5; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
image_is() { [ "$(image_of "$1")" = "$2" ]; }
rolled_out() { kc rollout status "deploy/$1" --timeout=2s; }
screen_has_re() { sd_tmux_screen | grep -qE -- "$1"; }
# images_of DEPLOY...: "name=image " for each, to see that a step left them alone
images_of() { for d in "$@"; do printf '%s=%s ' "$d" "$(image_of "$d")"; done; }
by=${USER:-$(id -un)}

started=$(date +%s)
# on the real control plane too (SHIPDECK_CLUSTER=upstream: cluster.sh)
CLUSTER=sandbox
cluster_is_upstream && CLUSTER=upstream
sd_tmux_start 200 50 sh -c "'$SHIPDECK' demo --cluster $CLUSTER --dir '$DEMO' 2>'$SD_TMP/demo.err'; echo EXIT=\$?; sleep 600"
sd_check "the console opens on the demo with a first build" sd_tmux_wait "✓ #1" 90
# a demo that gave up: what it said, and no ten minutes of checks after it
if sd_tmux_screen | grep -q '^EXIT='; then
	echo "--- shipdeck demo exited; its stderr:" >&2
	cat "$SD_TMP/demo.err" >&2
	sd_fail "shipdeck demo exited ($(sd_tmux_screen | grep '^EXIT='))"
	sd_done
fi
sd_check "rollout pane shows the demo deployments" sd_tmux_wait " web " 30
sd_check "images pane shows the first build's tag" sd_tmux_wait "-1  " 30
sd_check "log pane follows the first build" sd_tmux_wait "shipdeck deploy web" 30
registry=127.0.0.1:$(port_of docker-registry)
repo_pids=$(pids_of_world)
first_sha=$(git -C "$DEMO/repo" rev-parse HEAD~1)
sha7=${first_sha:0:7}
sd_check "web runs the first build's image" image_is web "$registry/demo/greet:$sha7-1"
others_before=$(images_of shop pay-blue pay-green)
others_same() { [ "$(images_of shop pay-blue pay-green)" = "$others_before" ]; }
pay_before=$(images_of pay-blue pay-green)
pay_same() { [ "$(images_of pay-blue pay-green)" = "$pay_before" ]; }
echo "# every pane populated $(($(date +%s) - started)) s after \`shipdeck demo\` started"

# t: the tests of HEAD (the broken commit) fail; the log shows why.
sd_tmux send-keys 1 t
sd_check "t: the test build fails" sd_tmux_wait "✗ #2" 30
sd_check "t: the failing test is in the log pane" sd_tmux_wait "not ok 1 - GET is greeted" 10
sd_check "t: the build history says failed, tests only" sh -c "'$SHIPDECK' --repo '$DEMO/repo' \
	pipeline ls --json | python3 -c 'import json,sys; b=[x for x in json.load(sys.stdin)[\"builds\"] \
	if x[\"number\"]==2][0]; sys.exit(0 if b[\"status\"]==\"failed\" and b[\"tests_only\"] else 1)'"

# b on the last good build (#1 opened): a good build publishes <sha7>-3.
sd_tmux send-keys j Enter b
sd_check "b: the rebuild of the good commit passes" sd_tmux_wait "✓ #3" 30
sd_check "b: the registry has $sha7-3" sh -c "curl -fsS http://$registry/v2/demo/greet/tags/list \
	| grep -q '\"$sha7-3\"'"
sd_check "b: its deploy step rolled web to $sha7-3" wait_for 30 image_is web "$registry/demo/greet:$sha7-3"
sd_check "web rolled out" wait_for 30 rolled_out web
sd_check "b: shop, pay-blue and pay-green did not change" others_same
# each build's end refreshes the tags; the known ones keep their age (issue 22:
# AGE turned to '-' after the first refresh)
sd_check "3: after the refreshes, the older tags keep their AGE" wait_for 10 \
	screen_has_re "bad-stall +- +- +[0-9]+(s|m[0-9]+s|m) +[0-9.]+ (B|kB|MB)"

# 3, G (bad-stall), d: a bad image from the images pane. Several deployments
# run greet: d asks which, web (the pipeline deploys it) filled in.
sd_tmux send-keys 3 G d
sd_check "d: asks which deployment" sd_tmux_wait "deploy bad-stall to which deployment?" 10
sd_check "d: web is filled in" sh -c "tmux -L '$SD_TMUX' capture-pane -p | grep -q 'Esc cancels) web'"
sd_tmux send-keys Enter
sd_check "d: the dialog names the bad image and web" sd_tmux_wait "demo/greet:bad-stall to deploy/web?" 10
sd_tmux send-keys y
sd_check "d: a mutable tag asks again" sd_tmux_wait "[y] yes  [n] no" 10
sd_tmux send-keys y
sd_check "d: web now asks for bad-stall" wait_for 20 image_is web "$registry/demo/greet:bad-stall"
sd_check "d: shop, pay-blue and pay-green did not change" others_same
sd_check "d: web's history names the deploy" sh -c "kubectl --kubeconfig '$K' --cache-dir \
	'$SD_TMP/kubecache' rollout history deploy/web | tail -2 \
	| grep -q '^[0-9]* *shipdeck deploy web greet:bad-stall by $by *\$'"
# 4 /web Enter: the list narrows as it is typed; web is selected
sd_tmux send-keys 4 / w
sd_check "4 /w: the rollout pane lists only web" wait_for 10 sh -c "tmux -L '$SD_TMUX' capture-pane -p \
	| grep -q 'filter: w (Esc clears)' && ! tmux -L '$SD_TMUX' capture-pane -p \
	| grep -qE '[│›] ?(shop|pay-blue|pay-green) +[0-9]+/[0-9]+ +[0-9]+ +[0-9]+ '"
sd_tmux send-keys e b Enter
sd_check "4 /web Enter: web is selected" sd_tmux_wait "r rollback → deploy/web" 10
sleep 3
sd_check "d: the rollout stalls (a new pod never ready)" sh -c "kc() { kubectl --kubeconfig '$K' \
	--cache-dir '$SD_TMP/kubecache' \"\$@\"; }; kc get pods -l app=web --no-headers | grep -q ' 0/1 '"
sd_check "d: old pods keep serving (maxUnavailable 0)" sh -c "test \$(kubectl --kubeconfig '$K' \
	--cache-dir '$SD_TMP/kubecache' get deploy web -o jsonpath='{.status.availableReplicas}') = 3"

# r y: roll back web from the rollout pane.
sd_tmux send-keys r
sd_check "r: the dialog names web, from bad-stall" sd_tmux_wait "Roll back deploy/web to revision" 10
sd_check "r: the dialog shows the image it leaves" sd_tmux_wait "bad-stall" 10
sd_tmux send-keys y
sd_check "r: web is back on $sha7-3" wait_for 30 image_is web "$registry/demo/greet:$sha7-3"
sd_check "r: the rollback completes" wait_for 60 rolled_out web
sd_check "r: shop, pay-blue and pay-green did not change" others_same
sd_check "r: web's history names the rollback" sh -c "kubectl --kubeconfig '$K' --cache-dir \
	'$SD_TMP/kubecache' rollout history deploy/web | tail -2 \
	| grep -qE '^[0-9]+ +shipdeck rollback web to revision [0-9]+ \(greet:$sha7-3\) by $by *\$'"
sd_check "r: the audit log has the rollback with from and to" sh -c "grep '\"action\":\"rollback\"' \
	'$XDG_STATE_HOME/shipdeck/audit.jsonl' | grep -q '\"result\":\"ok\"'"

# K: kill a pod of web; it is replaced.
# j until the cursor (›) is on a pod row of web
for i in $(seq 12); do
	sd_tmux_screen | grep -q '›  *web-[a-z0-9]*-[a-z0-9]\{5\} ' && break
	sd_tmux send-keys j
	sleep 0.2
done
sd_check "K: a pod is under the cursor" sh -c "tmux -L '$SD_TMUX' capture-pane -p \
	| grep -q '›  *web-[a-z0-9]*-[a-z0-9]\{5\} '"
sd_tmux send-keys K
sd_check "K: the dialog asks to kill a pod" sd_tmux_wait "kill-pod pod/" 10
killed=$(sd_tmux_screen | grep -o 'kill-pod pod/[a-z0-9-]*' | head -1 | cut -d/ -f2)
sd_check "K: the dialog names the pod" test -n "$killed"
sd_tmux send-keys y
sd_check "K: the pod is gone" wait_for 30 sh -c "! kubectl --kubeconfig '$K' --cache-dir \
	'$SD_TMP/kubecache' get pod '$killed' >/dev/null 2>&1"
sd_check "K: web has 3 ready pods again" wait_for 60 sh -c "test \$(kubectl --kubeconfig '$K' \
	--cache-dir '$SD_TMP/kubecache' get deploy web -o jsonpath='{.status.readyReplicas}') = 3"
sd_check "K: web still runs $sha7-3" image_is web "$registry/demo/greet:$sha7-3"
sd_check "K: shop, pay-blue and pay-green did not change" others_same

# A canary of the bad image: the judge fails it, automatic mode aborts it.
shop_image=$(image_of shop)
sd_tmux send-keys 3 G k
sd_check "3: bad-errors selected, the title says C canary → shop" sd_tmux_wait "C canary → shop" 10
sd_tmux send-keys C
sd_check "C: the dialog starts a canary of bad-errors for shop" sd_tmux_wait "Start a canary of greet:bad-errors for shop" 10
sd_tmux send-keys y
sd_check "C: an unknown tag asks again" sd_tmux_wait "[y] yes  [n] no" 10
sd_tmux send-keys y
sd_check "C: shop-canary runs bad-errors" wait_for 20 image_is shop-canary "$registry/demo/greet:bad-errors"
replicas_is() { [ "$(kc get deploy "$1" -o jsonpath='{.spec.replicas}')" = "$2" ]; }
at_25() { replicas_is shop-canary 1 && replicas_is shop 3; }
sd_check "C: at 25%: one canary pod of four" wait_for 20 at_25
sd_check "C: shop's stable image did not change" image_is shop "$shop_image"
sd_check "C: web did not change" image_is web "$registry/demo/greet:$sha7-3"
sd_check "C: pay-blue and pay-green did not change" pay_same
sd_tmux send-keys 5
sd_check "the judge fails the canary with its numbers" sd_tmux_wait "success-rate: canary mean" 60
# each row is judged on its own samples: on a loaded machine (the upstream
# suite beside this test) the success rate's window took over 20 s to fill.
# The row fails low, or below its limit: early in the window, canary samples
# of 1 (no errors yet) tie with the stable's, and the shift's 95% interval
# can then end at 0 exactly (CI's cold run: "0.0064 no shift ✗ min 0.99"),
# which the judge does not call a shift (README: "excludes 0")
low_row='success-rate +[0-9.]+ +[0-9.]+ .* (low ✗|✗ min [0-9.]+)'
sd_check "… and each metric's numbers fail it: success rate low" wait_for 60 screen_has_re "$low_row"
screen_has_re "$low_row" \
	|| sd_tmux_screen | grep -E 'success-rate|latency-p99' | sed 's/^/# the screen: /'
sd_check "… latency high" wait_for 60 screen_has_re 'latency-p99 +[0-9.]+ +[0-9.]+ .* high ✗'
sd_tmux send-keys A
sd_check "A: the dialog turns automatic analysis on" sd_tmux_wait "[y] confirm" 10
sd_tmux send-keys y
canary_scaled_to() { [ "$(kc get deploy shop-canary -o jsonpath='{.spec.replicas}')" = "$1" ]; }
sd_check "automatic mode aborts: shop-canary at 0" wait_for 90 canary_scaled_to 0
sd_check "abort left the stable untouched" image_is shop "$shop_image"
sd_check "the stable is back at 4 replicas" sh -c "test \$(kubectl --kubeconfig '$K' \
	--cache-dir '$SD_TMP/kubecache' get deploy shop -o jsonpath='{.spec.replicas}') = 4"
sd_check "the abort is in the audit log with its numbers" sh -c "grep '\"action\":\"abort\"' \
	'$XDG_STATE_HOME/shipdeck/audit.jsonl' | grep -q 'success-rate'"
sd_tmux send-keys A y

# A good canary promoted step by step until the stable runs it.
sd_tmux send-keys 3 g C
sd_check "C: a canary of the good build" sd_tmux_wait "Start a canary of greet:$sha7-3 for shop" 10
sd_tmux send-keys y
sd_check "C: shop-canary runs $sha7-3" wait_for 20 image_is shop-canary "$registry/demo/greet:$sha7-3"
for step in 50 100; do
	sd_tmux send-keys 5 p
	sd_check "p: promote to $step%" sd_tmux_wait "[y] confirm" 10
	sd_tmux send-keys y
	sleep 2
done
sd_check "promoted to 100: the stable runs $sha7-3" wait_for 60 image_is shop "$registry/demo/greet:$sha7-3"
sd_check "promoted to 100: shop-canary at 0" wait_for 60 canary_scaled_to 0
sd_check "promoted to 100: shop's history names the promotion" sh -c "kubectl --kubeconfig '$K' \
	--cache-dir '$SD_TMP/kubecache' rollout history deploy/shop | tail -2 \
	| grep -q '^[0-9]* *shipdeck promote shop greet:$sha7-3 (canary 100%) by $by *\$'"
web_and_pay_same() { image_is web "$registry/demo/greet:$sha7-3" && pay_same; }
sd_check "promoted: web, pay-blue and pay-green did not change" web_and_pay_same

# Blue/green: deploy to the idle colour, switch, switch back.
selector_is() { [ "$(kc get svc pay -o jsonpath='{.spec.selector.color}')" = "$1" ]; }
sd_tmux send-keys 5 j 3 g C
sd_check "C on pay: deploys to the idle colour" sd_tmux_wait "pay-green" 10
sd_tmux send-keys y
sd_check "pay-green runs $sha7-3" wait_for 20 image_is pay-green "$registry/demo/greet:$sha7-3"
sd_check "pay-green rolled out" wait_for 60 rolled_out pay-green
# the console refuses until its own view of green is all ready: ask again
for i in $(seq 20); do
	sd_tmux send-keys 5 p
	sd_tmux_wait "[y] confirm" 1 >/dev/null 2>&1 && break
done
sd_check "p: the switch is asked" sd_tmux_wait "[y] confirm" 5
sd_tmux send-keys y
sd_check "p: the Service pay now selects green" wait_for 20 selector_is green
sd_tmux send-keys 5 a
sd_check "a: the switch back is asked" sd_tmux_wait "[y] confirm" 10
sd_tmux send-keys y
sd_check "a: the Service pay selects blue again" wait_for 20 selector_is blue

# web's rollout history, which a resumed demo must keep
revisions_of() { kc rollout history deploy/"$1" | awk '$1 ~ /^[0-9]+$/ { printf "%s ", $1 }'; }
web_revisions=$(revisions_of web)
sd_check "web has more than one revision ($web_revisions)" test "$(echo $web_revisions | wc -w)" -gt 1

# q: nothing of the world is left.
sd_tmux send-keys q
sd_check "q quits with 0" sd_tmux_wait "EXIT=0" 30
for pid in $repo_pids; do
	sd_check "process $pid of the world is gone" sh -c "! kill -0 $pid 2>/dev/null"
done

# A second demo resumes: same repository and builds, the cluster as it was.
sd_check "demo --up resumes" sh -c "'$SHIPDECK' demo --dir '$DEMO' --up >'$SD_TMP/up.out' 2>&1"
for key in kubeconfig repository registry prometheus; do
	sd_check "demo --up prints $key:" grep -q "^$key: " "$SD_TMP/up.out"
done
sd_check "demo --up prints the cluster's address" grep -qE '^(sandbox|apiserver): https://127\.0\.0\.1:' "$SD_TMP/up.out"
sd_check "demo --up's kubeconfig serves kubectl" sh -c "kubectl --kubeconfig \"\$(sed -n 's/^kubeconfig: //p' \
	'$SD_TMP/up.out')\" --cache-dir '$SD_TMP/kubecache' get deploy web >/dev/null"
SD_PIDS+=($(pids_of_world))
sd_check "the resumed cluster runs web on $sha7-3" wait_for 20 image_is web \
	"127.0.0.1:$(port_of docker-registry)/demo/greet:$sha7-3"
history_kept() { [ "$(revisions_of web)" = "$web_revisions" ]; }
sd_check "the resumed cluster keeps web's revisions $web_revisions" wait_for 20 history_kept
sd_check "the build history is kept" sh -c "'$SHIPDECK' --repo '$DEMO/repo' pipeline ls \
	| grep -c '#\\?[0-9]' >/dev/null && test -d '$DEMO/repo/.git'"
world_pids=$(pids_of_world)
servers=3   # the cluster, the registry, Prometheus; beside the upstream one, its traffic
cluster_is_upstream && servers=4
sd_check "world.json names the $servers servers' pids" test "$(echo $world_pids | wc -w)" = $servers
sd_check "demo --down stops it" sh -c "'$SHIPDECK' demo --dir '$DEMO' --down"
for pid in $world_pids; do
	sd_check "process $pid stopped by --down" sh -c "! kill -0 $pid 2>/dev/null"
done
sd_done
