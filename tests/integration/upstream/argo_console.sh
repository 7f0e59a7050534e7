#!/bin/bash
# Argo Rollouts in the console, on the real controller (issue 16, acceptance
# 1, 2 and 5 on one control plane):
#  5. with --read-only every key of the keymap, pressed on the Rollout, its
#     replica sets and a pod, sends no write: the apiserver's audit log holds
#     no change by shipdeck, and the plugin still sees step 1/4;
#  1. a canary Rollout (setWeight 25, pause, setWeight 50, pause {}) on a good
#     image promoted from the console (p, y) step by step to Healthy; after
#     each step `kubectl argo rollouts get rollout` and `shipdeck rollout
#     status rollout/web --json` agree on status, step, weights and the
#     replica sets (revision, name, role, health);
#  2. a bad image (never ready, by the faults file) aborted from the console
#     (a, y): the controller scales the canary down, the Rollout is
#     Degraded, and the pane shows the controller's message.
# Then the other actions from the console, each as the plugin sends it and
# judged by what the controller did: p on the aborted Rollout retries it, r
# undoes to the good revision, R restarts the pods, P promotes a new
# revision fully, d sets an image (and `shipdeck deploy rollout/web` does,
# and `kubectl argo rollouts set image`: the same change to the spec by the
# same requests; `R` and `shipdeck rollout restart rollout/web` send the
# plugin's restart request); every one has its intent and result in the
# audit log.
#  3. an AnalysisTemplate with the Prometheus provider over the simulated
#     traffic's metrics (shipdeck-sandbox --traffic-only, Debian's
#     Prometheus) fails a canary serving 20 % errors: the Rollout is
#     Degraded, `rollout status` and the pane show the AnalysisRun Failed
#     with its measurements; an Inconclusive step analysis pauses another,
#     and p (the plugin's promote) takes it on to its next step;
#  4. Flagger (kubernetes provider) blue/green: the pane lists canary/shop,
#     follows it from Initialized through Progressing to Succeeded, and p/a
#     say what Flagger offers instead; `canary status` shows it too.
. "$(dirname "$0")/argo_lib.sh"
: "${SHIPDECK:?}"
command -v tmux >/dev/null || skip "tmux not found"
command -v jq >/dev/null || skip "jq not found"
command -v prometheus >/dev/null || skip "Debian's prometheus not installed"

cat >"$WORK/faults.yaml" <<'YAML'
- image: "example/web:bad*"
  never-ready: "true"
- image: "*:bad-errors*"
  error-rate: "0.2"
YAML
start_sandbox argo --faults "$WORK/faults.yaml" --request-log "$WORK/audit.jsonl"
export KUBECONFIG=$KC
start_argo

rollout() {
	argo_rollout web 4 "$1" <<'YAML'
      steps:
      - setWeight: 25
      - pause: {}
      - setWeight: 50
      - pause: {}
YAML
}

# The plugin's view and shipdeck's, each reduced to one line:
# status step set actual | rev:name:role:health ...
plugin_view() {
	kubectl argo rollouts get rollout web --no-color 2>&1 | tee "$WORK/get.txt" | python3 -c '
import re, sys
status = step = setw = actual = "-"
rev, rss = None, []
for line in sys.stdin:
    m = re.match(r"^(Status|  Step|  SetWeight|  ActualWeight):\s+(.*?)\s*$", line)
    if m:
        v = m.group(2).split()[-1]
        if m.group(1) == "Status": status = v
        elif m.group(1) == "  Step": step = v
        elif m.group(1) == "  SetWeight": setw = v
        else: actual = v
    m = re.search(r"# revision:(\d+)", line)
    if m:
        rev = m.group(1)
    m = re.search(r"\S+ (\S+)\s+ReplicaSet\s+\S+ (\w+)\s+\S+\s*(.*)$", line)
    if m:
        tags = [t for t in m.group(3).split(",") if t.strip() in ("stable", "canary")]
        rss.append("%s:%s:%s:%s" % (rev, m.group(1), tags[0].strip() if tags else "-", m.group(2)))
print(status, step, setw, actual, "|", " ".join(sorted(rss)))
'
}
shipdeck_view() {
	sd --json rollout status rollout/web --timeout 30s 2>"$WORK/status.err" | tee "$WORK/status.json" | jq -r '
		[.status, (if .step == null then "-" else "\(.step)/\(.steps)" end),
		 (.setWeight | tostring), (.actualWeight | tostring), "|",
		 ([.replicaSets[] | "\(.revision):\(.name):\(if .role == "" then "-" else .role end):\(.status)"]
		  | sort | join(" "))] | join(" ")'
}
agree() {
	P=$(plugin_view) S=$(shipdeck_view)
	[ "$P" = "$S" ] && [ "${P%% *}" = "$1" ] && { [ -z "$2" ] || case $P in *" $2 "*) true ;; *) false ;; esac; }
}
# expect_agree STATUS STEP WHAT: the plugin and shipdeck agree, at STATUS and STEP
expect_agree() {
	wait_secs 60 agree "$1" "$2" || {
		echo "# plugin:   $P"; echo "# shipdeck: $S"; cat "$WORK/get.txt"
		tail -5 "$WORK/rollouts-controller.log"; fail "$3"
	}
	note "agree: $P"
}

