#!/usr/bin/env bash
# --read-only cannot leak: every key of the keymap pressed in every pane, on
# every kind of row (a build and its steps, a build log, image tags, a
# deployment, a replica set, a pod and its detail, a canary under way and a
# blue/green app), and every ':' command (ctx, ns, theme, undo, audit, q).
# Every action that changes
# things says "read-only: NAME disabled"; the sandbox's request log and the
# registry's (through fault_proxy.py) hold nothing but GET and HEAD; no build
# starts; the audit log, the cluster (deployments, services, pods), the
# registry and the repository are as they were.
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/images/registry.sh"
command -v kubectl >/dev/null || sd_skip "kubectl is not installed"
command -v tmux >/dev/null || sd_skip "tmux is not installed"
command -v jq >/dev/null || sd_skip "jq is not installed"
cd "$SD_TMP"
export KUBECACHEDIR=$SD_TMP/kubecache ASAN_OPTIONS=log_path=$SD_TMP/asan UBSAN_OPTIONS=log_path=$SD_TMP/asan

# the registry with the image tags fixture, read through a logging proxy
reg_start open || exit 1
push_fixture || exit 1
python3 "$SD_TESTS/integration/failures/fault_proxy.py" --upstream "$REG_PORT" \
	--port-file proxy.port --control-port-file proxy.ctl --log registry-requests.jsonl &
SD_PIDS+=($!)
for ((i = 0; i < 100; i++)); do [ -s proxy.port ] && break; sleep 0.1; done
PROXY=$(cat proxy.port)
# the canary pane's Prometheus is the same logging proxy: its queries must be GETs too
project_yml "$REPO" "127.0.0.1:$PROXY/app" "prometheus: http://127.0.0.1:$PROXY
apps:
  shop: {strategy: canary, steps: [25, 50, 100], interval: 2s}
  pay: {strategy: blue-green, interval: 2s}
"

# a pipeline whose every build leaves a mark; build 1 runs before the sweep
cat >"$REPO/.drone.yml" <<YML
kind: pipeline
type: exec
steps:
- name: build
  commands: [touch "$SD_TMP/built-\$DRONE_BUILD_NUMBER", echo built]
- name: test
  commands: [echo tested]
YML
git -C "$REPO" add -A
git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q -m "a pipeline"
(cd "$REPO" && "$SHIPDECK" pipeline run >/dev/null) || sd_fail "build 1 did not run"
[ -e built-1 ] || sd_fail "build 1 left no mark"

# the cluster: web runs build 2's image; shop and pay of the canary tests
cp "$SD_TESTS/integration/canary/world.yaml" manifests.yaml
cat >>manifests.yaml <<YAML
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "127.0.0.1:$PROXY/app:${TAG[2]}"}
YAML
KC=$SD_TMP/kubeconfig
"$SHIPDECK_SANDBOX" --port 0 --kubeconfig-out "$KC" --time-scale 50 --manifests manifests.yaml \
	--request-log cluster-requests.jsonl >sandbox.out 2>sandbox.err &
SD_PIDS+=($!)
cluster_wait_listening sandbox.out "${SD_PIDS[-1]}" >/dev/null || sd_fail "the cluster did not start"
kc() { kubectl --kubeconfig "$KC" "$@"; }
CTX=$(sed -n 's/^current-context: //p' "$KC")
kc rollout status deploy/web --timeout=30s >/dev/null || sd_fail "web did not become available"
kc rollout status deploy/shop --timeout=30s >/dev/null || sd_fail "shop did not become available"
"$SHIPDECK" --kubeconfig "$KC" --repo "$REPO" canary start shop 2.0 >/dev/null || sd_fail "canary start"
kc rollout status deploy/shop-canary --timeout=30s >/dev/null || sd_fail "shop-canary did not become available"

AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
state() {
	kc get deploy -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.generation} {.spec.replicas} {.spec.paused} {.spec.template.spec.containers[0].image} {.metadata.annotations}{"\n"}{end}'
	kc get svc -o jsonpath='{range .items[*]}{.metadata.name} {.spec.selector}{"\n"}{end}'
	kc get pods -o name | sort
	reg_curl "$REG_URL/v2/app/tags/list"
	git -C "$REPO" rev-parse HEAD
	git -C "$REPO" status --porcelain
	ls "$XDG_STATE_HOME"/shipdeck/repos/*/builds
	cat "$AUDIT" 2>/dev/null
}
state >before.txt
sent_before=$(wc -l <cluster-requests.jsonl)

mapfile -t KEYS < <("$SHIPDECK" --help | sed -n '/^Keys in the console/,/^$/p' | sed '1d;$d' \
	| cut -c3-12 | tr ' ' '\n' | sed '/^$/d')
[ "${#KEYS[@]}" -gt 30 ] || sd_fail "keymap not found in --help"
tkey() {
	case $1 in
	PgDn) echo NPage ;; PgUp) echo PPage ;; S-Tab) echo BTab ;; Esc) echo Escape ;;
	C-f) echo C-f ;; C-b) echo C-b ;; *) echo "$1" ;;
	esac
}
sweep() {
	local k
	for k in "${KEYS[@]}"; do
		[ "$k" = q ] && continue
		sd_tmux send-keys "$(tkey "$k")"
		sleep 0.02
		sd_tmux send-keys Escape Escape
	done
}

sd_tmux_start 200 50 env KUBECACHEDIR="$KUBECACHEDIR" "$SHIPDECK" --read-only --kubeconfig "$KC" --repo "$REPO"
sd_tmux_wait 'READ-ONLY' 10 || sd_fail "no READ-ONLY badge"
sd_tmux_wait "${TAG[4]}" 20 || sd_fail "the images pane never listed the tags"
sd_tmux_wait 'pay-blue' 20 || sd_fail "the rollout pane never showed the deployments"

# each action that changes things, in its own pane, says it is disabled
for pk in "1 b run-pipeline" "1 t run-tests" "1 x cancel" "3 d deploy" "3 C canary-start" "3 E promote-image" \
	"4 r rollback" "4 Space pause-resume" "4 s scale" "4 R restart" "4 K kill-pod" \
	"5 p promote" "5 a abort" "5 A auto-analysis"; do
	set -- $pk
	sd_tmux send-keys "$1" "$2"
	sd_tmux_wait "read-only: $3 disabled" 3 || sd_fail "$2 in pane $1 did not say read-only: $3 disabled"
	sd_tmux send-keys Escape Escape
done

# every key, everywhere
sd_tmux send-keys 1 Home; sweep                         # builds
sd_tmux send-keys 1 Home Enter; sweep                   # build 1's steps
sd_tmux send-keys 1 Home Enter j 2; sweep               # its log
sd_tmux send-keys 3 Home; sweep                         # a tag
sd_tmux send-keys 3 End; sweep                          # another
for moves in "" "j" "j j j j j" "j j j j j j j j"; do   # deployment, replica set, pods
	sd_tmux send-keys 4 Home
	for m in $moves; do sd_tmux send-keys "$m"; done
	sweep
done
sd_tmux send-keys 4 Home j j j j j j j j Enter; sweep   # a pod's detail and log
sd_tmux send-keys 5 Home; sweep                         # canary: shop's canary under way
sd_tmux send-keys 5 Home Enter; sweep                   # its analysis
sd_tmux send-keys 5 End; sweep                          # pay, blue/green
for cmd in "ctx $CTX" "ctx nope" "ns elsewhere" "ns default" "theme mono" \
	"theme light" "undo 1" "audit"; do
	sd_tmux send-keys :
	sd_tmux send-keys -l "$cmd"
	sd_tmux send-keys Enter
	sleep 0.2
done
sd_tmux_wait 'read-only: rollback disabled' 5 || sd_fail ":undo did not say read-only"
sd_tmux send-keys 2; sweep                              # the audit log in the log pane
sd_tmux send-keys :
sd_tmux send-keys -l q
sd_tmux send-keys Enter
for ((i = 0; i < 50; i++)); do sd_tmux list-panes >/dev/null 2>&1 || break; sleep 0.1; done
sd_tmux list-panes >/dev/null 2>&1 && sd_fail ":q did not quit"
if ls "$SD_TMP"/asan.* >/dev/null 2>&1; then
	cat "$SD_TMP"/asan.*
	sd_fail "the sanitizers reported errors"
fi

# what the console sent (the canary was started before it)
tail -n +"$((sent_before + 1))" cluster-requests.jsonl >console-requests.jsonl
methods() { jq -r .method "$1" | sort | uniq -c | tr -s ' ' | tr '\n' ' '; }
echo "# cluster requests: $(methods console-requests.jsonl)"
echo "# registry and Prometheus requests: $(methods registry-requests.jsonl)"
sd_check "the cluster got only GETs" test -z "$(cluster_changes console-requests.jsonl)"
sd_check "the cluster's log holds the console's requests" \
	test "$(cluster_request_count console-requests.jsonl)" -gt 0
sd_check "the registry and Prometheus got only GETs and HEADs" \
	sh -c "jq -r .method registry-requests.jsonl | sort -u | grep -qvE '^(GET|HEAD)$' && exit 1 || test -s registry-requests.jsonl"
sd_check "no build started" test ! -e built-2
state >after.txt
sd_check "cluster, registry, repository, build history and audit log unchanged" diff before.txt after.txt
sd_done
