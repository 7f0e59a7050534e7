#!/usr/bin/env bash
# Acceptance 2 of the image tags issue, in a real terminal (tmux): a sandbox
# cluster whose deployment web runs build 2 of the fixture from Debian's
# docker-registry. The pane says where each tag runs and marks web's tag; d
# on build 4, y: kubectl sees build 4, the "runs on" column moves, the audit
# log has the deploy. Deploying latest asks a second time; n cancels. A
# deployment on latest gets a warning line. Headless, `images --json` says
# where each tag runs.
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/images/registry.sh"
command -v kubectl >/dev/null || sd_skip "kubectl is not installed"
[ -x "$SHIPDECK_SANDBOX" ] || sd_skip "shipdeck-sandbox is not built"
cd "$SD_TMP"
# a sanitizer build writes its reports here, for the check at the end
export ASAN_OPTIONS=log_path=$SD_TMP/asan UBSAN_OPTIONS=log_path=$SD_TMP/asan

reg_start open || exit 1
push_fixture || exit 1
IMAGE=127.0.0.1:$REG_PORT/app
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl

sandbox_start "$IMAGE:${TAG[2]}" || { sd_fail "the sandbox did not start"; sd_done; }
image_of_web() { kubectl --kubeconfig "$KC" get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}'; }
kubectl --kubeconfig "$KC" rollout status deploy/web --timeout=30s >/dev/null \
	|| sd_fail "web did not become available"

# headless: where each tag runs
(cd "$REPO" && timeout 30 "$SHIPDECK" --kubeconfig "$KC" images --json) >runs.json
sd_check "headless: build 2 runs on web, 2 pods, by tag" \
	json_q runs.json "row('${TAG[2]}')['runsOn'] == [{'namespace': 'default', 'deployment': 'web', 'pods': 2, 'by': 'tag'}]"
sd_check "headless: build 4 runs nowhere" json_q runs.json "row('${TAG[4]}')['runsOn'] == []"

# marked TAG: the row of TAG starts with ▶ (the selected deployment runs it),
# within 5 s: a capture can land between the lines of one frame (CI's ASan
# build saw the warning line drawn and the rows under it not yet)
marked() {
	local i
	for ((i = 0; i < 50; i++)); do
		sd_tmux_screen 2>/dev/null | grep -q -- "^▶.. $1 " && return 0
		sleep 0.1
	done
	sd_tmux_screen >&2 2>/dev/null
	return 1
}
wait_image() {
	for ((i = 0; i < 100; i++)); do [ "$(image_of_web)" = "$1" ] && return 0; sleep 0.1; done
	return 1
}
sd_tmux_start 200 50 "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
# web sorts first: the rollout pane selects it
sd_check "the rollout pane lists web" sd_tmux_wait " web " 20
# zoom the images pane: every column, the warning line
sd_tmux send-keys 3 Enter
sd_check "the pane shows build 4" sd_tmux_wait "${TAG[4]}" 20
sd_check "runs on: web on build 2" sd_tmux_wait "web ×2" 20
sd_check "build 2's row says it" sh -c "tmux -L '$SD_TMUX' capture-pane -p | grep -F -- ' ${TAG[2]} ' | grep -q 'web ×2'"
sd_check "warning line for the deployment on latest" \
	sd_tmux_wait "⚠ deploy/worker runs example/worker:latest" 5

# web's tag is marked; build 4, d, y
sd_check "web's tag is marked" marked "${TAG[2]}"
sd_tmux send-keys g j j
sleep 0.3
sd_tmux send-keys d
sd_check "the dialog asks" sd_tmux_wait "Deploy $IMAGE:${TAG[4]} to deploy/web?" 5
sd_check "the dialog names container and from-tag" sd_tmux_wait "from: web=$IMAGE:${TAG[2]}" 2
sd_check "the dialog names the to-tag" sd_tmux_wait "to:   web=$IMAGE:${TAG[4]}" 2
sd_check "the dialog names the build and commit" sd_tmux_wait "${TAG[4]}: build 4 of ${SHAS[3]:0:7} ${subjects[3]}" 2
sd_tmux send-keys y
sd_check "kubectl sees build 4" wait_image "$IMAGE:${TAG[4]}"
sd_check "runs on moves to build 4" sh -c "
	for i in \$(seq 200); do
		tmux -L '$SD_TMUX' capture-pane -p | grep -F -- ' ${TAG[4]} ' | grep -q 'web ×2' && exit 0
		sleep 0.1
	done; exit 1"
sd_check "build 4 is marked now" marked "${TAG[4]}"
sd_check "the audit log has the deploy" json_q_lines "$AUDIT" \
	"any(r['action'] == 'deploy' and r['target'] == 'deploy/web' and r['result'] == 'ok' and r['from'] == 'web=$IMAGE:${TAG[2]}' and r['to'] == 'web=$IMAGE:${TAG[4]}' for r in d)"

# latest: a second question; n cancels and nothing changes
sd_tmux send-keys G k
sleep 0.3
sd_tmux send-keys d
sd_check "latest: first question" sd_tmux_wait "Deploy $IMAGE:latest to deploy/web?" 5
sd_tmux send-keys y
sd_check "latest: the second question" sd_tmux_wait "latest is mutable" 5
sd_tmux send-keys n
sd_check "latest: cancelled" sd_tmux_wait "deploy deploy/web: cancelled" 5
sd_check "web still on build 4" test "$(image_of_web)" = "$IMAGE:${TAG[4]}"
sd_check "the audit log has the cancel" json_q_lines "$AUDIT" \
	"any(r['action'] == 'deploy' and r['result'] == 'cancelled' and r['to'] == 'web=$IMAGE:latest' for r in d)"
sd_tmux send-keys q
sd_check "the console quits" sh -c "for i in \$(seq 100); do tmux -L '$SD_TMUX' has-session 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
sd_check "the sanitizers (in a sanitizer build) had nothing to say" sh -c "! cat '$SD_TMP'/asan.* 2>/dev/null | grep ."
sd_done