# the pane at step 1/4, against its golden (tests/golden/argo/): the Rollout
# pane's column, without its pod lines (random names, nodes)
pane_golden() {
	screen | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
out, col = [], None
for line in lines:
    if col is None:
        m = re.search(r"4 Rollout ", line)   # " 4" or, focused, "\u25b64"
        if m:
            col = m.start() - 1
            out.append(re.sub(r"\u2500+", "---", line[col:]).rstrip())
        continue
    seg = line[col:].lstrip("\u2502").rstrip()
    if re.match(r"^.?[1235] [A-Z][a-z]", seg):
        break
    if re.search(r"kwok-node-\d", seg):
        continue
    out.append(seg)
print("\n".join(out))' >"$WORK/$1"
	sd_golden "$WORK/$1" "argo/$1"
	[ "$SD_FAILED" = 0 ] || fail "the pane differs from tests/golden/argo/$1"
}

rollout example/web:1.0 | kc apply -f - >/dev/null
expect_agree Healthy 4/4 "revision 1 never became Healthy, or the views differ"
rollout example/web:2.0 | kc apply -f - >/dev/null
expect_agree Paused 1/4 "revision 2 did not pause at step 1/4 at 25 %, or the views differ"
grep -q '"pauseReasons":\["CanaryPauseStep"\]' "$WORK/status.json" || fail "pause reason: $(cat "$WORK/status.json")"

# ---- 5: read-only, every key on every kind of row --------------------------
[ -z "$(cluster_changes "$WORK/audit.jsonl")" ] || fail "shipdeck wrote before the console started"
mapfile -t KEYS < <("$SHIPDECK" --help | sed -n '/^Keys in the console/,/^$/p' | sed '1d;$d' \
	| cut -c3-12 | tr ' ' '\n' | sed '/^$/d')
[ "${#KEYS[@]}" -gt 30 ] || fail "keymap not found in --help"
tmux_key() {
	case $1 in
	PgDn) echo NPage ;; PgUp) echo PPage ;; S-Tab) echo BTab ;; Esc) echo Escape ;;
	*) echo "$1" ;;
	esac
}
sweep() {
	for k in "${KEYS[@]}"; do
		[ "$k" = q ] && continue
		keys "$(tmux_key "$k")"
		sleep 0.02
		keys Escape Escape
	done
}
tmux_start "$SHIPDECK" --read-only --kubeconfig "$KC"
wait_screen 30 'rollout/web'
wait_screen 10 'step 1 of 4'
pane_golden paused-readonly-200x50
keys 4 p
wait_screen 5 'read-only: promote disabled'
for moves in "" "j" "j j j"; do
	keys 4 Home
	for m in $moves; do keys "$m"; done
	sweep
