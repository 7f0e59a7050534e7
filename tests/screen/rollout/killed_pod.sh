#!/bin/bash
# A killed pod's log leaves the log pane (issue 22): the cursor on a pod of
# web shows its log; kubectl deletes that pod; the cursor moves to another
# row and the log pane shows the pod under it (or nothing), never the gone
# pod's log. Another log (a build's) is left alone when a pod goes.
. "$(dirname "$0")/../../integration/rollout/lib.sh"
command -v tmux >/dev/null || skip "tmux is not installed"
kubectl_ok || skip "no kubectl >= 1.27"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml"
sd rollout status web --timeout 30s >/dev/null || fail "web did not roll out"

cd "$WORK"
tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 20 "rev 1"
# j until the cursor (›) is on a pod row of web
for _ in $(seq 12); do
	screen | grep -q '›  *web-[a-z0-9]*-[a-z0-9]\{5\} ' && break
	keys j
	sleep 0.2
done
pod=$(screen | grep -o '›  *web-[a-z0-9]*-[a-z0-9]\{5\}' | grep -o 'web-.*' | head -1)
[ -n "$pod" ] || { screen; fail "no pod under the cursor"; }
wait_screen 10 "log of pod default/$pod "
note "the cursor is on $pod, the log pane shows it"
kc delete pod "$pod" --wait=false >/dev/null
wait_until 30 sh -c "! tmux -L '$TMUX_SESSION' capture-pane -p | grep -q '$pod'" \
	|| { screen; fail "the killed pod $pod stayed on screen"; }
now=$(screen | grep -o '›  *web-[a-z0-9]*-[a-z0-9]\{5\}' | grep -o 'web-.*' | head -1)
if [ -n "$now" ]; then
	wait_screen 10 "log of pod default/$now "
	note "the cursor moved to $now, the log pane shows it"
else
	wait_screen 10 "no log selected"
	note "the cursor moved off the pods, the log pane shows none"
fi
tmux_quit
echo "PASS: killed_pod"
