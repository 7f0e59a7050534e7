#!/usr/bin/env bash
# Issue 20, acceptance 1 and 2: stage and prod as two namespaces of one
# sandbox, build 2 deployed to stage by digest (repo:tag@sha256:…), build 1
# in prod. In tmux the images pane shows a column per environment; E on
# build 2 asks to promote web from stage to prod, y: kubectl shows prod's
# pods on stage's digest and the audit log has the record with prod's
# context and namespace. Then build 2's tag is moved in the registry to
# another image: E (and `shipdeck promote`) refuses naming both digests,
# and the pane shows the moved tag. prod asks to confirm twice.
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/envs/lib.sh"
cd "$SD_TMP"
export ASAN_OPTIONS=log_path=$SD_TMP/asan UBSAN_OPTIONS=log_path=$SD_TMP/asan

reg_start open || exit 1
push_fixture || exit 1
IMAGE=127.0.0.1:$REG_PORT/app
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
STAGE_IMG=$IMAGE:${TAG[2]}@${DIGEST[2]}
{ env_manifests stage "$STAGE_IMG"; env_manifests prod "$IMAGE:${TAG[1]}@${DIGEST[1]}"; } >m.yaml
env_sandbox one m.yaml || { sd_fail "the sandbox did not start"; sd_done; }
env_project "$REPO" "$IMAGE" "  - {name: stage, context: one, namespace: stage, apps: [web]}
  - {name: prod, context: one, namespace: prod, apps: [web], confirm: twice}
"
env_wait_rolled "$KC_one" stage && env_wait_rolled "$KC_one" prod || sd_fail "web did not roll out"
K() { kubectl --kubeconfig "$KC_one" "$@"; }

# headless dry run first: what it would send, nothing changed
out=$(cd "$REPO" && timeout 20 "$SHIPDECK" --kubeconfig "$KC_one" promote web --from stage --dry-run 2>&1)
sd_check "dry run: names the change by digest" grep -qF "to:   prod: web=$STAGE_IMG (as stage runs it)" <<<"$out"
sd_check "dry run: prod unchanged" test "$(pod_digests "$KC_one" prod)" = "${DIGEST[1]}"

# screen goldens (script mode): the image tags pane with a line and a
# column per environment, and the rollout pane with web's drift (the image)
# one golden for both clusters: the pod column is as wide as the names,
# whose hashes are of other lengths there
NORM='s/POD +STATUS/POD STATUS/'
cat >steps <<STEPS
wait-for one/prod
key 3
key Enter
dump images
key Esc
key 4
wait-for drift of web
dump rollout
STEPS
sd_script 200x50 "$SD_TMP/steps" --kubeconfig "$KC_one" -n stage --repo "$REPO"
sd_golden images envs/images-200x50
sd_golden rollout envs/rollout-200x50

sd_tmux_start 200 50 "$SHIPDECK" --kubeconfig "$KC_one" --repo "$REPO"
sd_tmux send-keys 3 Enter
sd_check "a column per environment" sd_tmux_wait "STAGE" 20
sd_check "prod's column" sd_tmux_wait "PROD" 5
sd_check "stage runs build 2 by digest, the tag agrees" \
	sd_tmux_wait "stage  web ${TAG[2]}@sha256:${DIGEST[2]:7:4}…${DIGEST[2]: -4} ×2 ✓" 10
# build 2's row (0123456-7 first, then builds 5 4 3 2 …)
sd_tmux send-keys g j j j j
sleep 0.3
sd_tmux send-keys E
sd_check "the dialog asks" sd_tmux_wait "Promote web from stage to prod by digest?" 10
sd_check "the dialog says the tag was checked" sd_tmux_wait "the registry's tag ${TAG[2]} points at this digest (checked now)" 2
sd_tmux send-keys y
sd_check "prod's rule: a second question" sd_tmux_wait "prod asks for a second confirm: promote sha256:${DIGEST[2]:7:4}…${DIGEST[2]: -4} to prod?" 5
sd_check "nothing sent before the second yes" test "$(pod_digests "$KC_one" prod)" = "${DIGEST[1]}"
sd_tmux send-keys y
wait_digest() {
	for ((i = 0; i < 100; i++)); do [ "$(pod_digests "$KC_one" prod)" = "$1" ] && return 0; sleep 0.1; done
	return 1
}
sd_check "kubectl: prod's pods run stage's digest" wait_digest "${DIGEST[2]}"
sd_check "kubectl: prod's template names the digest" \
	test "$(K -n prod get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" = "$STAGE_IMG"
sd_check "stage and prod report one digest" test "$(pod_digests "$KC_one" stage)" = "$(pod_digests "$KC_one" prod)"
sd_check "the audit log has the promotion, in prod's context and namespace" json_q_lines "$AUDIT" \
	"any(r['action'] == 'promote-image' and r['phase'] == 'result' and r['result'] == 'ok' and r['context'] == 'one' and r['namespace'] == 'prod' and r['target'] == 'deploy/web' and r['to'] == 'prod: web=$STAGE_IMG (as stage runs it)' for r in d)"

# the tag moves in the registry: build 2's tag now names build 3's image
reg_tag app "${TAG[3]}" "${TAG[2]}" || sd_fail "retag"
out=$(cd "$REPO" && timeout 20 "$SHIPDECK" --kubeconfig "$KC_one" promote web --from stage 2>&1); rc=$?
sd_check "headless promote refuses (exit 1)" test "$rc" = 1
sd_check "the refusal names stage's digest" grep -qF "${DIGEST[2]}" <<<"$out"
sd_check "and the registry's" grep -qF "but the registry's tag ${TAG[2]} now points at ${DIGEST[3]}" <<<"$out"
sd_tmux send-keys E
sd_check "E refuses, naming both digests" sd_tmux_wait "now points at sha256:" 10
sd_check "the pane shows the moved tag" sd_tmux_wait "stage  web ${TAG[2]}@sha256:${DIGEST[2]:7:4}…${DIGEST[2]: -4} ×2 ✗ the tag now points at" 10
sd_check "the refusal was recorded nowhere as a change" json_q_lines "$AUDIT" \
	"sum(1 for r in d if r['action'] == 'promote-image' and r['phase'] == 'intent') == 1"
sd_tmux send-keys q
sd_check "the sanitizers (in a sanitizer build) had nothing to say" sh -c "! cat '$SD_TMP'/asan.* 2>/dev/null | grep ."
sd_done