done
keys : ; keys -l "undo 1" ; keys Enter
wait_screen 5 'read-only: rollback disabled'
tmux_quit
changes=$(cluster_changes "$WORK/audit.jsonl")
[ -z "$changes" ] || { echo "$changes" | sed 's/^/# /'; fail "read-only: shipdeck sent a write"; }
[ "$(grep -c '"userAgent":"shipdeck/' "$WORK/audit.jsonl")" -gt 0 ] || fail "the audit log has no shipdeck request"
expect_agree Paused 1/4 "the read-only sweep moved the rollout"

# ---- 1: promote step by step from the console --------------------------------
tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 30 'step 1 of 4'
screen_has 'paused: CanaryPauseStep' || { screen; fail "the pane does not say why it pauses"; }
keys 4 p
wait_screen 5 'Promote rollout/web one step'
keys y
wait_screen 10 "rollout 'web' promoted"
expect_agree Paused 3/4 "promote from the console did not reach step 3/4 at 50 %"
wait_screen 30 'step 3 of 4'
keys p
wait_screen 5 'Promote rollout/web one step'
keys y
expect_agree Healthy 4/4 "the second promote did not finish the rollout"
wait_screen 30 'Healthy'
patches=$(cluster_changes "$WORK/audit.jsonl")
[ "$(echo "$patches" | grep -c 'rollouts/web/status')" = 2 ] \
	|| { echo "$patches"; fail "expected two PATCHes of rollouts/web/status (the plugin's request)"; }

# ---- 2: a bad image, aborted from the console --------------------------------
rollout example/web:bad1 | kc apply -f - >/dev/null
# the controller's canary at 25 %: one pod that never becomes ready
bad_replicas() {
	kc get rs -l app=web -o jsonpath='{range .items[?(@.spec.template.spec.containers[0].image=="example/web:bad1")]}{.spec.replicas}{end}'
}
bad_is() { [ "$(bad_replicas)" = "$1" ]; }
wait_secs 60 bad_is 1 \
	|| fail "no canary replica set for the bad image: $(kc get rs -l app=web 2>&1)"
wait_screen 30 'step 0 of 4'
wait_screen 30 'rollout/web .*Progressing'
keys a
wait_screen 5 'Abort rollout/web'
keys y
wait_screen 10 "rollout 'web' aborted"
wait_secs 60 sh -c "[ \"\$(kubectl argo rollouts get rollout web --no-color | sed -n 's/^Status: *. //p')\" = Degraded ]" \
	|| { kubectl argo rollouts get rollout web --no-color; fail "the aborted rollout is not Degraded"; }
msg=$(kc get rollout web -o jsonpath='{.status.message}')
case $msg in RolloutAborted:*) ;; *) fail "controller message: '$msg'" ;; esac
wait_screen 30 "controller: $msg"
wait_secs 30 bad_is 0 \
	|| fail "the canary was not scaled down: $(bad_replicas) replicas"
wait_screen 30 'ABORTED'
expect_agree Degraded "" "after the abort the views differ"

# ---- the other actions: retry, undo, restart, promote --full -----------------
# p on an aborted Rollout retries it (status.abort false): the bad canary again
keys p
wait_screen 5 'Retry the aborted rollout/web'
keys y
wait_screen 10 "rollout 'web' retried"
wait_secs 30 sh -c "[ \"\$(kubectl get rollout web -o jsonpath='{.status.abort}')\" != true ]" \
	|| fail "retry left status.abort $(kc get rollout web -o jsonpath='{.status.abort}')"
wait_secs 60 bad_is 1 || fail "the retried canary did not come back: $(bad_replicas) replicas"
# r undoes to the previous revision (the good image): Healthy on it again
wait_screen 30 'rollout/web .*Progressing'
keys r
wait_screen 5 'Undo rollout/web to revision 2'
keys y
wait_screen 10 "rollout 'web' rolled back to revision 2"
expect_agree Healthy 4/4 "undo did not bring the rollout back to Healthy"
[ "$(kc get rollout web -o jsonpath='{.spec.template.spec.containers[0].image}')" = example/web:2.0 ] \
	|| fail "undo restored $(kc get rollout web -o jsonpath='{.spec.template.spec.containers[0].image}')"
# R restarts the pods (spec.restartAt): the controller says when it did
MARK_RESTART=$(wc -l <"$WORK/audit.jsonl")
keys R
wait_screen 5 'Restart every pod of rollout/web'
keys y
wait_secs 60 sh -c "[ -n \"\$(kubectl get rollout web -o jsonpath='{.status.restartedAt}')\" ]" \
	|| { tail -5 "$WORK/rollouts-controller.log"; fail "restart: the controller never set status.restartedAt"; }
