#!/usr/bin/env bash
# Issue 20, acceptance 3: stage and prod (two namespaces of one sandbox) run
# web from the same template but for replicas and a host name, which prod
# declares as expected differences: `shipdeck drift web` exits 0. kubectl
# changes one env var and one probe in prod: drift reports exactly those two
# fields and exits 1, the expected ones still not reported; a ConfigMap
# value changed in prod is drift too (values compared, not only names).
# The rollout pane shows the drift of the selected deployment.
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/envs/lib.sh"
cd "$SD_TMP"
export ASAN_OPTIONS=log_path=$SD_TMP/asan UBSAN_OPTIONS=log_path=$SD_TMP/asan

IMG=example/web:1.4@sha256:$(printf %064d 7)
{ env_manifests stage "$IMG" 1; env_manifests prod "$IMG" 3; } >m.yaml
# a host name that differs on purpose
sed -i '0,/- {name: LOG_LEVEL, value: info}/s//- {name: LOG_LEVEL, value: info}\n        - {name: PUBLIC_HOST, value: stage.example.com}/' m.yaml
sed -i '0,/- {name: LOG_LEVEL, value: info}$/!{0,/- {name: LOG_LEVEL, value: info}$/s//- {name: LOG_LEVEL, value: info}\n        - {name: PUBLIC_HOST, value: shop.example.com}/}' m.yaml
env_sandbox one m.yaml || { sd_fail "the sandbox did not start"; sd_done; }
REPO=$SD_TMP/repo
git_fixture "$REPO" "one commit"
env_project "$REPO" "" "  - {name: stage, context: one, namespace: stage, apps: [web]}
  - name: prod
    context: one
    namespace: prod
    apps: [web]
    expected_differences: [replicas, env.PUBLIC_HOST]
"
K() { kubectl --kubeconfig "$KC_one" "$@"; }
drift() { (cd "$REPO" && timeout 20 "$SHIPDECK" --kubeconfig "$KC_one" drift web "$@"); }
sd_check "the two host names differ in the manifests" \
	test "$(grep -c 'PUBLIC_HOST' m.yaml)" = 2

drift >d0.txt; rc=$?
sd_check "no drift: exit 0" test "$rc" = 0
sd_check "the expected differences are counted, not shown" grep -q "0 fields differ (2 expected differences not shown)" d0.txt

K -n prod set env deploy/web LOG_LEVEL=debug >/dev/null || sd_fail "set env"
K -n prod patch deploy web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe/periodSeconds","value":30}]' >/dev/null \
	|| sd_fail "patch the probe"
drift --json >d1.json; rc=$?
sd_check "drift: exit 1" test "$rc" = 1
sd_check "exactly the env var and the probe" json_q_lines d1.json \
	"[i['field'] for i in d[0]['drift']] == ['containers.web.env.LOG_LEVEL', 'containers.web.readinessProbe']"
sd_check "with each environment's value" json_q_lines d1.json \
	"d[0]['drift'][0]['values'] == {'stage': '\"info\"', 'prod': '\"debug\"'} and '\"periodSeconds\":30' in d[0]['drift'][1]['values']['prod']"
sd_check "the expected ones still left out" json_q_lines d1.json "d[0]['expected'] == 2"
drift >d1.txt
sd_check "text: the fields and values" grep -qF '  prod       "debug"' d1.txt
(cd "$REPO" && timeout 20 "$SHIPDECK" --kubeconfig "$KC_one" drift api) >d9.txt 2>&1; rc=$?
sd_check "an app no environment lists: exit 2, named" \
	sh -c "test $rc = 2 && grep -q \"no environment lists app 'api'\" d9.txt"

K -n prod patch configmap web-config --type=merge -p '{"data":{"pool":"2"}}' >/dev/null || sd_fail "patch the ConfigMap"
drift --json >d2.json
sd_check "a ConfigMap's value is drift" json_q_lines d2.json \
	"'containers.web.envFrom.configMap.web-config.pool' in [i['field'] for i in d[0]['drift']] and len(d[0]['drift']) == 3"

sd_tmux_start 160 50 "$SHIPDECK" --kubeconfig "$KC_one" --context one -n prod --repo "$REPO"
sd_tmux send-keys 4
sd_check "the rollout pane shows web's drift" sd_tmux_wait "drift of web across stage, prod: 3 fields" 20
sd_check "naming a field with its values" sd_tmux_wait 'containers.web.env.LOG_LEVEL  stage "info" · prod "debug"' 5
sd_check "a probe: only what differs" sd_tmux_wait 'containers.web.readinessProbe  stage periodSeconds=5 · prod periodSeconds=30' 5
sd_tmux_screen >rollout.txt
sd_tmux send-keys q

# an environment that cannot be read: exit 2
env_project "$REPO" "" "  - {name: stage, context: one, namespace: stage, apps: [web]}
  - {name: prod, context: nowhere, namespace: prod, apps: [web]}
"
drift >d3.txt 2>&1; rc=$?
sd_check "a missing context: exit 2" test "$rc" = 2
sd_check "naming the file, line and context" grep -q "\.shipdeck\.yml:3: environments: prod: .*nowhere" d3.txt
sd_check "the sanitizers (in a sanitizer build) had nothing to say" sh -c "! cat '$SD_TMP'/asan.* 2>/dev/null | grep ."
sd_done
