#!/bin/bash
# The rollout pane's rows point into the store, which a watch event may
# change between two frames (a store change waits up to STORE_FRAME_MS for
# its frame; a key does not). Keys that move, zoom and open things, pressed
# fast while the pods churn, must act on the store as it is now: the console
# keeps running, and a sanitizer build has nothing to say.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml"

tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 20 'rev 1  *web-'
keys 4   # the rollout pane

# the pods churn: scale up and down, a new image now and then
(
	for i in $(seq 1 40); do
		kc scale deploy/web --replicas=$((i % 5 + 1)) >/dev/null 2>&1
		[ $((i % 10)) = 0 ] && kc set image deploy/web web=example/web:1.$i >/dev/null 2>&1
		sleep 0.1
	done
) &
churn=$!
sd_track "$churn"
died() {
	cat "$WORK"/asan.* 2>/dev/null || true
	fail "the console died while keys met a churning store"
}
# and the operator moves through the rows meanwhile
while kill -0 "$churn" 2>/dev/null; do
	keys j j j k G g j Enter Escape 2>/dev/null || died
	kill -0 "$TUI_PID" 2>/dev/null || died
done
wait "$churn" 2>/dev/null || true
kill -0 "$TUI_PID" 2>/dev/null || died
wait_screen 20 'rev 5  *web-'
tmux_quit
echo "ok - keys while the pods churn act on the store as it is"