# P promotes a new revision fully, past its steps and pauses
rollout example/web:3.0 | kc apply -f - >/dev/null
expect_agree Paused 1/4 "revision 3.0 did not pause at step 1/4"
wait_screen 30 'step 1 of 4'
# headless beside the console: watch follows to Healthy, undo refuses read-only
sd --json rollout watch rollout/web --timeout 120s >"$WORK/watch.jsonl" 2>"$WORK/watch.err" &
WATCH=$!
sd_track "$WATCH"
rc=0
sd --read-only rollout undo rollout/web >/dev/null 2>"$WORK/undo.err" || rc=$?
[ "$rc" = 4 ] && grep -q 'read-only: rollback disabled' "$WORK/undo.err" || fail "read-only undo: $(cat "$WORK/undo.err")"
sd rollout undo rollout/web --dry-run >"$WORK/undo.out" || fail "undo --dry-run: $(cat "$WORK/undo.out")"
grep -q "would be undone (dry run)" "$WORK/undo.out" && grep -q "revision 4 (example/web:2.0)" "$WORK/undo.out" \
	|| { cat "$WORK/undo.out"; fail "undo --dry-run did not name revision 4"; }
keys P
wait_screen 5 'Promote rollout/web fully'
keys y
wait_screen 10 "rollout 'web' fully promoted"
expect_agree Healthy 4/4 "promote --full from the console did not finish the rollout"
wait_secs 30 sh -c "! kill -0 $WATCH" || fail "rollout watch did not end at Healthy"
wait "$WATCH" || fail "rollout watch exited $?: $(cat "$WORK/watch.err")"
jq -s -e 'any(.[]; .status == "Paused" and .step == 1) and (.[-1].status == "Healthy" and .[-1].step == 4)' \
	"$WORK/watch.jsonl" >/dev/null || { cat "$WORK/watch.jsonl"; fail "rollout watch's lines"; }
[ "$(kc get rollout web -o jsonpath='{.status.stableRS}')" = "$(kc get rollout web -o jsonpath='{.status.currentPodHash}')" ] \
	|| fail "fully promoted, yet the stable is not the current template"

# ---- set image: d on the Rollout, headless, and the plugin's own -------------
# Each must make the same change — the spec as it was with the one image
# replaced — with the same requests to the apiserver: a GET of the Rollout
# and an update (PUT) of it (the plugin's cmd/set, read from its code).
# requests UA_PREFIX FROM_LINE: the distinct "verb uri status" of the requests
# to rollouts/web (the object, not the list a watch reads) after FROM_LINE; a
# 409 is left out (both read and write again on one: the controller may have
# written the Rollout in between)
ROURI=/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/web
requests() {
	tail -n +"$(($2 + 1))" "$WORK/audit.jsonl" | jq -r --arg ua "$1" --arg uri "$ROURI" '
		select((.userAgent // "") | startswith($ua)) | select(.requestURI == $uri)
		| select(.responseStatus.code != 409)
		| "\(.verb) \(.requestURI) \(.responseStatus.code)"' | sort -u
}
has_update() { requests "$1" "$2" | grep -q '^update '; }
spec_of() { kc get rollout web -o json | jq -S '.spec'; }
# with_image IMAGE: the spec read before, with web's image replaced
with_image() { jq -S --arg i "$1" '.template.spec.containers |= map(if .name == "web" then .image = $i else . end)'; }
set_image_judged() {    # WHO IMAGE UA_PREFIX MARK SPEC_BEFORE
	local got want
	got=$(spec_of) want=$(echo "$5" | with_image "$2")
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); fail "$1's set image: the spec is not the one before with $2"; }
	wait_secs 10 has_update "$3" "$4" || fail "$1's set image: no update of $ROURI in the audit log"
	got=$(requests "$3" "$4")
	echo "$got" | sed "s/^/# $1: /"
	eval "REQ_$1=\$got"
}
before=$(spec_of) mark=$(wc -l <"$WORK/audit.jsonl")
keys d
wait_screen 5 'rollout/web image or tag (now example/web:3.0)'
keys -l 4.0
keys Enter
wait_screen 5 'Deploy example/web:4.0 to rollout/web'
screen_has 'from: *web=example/web:3.0' && screen_has 'to: *web=example/web:4.0' \
	|| { screen; fail "the set image dialog does not say from and to"; }
