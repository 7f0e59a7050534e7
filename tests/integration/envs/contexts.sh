#!/usr/bin/env bash
# Issue 20, acceptance 4: stage and prod on two clusters (two sandboxes),
# one merged kubeconfig (KUBECONFIG=a:b, contexts one and two). The images
# pane reads both; `shipdeck promote` sends prod's change to the second
# cluster only, by digest; drift compares across the clusters and finds
# none once prod runs what stage runs. prod's rule (requires: passed stage for
# 1h) refuses first, saying how long the digest has run there.
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/envs/lib.sh"
cd "$SD_TMP"
export ASAN_OPTIONS=log_path=$SD_TMP/asan UBSAN_OPTIONS=log_path=$SD_TMP/asan

reg_start open || exit 1
push_fixture || exit 1
IMAGE=127.0.0.1:$REG_PORT/app
STAGE_IMG=$IMAGE:${TAG[4]}@${DIGEST[4]}
env_manifests stage "$STAGE_IMG" >one.yaml
env_manifests prod "$IMAGE:${TAG[1]}@${DIGEST[1]}" >two.yaml
env_sandbox one one.yaml && env_sandbox two two.yaml || { sd_fail "the sandboxes did not start"; sd_done; }
export KUBECONFIG=$KC_one:$KC_two
env_project "$REPO" "$IMAGE" "  - {name: stage, context: one, namespace: stage, apps: [web]}
  - {name: prod, context: two, namespace: prod, apps: [web]}
"
env_wait_rolled "$KC_one" stage && env_wait_rolled "$KC_two" prod || sd_fail "web did not roll out"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl

sd_tmux_start 200 40 "$SHIPDECK" --repo "$REPO"
sd_tmux send-keys 3 Enter
sd_check "stage read from context one" sd_tmux_wait "stage  web ${TAG[4]}@sha256:${DIGEST[4]:7:4}…${DIGEST[4]: -4} ×2 ✓  one/stage" 20
sd_check "prod read from context two" sd_tmux_wait "prod   web ${TAG[1]}@sha256:${DIGEST[1]:7:4}…${DIGEST[1]: -4} ×2 ✓  two/prod" 10
sd_tmux send-keys q

(cd "$REPO" && timeout 20 "$SHIPDECK" drift web >"$SD_TMP/d0.txt"); rc=$?
sd_check "before: the image differs across the clusters (exit 1)" test "$rc" = 1
sd_check "before: only the image" grep -q "^drift of web across stage, prod: 1 field differs$" d0.txt
out=$(cd "$REPO" && timeout 20 "$SHIPDECK" --read-only promote web --from stage 2>&1); rc=$?
sd_check "--read-only: refused (exit 4)" test "$rc" = 4
sd_check "--read-only: says so" grep -q "read-only: promote-image disabled" <<<"$out"
# prod's rule: the digest must have run ready in stage for an hour
env_project "$REPO" "$IMAGE" "  - {name: stage, context: one, namespace: stage, apps: [web]}
  - {name: prod, context: two, namespace: prod, apps: [web], requires: {passed: stage, for: 1h}}
"
out=$(cd "$REPO" && timeout 20 "$SHIPDECK" promote web --from stage 2>&1); rc=$?
sd_check "requires passed stage for 1h: refused (exit 1)" test "$rc" = 1
sd_check "saying how long it has run" grep -q "prod requires ${DIGEST[4]} to have run in stage for 60m: it has for [0-9]*s" <<<"$out"
env_project "$REPO" "$IMAGE" "  - {name: stage, context: one, namespace: stage, apps: [web]}
  - {name: prod, context: two, namespace: prod, apps: [web], requires: {passed: stage, for: 1s}}
"
sleep 1
out=$(cd "$REPO" && timeout 20 "$SHIPDECK" --json promote web --from stage --to prod); rc=$?
sd_check "promote across clusters: exit 0" test "$rc" = 0
sd_check "the JSON names the change" python3 -c "
import json, sys; d = json.loads(sys.argv[1])
sys.exit(0 if d['ok'] and d['toEnvironment'] == 'prod' and d['to'] == 'prod: web=$STAGE_IMG (as stage runs it)' else 1)" "$out"
wait_digest() {
	for ((i = 0; i < 100; i++)); do [ "$(pod_digests "$KC_two" prod)" = "${DIGEST[4]}" ] && return 0; sleep 0.1; done
	return 1
}
sd_check "the second cluster's prod runs stage's digest" wait_digest
sd_check "the first cluster has no prod" sh -c "! kubectl --kubeconfig '$KC_one' -n prod get deploy web >/dev/null 2>&1"
sd_check "the audit record names context two" json_q_lines "$AUDIT" \
	"any(r['action'] == 'promote-image' and r['phase'] == 'result' and r['result'] == 'ok' and r['context'] == 'two' and r['namespace'] == 'prod' for r in d)"
env_wait_rolled "$KC_two" prod
(cd "$REPO" && timeout 20 "$SHIPDECK" drift web >"$SD_TMP/d1.txt"); rc=$?
sd_check "after: no drift across the clusters (exit 0)" test "$rc" = 0
out=$(cd "$REPO" && timeout 20 "$SHIPDECK" promote web --from stage 2>&1); rc=$?
sd_check "promoting again: nothing to do (exit 0)" test "$rc" = 0
sd_check "says so" grep -q "prod already runs sha256:" <<<"$out"
sd_check "the sanitizers (in a sanitizer build) had nothing to say" sh -c "! cat '$SD_TMP'/asan.* 2>/dev/null | grep ."
sd_done