keys y
wait_screen 10 'rollout "web" image updated'
set_image_judged console example/web:4.0 shipdeck/ "$mark" "$before"
expect_agree Paused 1/4 "set image 4.0 from the console did not start a canary paused at 1/4"
rc=0
sd --read-only deploy rollout/web 5.0 >/dev/null 2>"$WORK/ro-deploy.err" || rc=$?
[ "$rc" = 4 ] && grep -q 'read-only: deploy disabled' "$WORK/ro-deploy.err" \
	|| fail "read-only deploy rollout/web: exit $rc, $(cat "$WORK/ro-deploy.err")"
sd deploy rollout/web 5.0 --dry-run >"$WORK/dry.out" || fail "deploy --dry-run: $(cat "$WORK/dry.out")"
grep -q 'to:   web=example/web:5.0' "$WORK/dry.out" || { cat "$WORK/dry.out"; fail "deploy --dry-run's to"; }
[ "$(spec_of)" = "$(echo "$before" | with_image example/web:4.0)" ] || fail "--dry-run or --read-only changed the spec"
before=$(spec_of) mark=$(wc -l <"$WORK/audit.jsonl")
sd --json deploy rollout/web 5.0 >"$WORK/deploy.json" || fail "deploy rollout/web 5.0: $(cat "$WORK/deploy.json")"
jq -e '.ok and .rollout == "web" and .from == "web=example/web:4.0" and .to == "web=example/web:5.0"' \
	"$WORK/deploy.json" >/dev/null || fail "deploy --json: $(cat "$WORK/deploy.json")"
set_image_judged headless example/web:5.0 shipdeck/ "$mark" "$before"
expect_agree Paused 1/4 "set image 5.0 headless did not start a canary paused at 1/4"
before=$(spec_of) mark=$(wc -l <"$WORK/audit.jsonl")
kubectl argo rollouts set image web web=example/web:6.0 >"$WORK/plugin-set.out" 2>&1 \
	|| fail "the plugin's set image: $(cat "$WORK/plugin-set.out")"
set_image_judged plugin example/web:6.0 kubectl-argo-rollouts/ "$mark" "$before"
[ "$REQ_console" = "$REQ_plugin" ] && [ "$REQ_headless" = "$REQ_plugin" ] \
	|| fail "set image: shipdeck's requests differ from the plugin's"
case $REQ_plugin in *"update $ROURI 200"*) ;; *) fail "the plugin's set image made no update" ;; esac
expect_agree Paused 1/4 "the plugin's set image did not start a canary paused at 1/4"
wait_screen 30 'rollout/web .* 6\.0 '    # the pane follows the plugin's change
# restart: the plugin's request is shipdeck's R's (a merge patch of spec.restartAt)
r_shipdeck=$(tail -n +"$((MARK_RESTART + 1))" "$WORK/audit.jsonl" | jq -r --arg uri "$ROURI" \
	'select((.userAgent // "") | startswith("shipdeck/")) | select(.requestURI == $uri and .verb == "patch") | .verb' | sort -u)
mark=$(wc -l <"$WORK/audit.jsonl")
kubectl argo rollouts restart web >"$WORK/plugin-restart.out" 2>&1 || fail "the plugin's restart: $(cat "$WORK/plugin-restart.out")"
r_plugin=$(requests kubectl-argo-rollouts/ "$mark" | awk '$1 != "get" {print $1}' | sort -u)
[ -n "$r_plugin" ] && [ "$r_shipdeck" = "$r_plugin" ] || fail "restart: shipdeck sent '$r_shipdeck', the plugin '$r_plugin'"
rc=0
sd --read-only rollout restart rollout/web >/dev/null 2>"$WORK/ro-restart.err" || rc=$?
[ "$rc" = 4 ] && grep -q 'read-only: restart disabled' "$WORK/ro-restart.err" \
	|| fail "read-only rollout restart rollout/web: exit $rc, $(cat "$WORK/ro-restart.err")"
mark=$(wc -l <"$WORK/audit.jsonl")
sd rollout restart rollout/web >"$WORK/restart.out" 2>&1 || fail "rollout restart rollout/web: $(cat "$WORK/restart.out")"
grep -q "rollout 'web' restarts in 0s" "$WORK/restart.out" || fail "rollout restart said: $(cat "$WORK/restart.out")"
has_patch() { requests shipdeck/ "$mark" | grep -q '^patch '; }
wait_secs 10 has_patch || true    # the audit log may lag the answer
r_headless=$(requests shipdeck/ "$mark" | awk '$1 != "get" {print $1}' | sort -u)
[ "$r_headless" = "$r_plugin" ] || fail "restart: shipdeck rollout restart sent '$r_headless', the plugin '$r_plugin'"
tmux_quit

# every change shipdeck made went through the gate: intent and result records
audit=$XDG_STATE_HOME/shipdeck/audit.jsonl
for a in promote abort retry rollback restart promote-full deploy; do
	grep -q "\"action\":\"$a\".*\"phase\":\"result\"\|\"phase\":\"result\".*\"action\":\"$a\"" "$audit" \
		|| { cat "$audit"; fail "no audit result for $a"; }
done

# ---- 3: an AnalysisTemplate on our traffic metrics fails a bad canary --------
start_traffic_prometheus "$WORK/faults.yaml"
argo_success_rate api 4s 2s 1 5
api_rollout() {
	argo_rollout api 2 "$1" 8080 <<'YAML'
      steps:
      - setWeight: 50
      - analysis:
          templates: [{templateName: success-rate}]
          args: [{name: hash, valueFrom: {podTemplateHashValue: Latest}}]
YAML
}
api_status() { kubectl argo rollouts get rollout api --no-color 2>&1 | sed -n 's/^Status: *. //p'; }
# and a Rollout whose step analysis can be neither pass nor fail (a constant
# 1 against > 2 and < 0): Inconclusive, the controller pauses it; p promotes
# past it as the plugin does (status.controllerPause false, the next step)
kc apply -f - >/dev/null <<YAML
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: undecided, namespace: default}
spec:
  metrics:
  - name: constant
    count: 1
    successCondition: result[0] > 2
    failureCondition: result[0] < 0
    provider: {prometheus: {address: $PROM, query: 'vector(1)'}}
YAML
inc_rollout() {
	argo_rollout inc 2 "$1" <<'YAML'
      steps:
      - setWeight: 50
      - analysis: {templates: [{templateName: undecided}]}
      - pause: {}
YAML
}
inc_get() { kc get rollout inc -o jsonpath="$1"; }
api_rollout example/api:1.0 | kc apply -f - >/dev/null
inc_rollout example/inc:1.0 | kc apply -f - >/dev/null
wait_secs 60 sh -c '[ "$(kubectl argo rollouts get rollout api --no-color 2>&1 | sed -n "s/^Status: *. //p")" = Healthy ]' \
	|| fail "rollout api never became Healthy ($(api_status))"
wait_secs 60 sh -c '[ "$(kubectl get rollout inc -o jsonpath={.status.phase})" = Healthy ]' \
	|| fail "rollout inc never became Healthy ($(inc_get '{.status.phase}'))"
api_rollout example/api:bad-errors1 | kc apply -f - >/dev/null
inc_rollout example/inc:2.0 | kc apply -f - >/dev/null
wait_secs 120 sh -c '[ "$(kubectl argo rollouts get rollout api --no-color 2>&1 | sed -n "s/^Status: *. //p")" = Degraded ]' \
	|| { kubectl argo rollouts get rollout api --no-color; kc get analysisrun -o yaml | tail -40
	     fail "the analysis did not fail the bad canary ($(api_status))"; }
run=$(kc get analysisrun -o jsonpath='{.items[0].metadata.name}')
[ "$(kc get analysisrun "$run" -o jsonpath='{.status.phase}')" = Failed ] || fail "analysis run $run: $(kc get analysisrun "$run" -o jsonpath='{.status.phase}')"
sd --json rollout status rollout/api >"$WORK/api.json" 2>/dev/null || true
jq -e --arg run "$run" '.status == "Degraded" and (.analysisRuns[] | select(.name == $run)
	| .phase == "Failed" and .metrics[0].name == "success-rate" and .metrics[0].failed >= 2)' \
	"$WORK/api.json" >/dev/null || fail "shipdeck's view of the failed analysis: $(cat "$WORK/api.json")"
# the pane: the AnalysisRun and its measurements (values as Prometheus gave them)
tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 30 'rollout/api'
keys 4 Home
for ((c = 0; c < 30; c++)); do screen_has '›rollout/api' && break; keys j; sleep 0.1; done
screen_has '›rollout/api' || { screen; fail "j never reached rollout/api"; }
wait_screen 10 "analysis $run"
wait_screen 10 'success-rate  *Failed .*failed: .*\[0\.[0-9]'
inconclusive() {
	[ "$(inc_get '{.status.pauseConditions[0].reason}')" = InconclusiveAnalysisRun ] \
		&& [ "$(inc_get '{.status.controllerPause}')" = true ]
}
wait_secs 90 inconclusive || { kubectl argo rollouts get rollout inc --no-color
	fail "rollout inc did not pause on its inconclusive analysis"; }
keys Home
for ((c = 0; c < 30; c++)); do screen_has '›rollout/inc' && break; keys j; sleep 0.1; done
screen_has '›rollout/inc' || { screen; fail "j never reached rollout/inc"; }
wait_screen 10 'InconclusiveAnalysisRun'
keys p
wait_screen 5 'Promote rollout/inc one step'
screen_has 'past the inconclusive analysis' \
	|| { screen; fail "the promote dialog does not say it goes past the inconclusive analysis"; }
keys y
wait_screen 10 "rollout 'inc' promoted"
past() {
	[ "$(inc_get '{.status.currentStepIndex}')" = 2 ] \
		&& [ "$(inc_get '{.status.pauseConditions[0].reason}')" = CanaryPauseStep ]
}
wait_secs 60 past || { kubectl argo rollouts get rollout inc --no-color
	fail "promote did not take rollout inc past its inconclusive analysis to the pause step"; }
kubectl argo rollouts get rollout inc --no-color | grep -q '^  Step: *2/3' \
	|| { kubectl argo rollouts get rollout inc --no-color; fail "the plugin does not see inc at step 2/3"; }
tmux_quit
stop_controller rollouts-controller "$ARGO_PID"

# ---- 4: Flagger blue/green followed by the pane ------------------------------
# (no Prometheus here: the analysis has no metrics, only iterations)
start_flagger "http://127.0.0.1:$(free_port)"
flagger_shop 3s
tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 60 'canary/shop .*Initialized'
keys 4 Home
for ((c = 0; c < 30; c++)); do screen_has '›canary/shop' && break; keys j; sleep 0.1; done
screen_has '›canary/shop' || { screen; fail "j never reached canary/shop"; }
wait_screen 10 'Flagger blue/green of deploy/shop'
keys p
wait_screen 5 'Flagger has no promote request'
keys a
wait_screen 5 'Flagger has no abort request'
sd --json canary status canary/shop | jq -e '.phase == "Initialized" and .strategy == "blue-green" and .target == "shop"' >/dev/null \
	|| fail "canary status canary/shop: $(sd --json canary status canary/shop 2>&1)"
kc set image deploy/shop shop=example/shop:2.0 >/dev/null
wait_screen 90 'Flagger blue/green of deploy/shop .*Progressing'
wait_screen 180 'canary/shop .*Succeeded'
sd --json canary status shop | jq -e '.phase == "Succeeded" and .failedChecks == 0' >/dev/null \
	|| fail "canary status shop (a Flagger Canary, no .shipdeck.yml): $(sd --json canary status shop 2>&1)"
[ "$(kc get deploy shop-primary -o jsonpath='{.spec.template.spec.containers[0].image}')" = example/shop:2.0 ] \
	|| fail "Flagger did not promote example/shop:2.0 to shop-primary"
tmux_quit
stop_controller flagger "$FLAGGER_PID"
echo "PASS"
